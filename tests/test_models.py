"""Model registry, local folders and downloads, against a fake hub on 127.0.0.1."""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import socket
import sys
import threading
import time
import types
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import huggingface_hub
import huggingface_hub.constants
import pytest

from fake_hub import serving
from local_server import LocalServer
from tingxie import cli
from tingxie.asr import download as downloads
from tingxie.asr import models
from tingxie.commands.models import ProgressBar
from tingxie.core.cancel import CancelToken
from tingxie.core.errors import Cancelled, TingxieError

SMALL_REPO = "Qwen/Qwen3-ASR-0.6B-hf"
SHARDED_REPO = "Qwen/Qwen3-ASR-1.7B-hf"
WEIGHTS = random.Random(6).randbytes(3_000_000)
SHARDS = [random.Random(17).randbytes(700_000), random.Random(71).randbytes(500_000)]
SMALL_FILES = {
    "config.json": json.dumps({"model_type": "qwen3_asr"}).encode(),
    "tokenizer_config.json": b'{"model_max_length": 65536}',
    "vocab.json": json.dumps({str(i): i for i in range(3000)}).encode(),  # an LFS-sized file
    "model.safetensors": WEIGHTS,
    "README.md": b"# not downloaded: documentation only",
    ".gitattributes": b"*.safetensors filter=lfs",
}
SHARDED_FILES = {
    "config.json": b'{"model_type": "qwen3_asr"}',
    "model.safetensors.index.json": json.dumps(
        {
            "weight_map": {
                "a.weight": "model-00001-of-00002.safetensors",
                "b.weight": "model-00002-of-00002.safetensors",
            }
        }
    ).encode(),
    "model-00001-of-00002.safetensors": SHARDS[0],
    "model-00002-of-00002.safetensors": SHARDS[1],
}
SKIPPED = ("README.md", ".gitattributes")
SMALL_TOTAL = sum(len(v) for k, v in SMALL_FILES.items() if k not in SKIPPED)


@pytest.fixture(autouse=True)
def isolated(isolated_model_caches):
    """Every test gets its own model caches and may download (from a fake hub)."""


@pytest.fixture
def hub():
    """A running fake hub with a single-file and a sharded model; checks no thread outlives it."""
    with serving({SMALL_REPO: SMALL_FILES, SHARDED_REPO: SHARDED_FILES}) as fake:
        yield fake


