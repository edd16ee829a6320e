"""The command line end to end: what a user sees in the terminal and finds on disk."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from media import spoken_wav
from tingxie import cli
from tingxie.core.importers import import_transcript


@pytest.fixture
def speech(tmp_path):
    return spoken_wav(tmp_path / "morning show 早间.wav",
                      [0.5, "Good morning and welcome.", 0.7,
                       "Today we talk about the harbour.", 0.5])


def run(args, capsys):
    status = cli.main(args)
    out = capsys.readouterr()
    return status, out.out, out.err


def test_transcribe_writes_the_transcript_json(speech, tiny_checkpoint, tmp_path, capsys):
    status, _out, err = run(["transcribe", str(speech), "--model", str(tiny_checkpoint),
                             "--device", "cpu", "--language", "en", "--context", "harbour",
                             "--max-new-tokens", "8", "-o", str(tmp_path / "out")], capsys)
    assert status == 0, err
    out = tmp_path / "out" / "morning show 早间.json"
    doc = json.loads(out.read_text("utf-8"))
    assert doc["format"] == "tingxie-transcript" and doc["options"]["context"] == "harbour"
    transcript = import_transcript(out)
    assert transcript.segments and transcript.duration == pytest.approx(4.3, abs=1.0)
    assert all(s.language == "English" for s in transcript.segments)
    assert "segments in" in err and "morning show 早间.wav" in err


def test_a_bad_file_fails_clearly_while_the_good_one_finishes(speech, tiny_checkpoint,
                                                              tmp_path, capsys):
    bad = tmp_path / "broken.mp3"
    bad.write_bytes(b"ID3" + b"\x00" * 20 + b"not really an mp3")
    status, _out, err = run(["transcribe", str(bad), str(speech), "--model",
                             str(tiny_checkpoint), "--device", "cpu", "--max-new-tokens", "8",
                             "--format", "srt"], capsys)
    assert status == 1
    assert "broken.mp3: failed:" in err and "Traceback" not in err
    assert "1 of 2 files failed" in err
    srt = speech.with_suffix(".srt")
    assert srt.exists() and "-->" in srt.read_text("utf-8")


def test_a_missing_model_says_how_to_get_it(speech, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-cache"))
    status, _out, err = run(["transcribe", str(speech), "--model", "qwen3-asr-1.7b"], capsys)
    assert status == 2
    assert "tingxie models download qwen3-asr-1.7b" in err


def test_python_dash_m_and_version():
    out = subprocess.run([sys.executable, "-m", "tingxie", "--version"], capture_output=True,
                         text=True, check=True)
    assert out.stdout.startswith("tingxie ")


@pytest.mark.slow
def test_without_an_aligner_the_reason_is_printed_once_for_the_whole_run(
        speech, tiny_checkpoint, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-cache"))
    monkeypatch.setenv("MODELSCOPE_CACHE", str(tmp_path / "empty-modelscope"))
    second = tmp_path / "second.wav"
    second.write_bytes(speech.read_bytes())
    status, _out, err = run(["transcribe", str(speech), str(second), "--model",
                             str(tiny_checkpoint), "--device", "cpu", "--language", "en",
                             "--max-new-tokens", "8", "-o", str(tmp_path / "out")], capsys)
    assert status == 0, err
    assert err.count("Word times are estimated: no aligner is installed") == 1, err
    assert "tingxie models download qwen3-forcedaligner-0.6b" in err


def test_a_docx_of_a_subtitle_file_is_titled_by_its_name(tmp_path, capsys):
    import docx

    srt = tmp_path / "harbour interview.srt"
    srt.write_text("1\n00:00:01,000 --> 00:00:03,000\nGood morning.\n", "utf-8")
    out = tmp_path / "x.docx"
    status, _out, err = run(["export", str(srt), "-o", str(out)], capsys)
    assert status == 0, err
    doc = docx.Document(str(out))
    texts = [p.text for p in doc.paragraphs]
    assert doc.core_properties.title == "harbour interview"  # as --title says, not "Transcript"
    assert texts[0] == "harbour interview" and "Source: harbour interview.srt" in texts
