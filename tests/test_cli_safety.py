"""The command line under careless use: outputs that never overwrite, arguments checked before
any work, Ctrl-C that keeps what was done, and progress that shows in a log."""

from __future__ import annotations

import io
import json
import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

import tingxie
from media import build_speech, require, write_wav
from tingxie import cli
from tingxie.commands.transcribe import ProgressBar
from tingxie.core.export import export
from tingxie.core.importers import import_transcript
from tingxie.core.transcript import Segment, Transcript

TINY = ["--device", "cpu", "--max-new-tokens", "4"]


def run(args, capsys):
    status = cli.main(args)
    out = capsys.readouterr()
    return status, out.out, out.err


@pytest.fixture
def two_recordings(tmp_path):
    """``a.wav`` and ``a.flac``: two recordings with one stem, side by side."""
    require("espeak-ng")
    samples, _ = build_speech([0.3, "Good morning.", 0.3])
    wav = write_wav(tmp_path / "a.wav", samples)
    flac = tmp_path / "a.flac"
    sf.write(flac, samples, 16000)
    return wav, flac


# -- item 6: outputs never overwrite -------------------------------------------------------


@pytest.mark.slow
def test_same_stem_inputs_get_their_own_outputs_and_a_hand_edit_survives(
        two_recordings, tiny_checkpoint, tmp_path, capsys):
    wav, flac = two_recordings
    edited = tmp_path / "a.json"
    edited.write_text('{"hand-corrected": true}', "utf-8")
    status, _out, err = run(["transcribe", str(wav), str(flac), "--model",
                             str(tiny_checkpoint), *TINY], capsys)
    assert status == 0, err
    assert edited.read_text("utf-8") == '{"hand-corrected": true}'
    first, second = tmp_path / "a (2).json", tmp_path / "a (3).json"
    assert json.loads(first.read_text("utf-8"))["source"] == str(wav)
    assert json.loads(second.read_text("utf-8"))["source"] == str(flac)
    assert f"-> {first}" in err and f"-> {second}" in err
    assert "a.json already exists; --overwrite replaces it" in err

    status, _out, err = run(["transcribe", str(wav), str(flac), "--model",
                             str(tiny_checkpoint), *TINY, "--overwrite"], capsys)
    assert status == 0, err
    # --overwrite replaces what was there, but two inputs still never share one file.
    assert json.loads(edited.read_text("utf-8"))["source"] == str(wav)
    assert json.loads(first.read_text("utf-8"))["source"] == str(flac)
    assert "a.json was written by an earlier file of this run" in err
    assert not (tmp_path / "a (4).json").exists()


def test_an_output_folder_that_cannot_be_written_fails_before_any_work(tmp_path):
    from tingxie.commands.transcribe import check_writable
    from tingxie.core.export import ExportFailed

    (tmp_path / "a file").write_text("not a folder")
    with pytest.raises(ExportFailed, match="cannot be written to") as caught:
        check_writable(tmp_path / "a file")
    assert "-o DIR" in str(caught.value)
    check_writable(tmp_path)  # a folder that can be written passes


def test_a_transcript_whose_folder_fails_at_the_end_goes_to_documents(
        two_recordings, tiny_checkpoint, tmp_path, capsys, monkeypatch):
    import tingxie.commands.transcribe as transcribe
    from tingxie.core.export import ExportFailed

    wav, _flac = two_recordings
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    real_write = transcribe._write

    def write(transcript, source, out, *args, **kwargs):  # the disk fills up meanwhile
        if out.parent == wav.parent:
            raise ExportFailed(out, "could not be saved: the disk is full.")
        return real_write(transcript, source, out, *args, **kwargs)

    monkeypatch.setattr(transcribe, "_write", write)
    status, _out, err = run(["transcribe", str(wav), "--model", str(tiny_checkpoint), *TINY],
                            capsys)
    assert status == 0, err
    moved = home / "Documents" / "Tingxie" / "a.json"
    assert json.loads(moved.read_text("utf-8"))["source"] == str(wav)
    assert "the disk is full" in err and f"Written to {moved} instead" in err
    assert f"-> {moved}" in err


