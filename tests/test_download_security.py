"""A hostile or bare mirror on 127.0.0.1: downloads never write outside the model's folder,
and a file nothing can verify is reported as unverified."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from fake_hub import FakeFile, serving
from tingxie import cli
from tingxie.asr import download as downloads
from tingxie.asr import models

REPO = "Qwen/Qwen3-ASR-0.6B-hf"
WEIGHTS = random.Random(10).randbytes(200_000)
FILES = {
    "config.json": json.dumps({"model_type": "qwen3_asr"}).encode(),
    "tokenizer_config.json": b'{"model_max_length": 65536}',
    "model.safetensors": WEIGHTS,
}
PAYLOAD = b"echo pwned\n"


@pytest.fixture(autouse=True)
def isolated(isolated_model_caches):
    """Own caches under tmp_path, downloads allowed (from the fake hub only)."""


@pytest.fixture
def hub():
    with serving({REPO: FILES}) as fake:
        yield fake


def tree(root: Path) -> set[str]:
    """Every file, folder and link under ``root``, relative."""
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def damaged(data: bytes) -> bytes:
    out = bytearray(data)
    out[len(out) // 2] ^= 0xFF
    return bytes(out)


# --------------------------------------------------------------------------- hostile listings


def traversal_names(tmp_path: Path) -> list[str]:
    return [
        "../../../../x",
        "sub/../../x",
        str(tmp_path / "abs" / "x"),  # absolute
        "..\\..\\..\\..\\x",
        "sub\\x",
        "C:/x",
        "sub//x",
    ]


@pytest.mark.parametrize("index", range(7))
@pytest.mark.parametrize("into_folder", [False, True], ids=["cache", "models-dir"])
def test_a_listed_name_leading_outside_is_refused_and_nothing_is_written(
    hub, tmp_path, index, into_folder
):
    name = traversal_names(tmp_path)[index]
    hub.repos[REPO].files[name] = FakeFile(PAYLOAD, lfs=False)
    hub.serve_unknown = PAYLOAD  # answers the URL a normalised "../" leads to
    before = tree(tmp_path)
    models_dir = tmp_path / "models" if into_folder else None

    with pytest.raises(models.DownloadFailed) as info:
        downloads.download("qwen3-asr-0.6b", endpoint=hub.url, models_dir=models_dir)

    message = str(info.value)
    assert repr(name) in message and hub.url in message and "nothing was written" in message
    assert tree(tmp_path) == before
    assert hub.file_requests() == []


@pytest.mark.parametrize("name", ["tokenizer\u202ejson.exe", "a\u200bb.json", "nul.json"])
def test_a_name_outside_the_expected_characters_is_refused(hub, tmp_path, name):
    hub.repos[REPO].files[name] = FakeFile(PAYLOAD, lfs=False)
    before = tree(tmp_path)
    with pytest.raises(models.DownloadFailed, match="name"):
        downloads.download("qwen3-asr-0.6b", endpoint=hub.url)
    assert tree(tmp_path) == before


def test_names_in_other_scripts_and_sub_folders_are_downloaded(hub):
    hub.repos[REPO].files["说明/示例 (1).txt"] = FakeFile("听写".encode(), lfs=False)
    folder = downloads.download("qwen3-asr-0.6b", endpoint=hub.url)
    assert (folder / "说明" / "示例 (1).txt").read_text(encoding="utf-8") == "听写"


@pytest.mark.parametrize("commit", ["../../../../y", "z" * 40, "main"])
def test_a_commit_id_that_is_not_hexadecimal_is_refused(hub, tmp_path, commit):
    hub.repos[REPO].commit = commit
    before = tree(tmp_path)
    with pytest.raises(models.DownloadFailed, match="commit id") as info:
        downloads.download("qwen3-asr-0.6b", endpoint=hub.url)
    assert repr(commit) in str(info.value) and hub.url in str(info.value)
    assert tree(tmp_path) == before
    assert not (tmp_path / "y").exists()


def test_an_lfs_sha256_that_is_a_path_is_refused(hub, tmp_path):
    hub.repos[REPO].files["model.safetensors"].listed_sha256 = "../../../../z"
    before = tree(tmp_path)
    with pytest.raises(models.DownloadFailed, match="sha256") as info:
        downloads.download("qwen3-asr-0.6b", endpoint=hub.url)
    assert "model.safetensors" in str(info.value)
    assert tree(tmp_path) == before
    assert not list(tmp_path.rglob("z*"))


@pytest.mark.parametrize("repo_id", ["a/..", "../b", "a/.x", "a/b c"])
def test_a_repository_id_that_is_a_path_is_not_a_model(hub, tmp_path, repo_id):
    with pytest.raises(models.UnknownModel):
        downloads.download(repo_id, endpoint=hub.url, models_dir=tmp_path / "models")
    assert not (tmp_path / "models").exists()
    assert hub.requests == []


def test_a_symlinked_sub_folder_in_the_models_folder_is_not_followed(hub, tmp_path):
    hub.repos[REPO].files["sub/notes.json"] = FakeFile(b"{}", lfs=False)
    target = tmp_path / "models" / "Qwen3-ASR-0.6B-hf"
    target.mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    (target / "sub").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(models.DownloadFailed, match="outside"):
        downloads.download("qwen3-asr-0.6b", endpoint=hub.url, models_dir=tmp_path / "models")
    assert list((tmp_path / "elsewhere").iterdir()) == []


# --------------------------------------------------------------------------- verification


def test_a_tampered_file_with_an_md5_etag_is_checked_against_the_listed_sha256(hub):
    hub.etag_style = "md5"
    hub.tamper(REPO, "model.safetensors", damaged(WEIGHTS))
    with pytest.raises(models.DownloadFailed, match=r"model\.safetensors arrived damaged"):
        downloads.download("qwen3-asr-0.6b", endpoint=hub.url)
    assert not models.is_downloaded("qwen3-asr-0.6b")


def test_a_bare_listing_is_verified_with_the_linked_etag(hub):
    hub.listing_metadata = False
    hub.etag_style = "md5"
    hub.linked_etag = True
    hub.tamper(REPO, "model.safetensors", damaged(WEIGHTS))
    with pytest.raises(models.DownloadFailed, match=r"model\.safetensors arrived damaged"):
        downloads.download("qwen3-asr-0.6b", endpoint=hub.url)

    hub.tamper(REPO, "model.safetensors", WEIGHTS)
    result = downloads.download_model("qwen3-asr-0.6b", endpoint=hub.url)
    assert (result.folder / "model.safetensors").read_bytes() == WEIGHTS
    # The small files have an md5 ETag only: nothing could check them.
    assert result.unverified == ("config.json", "tokenizer_config.json")


@pytest.mark.parametrize("etag_style", ["md5", "none"])
def test_a_file_nothing_can_verify_is_downloaded_and_reported_unverified(hub, etag_style):
    hub.listing_metadata = False
    hub.etag_style = etag_style
    hub.tamper(REPO, "model.safetensors", damaged(WEIGHTS))

    result = downloads.download_model("qwen3-asr-0.6b", endpoint=hub.url)

    assert result.unverified == ("config.json", "model.safetensors", "tokenizer_config.json")
    assert (result.folder / "model.safetensors").read_bytes() == damaged(WEIGHTS)
    assert result.folder.is_relative_to(Path(models.hf_cache_dir()).resolve())
    assert models.is_downloaded("qwen3-asr-0.6b")


def test_a_verified_download_reports_nothing_unverified(hub, tmp_path):
    result = downloads.download_model("qwen3-asr-0.6b", endpoint=hub.url)
    assert result.unverified == ()
    assert downloads.download("qwen3-asr-0.6b", endpoint=hub.url) == result.folder


def test_models_download_says_which_files_are_unverified(hub, capsys):
    hub.listing_metadata = False
    hub.etag_style = "md5"
    status = cli.main(["models", "download", "qwen3-asr-0.6b", "--endpoint", hub.url])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert "unverified" in err and "model.safetensors" in err and hub.url in err
    assert Path(out.strip()).is_dir()


def test_models_download_of_a_hostile_listing_is_one_line(hub, capsys):
    hub.repos[REPO].files["../../../../x"] = FakeFile(PAYLOAD, lfs=False)
    status = cli.main(["models", "download", "qwen3-asr-0.6b", "--endpoint", hub.url])
    _, err = capsys.readouterr()
    assert status == 1
    assert err.strip().splitlines()[-1].startswith("tingxie: Could not download qwen3-asr-0.6b")
    assert "'../../../../x'" in err and "Traceback" not in err


# --------------------------------------------------------------------------- listings that lie


@pytest.mark.parametrize("into_folder", [False, True], ids=["cache", "models-dir"])
def test_a_file_longer_than_its_listing_stops_the_download_with_a_message(
        hub, tmp_path, into_folder):
    # A stale listing (or a hostile one): the server sends 1,000 bytes more than it listed.
    weights = hub.repos[REPO].files["model.safetensors"]
    weights.listed_size = len(WEIGHTS) - 1000
    hub.listing_metadata = False
    hub.etag_style = "md5"
    folder = tmp_path / "models" if into_folder else None
    with pytest.raises(models.DownloadFailed, match=r"sent more than .* it listed for "
                                                    r"model\.safetensors"):
        downloads.download("qwen3-asr-0.6b", endpoint=hub.url, models_dir=folder)
    assert len(hub.requests_for("model.safetensors")) == 1, "fetched once, not for ever"
    root = folder if into_folder else Path(models.hf_cache_dir())
    assert not [p for p in root.rglob("*.incomplete")], "the bytes that did not fit are gone"


@pytest.mark.parametrize("into_folder", [False, True], ids=["cache", "models-dir"])
def test_an_empty_file_in_the_repository_is_downloaded(hub, tmp_path, into_folder):
    hub.repos[REPO].files["added_tokens.json"] = FakeFile(b"", lfs=False)
    folder = downloads.download("qwen3-asr-0.6b", endpoint=hub.url,
                                models_dir=tmp_path / "models" if into_folder else None)
    empty = folder / "added_tokens.json"
    assert empty.is_file() and empty.read_bytes() == b""
    assert (folder / "model.safetensors").read_bytes() == WEIGHTS


def test_a_download_resumed_after_the_repository_changed_fetches_the_new_files(hub, tmp_path):
    # What an interrupted download left behind: a finished tokenizer file of the old commit
    # (with its record) and half of the old weights, under the name an older Tingxie used.
    old_tokenizer = b'{"model_max_length": 32768}'
    folder = tmp_path / "models" / "Qwen3-ASR-0.6B-hf"
    folder.mkdir(parents=True)
    (folder / "tokenizer_config.json").write_bytes(old_tokenizer)
    (folder / ".tingxie-download.json").write_text(
        json.dumps({"tokenizer_config.json": "0" * 40}), "utf-8")
    (folder / "model.safetensors.incomplete").write_bytes(damaged(WEIGHTS)[:120_000])

    result = downloads.download("qwen3-asr-0.6b", endpoint=hub.url,
                                models_dir=tmp_path / "models")
    assert result == folder
    assert (folder / "model.safetensors").read_bytes() == WEIGHTS, "not blamed on the mirror"
    assert (folder / "tokenizer_config.json").read_bytes() == FILES["tokenizer_config.json"]
    assert not list(folder.glob("*.incomplete"))
    assert all(r.range is None for r in hub.requests_for("model.safetensors")), \
        "the old bytes were not continued"


def test_cancel_while_a_silent_server_lists_the_files_is_a_cancel(tmp_path, monkeypatch):
    import socket
    import threading
    import time

    import huggingface_hub.constants

    from tingxie.core.cancel import CancelToken
    from tingxie.core.errors import Cancelled

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_ETAG_TIMEOUT", 1)
    silent = socket.create_server(("127.0.0.1", 0))  # accepts, never answers
    cancel = CancelToken()
    threading.Timer(0.3, cancel.cancel).start()
    started = time.monotonic()
    try:
        with pytest.raises(Cancelled, match="cancelled"):
            downloads.download("qwen3-asr-0.6b", cancel=cancel,
                               endpoint=f"http://127.0.0.1:{silent.getsockname()[1]}")
    finally:
        silent.close()
    assert time.monotonic() - started < 30