@pytest.fixture
def closed_port_url():
    """The address of a port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def cache_dir() -> Path:
    return Path(os.environ["HF_HUB_CACHE"])


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    status = cli.main(["models", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def cancel_after(token: CancelToken, nbytes: int, seen: list[downloads.DownloadProgress]):
    def hook(p: downloads.DownloadProgress) -> None:
        seen.append(p)
        if p.bytes_done >= nbytes:
            token.cancel()

    return hook


# --------------------------------------------------------------------------- registry


def test_registry_names_repos_and_default():
    names = [spec.name for spec in models.MODELS]
    assert names == ["qwen3-asr-0.6b", "qwen3-asr-1.7b", "qwen3-forcedaligner-0.6b"]
    assert models.DEFAULT_MODEL == "qwen3-asr-0.6b"
    aligner = models.find_model("qwen3-forcedaligner-0.6b")
    assert aligner.kind == "aligner"
    assert aligner.repo_id == "Qwen/Qwen3-ForcedAligner-0.6B-hf"
    assert aligner.modelscope_id == "Qwen/Qwen3-ForcedAligner-0.6B"
    for spec in models.MODELS:
        assert 1e9 < spec.size_bytes < 6e9
        assert spec.good_for


def test_find_model_by_name_repo_id_modelscope_id_or_folder(tmp_path):
    spec = models.find_model("qwen3-asr-1.7b")
    assert models.find_model("Qwen/Qwen3-ASR-1.7B-hf") is spec
    assert models.find_model("qwen/qwen3-asr-1.7b") is spec  # the ModelScope id, any case
    assert models.find_model(spec) is spec

    folder = tmp_path / "my-aligner"
    folder.mkdir()
    local = models.find_model(folder)
    assert local.local_path == folder.resolve()
    assert local.kind == "aligner"

    custom = models.find_model("someone/qwen3-asr-finetune")
    assert custom.repo_id == "someone/qwen3-asr-finetune"

    with pytest.raises(models.UnknownModel, match=r"qwen3-asr-0\.6b"):
        models.find_model("whisper-large")


# --------------------------------------------------------------------------- local folders


def make_checkpoint(folder: Path, *, index: bool = False) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text("{}")
    if index:
        (folder / "model.safetensors.index.json").write_text(
            json.dumps({"weight_map": {"a": "model-1.safetensors", "b": "model-2.safetensors"}})
        )
        (folder / "model-1.safetensors").write_bytes(b"1")
        (folder / "model-2.safetensors").write_bytes(b"2")
    else:
        (folder / "model.safetensors").write_bytes(b"weights")
    return folder


def test_use_local_folder_accepts_a_checkpoint(tmp_path):
    folder = make_checkpoint(tmp_path / "single")
    assert models.use_local_folder(folder) == folder.resolve()
    sharded = make_checkpoint(tmp_path / "sharded", index=True)
    assert models.use_local_folder(str(sharded)) == sharded.resolve()
    spec = models.find_model(sharded)
    assert models.model_path(spec) == sharded.resolve()
    assert models.download_state(spec) == "downloaded"


def test_use_local_folder_says_what_is_missing(tmp_path):
    with pytest.raises(models.InvalidModelFolder, match="not a folder"):
        models.use_local_folder(tmp_path / "nowhere")

    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(models.InvalidModelFolder, match=r"config\.json"):
        models.use_local_folder(empty)

    (empty / "config.json").write_text("{}")
    with pytest.raises(models.InvalidModelFolder, match="safetensors"):
        models.use_local_folder(empty)

    sharded = make_checkpoint(tmp_path / "sharded", index=True)
    (sharded / "model-2.safetensors").unlink()
    with pytest.raises(models.InvalidModelFolder, match="incomplete"):
        models.use_local_folder(sharded)

    unfinished = make_checkpoint(tmp_path / "unfinished")
    (unfinished / "extra.safetensors.incomplete").write_bytes(b"")
    with pytest.raises(models.InvalidModelFolder, match="incomplete"):
        models.use_local_folder(unfinished)


def test_a_folder_with_only_pickle_weights_is_called_unsafe_not_incomplete(tmp_path, capsys):
    folder = tmp_path / "pickled"
    folder.mkdir()
    (folder / "config.json").write_text('{"model_type": "qwen3_asr"}')
    (folder / "pytorch_model.bin").write_bytes(b"\x80\x04")
    for call in (models.require_model, models.use_local_folder):
        with pytest.raises(models.InvalidModelFolder) as info:
            call(str(folder))
        message = str(info.value)
        assert "pytorch_model.bin" in message and "pickle" in message and "unsafe" in message
        assert "Convert them to safetensors" in message and "download" in message
        assert "complete" not in message

    status = cli.main(["transcribe", str(tmp_path / "a.wav"), "--model", str(folder)])
    err = capsys.readouterr().err
    assert status != 0 and "pickle" in err and "Traceback" not in err


def test_a_model_path_that_is_a_file_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "afile").write_bytes(b"not a model")
    for call in (models.find_model, models.require_model):
        with pytest.raises(models.InvalidModelFolder, match="is a file, not a model folder"):
            call("sub/afile")

    (tmp_path / "a.wav").write_bytes(b"RIFF")  # exists: the model is checked before decoding
    status = cli.main(["transcribe", "a.wav", "--model", "sub/afile"])
    err = capsys.readouterr().err
    assert status != 0 and "is a file, not a model folder" in err
    assert "not downloaded" not in err


def test_looking_for_models_never_touches_the_network(hub, monkeypatch, tmp_path):
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    for spec in models.MODELS:
        assert models.model_path(spec) is None
        assert not models.is_downloaded(spec.name, tmp_path / "models")
        assert models.download_state(spec) == "not downloaded"
    with pytest.raises(models.ModelNotDownloaded, match=r"tingxie models download qwen3-asr-0\.6b"):
        models.require_model("qwen3-asr-0.6b")
    assert hub.requests == []


# --------------------------------------------------------------------------- downloads


def test_download_fetches_every_file_with_progress(hub):
    seen: list[downloads.DownloadProgress] = []
    folder = downloads.download("qwen3-asr-0.6b", endpoint=hub.url, progress=seen.append)

    for name, data in SMALL_FILES.items():
        if name in SKIPPED:
            assert not (folder / name).exists()
        else:
            assert (folder / name).read_bytes() == data
    assert seen, "no progress reported"
    done = [p.bytes_done for p in seen]
    assert done == sorted(done), "progress went backwards"
    assert {p.bytes_total for p in seen} == {SMALL_TOTAL}
    assert seen[-1].bytes_done == SMALL_TOTAL
    assert seen[-1].fraction == 1.0
    assert all(p.speed >= 0 for p in seen)

    assert models.is_downloaded("qwen3-asr-0.6b")
    assert models.model_path("qwen3-asr-0.6b") == folder
    assert models.download_state("qwen3-asr-0.6b") == "downloaded"
    assert folder.is_relative_to(cache_dir())
    # The cache is huggingface_hub's own layout: other tools find the same files.
    cached = huggingface_hub.try_to_load_from_cache(
        SMALL_REPO, "model.safetensors", cache_dir=cache_dir()
    )
    assert cached is not None and Path(cached).read_bytes() == WEIGHTS
    report = huggingface_hub.scan_cache_dir(cache_dir())
    assert not report.warnings
    assert [r.repo_id for r in report.repos] == [SMALL_REPO]


def test_a_finished_model_downloads_again_without_network(hub, closed_port_url):
    first = downloads.download("qwen3-asr-0.6b", endpoint=hub.url)
    assert downloads.download("qwen3-asr-0.6b", endpoint=closed_port_url) == first


def test_download_into_a_models_folder_with_shards(hub, tmp_path):
    models_dir = tmp_path / "models"
    folder = downloads.download("qwen3-asr-1.7b", endpoint=hub.url, models_dir=models_dir)

    assert folder == (models_dir / "Qwen3-ASR-1.7B-hf").resolve()
    for name, data in SHARDED_FILES.items():
        assert (folder / name).read_bytes() == data
    assert models.model_path("qwen3-asr-1.7b", models_dir) == folder
    assert models.model_path("qwen3-asr-1.7b") is None  # nothing went to the HF cache
    assert not cache_dir().exists()


def test_cancel_keeps_partial_files_and_the_next_download_resumes(hub):
    hub.bytes_per_second = 8_000_000
    token = CancelToken()
    seen: list[downloads.DownloadProgress] = []
    with pytest.raises(Cancelled, match="resume"):
        downloads.download(
            "qwen3-asr-0.6b",
            endpoint=hub.url,
            progress=cancel_after(token, 1_000_000, seen),
            cancel=token,
        )
    assert not models.is_downloaded("qwen3-asr-0.6b")
    assert models.download_state("qwen3-asr-0.6b").startswith("partial (")
    partial = list((cache_dir() / "models--Qwen--Qwen3-ASR-0.6B-hf" / "blobs").glob("*.incomplete"))
    assert len(partial) == 1
    kept = partial[0].stat().st_size
    assert 0 < kept < len(WEIGHTS)

    hub.bytes_per_second = None
    resumed: list[downloads.DownloadProgress] = []
    folder = downloads.download("qwen3-asr-0.6b", endpoint=hub.url, progress=resumed.append)

    assert (folder / "model.safetensors").read_bytes() == WEIGHTS
    weight_gets = hub.requests_for("model.safetensors")
    assert [r.range for r in weight_gets] == [None, f"bytes={kept}-"]
    assert resumed[0].bytes_done >= kept  # the resumed download counts what was kept
    assert resumed[-1].bytes_done == SMALL_TOTAL
    assert models.download_state("qwen3-asr-0.6b") == "downloaded"


def test_a_server_that_ignores_range_gets_the_whole_file_again(hub):
    hub.bytes_per_second = 8_000_000
    token = CancelToken()
    with pytest.raises(Cancelled):
        downloads.download(
            "qwen3-asr-0.6b", endpoint=hub.url, progress=cancel_after(token, 500_000, []),
            cancel=token,
        )  # fmt: skip
    hub.bytes_per_second = None
    hub.honour_range = False
    folder = downloads.download("qwen3-asr-0.6b", endpoint=hub.url)
    assert (folder / "model.safetensors").read_bytes() == WEIGHTS
    ranges = [r.range for r in hub.requests_for("model.safetensors")]
    assert ranges[0] is None and ranges[1].startswith("bytes=")  # asked, but got 200


def test_a_second_download_of_the_same_model_is_refused_while_one_runs(hub):
    hub.bytes_per_second = 2_000_000
    token = CancelToken()
    started = threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            downloads.download(
                "qwen3-asr-0.6b",
                endpoint=hub.url,
                progress=lambda p: p.bytes_done and started.set(),
                cancel=token,
            )
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=first)
    worker.start()
    try:
        assert started.wait(10)
        with pytest.raises(models.DownloadFailed, match="already running"):
            downloads.download("qwen3-asr-0.6b", endpoint=hub.url)
    finally:
        token.cancel()
        worker.join(10)
    assert [type(e) for e in errors] == [Cancelled]


def test_a_dropped_connection_resumes_within_the_same_download(hub):
    hub.drop_once("model.safetensors", after_bytes=700_000)
    folder = downloads.download("qwen3-asr-0.6b", endpoint=hub.url)

    assert (folder / "model.safetensors").read_bytes() == WEIGHTS
    ranges = [r.range for r in hub.requests_for("model.safetensors")]
    assert ranges == [None, "bytes=700000-"]


def _on_disk() -> int:
    """The size of the weights' partial file in the cache (-1: none)."""
    parts = list((cache_dir() / "models--Qwen--Qwen3-ASR-0.6B-hf" / "blobs").glob("*.incomplete"))
    assert len(parts) <= 1
    return parts[0].stat().st_size if parts else -1