def test_a_file_that_fails_midway_keeps_what_it_transcribed(tiny_checkpoint, tmp_path,
                                                             capsys, monkeypatch):
    import tingxie.jobs.run as jobs_run
    from tingxie.core.errors import TingxieError

    require("espeak-ng")
    samples, _ = build_speech([0.3, *[x for i in range(6) for x in
                                      (f"Sentence number {i} is here.", 0.6)]])
    long = write_wav(tmp_path / "long talk.wav", samples)
    real_run = jobs_run.run

    def failing_run(*args, **kwargs):  # the real pipeline, until the server goes away
        for update in real_run(*args, **kwargs):
            yield update
            if update.segments:
                raise TingxieError("The server stopped answering.")

    monkeypatch.setattr(jobs_run, "run", failing_run)
    status, _out, err = run(["transcribe", str(long), "--model", str(tiny_checkpoint),
                             "--device", "cpu", "--max-new-tokens", "8", "--batch-size", "1",
                             "--max-chunk", "2", "-f", "srt"], capsys)
    assert status == 1
    partial = tmp_path / "long talk.partial.srt"
    assert "The server stopped answering." in err
    assert f"The part transcribed before it failed is in {partial}" in err
    assert partial.read_text("utf-8").count("-->") >= 1
    assert not (tmp_path / "long talk.srt").exists() and "Traceback" not in err


@pytest.fixture
def transcript_json(tmp_path):
    path = tmp_path / "talk.json"
    export(Transcript(segments=[Segment(1, 0.0, 1.5, "Hello there.")], duration=2.0), path)
    return path


def test_export_refuses_to_replace_a_file_unless_told(transcript_json, tmp_path, capsys):
    mine = tmp_path / "talk.srt"
    mine.write_text("my own subtitles", "utf-8")
    for extra in ([], ["-o", str(mine)]):
        status, _out, err = run(["export", str(transcript_json), "-f", "srt", *extra], capsys)
        assert status == 2
        assert "already exists" in err and "--overwrite" in err
        assert mine.read_text("utf-8") == "my own subtitles"
    status, out, err = run(["export", str(transcript_json), "-f", "srt", "-o", "-"], capsys)
    assert status == 0 and "Hello there." in out
    status, _out, err = run(["export", str(transcript_json), "-f", "srt", "--overwrite"],
                            capsys)
    assert status == 0, err
    assert "Hello there." in mine.read_text("utf-8")


def test_export_into_a_folder_and_a_name_that_contradicts_the_format(transcript_json,
                                                                     tmp_path, capsys):
    folder = tmp_path / "subs"
    folder.mkdir()
    status, _out, err = run(["export", str(transcript_json), "-f", "srt", "-o", str(folder)],
                            capsys)
    assert status == 0, err
    assert "Hello there." in (folder / "talk.srt").read_text("utf-8"), "DIR/NAME.FMT, as cp"
    status, _out, err = run(["export", str(transcript_json), "-o", str(folder)], capsys)
    assert status == 2 and "is a folder" in err and "--format" in err
    # SRT text in a file called .docx: Word could not open it.
    status, _out, err = run(["export", str(transcript_json), "-f", "srt", "-o",
                             str(tmp_path / "story.docx")], capsys)
    assert status == 2 and "names a DOCX file but --format is srt" in err
    assert not (tmp_path / "story.docx").exists()


def test_export_reports_the_subtitles_it_wrote(tmp_path, capsys):
    # A segment of control characters only is written as nothing: the summary counts the
    # subtitles in the file (2), not those of the text before cleaning (3).
    source = tmp_path / "cc.json"
    export(Transcript(duration=10.0, segments=[
        Segment(1, 0.0, 2.0, "Hello there."), Segment(2, 3.0, 5.0, "\x02\x03"),
        Segment(3, 6.0, 8.0, "Bye.")]), source)
    status, out, err = run(["export", str(source), "-f", "srt", "-o", "-"], capsys)
    assert status == 0, err
    assert out.count("-->") == 2
    assert "2 subtitles" in err, err


