"""The job model: one JobSpec for the window, the batch queue and the command line."""

from __future__ import annotations

import argparse
import json
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from tingxie.asr.engine import TranscribeOptions
from tingxie.asr.pipeline import Stage
from tingxie.asr.qwen3 import Qwen3ASREngine
from tingxie.core import project as projects
from tingxie.jobs.registry import EngineCache
from tingxie.jobs.run import run, run_to_transcript
from tingxie.jobs.spec import (
    AUTO,
    DEFAULT_MAX_CHUNK,
    DEFAULT_MODEL,
    Chunking,
    EngineKind,
    EngineSpec,
    JobError,
    JobSpec,
)

DATA = Path(__file__).parent / "data"


def busy_spec() -> JobSpec:
    return JobSpec(
        engine=EngineSpec(model="/models/Qwen3-ASR-1.7B", models_dir="/srv/models",
                          device="cuda", int8=True),
        options=TranscribeOptions(language="yue", context="張偉, 新能源", temperature=0.3,
                                  max_new_tokens=64),
        chunking=Chunking(max_chunk=45.0, batch_size=4),
        aligner="/models/aligner",
    )


def test_defaults_are_defined_once():
    spec = JobSpec()
    assert spec.engine.model == DEFAULT_MODEL == "qwen3-asr-0.6b"
    assert spec.chunking.max_chunk == DEFAULT_MAX_CHUNK == 30.0
    assert spec.options.language is None and spec.language_choice == AUTO
    assert spec.stages == (Stage.SPEECH, Stage.TRANSCRIBE, Stage.ALIGN)
    assert spec.aligner == "auto" and spec.aligns
    with pytest.raises(Exception):  # noqa: B017 - frozen: a job cannot change under a worker
        spec.engine.model = "other"  # type: ignore[misc]


def test_settings_round_trip():
    spec = busy_spec()
    values = spec.to_settings()
    json.loads(json.dumps(values))  # plain values, as QSettings stores them
    back = JobSpec.from_settings(values, context=spec.options.context)
    assert back == spec
    assert JobSpec.from_settings({}) == JobSpec()


def test_project_options_round_trip():
    spec = busy_spec()
    saved = json.loads(json.dumps(spec.to_project_options()))
    assert saved["language"] == "yue"
    back = JobSpec.from_project_options(saved)
    # The models folder is where this computer keeps models: not part of a project.
    assert back == replace(spec, engine=replace(spec.engine, models_dir=""),
                           options=replace(spec.options, max_new_tokens=None))


def test_a_server_job_keeps_its_address_but_never_a_key():
    spec = JobSpec(engine=EngineSpec(kind=EngineKind.SERVER, server_url="http://gpu:8000",
                                     server_model="Qwen/Qwen3-ASR-0.6B", api_key_env="KEY",
                                     parallel=16))
    saved = spec.to_project_options()
    assert "KEY" not in json.dumps(saved)
    back = JobSpec.from_project_options(saved)
    assert back.engine.kind is EngineKind.SERVER
    assert (back.engine.server_url, back.engine.server_model, back.engine.parallel) == (
        "http://gpu:8000", "Qwen/Qwen3-ASR-0.6B", 16)


def test_a_server_jobs_label_and_load_note_never_show_its_password():
    # The label is printed ("Loading ..."), shown as the load note and saved as the model.
    spec = JobSpec(engine=EngineSpec(kind=EngineKind.SERVER,
                                     server_url="http://alice:s3cret@gpu:8000/v1",
                                     server_model="Qwen/Qwen3-ASR-0.6B"))
    assert spec.engine.label == "Qwen/Qwen3-ASR-0.6B @ http://gpu:8000/v1"
    first = next(run(spec, np.zeros(16000, np.float32), engines=EngineCache()))
    assert first.stage is Stage.LOAD_MODEL
    assert first.note == "Qwen/Qwen3-ASR-0.6B @ http://gpu:8000/v1"


def test_the_project_format_says_how_the_language_is_saved():
    doc = (Path(__file__).parents[1] / "docs" / "project-format.md").read_text("utf-8")
    options_row = next(line for line in doc.splitlines() if line.startswith("| `options`"))
    assert '`"auto"`' in options_row and "null" in options_row
    assert JobSpec().to_project_options()["language"] == "auto"
    assert JobSpec.from_project_options({"language": None}).language_choice == AUTO