@pytest.mark.parametrize("after_bytes", [None, 0, 700_000],
                         ids=["before-headers", "after-headers", "mid-file"])
def test_cancel_while_the_server_sends_nothing_stops_at_once_and_keeps_the_part(
        hub, after_bytes):
    hub.stall_once("model.safetensors", after_bytes)  # until the client hangs up
    token = CancelToken()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            downloads.download("qwen3-asr-0.6b", endpoint=hub.url, cancel=token)
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    try:
        assert hub.stalling.wait(10)
        kept = after_bytes or 0
        deadline = time.monotonic() + 10
        while kept and _on_disk() < kept:  # what was sent is on disk: the read now waits
            assert time.monotonic() < deadline
            time.sleep(0.01)
        time.sleep(0.2)
        pressed = time.monotonic()
        token.cancel()
        worker.join(5)
        took = time.monotonic() - pressed
    finally:
        token.cancel()
        worker.join(30)
    assert took < 1.0, f"the cancel took {took:.1f} s"  # not the 10 s read timeout
    assert [type(e) for e in errors] == [Cancelled] and "resume" in str(errors[0])
    assert hub.hung_up.is_set()  # the connection was closed, not left waiting
    if kept:
        assert _on_disk() == kept

    folder = downloads.download("qwen3-asr-0.6b", endpoint=hub.url)
    assert (folder / "model.safetensors").read_bytes() == WEIGHTS
    ranges = [r.range for r in hub.requests_for("model.safetensors")]
    assert ranges == [None, f"bytes={kept}-" if kept else None]