def _export_process(args, tmp_path, **env):
    """``tingxie export ARGS`` in a real process, its standard output a pipe."""
    env = dict(os.environ, PYTHONPATH=str(Path(tingxie.__file__).parents[1]), **env)
    return subprocess.Popen([sys.executable, "-m", "tingxie", "export", *args], cwd=tmp_path,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_export_to_standard_output_writes_utf8_whatever_the_console_encoding(tmp_path,
                                                                              capsys):
    source = tmp_path / "访谈.json"
    export(Transcript(segments=[Segment(1, 0.0, 1.5, "你好，张伟。", language="Chinese"),
                                Segment(2, 1.6, 3.0, "Café, s'il vous plaît.")],
                      duration=3.0), source)
    status, _out, err = run(["export", str(source), "-f", "srt", "-o",
                             str(tmp_path / "file.srt")], capsys)
    assert status == 0, err
    expected = (tmp_path / "file.srt").read_bytes()
    assert "你好，张伟。".encode() in expected
    # cp1252 cannot hold Chinese at all; cp936 can, but its bytes are not UTF-8.
    for encoding in ("cp1252", "cp936"):
        proc = _export_process([str(source), "-f", "srt", "-o", "-"], tmp_path,
                               PYTHONIOENCODING=encoding)
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode("utf-8", "replace")
        assert out == expected
        assert b"Traceback" not in err and b"codec" not in err


def test_export_to_a_pipe_closed_early_stops_quietly(tmp_path):
    source = tmp_path / "long.json"
    export(Transcript(segments=[Segment(i, i * 2.0, i * 2.0 + 1.5, f"Line number {i} of many.")
                                for i in range(1, 6001)], duration=12_004.0), source)
    proc = _export_process([str(source), "-f", "srt", "-o", "-"], tmp_path)
    assert proc.stdout is not None and proc.stderr is not None
    # Like `| head -c 100`: more than a pipe holds is left unread when the reader goes.
    assert proc.stdout.read(100).startswith(b"1\n")
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 141
    assert err == b"", err.decode("utf-8", "replace")


# -- item 11: arguments checked before any work --------------------------------------------


@pytest.mark.parametrize("bad, named", [
    (["--max-chunk", "0"], "--max-chunk"), (["--max-chunk", "-5"], "--max-chunk"),
    (["--max-chunk", "nan"], "--max-chunk"), (["--max-chunk", "inf"], "--max-chunk"),
    (["--max-chunk", "1201"], "--max-chunk"), (["--batch-size", "0"], "--batch-size"),
    (["--batch-size", "-2"], "--batch-size"), (["--temperature", "-1"], "--temperature"),
    (["--temperature", "nan"], "--temperature"), (["--max-new-tokens", "0"], "--max-new-tokens"),
    (["--max-new-tokens", "-1"], "--max-new-tokens"), (["--preset", "nope"], "--preset"),
    (["--context-file", "MISSING"], "--context-file"),
    (["--context-file", "LATIN1"], "--context-file"),
    (["--language", ""], "--language"), (["--language", " "], "--language"),
    (["--language", "klingon"], "--language"),
])
def test_a_bad_argument_is_one_line_before_the_model_loads(bad, named, tmp_path, capsys,
                                                           monkeypatch):
    (tmp_path / "latin1.txt").write_bytes("Größe, Müller".encode("latin-1"))
    args = [{"MISSING": str(tmp_path / "nope.txt"),
             "LATIN1": str(tmp_path / "latin1.txt")}.get(a, a) for a in bad]
    # The model is not there: reaching it would say so instead of naming the argument.
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-cache"))
    with pytest.raises(SystemExit) as exit_:
        cli.main(["transcribe", str(tmp_path / "a.wav"), "--model", "qwen3-asr-0.6b", *args])
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert err.count("\n") == 1 and f"error: argument {named}:" in err
    assert "Loading" not in err and "Traceback" not in err
    if "LATIN1" in bad:
        assert "latin1.txt is not UTF-8 text" in err
    if "MISSING" in bad:
        assert "nope.txt does not exist" in err
    if bad[:1] == ["--language"] and not bad[1].strip():
        assert "needs a language" in err, "an empty --language is never a silent auto"


def test_a_broken_chat_template_fails_the_files_with_one_message(two_recordings,
                                                                 tiny_checkpoint, tmp_path,
                                                                 capsys):
    broken = tmp_path / "broken-model"
    shutil.copytree(tiny_checkpoint, broken)
    (broken / "chat_template.jinja").write_text("{% for x in %}broken", "utf-8")
    wav, flac = two_recordings
    status, _out, err = run(["transcribe", str(wav), str(flac), "--model", str(broken), *TINY],
                            capsys)
    assert status != 0
    assert "Traceback" not in err and err.count("chat template") == 1
    assert "broken-model" in err and "No file was transcribed (2 given)" in err
    assert not list(tmp_path.glob("*.json"))


# -- Ctrl-C (items 11 and 13), in a real process ---------------------------------------------


def _start(args, tmp_path):
    env = dict(os.environ, PYTHONPATH=str(Path(tingxie.__file__).parents[1]))
    return subprocess.Popen([sys.executable, "-m", "tingxie", *args], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(predicate, proc, deadline_s=120.0):
    deadline = time.monotonic() + deadline_s
    while not predicate():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the condition never came (exit {proc.poll()}): "
                        f"{proc.communicate()[1][-2000:]}")
        time.sleep(0.01)


@pytest.mark.slow
def test_ctrl_c_while_torch_imports_says_cancelled(two_recordings, tiny_checkpoint, tmp_path):
    wav, _flac = two_recordings
    proc = _start(["transcribe", str(wav), "--model", str(tiny_checkpoint), *TINY], tmp_path)
    maps = Path(f"/proc/{proc.pid}/maps")
    # libtorch is mapped as soon as `import torch` starts; the import takes seconds more.
    _wait_for(lambda: "torch" in maps.read_text(), proc)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "cancelled" in err and "Traceback" not in err


@pytest.mark.slow
@pytest.mark.parametrize("stop, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)],
                         ids=["ctrl-c", "sigterm"])
def test_ctrl_c_while_transcribing_keeps_the_partial_transcript(two_recordings,
                                                                tiny_checkpoint, tmp_path,
                                                                stop, status):
    # Ctrl-C, and SIGTERM as `timeout`, `kill` or systemd send it: both keep the part done.
    _wav, flac = two_recordings
    samples, _ = build_speech([0.3, *[x for i in range(12) for x in
                                      (f"Sentence number {i} is here.", 0.6)]])
    long = write_wav(tmp_path / "long talk.wav", samples)
    # One chunk per batch (22 of them), so the stop lands mid-file.
    proc = _start(["transcribe", str(long), str(flac), "--model", str(tiny_checkpoint),
                   "--device", "cpu", "--max-new-tokens", "8", "--batch-size", "1",
                   "--max-chunk", "2", "--progress-interval", "0", "-f", "srt"], tmp_path)
    lines: list[str] = []
    selector = selectors.DefaultSelector()
    selector.register(proc.stderr, selectors.EVENT_READ)

    def one_batch_done() -> bool:
        if selector.select(timeout=0.05):
            line = proc.stderr.readline()
            lines.append(line)
        # Progress also moves inside a batch, and the first chunks may hold no text: wait
        # until about five of the 22 chunks are done.
        done = [int(m.group(1)) for x in lines for m in [re.search(r"transcribing (\d+)%", x)]
                if m]
        return bool(done) and max(done) >= 25

    _wait_for(one_batch_done, proc)
    proc.send_signal(stop)
    _out, rest = proc.communicate(timeout=120)
    err = "".join(lines) + rest
    assert proc.returncode == status, err
    partial = tmp_path / "long talk.partial.srt"
    assert f"the part transcribed so far is in {partial}" in err
    assert "1 more file not started" in err and "Traceback" not in err
    cues = partial.read_text("utf-8").count("-->")
    assert cues >= 1
    assert not (tmp_path / "long talk.srt").exists() and not (tmp_path / "a.srt").exists()
    assert "a.flac" not in err
    # Less than the whole: the stop came before the last chunk.
    last_end = max(s.end for s in import_transcript(partial).segments)
    assert last_end < len(samples) / 16000 - 1.0


# -- item 14: progress in a log ----------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_in_a_log_is_a_line_every_few_seconds_and_at_each_stage():
    stream, clock = io.StringIO(), FakeClock()
    bar = ProgressBar("talk.wav", stream, interval=5.0, clock=clock)
    bar.show("decode", 0.0, None)
    clock.now += 1
    bar.show("decode", 0.5, None)  # same stage, 1 s later: quiet
    bar.show("speech", 0.0, None)  # a new stage: at once
    clock.now += 2
    bar.show("transcribe", 0.0, None, 150.0)
    for _ in range(3):
        clock.now += 2
        bar.show("transcribe", 0.1, 90.0, 150.0)  # 2 s and 4 s: quiet; 6 s: a line
    clock.now += 30
    bar.show("transcribe", 62 / 150, 40.0, 150.0)
    assert stream.getvalue().splitlines() == [
        "talk.wav: decoding 0%",
        "talk.wav: finding speech 0%",
        "talk.wav: transcribing 0% (0:00 of 2:30 audio)",
        "talk.wav: transcribing 10% (0:15 of 2:30 audio) ETA 1:30",
        "talk.wav: transcribing 41% (1:02 of 2:30 audio) ETA 0:40",
    ]


def test_progress_names_every_stage_in_words():
    from tingxie.asr.pipeline import Stage

    stream = io.StringIO()
    bar = ProgressBar("talk.wav", stream, interval=0.0)
    for stage in Stage:
        bar.show(stage, 1.0, None)
    text = stream.getvalue()
    assert "Stage." not in text, text
    assert "talk.wav: loading the model 100%" in text and "aligning words" in text


@pytest.mark.slow
def test_a_log_reader_that_goes_away_does_not_stop_the_batch(two_recordings, tiny_checkpoint,
                                                             tmp_path):
    # `tingxie transcribe ... 2>&1 | head -3`: the progress has nowhere to go once head has
    # its lines, yet every file is transcribed and written (before: a traceback, nothing).
    wav, flac = two_recordings
    proc = _start(["transcribe", str(wav), str(flac), "--model", str(tiny_checkpoint), *TINY,
                   "--progress-interval", "0", "-o", str(tmp_path / "out")], tmp_path)
    assert proc.stderr is not None
    proc.stderr.readline()
    proc.stderr.close()
    assert proc.wait(timeout=300) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a (2).json", "a.json"]
    # Standard output is one line per file written: its path, for scripts.
    assert proc.stdout is not None
    assert proc.stdout.read().splitlines() == [str(tmp_path / "out" / "a.json"),
                                               str(tmp_path / "out" / "a (2).json")]


def test_a_listing_into_a_closed_pipe_stops_quietly(tmp_path):
    # `tingxie models list | true`: nothing reads the list; no traceback, SIGPIPE's status.
    read_end, write_end = os.pipe()
    os.close(read_end)
    env = dict(os.environ, PYTHONPATH=str(Path(tingxie.__file__).parents[1]))
    proc = subprocess.run([sys.executable, "-m", "tingxie", "models", "list"], cwd=tmp_path,
                          env=env, stdout=write_end, stderr=subprocess.PIPE, timeout=120)
    os.close(write_end)
    assert proc.returncode == 141, proc.stderr.decode("utf-8", "replace")
    assert proc.stderr == b""


def test_progress_on_a_terminal_is_still_the_bar():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    bar = ProgressBar("talk.wav", stream)
    bar.show("transcribe", 0.5, 40.0, 150.0)
    assert stream.getvalue() == ("\rtalk.wav: transcribing [###############...............]"
                                 "  50% ETA 0:00:40\033[K")


@pytest.mark.parametrize("output, says", [
    ("a-file", "is a file, not a folder"), ("-", "export it: tingxie export"),
], ids=["a file", "dash"])
def test_an_output_that_is_no_folder_is_refused_before_the_model_loads(
        tmp_path, capsys, output, says):
    (tmp_path / "a-file").write_text("notes", "utf-8")
    wav = write_wav(tmp_path / "a.wav", np.zeros(16000, np.float32))
    status, _out, err = run(["transcribe", str(wav), "-o", str(tmp_path / output)
                             if output != "-" else "-", "--model", "qwen3-asr-0.6b"], capsys)
    assert status == 2 and says in err and "--output" in err
    assert "Loading" not in err
    assert not (tmp_path.parent / "-").exists() and not Path("-").exists()


def test_an_aligner_that_is_not_there_is_refused_before_the_model_loads(tmp_path, capsys):
    wav = write_wav(tmp_path / "a.wav", np.zeros(16000, np.float32))
    status, _out, err = run(["transcribe", str(wav), "--aligner", str(tmp_path / "nowhere"),
                             "--model", "qwen3-asr-0.6b"], capsys)
    assert status == 2 and "argument --aligner" in err and "Loading" not in err


def test_missing_inputs_fail_before_the_model_loads(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-cache"))
    status, _out, err = run(["transcribe", str(tmp_path / "gone.wav"), str(tmp_path / "x.mp3"),
                             "--model", "qwen3-asr-0.6b"], capsys)
    assert status == 1
    assert "gone.wav: failed:" in err and "x.mp3: failed:" in err and "does not exist" in err
    assert "2 of 2 files failed" in err
    assert "Loading" not in err and "tingxie models download" not in err


# -- what a hunt for careless use found --------------------------------------------------------


def test_overwrite_never_replaces_the_recording_with_its_own_transcript(tmp_path, capsys):
    from fake_asr_server import FakeASRServer

    require("espeak-ng")
    samples, _ = build_speech([0.3, "Good morning.", 0.3])
    recording = write_wav(tmp_path / "talk.wav", samples)
    named_like_its_output = tmp_path / "talk.json"
    shutil.copy(recording, named_like_its_output)  # a recording with a .json name
    audio = named_like_its_output.read_bytes()
    with FakeASRServer(lambda call: "language English<asr_text>Good morning.") as srv:
        status, out, err = run(["transcribe", str(named_like_its_output), "--server", srv.url,
                                "--overwrite", "--device", "cpu"], capsys)
    assert status == 0, err
    assert named_like_its_output.read_bytes() == audio, "the recording is intact"
    assert "talk (2).json" in out and "is a file this run transcribes" in err
    assert "--device is ignored" in err, "a local-model option says it does not apply"


def test_export_never_replaces_a_device_or_a_pipe_and_a_folder_name_needs_the_folder(
        transcript_json, tmp_path, capsys):
    fifo = tmp_path / "subs.srt"
    os.mkfifo(fifo)
    status, _out, err = run(["export", str(transcript_json), "-o", str(fifo), "--overwrite"],
                            capsys)
    assert status == 2 and "not a regular file" in err and "-o -" in err
    assert fifo.is_fifo()
    status, _out, err = run(["export", str(transcript_json), "-f", "srt", "-o",
                             str(tmp_path / "newdir") + "/"], capsys)
    assert status == 2 and "names a folder, and there is none" in err
    assert not (tmp_path / "newdir").exists()


@pytest.mark.parametrize("output, says", [
    ("ro/sub", "Tingxie may not write in the folder above it"),
    ("dangling/sub", "a part of the path is a file"),
], ids=["read-only parent", "a file on the way"])
def test_an_output_folder_that_cannot_be_made_says_why(tmp_path, capsys, output, says):
    if os.geteuid() == 0 and output.startswith("ro"):
        pytest.skip("root writes in read-only folders")
    (tmp_path / "ro").mkdir(mode=0o555)
    (tmp_path / "dangling").write_text("a file", "utf-8")
    wav = write_wav(tmp_path / "a.wav", np.zeros(16000, np.float32))
    status, _out, err = run(["transcribe", str(wav), "-o", str(tmp_path / output),
                             "--server", "http://127.0.0.1:9"], capsys)
    assert status == 2 and says in err and "Choose another folder with -o DIR" in err
    assert "Errno" not in err


@pytest.mark.parametrize("bad, named", [
    (["--lr", "-1"], "--lr"), (["--lr", "nan"], "--lr"), (["--rank", "0"], "--rank"),
    (["--epochs", "0"], "--epochs"), (["--max-steps", "-5"], "--max-steps"),
    (["--temperature", "-1"], "--temperature"), (["--self-kl-weight", "-1"],
                                                  "--self-kl-weight"),
    (["--distill-weight", "-0.5"], "--distill-weight"),
])
def test_adapt_checks_its_numbers_before_any_work(bad, named, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["adapt", str(tmp_path / "p.tingxie"), "-o", str(tmp_path / "ad"), *bad])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and f"error: argument {named}:" in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_a_mistyped_command_or_no_display_is_a_message_not_a_crash(tmp_path, capsys,
                                                                    monkeypatch):
    status, _out, err = run(["transcirbe", "a.wav"], capsys)
    assert status == 2 and "unknown command 'transcirbe'; did you mean 'transcribe'?" in err
    monkeypatch.setattr(cli, "_open_window", lambda files, quit_when_loaded=False: 0)
    assert run(["x" * 300], capsys)[0] == 0, "a name too long for a file still opens the window"
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    status, _out, err = run([str(tmp_path / "a.wav")], capsys)
    assert status == 2 and "there is no display" in err and "tingxie transcribe FILE" in err


def test_a_recording_with_no_speech_says_so(tiny_checkpoint, tmp_path, capsys):
    quiet = write_wav(tmp_path / "room tone.wav", np.zeros(16000 * 4, dtype=np.float32))
    status, out, err = run(["transcribe", str(quiet), "-f", "txt", "--model",
                            str(tiny_checkpoint), *TINY], capsys)
    assert status == 0, err
    assert out.strip() == str(tmp_path / "room tone.txt")
    assert "room tone.wav: no speech was found, so room tone.txt has no lines" in err


# -- a second hunt: closed streams, secrets, folders -------------------------------------------


def _closed_run(args, tmp_path, closing):
    """``tingxie ARGS`` in a real process started with ``closing`` (``2>&-``, ``>&-``): a
    stream closed from the start, as cron and some service managers leave it."""
    env = dict(os.environ, PYTHONPATH=str(Path(tingxie.__file__).parents[1]))
    return subprocess.run(["sh", "-c", f'exec "$0" "$@" {closing}', sys.executable, "-m",
                           "tingxie", *args], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.mark.slow
def test_a_standard_stream_closed_from_the_start_does_not_stop_the_work(
        tiny_checkpoint, transcript_json, tmp_path):
    wav = write_wav(tmp_path / "a.wav", np.zeros(16000, np.float32))
    quiet = _closed_run(["transcribe", str(wav), "--model", str(tiny_checkpoint), *TINY,
                         "--no-align", "-o", "quiet"], tmp_path, "2>&-")
    assert quiet.returncode == 0, quiet.stdout
    assert quiet.stdout.splitlines() == [str(Path("quiet") / "a.json")]
    assert json.loads((tmp_path / "quiet" / "a.json").read_text("utf-8"))["source"] == str(wav)

    unread = _closed_run(["transcribe", str(wav), "--model", str(tiny_checkpoint), *TINY,
                          "--no-align", "-o", "unread"], tmp_path, ">&-")
    assert unread.returncode == 0, unread.stderr
    assert (tmp_path / "unread" / "a.json").is_file()
    assert "Traceback" not in unread.stderr

    exported = _closed_run(["export", str(transcript_json), "-f", "txt"], tmp_path, "2>&-")
    assert exported.returncode == 0
    assert "Hello there." in (tmp_path / "talk.txt").read_text("utf-8")


def test_export_with_standard_error_closed_writes_its_file_and_succeeds(
        transcript_json, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "stderr", None)  # what Python makes of a closed descriptor 2
    assert cli.main(["export", str(transcript_json), "-f", "srt"]) == 0
    assert "Hello there." in (tmp_path / "talk.srt").read_text("utf-8")


def test_a_password_in_the_server_address_is_never_printed(tmp_path, capsys):
    wav = write_wav(tmp_path / "a.wav", np.zeros(16000, np.float32))
    status, out, err = run(["transcribe", str(wav), "--server",
                            "http://alice:s3cret@127.0.0.1:9"], capsys)
    assert status == 2
    assert "Loading server @ http://127.0.0.1:9 ..." in err
    assert "s3cret" not in err + out and "alice" not in err + out


def test_a_folder_or_a_pipe_given_as_a_file_is_refused_before_the_model_loads(
        tiny_checkpoint, tmp_path, capsys):
    folder = tmp_path / "recordings"
    folder.mkdir()
    fifo = tmp_path / "live.wav"
    os.mkfifo(fifo)
    status, _out, err = run(["transcribe", str(folder), str(fifo), "--model",
                             str(tiny_checkpoint), *TINY], capsys)
    assert status == 1
    assert (f"recordings: failed: {folder} is a folder, not an audio or video file. Choose "
            "a file inside it.") in err
    assert f"live.wav: failed: {fifo} is not a regular file but a pipe (FIFO)" in err
    assert "2 of 2 files failed" in err
    assert "Loading" not in err, "refused before minutes of loading the model"


# -- a second hunt: long names, odd consoles, stops while writing, repeats ---------------------


def _sentences(path: Path, count: int = 1) -> Path:
    """A recording of ``count`` short sentences (with ``--max-chunk 2``, one chunk each)."""
    require("espeak-ng")
    samples, _ = build_speech([0.3, *[x for i in range(count) for x in
                                      (f"Sentence number {i} is here.", 0.6)]])
    return write_wav(path, samples)


#: One short chunk per batch: a stop lands between two of them.
CHUNKED = ["--batch-size", "1", "--max-chunk", "2", "-f", "srt"]


def _ctrl_c_after_the_first_text(monkeypatch) -> None:
    """Press Ctrl-C (a real SIGINT to this process) once the first text is transcribed."""
    import tingxie.jobs.run as jobs_run

    real_run = jobs_run.run

    def run_then_ctrl_c(*args, **kwargs):
        pressed = False
        for update in real_run(*args, **kwargs):
            yield update
            if update.segments and not pressed:
                pressed = True
                os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(jobs_run, "run", run_then_ctrl_c)


def test_a_recording_with_a_long_chinese_name_keeps_every_transcript(
        tiny_checkpoint, tmp_path, capsys, monkeypatch):
    # 83 Chinese characters: NAME.wav is 253 bytes, a legal name; NAME (2).srt (257 bytes)
    # and NAME.partial.srt (258) are not, and the transcript was thrown away.
    stem = "采访" * 41 + "谈"
    wav = _sentences(tmp_path / f"{stem}.wav", 4)
    args = ["transcribe", str(wav), "--model", str(tiny_checkpoint), *TINY, *CHUNKED]
    status, out, err = run(args, capsys)
    assert status == 0, err
    assert out.splitlines() == [str(tmp_path / f"{stem}.srt")]

    status, out, err = run(args, capsys)  # again: NAME.srt is taken
    assert status == 0, err
    second = Path(out.strip())
    assert second.parent == tmp_path and second.name.endswith(" (2).srt")
    assert second.name.startswith(stem[:-3]) and len(os.fsencode(second.name)) <= 255
    assert second.read_text("utf-8").count("-->") >= 1

    _ctrl_c_after_the_first_text(monkeypatch)
    status, out, err = run(args, capsys)
    assert status == 130, err
    partial = Path(out.strip())
    assert partial.parent == tmp_path and partial.name.endswith(".partial.srt")
    assert partial.name.startswith(stem[:-3]) and len(os.fsencode(partial.name)) <= 255
    assert f"the part transcribed so far is in {partial}" in err
    assert partial.read_text("utf-8").count("-->") >= 1


def test_a_name_standard_output_cannot_encode_is_listed_and_the_batch_goes_on(
        tiny_checkpoint, tmp_path, capsys, monkeypatch):
    # Windows: standard output redirected to a file is cp1252, which has no Chinese.
    chinese = _sentences(tmp_path / "访谈 é.wav", 4)
    plain = _sentences(tmp_path / "plain.wav")
    listing = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(listing, encoding="cp1252"))
    out = tmp_path / "out"
    args = ["transcribe", str(chinese), str(plain), "--model", str(tiny_checkpoint), *TINY,
            *CHUNKED, "-o", str(out)]
    status = cli.main(args)
    err = capsys.readouterr().err
    assert status == 0, err
    assert "failed" not in err
    sys.stdout.flush()
    # The paths as their bytes on disk: a script reading the list finds the files.
    assert listing.getvalue().splitlines() == [os.fsencode(out / "访谈 é.srt"),
                                               os.fsencode(out / "plain.srt")]

    # Ctrl-C still stops the batch: the partial transcript is listed, the next file waits.
    listing.seek(0)
    listing.truncate()
    _ctrl_c_after_the_first_text(monkeypatch)
    status = cli.main(args)
    err = capsys.readouterr().err
    assert status == 130, err
    sys.stdout.flush()
    partial = out / "访谈 é.partial.srt"
    assert listing.getvalue().splitlines() == [os.fsencode(partial)]
    assert f"the part transcribed so far is in {partial}" in err
    assert "1 more file not started" in err and "failed" not in err
    assert not (out / "plain (2).srt").exists()


def test_a_stop_while_the_transcript_is_written_keeps_it_whole_and_stops_the_batch(
        tiny_checkpoint, tmp_path, capsys, monkeypatch):
    import tingxie.core.export as exports

    first = _sentences(tmp_path / "first.wav", 3)
    second = _sentences(tmp_path / "second.wav")
    real_export = exports.export

    def slow_disk(*args, **kwargs):  # Ctrl-C lands while the finished transcript is written
        os.kill(os.getpid(), signal.SIGINT)
        return real_export(*args, **kwargs)

    monkeypatch.setattr(exports, "export", slow_disk)
    status, out, err = run(["transcribe", str(first), str(second), "--model",
                            str(tiny_checkpoint), *TINY, *CHUNKED], capsys)
    assert status == 130, err
    srt = tmp_path / "first.srt"
    assert out.splitlines() == [str(srt)]
    segments = int(re.search(r"first\.wav: (\d+) segments in", err).group(1))
    assert segments >= 1 and srt.read_text("utf-8").count("-->") == segments
    assert "1 more file not started" in err and "Traceback" not in err
    assert not (tmp_path / "second.srt").exists()
    assert not list(tmp_path.glob("*.partial.*"))


def test_on_a_terminal_each_path_written_is_a_line_of_its_own(tiny_checkpoint, tmp_path,
                                                              monkeypatch):
    class Terminal(io.StringIO):  # standard output and error, both on one terminal
        def isatty(self) -> bool:
            return True

    wav = _sentences(tmp_path / "talk.wav")
    screen = Terminal()
    monkeypatch.setattr(sys, "stdout", screen)
    monkeypatch.setattr(sys, "stderr", screen)
    status = cli.main(["transcribe", str(wav), "--model", str(tiny_checkpoint), *TINY])
    assert status == 0
    # What the terminal shows: each line as its last carriage return left it.
    shown = [line.rsplit("\r", 1)[-1].replace("\033[K", "")
             for line in screen.getvalue().split("\n")]
    assert str(tmp_path / "talk.json") in shown, shown


def test_a_batch_names_the_files_that_failed_and_transcribes_a_repeat_once(
        tiny_checkpoint, tmp_path, capsys):
    folder = tmp_path / "in" / "a"
    folder.mkdir(parents=True)
    wav = _sentences(folder / "interview.wav")
    corrupt = tmp_path / "in" / "corrupt.wav"
    corrupt.write_bytes(b"ID3" + b"\x00" * 20 + b"not really a recording")
    missing = tmp_path / "in" / "gone.wav"
    again = f"{folder}/../a/interview.wav"  # an overlapping glob, a path written otherwise
    out = tmp_path / "out"
    status, listed, err = run(["transcribe", str(wav), str(corrupt), again, str(missing),
                               "--model", str(tiny_checkpoint), *TINY, "-o", str(out)],
                              capsys)
    assert status == 1
    assert f"{again}: the same file as {wav}; transcribed once." in err
    assert listed.splitlines() == [str(out / "interview.json")]
    assert sorted(p.name for p in out.iterdir()) == ["interview.json"]
    # Named as given, each on its line, to be found and given again.
    assert err.endswith(f"2 of 3 files failed:\n  {corrupt}\n  {missing}\n"), err