@pytest.mark.parametrize("name, language, model, device, int8, batch, chunk", [
    ("window-0.1.tingxie", None, "qwen3-asr-0.6b", "auto", False, None, 30.0),
    ("queue-0.1.tingxie", "zh", "/models/Qwen3-ASR-1.7B", "cpu", True, 4, 20.0),
])
def test_projects_saved_by_0_1_still_open_with_their_options(tmp_path, name, language, model,
                                                             device, int8, batch, chunk):
    path = tmp_path / name
    shutil.copy(DATA / name, path)
    project = projects.load(path)
    assert [s.text for s in project.transcript.segments] == ["Hello there.", "你好。"]
    spec = JobSpec.from_project_options(project.options)
    assert spec.options.language == language
    assert (spec.engine.model, spec.engine.device, spec.engine.int8) == (model, device, int8)
    assert (spec.chunking.batch_size, spec.chunking.max_chunk) == (batch, chunk)
    assert spec.options.context == project.options["context"]


def test_unusable_saved_values_keep_the_base():
    base = busy_spec()
    spec = JobSpec.from_project_options(
        {"language": "klingon", "temperature": "hot", "max_chunk": 0, "batch_size": -3,
         "max_length": float("nan"), "int8": "yes"}, base=base)
    assert spec == base


def test_a_0_1_queue_project_with_max_length_and_null_language():
    spec = JobSpec.from_project_options({"language": None, "max_length": 12.0})
    assert spec.options.language is None and spec.chunking.max_chunk == 12.0


@pytest.mark.parametrize("change, words", [
    (dict(chunking=Chunking(max_chunk=0.0)), "chunk length"),
    (dict(chunking=Chunking(max_chunk=float("nan"))), "chunk length"),
    (dict(chunking=Chunking(max_chunk=99999.0)), "chunk length"),
    (dict(chunking=Chunking(batch_size=0)), "batch size"),
    (dict(options=TranscribeOptions(temperature=-1.0)), "temperature"),
    (dict(options=TranscribeOptions(max_new_tokens=0)), "token limit"),
    (dict(time_range=(5.0, 2.0)), "time range"),
    (dict(engine=EngineSpec(kind=EngineKind.SERVER)), "address"),
])
def test_a_spec_out_of_range_is_refused_with_its_reason(change, words):
    with pytest.raises(JobError, match=words):
        replace(JobSpec(), **change).validate()


def test_the_cli_arguments_make_the_same_job():
    from tingxie.commands.transcribe import register
    from tingxie.jobs.spec import spec_from_args

    parser = argparse.ArgumentParser()
    register(parser)
    args = parser.parse_args(["a.wav", "--model", "/models/Qwen3-ASR-1.7B", "--models-dir",
                              "/srv/models", "--device", "cuda", "--int8", "--language", "yue",
                              "--context", "張偉, 新能源", "--temperature", "0.3",
                              "--max-new-tokens", "64", "--max-chunk", "45",
                              "--batch-size", "4", "--aligner", "/models/aligner"])
    assert spec_from_args(args, context="張偉, 新能源") == busy_spec()
    defaults = spec_from_args(parser.parse_args(["a.wav"]), context="")
    assert defaults == JobSpec()
    off = spec_from_args(parser.parse_args(["a.wav", "--no-align"]), context="")
    assert off.aligner == "none" and not off.aligns


class CountingFactory:
    def __init__(self, folder: Path) -> None:
        self.folder, self.made = folder, []

    def __call__(self, spec: EngineSpec):
        engine = Qwen3ASREngine(self.folder, device="cpu")
        self.made.append((spec, engine))
        return engine


def test_the_loaded_engine_is_reused_while_its_spec_is_unchanged(tiny_checkpoint):
    factory = CountingFactory(tiny_checkpoint)
    cache = EngineCache(factory)
    spec = EngineSpec(model=str(tiny_checkpoint), device="cpu")
    first = cache.get(spec)
    assert cache.get(replace(spec)) is first and len(factory.made) == 1
    other = cache.get(replace(spec, int8=True))
    assert other is not first and len(factory.made) == 2
    assert not first.loaded, "the old engine was unloaded before the new one loaded"
    cache.unload()
    assert not other.loaded