def test_a_server_that_pauses_within_the_read_timeout_is_waited_for(hub, monkeypatch):
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_DOWNLOAD_TIMEOUT", 2)
    hub.stall_once("model.safetensors", 700_000, seconds=1.2)
    folder = downloads.download("qwen3-asr-0.6b", endpoint=hub.url, cancel=CancelToken())

    assert (folder / "model.safetensors").read_bytes() == WEIGHTS
    assert [r.range for r in hub.requests_for("model.safetensors")] == [None]  # one request


def test_not_enough_disk_space_stops_before_the_first_byte(hub, monkeypatch):
    usage = shutil.disk_usage("/")
    free = 50_000_000
    monkeypatch.setattr(
        shutil, "disk_usage", lambda path: type(usage)(usage.total, usage.total - free, free)
    )
    with pytest.raises(models.NotEnoughDiskSpace) as caught:
        downloads.download("qwen3-asr-0.6b", endpoint=hub.url)

    message = str(caught.value)
    assert str(cache_dir()) in message
    assert "50 MB is free" in message
    assert caught.value.needed > free
    assert hub.file_requests() == []
    assert not models.is_downloaded("qwen3-asr-0.6b")


def test_unreachable_endpoint_fails_with_advice(closed_port_url):
    with pytest.raises(models.DownloadFailed) as caught:
        downloads.download("qwen3-asr-0.6b", endpoint=closed_port_url)
    message = str(caught.value)
    assert "qwen3-asr-0.6b" in message
    assert closed_port_url in message
    assert "cannot connect" in message
    assert "mirror" in message and "ModelScope" in message and "folder" in message


def test_hf_endpoint_environment_variable_is_used(hub, monkeypatch):
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    folder = downloads.download("qwen3-asr-0.6b")
    assert (folder / "config.json").is_file()
    assert hub.file_requests()


def test_missing_repository_fails_clearly(hub):
    with pytest.raises(models.DownloadFailed, match="was not found"):
        downloads.download("qwen3-forcedaligner-0.6b", endpoint=hub.url)


def test_a_damaged_file_is_deleted_and_reported(hub):
    damaged = bytearray(WEIGHTS)
    damaged[1234] ^= 0xFF
    hub.tamper(SMALL_REPO, "model.safetensors", bytes(damaged))
    with pytest.raises(models.DownloadFailed, match="damaged"):
        downloads.download("qwen3-asr-0.6b", endpoint=hub.url)
    assert not models.is_downloaded("qwen3-asr-0.6b")
    blobs = cache_dir() / "models--Qwen--Qwen3-ASR-0.6B-hf" / "blobs"
    assert not list(blobs.glob("*.incomplete"))


def test_modelscope_without_the_package_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "modelscope", None)
    with pytest.raises(TingxieError, match="pip install modelscope"):
        downloads.download("qwen3-asr-0.6b", source="modelscope")


def test_a_modelscope_download_without_a_python_to_run_says_it_cannot_stop(monkeypatch,
                                                                           tmp_path):
    # An embedded interpreter may not know its own program: the client then runs in this
    # process, and the picker must not offer a Cancel that would not stop it.
    calls = []

    def snapshot_download(model_id, local_dir=None):
        calls.append(model_id)
        make_checkpoint(Path(local_dir))
        return local_dir

    monkeypatch.setitem(sys.modules, "modelscope",
                        types.SimpleNamespace(snapshot_download=snapshot_download))
    monkeypatch.setattr(sys, "executable", "")
    assert not downloads.can_stop("modelscope") and downloads.can_stop("huggingface")
    folder = downloads.download("qwen3-asr-0.6b", source="modelscope", models_dir=tmp_path / "m")
    assert calls == ["Qwen/Qwen3-ASR-0.6B"] and models.is_complete_model_folder(folder)


def test_modelscope_in_a_frozen_bundle_runs_its_client_here(monkeypatch, tmp_path):
    calls = []

    def snapshot_download(model_id, local_dir=None):
        calls.append((model_id, local_dir))
        make_checkpoint(Path(local_dir))
        return local_dir

    fake_modelscope = types.SimpleNamespace(snapshot_download=snapshot_download)
    monkeypatch.setitem(sys.modules, "modelscope", fake_modelscope)
    monkeypatch.setattr(sys, "frozen", True, raising=False)  # no Python to run a child with
    assert not downloads.can_stop("modelscope") and downloads.can_stop("huggingface")
    seen: list[downloads.DownloadProgress] = []
    folder = downloads.download(
        "qwen3-asr-0.6b", source="modelscope", models_dir=tmp_path / "m", progress=seen.append
    )
    assert calls == [("Qwen/Qwen3-ASR-0.6B", str(tmp_path / "m" / "Qwen3-ASR-0.6B"))]
    assert folder == tmp_path / "m" / "Qwen3-ASR-0.6B"
    assert models.model_path("qwen3-asr-0.6b", tmp_path / "m") == folder
    assert seen[-1].fraction == 1.0
    # Already there: no second call.
    downloads.download("qwen3-asr-0.6b", source="modelscope", models_dir=tmp_path / "m")
    assert len(calls) == 1


#: A stand-in for the modelscope package, for the child process the download runs it in:
#: it writes the weights 1 MB at a time (for ever with FAKE_MODELSCOPE=forever), or fails.
FAKE_MODELSCOPE = """
import os, threading, time
from pathlib import Path

def snapshot_download(model_id, local_dir=None):
    log = Path(os.environ["FAKE_MODELSCOPE_LOG"])
    log.with_suffix(".tmp").write_text(f"{model_id}|{local_dir}|{os.getpid()}")
    log.with_suffix(".tmp").replace(log)
    if os.environ["FAKE_MODELSCOPE"] == "linger":  # a client that leaves a thread behind
        threading.Thread(target=time.sleep, args=(30,)).start()
    if os.environ["FAKE_MODELSCOPE"] == "fail":
        raise RuntimeError("401 Client Error: Unauthorized\\nthe rest of a long message")
    dest = Path(local_dir)
    dest.mkdir(parents=True, exist_ok=True)
    with open(dest / "model.safetensors", "wb") as weights:
        for _ in range(6):
            weights.write(b"w" * 1_000_000)
            weights.flush()
            time.sleep(0.25)
        deadline = time.monotonic() + 30  # a cancel that does not work fails, not hangs
        while os.environ["FAKE_MODELSCOPE"] == "forever":
            if time.monotonic() > deadline:
                raise RuntimeError("nobody stopped this download")
            weights.write(b"w" * 100_000)
            weights.flush()
            time.sleep(0.05)
    (dest / "config.json").write_text("{}")
    return str(dest)
"""


@pytest.fixture
def modelscope_client(monkeypatch, tmp_path):
    """The stand-in modelscope package, importable by child processes only."""
    package = tmp_path / "site" / "modelscope"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(FAKE_MODELSCOPE)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(tmp_path / "site"), *filter(None, [os.environ.get("PYTHONPATH")])]))
    monkeypatch.setattr(downloads, "_has_modelscope", lambda: True)
    monkeypatch.setenv("FAKE_MODELSCOPE_LOG", str(tmp_path / "called"))

    def mode(value: str) -> Path:
        monkeypatch.setenv("FAKE_MODELSCOPE", value)
        return tmp_path / "called"

    return mode


def test_a_modelscope_download_shows_its_bytes_as_they_arrive(modelscope_client, tmp_path):
    called = modelscope_client("finish")
    assert downloads.can_stop("modelscope")
    seen: list[downloads.DownloadProgress] = []
    folder = downloads.download(
        "qwen3-asr-0.6b", source="modelscope", models_dir=tmp_path / "m", progress=seen.append)
    assert folder == tmp_path / "m" / "Qwen3-ASR-0.6B" and models.is_complete_model_folder(folder)
    model_id, local_dir, _pid = called.read_text().split("|")
    assert (model_id, local_dir) == ("Qwen/Qwen3-ASR-0.6B", str(folder))
    between = sorted({p.bytes_done for p in seen[1:-1]} - {0})
    assert len(between) >= 2 and 0 < between[0] < between[-1] <= 6_000_000, between
    assert seen[-1].fraction == 1.0