def test_run_loads_once_then_transcribes_on_the_real_engine(tiny_checkpoint):
    from media import build_speech, require

    require("espeak-ng")
    samples, _ = build_speech([0.5, "The harbour opened in nineteen twenty.", 0.5])
    cache = EngineCache(CountingFactory(tiny_checkpoint))
    spec = JobSpec(engine=EngineSpec(model=str(tiny_checkpoint), device="cpu"),
                   options=TranscribeOptions(max_new_tokens=6), chunking=Chunking(batch_size=1))
    updates = list(run(spec, samples, engines=cache))
    stages = [u.stage for u in updates]
    assert stages[:2] == [Stage.LOAD_MODEL, Stage.LOAD_MODEL]
    assert "cpu" in updates[1].note.lower()
    assert Stage.SPEECH in stages and stages[-1] is Stage.TRANSCRIBE
    assert updates[-1].fraction == 1.0
    segments = [s for u in updates for s in u.segments]
    assert segments and all(s.text for s in segments)
    # A second job with the same engine does not load again.
    again = run_to_transcript(spec, samples, engines=cache)
    assert len(cache._factory.made) == 1
    assert [s.text for s in again.segments] == [s.text for s in segments]


def test_run_refuses_a_bad_spec_before_loading(tiny_checkpoint):
    factory = CountingFactory(tiny_checkpoint)
    bad = JobSpec(engine=EngineSpec(model=str(tiny_checkpoint)), chunking=Chunking(batch_size=0))
    with pytest.raises(JobError):
        list(run(bad, np.zeros(16000, np.float32), engines=EngineCache(factory)))
    assert factory.made == []


def test_one_time_formatter_for_clocks_etas_and_timestamps():
    from tingxie.core.timefmt import format_duration, format_time, format_timestamp

    assert format_time(75.25) == "0:01:15" and format_time(75.25, tenths=True) == "0:01:15.2"
    assert format_duration(75) == format_duration(75.4) == "1:15"  # the panel and the queue
    assert format_duration(3725) == "1:02:05" and format_duration(-3) == "0:00"
    assert format_timestamp(3725.5) == "01:02:05.500"
    assert format_timestamp(3725.5, sep=",") == "01:02:05,500"
    assert format_timestamp(3725.9, ms=False) == "01:02:05"


def test_a_result_for_a_folder_gone_meanwhile_goes_to_the_fallback(tmp_path):
    from media import write_wav
    from tingxie.core.transcript import Segment, Transcript
    from tingxie.jobs.media import OutputFolderGone, save_new_project

    wav = write_wav(tmp_path / "talk.wav", np.zeros(16000, np.float32))
    gone = tmp_path / "media" / "usb" / "out"  # the drive was unplugged
    fallback = tmp_path / "Documents" / "Tingxie"
    project = projects.Project(transcript=Transcript(
        segments=[Segment(1, 0.1, 0.9, "An hour of work.")], duration=1.0))

    saved, note = save_new_project(project, wav, gone, fallback=fallback)

    assert saved == fallback / "talk.tingxie"
    assert projects.load(saved).transcript.segments[0].text == "An hour of work."
    assert not (tmp_path / "media").exists()
    assert note.startswith(f"{gone} could not take it: the folder is gone")
    with pytest.raises(OutputFolderGone, match="no longer exists"):
        save_new_project(project, wav, gone)
    assert not (tmp_path / "media").exists()


def test_a_located_file_with_other_contents_is_flagged_and_a_moved_copy_is_not(tmp_path):
    from media import write_wav
    from tingxie.jobs.media import load_media

    t = np.arange(16000 * 2) / 16000
    audio = write_wav(tmp_path / "talk.wav", (0.2 * np.sin(2 * np.pi * 220 * t)).astype(
        np.float32))
    project = projects.Project()
    projects.attach_audio(project, audio)
    path = tmp_path / "talk.tingxie"
    projects.save(project, path)
    (tmp_path / "moved").mkdir()
    moved = audio.rename(tmp_path / "moved" / "talk.wav")
    other = write_wav(tmp_path / "other.wav", (0.2 * np.sin(2 * np.pi * 330 * t)).astype(
        np.float32))

    same = load_media(path, media_path=moved)
    assert not same.other_audio and same.notices == []
    wrong = load_media(path, media_path=other)
    assert wrong.other_audio and wrong.relinked
    assert wrong.notices[-1].startswith("other.wav is not the recording the project was made on")