def test_a_cancelled_modelscope_download_stops_at_once_and_keeps_its_files(
        modelscope_client, tmp_path):
    called = modelscope_client("forever")
    cancel = CancelToken()

    def progress(p: downloads.DownloadProgress) -> None:
        if p.bytes_done >= 2_000_000:
            cancel.cancel()

    with pytest.raises(Cancelled, match="from ModelScope cancelled; the files it finished"):
        downloads.download("qwen3-asr-0.6b", source="modelscope", models_dir=tmp_path / "m",
                           progress=progress, cancel=cancel)
    pid = int(called.read_text().split("|")[2])
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # the client is gone, not writing on in the background
    weights = tmp_path / "m" / "Qwen3-ASR-0.6B" / "model.safetensors"
    kept = weights.stat().st_size
    assert kept >= 2_000_000
    assert not models.is_complete_model_folder(weights.parent)


def test_a_modelscope_client_that_leaves_a_thread_running_still_finishes(
        modelscope_client, tmp_path):
    import time

    modelscope_client("linger")
    started = time.monotonic()
    folder = downloads.download("qwen3-asr-0.6b", source="modelscope",
                                models_dir=tmp_path / "m")
    assert models.is_complete_model_folder(folder)
    assert time.monotonic() - started < 20, "done when the files are in, not 30 s later"


def test_a_failed_modelscope_download_names_the_server_s_reason(modelscope_client, tmp_path):
    modelscope_client("fail")
    with pytest.raises(models.DownloadFailed, match="401 Client Error: Unauthorized") as failed:
        downloads.download("qwen3-asr-0.6b", source="modelscope", models_dir=tmp_path / "m")
    assert "the rest of a long message" not in str(failed.value)


# --------------------------------------------------------------------------- the command


def test_models_list_shows_each_state(hub, capsys):
    status, out, _ = run_cli(capsys, "list")
    assert status == 0
    assert out.splitlines()[0].split() == ["NAME", "SIZE", "STATE", "GOOD", "FOR"]
    assert "qwen3-asr-0.6b (default)" in out
    assert out.count("not downloaded") == 3

    token = CancelToken()
    hub.bytes_per_second = 8_000_000
    with pytest.raises(Cancelled):
        downloads.download(
            "qwen3-asr-0.6b", endpoint=hub.url, progress=cancel_after(token, 500_000, []),
            cancel=token,
        )  # fmt: skip
    downloads.download("qwen3-asr-1.7b", endpoint=hub.url)

    status, out, _ = run_cli(capsys, "list")
    lines = out.splitlines()
    row = {line.split()[0]: line for line in lines if line.startswith("qwen3")}
    assert "partial (" in row["qwen3-asr-0.6b"] and "of ~1.9 GB)" in row["qwen3-asr-0.6b"]
    assert " downloaded " in row["qwen3-asr-1.7b"]
    assert "not downloaded" in row["qwen3-forcedaligner-0.6b"]
    path_line = lines[lines.index(row["qwen3-asr-1.7b"]) + 1]
    assert path_line.strip() == str(models.model_path("qwen3-asr-1.7b"))


@pytest.mark.parametrize("command", [["list"], ["path", "qwen3-asr-0.6b"]])
def test_a_models_folder_that_is_not_there_is_named_not_listed_as_empty(command, tmp_path,
                                                                        capsys):
    typo = tmp_path / "modles"
    with pytest.raises(SystemExit) as exit_:
        cli.main(["models", *command, "--models-dir", str(typo)])
    out, err = capsys.readouterr()
    assert exit_.value.code == 2 and out == ""
    assert f"{typo} does not exist" in err and "not downloaded" not in err
    (tmp_path / "file").write_text("x")
    with pytest.raises(SystemExit):
        cli.main(["models", *command, "--models-dir", str(tmp_path / "file")])
    assert "is not a folder" in capsys.readouterr().err
    typo.mkdir()
    status, out, _ = run_cli(capsys, *command, "--models-dir", str(typo))
    assert (status, out.count("not downloaded")) == ((0, 3) if command == ["list"] else (1, 0))


def test_models_path_of_a_missing_model_exits_1(capsys):
    status, out, err = run_cli(capsys, "path", "qwen3-asr-0.6b")
    assert status == 1
    assert out == ""
    assert "not downloaded" in err and "tingxie models download qwen3-asr-0.6b" in err
    assert "Traceback" not in err


def test_models_path_prints_the_folder(hub, capsys, tmp_path):
    folder = downloads.download("qwen3-asr-1.7b", endpoint=hub.url, models_dir=tmp_path / "m")
    status, out, _ = run_cli(capsys, "path", "qwen3-asr-1.7b", "--models-dir", str(tmp_path / "m"))
    assert status == 0
    assert out.strip() == str(folder)


def test_models_download_end_to_end(hub, capsys):
    status, out, err = run_cli(capsys, "download", "qwen3-asr-0.6b", "--endpoint", hub.url)

    assert status == 0, err
    folder = Path(out.strip())
    assert (folder / "model.safetensors").read_bytes() == WEIGHTS
    assert hub.url in err
    assert "100%" in err and "[########################]" in err
    assert "MB /" in err and "ETA" in err and "model.safetensors" in err

    status, out, err = run_cli(capsys, "download", "qwen3-asr-0.6b")
    assert status == 0 and "already downloaded" in err and Path(out.strip()) == folder


def test_models_download_ctrl_c_cancels_and_a_rerun_resumes(hub, capsys):
    hub.bytes_per_second = 1_000_000
    timer = threading.Timer(0.4, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        status, _, err = run_cli(capsys, "download", "qwen3-asr-0.6b", "--endpoint", hub.url)
    finally:
        timer.join()
    assert status == 130
    assert "cancelled" in err and "again to resume" in err
    # The command to run again is the one that was run: the same mirror.
    assert f"run `tingxie models download qwen3-asr-0.6b --endpoint {hub.url}` again" in err
    assert "Traceback" not in err
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler

    hub.bytes_per_second = None
    status, _, err = run_cli(capsys, "download", "qwen3-asr-0.6b", "--endpoint", hub.url)
    assert status == 0, err
    ranges = [r.range for r in hub.requests_for("model.safetensors")]
    assert ranges[0] is None and ranges[-1].startswith("bytes=") and ranges[-1] != "bytes=0-"


def test_models_download_errors_are_one_line(capsys, closed_port_url):
    status, _, err = run_cli(capsys, "download", "qwen3-asr-0.6b", "--endpoint", closed_port_url)
    assert status == 1
    assert err.strip().splitlines()[-1].startswith("tingxie: Could not download qwen3-asr-0.6b")
    assert "Traceback" not in err

    status, _, err = run_cli(capsys, "download", "whisper-large")
    assert status == 1 and "Unknown model" in err


def test_progress_bar_rendering():
    line = ProgressBar("qwen3-asr-0.6b", sys.stderr).render(
        downloads.DownloadProgress(
            bytes_done=820_000_000,
            bytes_total=1_880_000_000,
            speed=12_500_000,
            eta_seconds=85,
            current_file="model.safetensors",
        )
    )
    assert line == (
        "qwen3-asr-0.6b   43%  [##########..............]  820 MB / 1.9 GB  12 MB/s  "
        "ETA 1:25  model.safetensors"
    )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG")
def test_a_killed_app_leaves_no_modelscope_download_running(modelscope_client, tmp_path):
    import subprocess
    import time

    called = modelscope_client("forever")
    script = ("import sys; from tingxie.asr import download as d; from unittest import mock; "
              "mock.patch.object(d, '_has_modelscope', lambda: True).start(); "
              "d.download('qwen3-asr-0.6b', source='modelscope', models_dir=sys.argv[1])")
    app = subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "m")])
    try:
        deadline = time.monotonic() + 60
        while not called.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        pid = int(called.read_text().split("|")[2])
    finally:
        app.kill()  # as a crash would end it: no cancel, no clean-up
        app.wait()

    def running() -> bool:
        try:
            state = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            return False
        return "\nState:\tZ" not in state

    deadline = time.monotonic() + 10
    while running() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not running(), "the download's child ended with the app"


# --------------------------------------------------------------------------- broken mirrors


@contextlib.contextmanager
def given_up_after(seconds: float):
    """A cancel token a user presses after ``seconds``: a download that only a cancel ends
    raises Cancelled instead of hanging the test."""
    token = CancelToken()
    timer = threading.Timer(seconds, token.cancel)
    timer.start()
    try:
        yield token
    finally:
        timer.cancel()
        timer.join()


WEB_PAGE = b"<!DOCTYPE html>\n<html><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>\n"


def test_a_mirror_that_answers_a_file_with_a_web_page_fails_naming_the_file(hub):
    hub.honour_range = False
    hub.tamper(SMALL_REPO, "model.safetensors", WEB_PAGE)
    with given_up_after(15) as token, pytest.raises(models.DownloadFailed) as caught:
        downloads.download("qwen3-asr-0.6b", endpoint=hub.url, cancel=token)
    message = str(caught.value)
    assert "model.safetensors" in message and "web page" in message
    assert len(hub.requests_for("model.safetensors")) == downloads.MAX_STALLED_ATTEMPTS
    kept = b"".join(p.read_bytes() for p in cache_dir().rglob("*.incomplete"))
    assert b"html" not in kept, "the page was never written into the model's files"
    assert not models.is_downloaded("qwen3-asr-0.6b")


def test_a_server_that_sends_the_same_part_again_and_again_gives_up(hub):
    hub.honour_range = False  # each answer starts again at byte 0 and stops at 100 KB
    hub.tamper(SMALL_REPO, "model.safetensors", WEIGHTS[:100_000])
    with given_up_after(15) as token, pytest.raises(models.DownloadFailed) as caught:
        downloads.download("qwen3-asr-0.6b", endpoint=hub.url, cancel=token)
    message = str(caught.value)
    assert "model.safetensors got no further than 100 KB of 3.0 MB" in message
    assert len(hub.requests_for("model.safetensors")) == 1 + downloads.MAX_STALLED_ATTEMPTS


class _LoginPage(LocalServer):
    """A network's login page (a captive portal), whatever is asked for."""

    def handler(self):
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args):
                pass

            def do_GET(self):
                body = b"<html><body>Please log in to the Wi-Fi</body></html>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_HEAD = do_GET

        return Handler


def test_an_address_that_answers_a_web_page_for_the_listing_says_so(capsys, tmp_path):
    with _LoginPage() as portal:
        url = portal.url
        status, out, err = run_cli(capsys, "download", "qwen3-asr-0.6b", "--endpoint", url,
                                   "--models-dir", str(tmp_path))
    assert status == 1 and out == ""
    assert "Traceback" not in err and "JSONDecodeError" not in err
    last = err.strip().splitlines()[-1]
    assert last.startswith(f"tingxie: Could not download qwen3-asr-0.6b from {url}")
    assert "did not answer with a model listing (it sent a web page" in last
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- partial folders


def tiny_repo(tiny_checkpoint: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in tiny_checkpoint.iterdir() if p.is_file()}


@pytest.mark.parametrize(
    "lost", ["tokenizer_config.json", "tokenizer.json", "processor_config.json",
             "chat_template.jinja"])
def test_a_model_folder_that_lost_a_tokenizer_or_processor_file_is_partial_and_repaired(
        lost, tiny_checkpoint, tmp_path, capsys):
    models_dir = tmp_path / "models"
    folder = models_dir / "Qwen3-ASR-0.6B-hf"
    shutil.copytree(tiny_checkpoint, folder)  # a copy that lost one file
    (folder / lost).unlink()

    status, out, _ = run_cli(capsys, "list", "--models-dir", str(models_dir))
    row = next(line for line in out.splitlines() if line.startswith("qwen3-asr-0.6b"))
    assert "partial (" in row
    with pytest.raises(models.ModelNotDownloaded, match=f"{lost} is missing") as caught:
        models.require_model("qwen3-asr-0.6b", models_dir)  # what the engine is given
    assert str(folder) in str(caught.value)
    status, out, err = run_cli(capsys, "path", "qwen3-asr-0.6b", "--models-dir", str(models_dir))
    assert status == 1 and f"{lost} is missing" in err

    with serving({SMALL_REPO: tiny_repo(tiny_checkpoint)}) as fake:
        status, out, err = run_cli(capsys, "download", "qwen3-asr-0.6b", "--endpoint", fake.url,
                                   "--models-dir", str(models_dir))
        fetched = [r.path.rsplit("/", 1)[-1] for r in fake.file_requests()]
    assert status == 0, err
    assert "already downloaded" not in err
    assert fetched == [lost], "only the missing file"
    assert (folder / lost).read_bytes() == (tiny_checkpoint / lost).read_bytes()
    assert models.download_state("qwen3-asr-0.6b", models_dir) == "downloaded"


def test_a_chosen_folder_without_its_tokenizer_names_the_file(tiny_checkpoint, tmp_path):
    folder = tmp_path / "my-model"
    shutil.copytree(tiny_checkpoint, folder)
    (folder / "tokenizer_config.json").unlink()
    assert models.download_state(models.find_model(folder)) == "incomplete folder"
    with pytest.raises(models.InvalidModelFolder, match=r"tokenizer_config\.json is missing"):
        models.require_model(str(folder))


def test_a_file_a_download_finished_and_that_is_gone_is_fetched_again(tiny_checkpoint,
                                                                       tmp_path, capsys):
    models_dir = tmp_path / "models"
    with serving({SMALL_REPO: tiny_repo(tiny_checkpoint)}) as fake:
        folder = downloads.download("qwen3-asr-0.6b", endpoint=fake.url, models_dir=models_dir)
        assert models.download_state("qwen3-asr-0.6b", models_dir) == "downloaded"
        (folder / "generation_config.json").unlink()  # a clean-up tool took it
        assert models.download_state("qwen3-asr-0.6b", models_dir).startswith("partial (")
        before = len(fake.file_requests())
        status, _, err = run_cli(capsys, "download", "qwen3-asr-0.6b", "--endpoint", fake.url,
                                 "--models-dir", str(models_dir))
        fetched = [r.path.rsplit("/", 1)[-1] for r in fake.file_requests()[before:]]
    assert status == 0, err
    assert fetched == ["generation_config.json"]
    assert models.download_state("qwen3-asr-0.6b", models_dir) == "downloaded"
