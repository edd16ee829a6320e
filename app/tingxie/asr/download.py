"""Downloading a model: from the Hugging Face hub (or a mirror) or ModelScope, with progress,
cancel, resume and a free-space check first. Runs only when a user asks for it.

Why :func:`download` streams the files itself instead of calling ``hf_hub_download``: since
huggingface_hub 1.x, ``hf_hub_download`` writes each file to a process-unique temporary file
and deletes it when the download fails or is interrupted, so a cancelled 2 GB download would
start again from zero; it also hands data to its progress hook only every 10 MB, too coarse for
a prompt cancel. We still use huggingface_hub for everything else: the file listing
(``HfApi.model_info``), the HTTP session, headers and token, and its typed HTTP errors.

Everything a server says is untrusted: file names, the commit id and hashes are checked (see
:func:`_check_name`) and every path is checked to lie inside its folder before a byte is
written, so a hostile mirror cannot write outside the model's folder. Files are verified
against the hub's sha256 (LFS files) or git blob sha1; a file no hash from the server can
check is still downloaded, and :attr:`DownloadResult.unverified` names it.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import importlib.util
import itertools
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from tingxie.asr.models import (
    DEFAULT_ENDPOINT,
    DOWNLOAD_RECORD,
    SOURCES,
    DownloadFailed,
    ModelSpec,
    NotEnoughDiskSpace,
    Source,
    _bytes_under,
    _hf_snapshots,
    _hf_storage,
    _repo_folder_name,
    find_model,
    format_size,
    hf_cache_dir,
    incomplete_reason,
    is_complete_model_folder,
    modelscope_cache_dir,
    use_local_folder,
)
from tingxie.core.cancel import CancelToken
from tingxie.core.errors import Cancelled, FileProblem, TingxieError

# --------------------------------------------------------------------------- download


@dataclass(frozen=True)
class DownloadProgress:
    """A snapshot of a running download.

    ``bytes_done`` counts bytes already on disk from earlier attempts too; ``speed`` is bytes
    per second over the last few seconds; ``eta_seconds`` is ``None`` until a speed is known.
    """

    bytes_done: int
    bytes_total: int
    speed: float
    eta_seconds: float | None
    current_file: str

    @property
    def fraction(self) -> float:
        """Done, from 0 to 1."""
        return self.bytes_done / self.bytes_total if self.bytes_total else 1.0


ProgressHook = Callable[[DownloadProgress], None]

#: Free space kept beyond the download itself.
DISK_MARGIN_BYTES = 200 * 1000 * 1000
#: Attempts per file in a row that bring no new byte before giving up: a byte counts as new
#: only past the most of the file this download ever had (a server that sends the same part
#: again, or a web page, brings none).
MAX_STALLED_ATTEMPTS = 4
#: First wait before retrying a dropped connection; doubles on each stalled attempt.
RETRY_WAIT_S = 0.5
_PROGRESS_EVERY_S = 0.1
#: How often a request waiting on the network looks at the cancel token.
_CANCEL_POLL_S = 0.1
_SKIPPED_SUFFIXES = (
    ".md", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".mp3", ".wav", ".mp4",
    # other weight formats: Tingxie loads safetensors only
    ".bin", ".pt", ".pth", ".ckpt", ".onnx", ".gguf", ".h5", ".msgpack",
)  # fmt: skip
_SKIPPED_NAMES = {".gitattributes"}
#: In a models folder, which hash each finished file has: a download resumed after the
#: repository changed fetches the files that changed again.
_RECORD = DOWNLOAD_RECORD
_RETRY_STATUS = {408, 429, 500, 502, 503, 504}


HashKind = Literal["sha256", "git-sha1"]

_SHA256 = re.compile(r"[0-9a-f]{64}")
_SHA1 = re.compile(r"[0-9a-f]{40}")
#: ASCII a file name may hold besides letters and digits of any script (Chinese names too).
_NAME_PUNCTUATION = frozenset("._+@=~,()[]- ")
_DRIVE = re.compile(r"[A-Za-z]:")
_WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{p}{i}" for p in ("com", "lpt") for i in range(1, 10)]
)
_MAX_NAME_LENGTH = 400


@dataclass(frozen=True)
class _RemoteFile:
    name: str  # checked by _check_name: a relative POSIX path inside the model folder
    size: int
    #: The hash the content is checked against (lowercase hex), and which kind it is; a file
    #: the server gave no usable hash for has ``kind`` None.
    digest: str
    kind: HashKind | None
    #: Name of its blob in the cache layout: the hash, or for an unverified file a hex
    #: name derived from what the server said about it (stable, so a resume finds it).
    blob: str


@dataclass(frozen=True)
class DownloadResult:
    """Where a model ended up, and which of its files could not be verified.

    ``unverified`` names the files of this download that the server gave no sha256 or git
    hash for (a mirror that sends only an md5 ETag, or none): they were downloaded but nothing
    checked their content. Empty for a model found complete on disk, a local folder, or
    ModelScope (its client checks its own files).
    """

    folder: Path
    unverified: tuple[str, ...] = ()


def download(
    spec: ModelSpec | str,
    *,
    source: Source = "huggingface",
    endpoint: str | None = None,
    models_dir: str | os.PathLike[str] | None = None,
    progress: ProgressHook | None = None,
    cancel: CancelToken | None = None,
) -> Path:
    """Download a model and return its folder (see :func:`download_model`, which also says
    which files could not be verified)."""
    return download_model(
        spec,
        source=source,
        endpoint=endpoint,
        models_dir=models_dir,
        progress=progress,
        cancel=cancel,
    ).folder


def download_model(
    spec: ModelSpec | str,
    *,
    source: Source = "huggingface",
    endpoint: str | None = None,
    models_dir: str | os.PathLike[str] | None = None,
    progress: ProgressHook | None = None,
    cancel: CancelToken | None = None,
) -> DownloadResult:
    """Download a model; resumes what an earlier attempt left.

    ``source="huggingface"`` (default) fetches from ``endpoint`` (a mirror such as
    https://hf-mirror.com), else ``HF_ENDPOINT``, else huggingface.co, into the Hugging Face
    cache or, when ``models_dir`` is given, into ``models_dir/<repository name>``.
    ``source="modelscope"`` uses the optional ``modelscope`` package.

    The free disk space is checked before the first byte. ``progress`` is called from this
    thread about ten times a second. ``cancel`` takes effect within a fraction of a second, also
    while the server sends nothing (see :class:`_HangUpOnCancel`): the call then raises
    :class:`~tingxie.core.errors.Cancelled` and keeps the partial files, so the next call
    resumes them with an HTTP Range request. Raises :class:`DownloadFailed` when the server
    cannot be reached or answers with an error (also when its listing holds an unsafe file
    name, commit id or hash: then nothing is written), :class:`NotEnoughDiskSpace` when the
    disk is too small. A model that is already complete there is returned without network
    access. The result's ``unverified`` names files no server hash could check.
    """
    spec = find_model(spec)
    if spec.local_path is not None:
        return DownloadResult(use_local_folder(spec.local_path))
    if source not in SOURCES:
        raise ValueError(f"Unknown source {source!r}; use one of {', '.join(SOURCES)}.")
    if cancel is not None:
        cancel.raise_if_cancelled()
    if source == "modelscope":
        return DownloadResult(_download_modelscope(spec, models_dir, progress, cancel))
    return _HubDownload(spec, endpoint, models_dir, progress, cancel).run()


def resolve_endpoint(endpoint: str | None = None) -> str:
    """The hub address a download uses: ``endpoint``, else ``HF_ENDPOINT``, else huggingface.co."""
    return (endpoint or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


class _Progress:
    """Counts bytes, measures speed and calls the hook at most every 0.1 s."""

    def __init__(self, total: int, done: int, hook: ProgressHook | None) -> None:
        self.total = total
        self.done = done
        self.current_file = ""
        self._hook = hook
        self._samples: deque[tuple[float, int]] = deque()
        self._last_emit = 0.0

    def start_file(self, name: str) -> None:
        self.current_file = name
        self.emit(force=True)

    def advance(self, n: int) -> None:
        self.done += n
        self.emit()

    def emit(self, force: bool = False) -> None:
        now = time.monotonic()
        if self._hook is None or (not force and now - self._last_emit < _PROGRESS_EVERY_S):
            return
        self._last_emit = now
        self._samples.append((now, self.done))
        while len(self._samples) > 2 and now - self._samples[0][0] > 5.0:
            self._samples.popleft()
        t0, d0 = self._samples[0]
        speed = (self.done - d0) / (now - t0) if now - t0 > 0.2 else 0.0
        speed = max(speed, 0.0)
        remaining = max(self.total - self.done, 0)
        eta = remaining / speed if speed > 0 else (0.0 if remaining == 0 else None)
        self._hook(DownloadProgress(self.done, self.total, speed, eta, self.current_file))


class _Checksum:
    """Incremental check of a file against the hub's hash (sha256 for LFS, git sha1 otherwise)."""

    def __init__(self, digest: str, kind: HashKind | None, size: int) -> None:
        self.etag = digest
        self.kind = kind
        self.size = size
        self.hashed = 0
        self._hash: Any = None
        self.reset()

    def reset(self) -> None:
        self.hashed = 0
        if self.kind == "sha256":
            self._hash = hashlib.sha256()
        elif self.kind == "git-sha1":
            self._hash = hashlib.sha1(f"blob {self.size}\0".encode(), usedforsecurity=False)
        else:  # nothing to check against: the result reports the file as unverified
            self._hash = None

    def update(self, data: bytes) -> None:
        self.hashed += len(data)
        if self._hash is not None:
            self._hash.update(data)

    def catch_up(self, path: Path, size: int) -> None:
        """Hash the first ``size`` bytes already in ``path`` (a resumed partial file)."""
        self.reset()
        if size == 0:
            return
        with path.open("rb") as f:
            while self.hashed < size:
                block = f.read(min(8 << 20, size - self.hashed))
                if not block:
                    break
                self.update(block)

    def ok(self) -> bool:
        return self._hash is None or self._hash.hexdigest() == self.etag


class _HubDownload:
    """One download from a Hugging Face hub (or a mirror) into the cache or a models folder."""

    def __init__(
        self,
        spec: ModelSpec,
        endpoint: str | None,
        models_dir: str | os.PathLike[str] | None,
        progress: ProgressHook | None,
        cancel: CancelToken | None,
    ) -> None:
        self.spec = spec
        self.endpoint = resolve_endpoint(endpoint)
        self.cancel = cancel or CancelToken()
        self.hook = progress
        self._remaining = spec.size_bytes
        if models_dir is not None:
            self.folder: Path | None = (
                Path(models_dir).expanduser() / _repo_folder_name(spec.repo_id)
            ).resolve()
            self.storage = self.folder
        else:
            self.folder = None
            self.storage = _hf_storage(hf_cache_dir().resolve(), spec.repo_id)

    # ---- layout: a plain folder, or huggingface_hub's blobs + snapshots

    def destination(self, commit: str) -> Path:
        return self.folder if self.folder is not None else self.storage / "snapshots" / commit

    def final_path(self, commit: str, f: _RemoteFile) -> Path:
        return self.destination(commit) / f.name

    def blob_path(self, f: _RemoteFile) -> Path:
        return self.storage / "blobs" / f.blob

    def partial_path(self, f: _RemoteFile) -> Path:
        if self.folder is not None:
            # Named by the file's hash too: a download resumed after the repository changed
            # starts the new file afresh instead of appending to the old one's bytes.
            return self.folder / f"{f.name}.{f.blob[-16:]}.incomplete"
        return self.storage / "blobs" / (f.blob + ".incomplete")

    def _drop_stale_partials(self, f: _RemoteFile, partial: Path) -> None:
        """In a models folder, delete what an earlier download left of ``f.name`` under
        another hash (an older commit's file, or an older Tingxie's ``NAME.incomplete``)."""
        if self.folder is None:
            return
        stale = re.compile(re.escape(PurePosixPath(f.name).name)
                           + r"(\.[0-9a-f]{16})?\.incomplete")
        for old in partial.parent.iterdir():
            if old != partial and stale.fullmatch(old.name) and old.is_file():
                old.unlink()

    def _recorded(self) -> dict[str, str]:
        """A models folder's record of which hash each finished file has (name -> blob)."""
        try:
            found = json.loads((self.folder / _RECORD).read_text(encoding="utf-8"))
        except (OSError, ValueError, TypeError):
            return {}
        return found if isinstance(found, dict) else {}

    def is_finished(self, commit: str, f: _RemoteFile) -> bool:
        """Whether ``f`` is in place, and (in a models folder) is this listing's file, not
        an older commit's one of the same name."""
        if not self.final_path(commit, f).is_file():
            return False
        return self.folder is None or self._recorded().get(f.name, f.blob) == f.blob

    def check_paths(self, commit: str, f: _RemoteFile) -> None:
        """Raise :class:`DownloadFailed` unless every path of ``f`` lies inside its folder.

        Names were checked already; this also catches a sub-folder of the destination that
        is a symlink leading elsewhere.
        """
        _require_inside(self, f.name, self.final_path(commit, f), self.destination(commit))
        if self.folder is None:
            blobs = self.storage / "blobs"
            _require_inside(self, f.name, self.blob_path(f), blobs)
            _require_inside(self, f.name, self.partial_path(f), blobs)
        else:
            _require_inside(self, f.name, self.partial_path(f), self.folder)

    def bytes_on_disk(self, commit: str, f: _RemoteFile) -> int:
        if self.is_finished(commit, f):
            return f.size
        if self.folder is None and self.blob_path(f).is_file():
            return f.size
        partial = self.partial_path(f)
        return min(partial.stat().st_size, f.size) if partial.is_file() else 0

    def finish(self, commit: str, f: _RemoteFile, partial: Path) -> None:
        final = self.final_path(commit, f)
        final.parent.mkdir(parents=True, exist_ok=True)
        self.check_paths(commit, f)  # again, now that the parent folders exist
        if self.folder is not None:
            os.replace(partial, final)
            record = {**self._recorded(), f.name: f.blob}
            (self.folder / _RECORD).write_text(json.dumps(record, indent=1), encoding="utf-8")
            return
        blob = self.blob_path(f)
        if partial.exists():
            os.replace(partial, blob)
        if final.is_symlink() or final.exists():
            final.unlink()
        try:
            final.symlink_to(os.path.relpath(blob, final.parent))
        except OSError:
            # No symlinks (Windows without developer mode): move, as huggingface_hub does.
            os.replace(blob, final)

    def _forget_unlisted(self, files: list[_RemoteFile]) -> None:
        """Keep in a models folder's record only the files of this listing: a file the
        repository no longer has is not asked for (see :func:`missing_model_files`)."""
        if self.folder is None:
            return
        listed = {f.name for f in files}
        recorded = self._recorded()
        kept = {name: blob for name, blob in recorded.items() if name in listed}
        if kept != recorded:
            (self.folder / _RECORD).write_text(json.dumps(kept, indent=1), encoding="utf-8")

    def write_ref(self, commit: str) -> None:
        if self.folder is None:
            ref = self.storage / "refs" / "main"
            ref.parent.mkdir(parents=True, exist_ok=True)
            ref.write_text(commit, encoding="utf-8")

    # ---- the download

    def run(self) -> DownloadResult:
        if self.folder is not None and is_complete_model_folder(self.folder):
            return DownloadResult(self.folder)
        for snapshot in _hf_snapshots(self.storage) if self.folder is None else ():
            if is_complete_model_folder(snapshot):
                return DownloadResult(snapshot)
        try:
            try:
                return self._run()
            except Exception:
                # A read that was waiting on a silent server when Cancel was pressed ends in
                # an error (the connection hung up, or a timeout): still the user's cancel.
                self.cancel.raise_if_cancelled()
                raise
        except Cancelled:
            raise Cancelled(
                f"Download of {self.spec.name} cancelled; the files fetched so far are kept "
                "and the next download resumes from them."
            ) from None
        except (NotEnoughDiskSpace, DownloadFailed):
            raise
        except Exception as exc:
            if _is_http_error(exc):
                raise self._failed(exc) from exc
            if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
                raise NotEnoughDiskSpace(self.storage, self._remaining, 0) from exc
            if isinstance(exc, OSError) and exc.filename:
                raise FileProblem(
                    exc.filename,
                    f"cannot be written: {exc.strerror or exc}.",
                    "Check the folder's permissions or choose another models folder.",
                ) from exc
            raise

    def _run(self) -> DownloadResult:
        commit, files = self._list_files()
        for f in files:  # before anything is written, even the lock file
            self.check_paths(commit, f)
        self.cancel.raise_if_cancelled()
        total = sum(f.size for f in files)
        have = sum(self.bytes_on_disk(commit, f) for f in files)
        self._remaining = total - have
        _check_free_space(self.storage, self._remaining)

        import filelock

        lock_path = self.storage.parent / ".locks" / (self.storage.name + ".tingxie.lock")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            lock = filelock.FileLock(str(lock_path), timeout=0.5)
            lock.acquire()
        except filelock.Timeout:
            raise DownloadFailed(
                self.spec,
                self.endpoint,
                "another download of this model is already running",
                "Wait for it to finish, or cancel it first.",
            ) from None
        try:
            progress = _Progress(total, have, self.hook)
            progress.emit(force=True)
            for f in files:
                if self.is_finished(commit, f):
                    continue
                progress.start_file(f.name)
                partial = self.partial_path(f)
                blob_done = self.folder is None and self.blob_path(f).is_file()
                if not blob_done:
                    self._fetch(commit, f, partial, progress)
                self.finish(commit, f, partial)
                self.write_ref(commit)
            progress.emit(force=True)
            self._forget_unlisted(files)
        finally:
            lock.release()
        folder = self.destination(commit)
        missing = incomplete_reason(folder)
        if missing is not None:
            raise DownloadFailed(
                self.spec,
                self.endpoint,
                f"the repository does not hold a complete checkpoint ({missing})",
                "Download from huggingface.co or another mirror, or choose a folder that "
                "holds the model.",
            )
        unverified = tuple(sorted(f.name for f in files if f.kind is None))
        return DownloadResult(folder, unverified)

    def _list_files(self) -> tuple[str, list[_RemoteFile]]:
        from huggingface_hub import HfApi, constants, get_hf_file_metadata, hf_hub_url

        try:
            info = HfApi(endpoint=self.endpoint).model_info(
                self.spec.repo_id, files_metadata=True, timeout=constants.HF_HUB_ETAG_TIMEOUT
            )
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            # An answer that is not the hub's JSON: a captive portal's login page, a web
            # site at the address, an error page under HTTP 200.
            said = getattr(exc, "doc", None)
            what = ("it sent a web page: a Wi-Fi login, or not a hub/mirror address?"
                    if isinstance(said, str) and _is_web_page(said.encode("utf-8", "replace"))
                    else "is this a hub or mirror address?")
            raise DownloadFailed(
                self.spec,
                self.endpoint,
                f"it did not answer with a model listing ({what})",
                "Check the endpoint (a mirror such as https://hf-mirror.com, or leave it "
                "empty for huggingface.co); on a network that asks for a login, log in "
                "with a web browser first.",
            ) from exc
        commit = self._commit(info.sha) if info.sha is not None else None
        siblings = list(info.siblings or [])
        for sibling in siblings:  # every name, also of files we skip: a hostile listing fails
            self._check_name(sibling.rfilename, wanted=False)
        files: list[_RemoteFile] = []
        for sibling in siblings:
            name = sibling.rfilename
            if name in _SKIPPED_NAMES or name.lower().endswith(_SKIPPED_SUFFIXES):
                continue
            self._check_name(name, wanted=True)
            size = sibling.size
            digest: str | None = None
            kind: HashKind | None = None
            if sibling.lfs is not None and sibling.lfs.sha256 is not None:
                digest, kind = self._hash(name, sibling.lfs.sha256, "sha256"), "sha256"
            elif sibling.lfs is None and sibling.blob_id is not None:
                digest, kind = self._hash(name, sibling.blob_id, "git-sha1"), "git-sha1"
            etag = digest
            if size is None or kind is None or commit is None:
                # A mirror without (all) file metadata in its listing: ask for this one file.
                # Its answer prefers X-Linked-Etag, the sha256 of an LFS file.
                url = hf_hub_url(self.spec.repo_id, name, revision=commit, endpoint=self.endpoint)
                meta = get_hf_file_metadata(url, endpoint=self.endpoint)
                size = meta.size if size is None else size
                if commit is None and meta.commit_hash is not None:
                    commit = self._commit(meta.commit_hash)
                if kind is None:
                    etag = meta.etag
                    digest, kind = _etag_hash(meta.etag)
            if size is None or commit is None:
                raise DownloadFailed(
                    self.spec, self.endpoint, f"the server gave no size for {name}"
                )
            if isinstance(size, bool) or not isinstance(size, int) or size < 0:
                raise DownloadFailed(
                    self.spec, self.endpoint, f"the server gave an invalid size for {name}"
                )
            if kind is None:
                seed = f"{commit}\0{name}\0{size}\0{etag or ''}".encode()
                blob = "unverified-" + hashlib.sha256(seed).hexdigest()
                files.append(_RemoteFile(name, size, "", None, blob))
            else:
                assert digest is not None
                files.append(_RemoteFile(name, size, digest, kind, digest))
        if not files or commit is None:
            raise DownloadFailed(self.spec, self.endpoint, "the repository lists no files")
        # Small files first, the weights next, config.json last: a folder with config.json
        # in it is a finished download.
        files.sort(key=lambda f: (f.name == "config.json", f.size))
        return commit, files

    def _untrusted(self, what: str) -> DownloadFailed:
        return DownloadFailed(
            self.spec,
            self.endpoint,
            f"{what}; nothing was written",
            "This server cannot be trusted: download from huggingface.co or another mirror.",
        )

    def _check_name(self, name: object, wanted: bool) -> None:
        """Raise unless ``name`` is a safe relative POSIX path (``wanted``: also one of the
        expected characters, as every file Tingxie downloads must be)."""
        problem = _unsafe_name(name) or (_unusual_name(str(name)) if wanted else None)
        if problem:
            raise self._untrusted(f"it listed a file named {name!r}, {problem}")

    def _commit(self, commit: object) -> str:
        text = commit.lower() if isinstance(commit, str) else ""
        if not (_SHA1.fullmatch(text) or _SHA256.fullmatch(text)):
            raise self._untrusted(
                f"it gave the commit id {commit!r}, which is not 40 hexadecimal digits"
            )
        return text

    def _hash(self, name: str, value: object, kind: HashKind) -> str:
        text = value.lower() if isinstance(value, str) else ""
        pattern, what = (_SHA256, "sha256") if kind == "sha256" else (_SHA1, "git hash")
        if not pattern.fullmatch(text):
            raise self._untrusted(f"it gave {name} the {what} {value!r}, which is not hexadecimal")
        return text

    def _fetch(self, commit: str, f: _RemoteFile, partial: Path, progress: _Progress) -> None:
        """Stream one file into ``partial``, resuming it, retrying dropped connections."""
        import httpx2
        from huggingface_hub import constants, hf_hub_url
        from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status

        url = hf_hub_url(self.spec.repo_id, f.name, revision=commit, endpoint=self.endpoint)
        base_headers = build_hf_headers(library_name="tingxie")
        base_headers["Accept-Encoding"] = "identity"  # exact sizes, byte ranges that mean bytes
        partial.parent.mkdir(parents=True, exist_ok=True)
        self.check_paths(commit, f)  # again, now that the parent folders exist
        self._drop_stale_partials(f, partial)
        checksum = _Checksum(f.digest, f.kind, f.size)
        if f.size == 0:  # an empty file (a .gitkeep): nothing to fetch, but it must exist
            partial.touch()
        stalled = 0
        # The most of this file on disk so far in this call: only bytes past it are progress.
        best = partial.stat().st_size if partial.exists() else 0
        web_pages = 0  # attempts in a row answered with a web page instead of the file
        while True:
            have = partial.stat().st_size if partial.exists() else 0
            if have > f.size:  # not ours to trust: start this file again
                progress.advance(-f.size)
                partial.unlink()
                have = 0
            if checksum.hashed != have:
                checksum.catch_up(partial, have)
            if have == f.size:
                break
            headers = dict(base_headers)
            if have:
                headers["Range"] = f"bytes={have}-"
            got = 0
            try:
                with _HangUpOnCancel(self.cancel) as hang_up, get_session().stream(
                    "GET", url, headers=headers, timeout=constants.HF_HUB_DOWNLOAD_TIMEOUT,
                    extensions={"trace": hang_up.trace},
                ) as response:
                    hang_up.watch(response)
                    if response.status_code in _RETRY_STATUS:
                        raise _Retry(f"HTTP {response.status_code}")
                    hf_raise_for_status(response)
                    chunks = _with_head(response.iter_bytes())
                    head = next(chunks, b"")
                    if _is_web_page(head, response.headers.get("content-type"), f.name):
                        raise _WebPage()  # an error page or a login, never written
                    if have and response.status_code != 206:
                        # The server ignored the Range header and sends the whole file.
                        progress.advance(-have)
                        have = 0
                        checksum.reset()
                    with partial.open("r+b" if have else "wb") as out:
                        out.seek(have)
                        out.truncate()
                        for chunk in itertools.chain((head,), chunks):
                            self.cancel.raise_if_cancelled()
                            if have + got + len(chunk) > f.size:
                                raise _Oversized()
                            out.write(chunk)
                            checksum.update(chunk)
                            got += len(chunk)
                            progress.advance(len(chunk))
                    hang_up.release()  # before the connection goes back to the pool
                if have + got == f.size:
                    break
                raise _Retry(f"the connection closed after {format_size(have + got)}")
            except _Oversized:
                partial.unlink(missing_ok=True)
                progress.advance(-(have + got))
                raise DownloadFailed(
                    self.spec,
                    self.endpoint,
                    f"the server sent more than the {format_size(f.size)} it listed for "
                    f"{f.name} (its listing is out of date, or the file is not the one listed); "
                    "the part fetched was deleted",
                    "Try again later, or download from huggingface.co or another mirror.",
                ) from None
            except (httpx2.TransportError, _Retry, _WebPage) as exc:
                web_pages = web_pages + 1 if isinstance(exc, _WebPage) else 0
                if have + got > best:
                    best, stalled = have + got, 0
                else:
                    stalled += 1
                if stalled >= MAX_STALLED_ATTEMPTS:
                    if web_pages:
                        raise DownloadFailed(
                            self.spec,
                            self.endpoint,
                            f"instead of {f.name} the server sent a web page (an error page, "
                            f"or a network's login page), {web_pages} times in a row",
                            "Try again later, or download from huggingface.co or another "
                            "mirror.",
                        ) from None
                    if got:
                        raise DownloadFailed(
                            self.spec,
                            self.endpoint,
                            f"{f.name} got no further than {format_size(best)} of "
                            f"{format_size(f.size)}: the server sent the same part again "
                            f"{stalled} times in a row (it cannot resume, or it sends "
                            "something else)",
                            "Try again later, or download from huggingface.co or another "
                            "mirror.",
                        ) from None
                    raise
                self._wait(RETRY_WAIT_S * 2 ** max(stalled - 1, 0))
        if not checksum.ok():
            partial.unlink(missing_ok=True)
            progress.advance(-f.size)
            raise DownloadFailed(
                self.spec,
                self.endpoint,
                f"{f.name} arrived damaged (its checksum does not match) and was deleted",
                "Try again; if it keeps happening, try another mirror or the ModelScope source.",
            )

    def _wait(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.cancel.raise_if_cancelled()
            time.sleep(min(0.05, max(deadline - time.monotonic(), 0)))
        self.cancel.raise_if_cancelled()

    def _failed(self, exc: BaseException) -> DownloadFailed:
        from huggingface_hub.errors import OfflineModeIsEnabled

        advice = "" if isinstance(exc, OfflineModeIsEnabled) else None
        return DownloadFailed(self.spec, self.endpoint, _reason(exc, self.spec.repo_id), advice)


class _HangUpOnCancel:
    """Ends a request's wait for a silent server as soon as the download is cancelled.

    A read blocks until bytes arrive or the read timeout (``HF_HUB_DOWNLOAD_TIMEOUT``, 10 s)
    passes, and a short timeout is no way out: httpx cannot go on with a response after one,
    and a slow mirror that pauses a few seconds would fail. So a thread looks at the token
    while the request runs and on a cancel shuts the request's socket down: that wakes the
    blocked read at once (closing the socket would not, on Linux), which then fails and the
    download ends as cancelled, its partial file kept. The socket is known once the request
    connects (httpcore's ``trace`` extension) or, on a connection reused from the pool, once
    the headers arrive; a reused connection waiting for its headers still waits for the timeout.
    """

    def __init__(self, cancel: CancelToken) -> None:
        self._cancel = cancel
        self._stream: Any = None  # the request's network stream, while it has one
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="download-cancel", daemon=True)

    def __enter__(self) -> _HangUpOnCancel:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
        self._thread.join()

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's trace hook: note a new connection's stream, forget a closed one's."""
        if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            self._hold(info.get("return_value"))
        elif event.endswith(".response_closed.started"):
            self._hold(None)

    def watch(self, response: Any) -> None:
        """Hang up ``response``'s connection on a cancel (one reused from the pool too)."""
        self._hold(response.extensions.get("network_stream"))

    def release(self) -> None:
        """Stop watching: from now on the connection is the pool's, never shut down here."""
        with self._lock:
            self._stream = None
            self._done.set()

    def _hold(self, stream: Any) -> None:
        with self._lock:
            if not self._done.is_set():
                self._stream = stream

    def _watch(self) -> None:
        while not self._done.wait(_CANCEL_POLL_S):
            if not self._cancel.cancelled:
                continue
            with self._lock:  # a connection made after the cancel is hung up too
                stream, self._stream = self._stream, None
                sock = stream.get_extra_info("socket") if stream is not None else None
                if isinstance(sock, socket.socket) and not self._done.is_set():
                    with contextlib.suppress(OSError):
                        # socket.socket's own shutdown, also for a TLS socket: a TLS
                        # shutdown would need the very read that is blocked.
                        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _unsafe_name(name: object) -> str | None:
    """Why ``name`` (a file name from a server) could lead outside the model folder, or None."""
    if not isinstance(name, str) or not name:
        return "an empty name"
    if len(name) > _MAX_NAME_LENGTH:
        return "a name far too long"
    if "\\" in name:
        return "a name with a backslash"
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return "a name with control characters"
    if name.startswith("/") or _DRIVE.match(name):
        return "an absolute path"
    parts = name.split("/")
    if any(part == "" for part in parts):
        return "a name with an empty path component"
    if any(part in (".", "..") for part in parts):
        return "a name with a '.' or '..' component"
    return None


def _unusual_name(name: str) -> str | None:
    """Why a safe relative ``name`` is still not one Tingxie downloads, or None."""
    for part in name.split("/"):
        if not all(c in _NAME_PUNCTUATION or _is_letter_or_digit(c) for c in part):
            return "a name with characters other than letters, digits and ._+@=~,()[]- space"
        if part != part.strip() or part.endswith("."):
            return "a name whose part begins or ends with a space or ends with a dot"
        if part.split(".", 1)[0].lower() in _WINDOWS_RESERVED:
            return "a name Windows reserves for devices"
    if name.endswith(".incomplete"):
        return "a name ending in .incomplete, the suffix of unfinished downloads"
    return None


def _is_letter_or_digit(c: str) -> bool:
    # Letters and numbers of any script, never format characters (right-to-left overrides,
    # zero-width joiners) or other spaces, which can disguise a name.
    return unicodedata.category(c)[0] in "LN"


def _etag_hash(etag: str | None) -> tuple[str | None, HashKind | None]:
    """The hash an ETag (or X-Linked-Etag) gives: a sha256, a git sha1, or (None, None) for
    anything else (an md5, a server's own tag), which cannot verify the content."""
    text = (etag or "").strip().lower()
    if _SHA256.fullmatch(text):
        return text, "sha256"
    if _SHA1.fullmatch(text):
        return text, "git-sha1"
    return None, None


def _require_inside(download: _HubDownload, name: str, path: Path, root: Path) -> None:
    """Raise :class:`DownloadFailed` unless ``path`` (its parent folders resolved, symlinks
    followed) lies inside ``root``."""
    real_root = root.resolve()
    real = path.parent.resolve() / path.name
    if real == real_root or not real.is_relative_to(real_root):
        raise download._untrusted(f"its file {name!r} would be written outside {root}")


def _check_free_space(folder: Path, remaining: int) -> None:
    """Raise :class:`NotEnoughDiskSpace` unless ``folder``'s disk holds ``remaining`` + margin."""
    if remaining <= 0:
        return
    probe = folder
    while not probe.exists() and probe != probe.parent:  # measure the disk it will be on
        probe = probe.parent
    free = shutil.disk_usage(probe).free
    needed = remaining + DISK_MARGIN_BYTES
    if free < needed:
        raise NotEnoughDiskSpace(folder, needed, free)


class _Retry(Exception):
    """A transient server answer worth another attempt."""


class _Oversized(Exception):
    """The server sent more bytes than it listed for the file."""


class _WebPage(Exception):
    """The server answered a file with a web page (an error page, a captive portal's login)."""


#: How much of an answer is looked at to tell a web page from a file.
_HEAD_BYTES = 512


def _with_head(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """``chunks`` again, the first one holding at least :data:`_HEAD_BYTES` bytes (or the
    whole answer, when it is shorter); an answer cut off before that still yields what came
    first, then raises."""
    head = b""
    cut_off: Exception | None = None
    try:
        for chunk in chunks:
            head += chunk
            if len(head) >= _HEAD_BYTES:
                break
    except Exception as exc:  # the connection closed early: look at what came all the same
        cut_off = exc
    if head:
        yield head
    if cut_off is not None:
        raise cut_off
    yield from chunks


def _is_web_page(head: bytes, content_type: str | None = None, name: str = "") -> bool:
    """Whether an answer that begins with ``head`` is a web page rather than the file ``name``
    (a file that is itself a web page never is)."""
    if name.lower().endswith((".html", ".htm")):
        return False
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html")):
        return True
    return (content_type or "").lower().startswith("text/html") and start.startswith(b"<")


def _is_http_error(exc: BaseException) -> bool:
    import httpx2
    from huggingface_hub.errors import HfHubHTTPError, OfflineModeIsEnabled

    return isinstance(exc, (httpx2.HTTPError, HfHubHTTPError, OfflineModeIsEnabled, _Retry))


def _reason(exc: BaseException, repo_id: str) -> str:
    """A short, readable cause for a failed download."""
    import httpx2
    from huggingface_hub.errors import (
        GatedRepoError,
        HfHubHTTPError,
        OfflineModeIsEnabled,
        RepositoryNotFoundError,
    )

    if isinstance(exc, OfflineModeIsEnabled):
        return "offline mode is on (HF_HUB_OFFLINE); unset it to download"
    if isinstance(exc, GatedRepoError):
        return f"access to {repo_id} is restricted (log in with a token that has access)"
    if isinstance(exc, RepositoryNotFoundError):
        return f"the repository {repo_id} was not found there"
    if isinstance(exc, HfHubHTTPError):
        status = exc.response.status_code if exc.response is not None else "?"
        return f"the server answered HTTP {status}"
    if isinstance(exc, httpx2.ConnectError):
        return f"cannot connect ({_first_line(exc) or 'connection refused'})"
    if isinstance(exc, httpx2.TimeoutException):
        return "the server did not answer in time"
    if isinstance(exc, httpx2.HTTPError):
        return f"the connection failed ({_first_line(exc) or type(exc).__name__})"
    return _first_line(exc) or type(exc).__name__


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else ""


# --------------------------------------------------------------------------- ModelScope


def _download_modelscope(
    spec: ModelSpec,
    models_dir: str | os.PathLike[str] | None,
    progress: ProgressHook | None,
    cancel: CancelToken | None,
) -> Path:
    """Fetch the original-layout checkpoint from ModelScope (the engine converts it).

    ModelScope's client has no progress or cancel hook across its versions, so it runs in a
    child process (:data:`_MODELSCOPE_CHILD`): progress is the bytes that appear under its
    folder, and a cancel ends the child at once (the files it finished are kept, and its next
    run skips them). A frozen bundle has no Python to run a child with: there the client runs
    in this process, reports only its start and end, and a cancel takes effect only before it
    starts (:func:`can_stop`). The server is ModelScope's default (``MODELSCOPE_DOMAIN``
    changes it).
    """
    if not spec.modelscope_id:
        raise DownloadFailed(spec, "ModelScope", "this model has no ModelScope id")
    if not _has_modelscope():
        raise TingxieError(_MODELSCOPE_MISSING)
    if models_dir is not None:
        target = Path(models_dir).expanduser() / _repo_folder_name(spec.modelscope_id)
        candidates = [target]
    else:
        target = None
        cache = modelscope_cache_dir()
        candidates = [cache / "models" / spec.modelscope_id, cache / spec.modelscope_id]
    for folder in candidates:
        if is_complete_model_folder(folder):
            return folder
    _check_free_space(target or modelscope_cache_dir(), spec.size_bytes)
    if progress is not None:
        progress(DownloadProgress(0, spec.size_bytes, 0.0, None, spec.modelscope_id))
    if cancel is not None:
        cancel.raise_if_cancelled()
    if can_stop("modelscope"):
        path = _modelscope_in_child(spec, target, progress, cancel or CancelToken())
    else:
        path = _modelscope_here(spec, target)
    if progress is not None:
        size = _bytes_under(path)
        progress(DownloadProgress(size, size, 0.0, 0.0, ""))
    return path


_MODELSCOPE_MISSING = ("Downloading from ModelScope needs the modelscope package: "
                       "`pip install modelscope`.")

#: The child process's program: argv is the model id and the target folder ("" for
#: ModelScope's own cache). Its answer is one line of output, :data:`_RESULT` and JSON:
#: ``{"path": ...}``, or ``{"error": ...}`` (the exception's first line, or "missing"
#: without the package); it then ends at once, whatever threads the client left running.
#: It also ends when its standard input closes: the app ended, even by a crash or a kill,
#: so no download runs on without it.
_MODELSCOPE_CHILD = r"""
import json, os, sys, threading

def orphaned():
    sys.stdin.buffer.read()  # returns when the app's end of the pipe closes
    os._exit(1)

threading.Thread(target=orphaned, daemon=True).start()

def say(what):
    sys.stdout.write("TINGXIE-RESULT " + json.dumps(what) + "\n")
    sys.stdout.flush()
    os._exit(0 if "path" in what else 1)

try:
    from modelscope import snapshot_download
except ImportError:
    say({"error": "missing"})
model_id, target = sys.argv[1], sys.argv[2]
try:
    path = snapshot_download(model_id, **({"local_dir": target} if target else {}))
except BaseException as exc:
    lines = str(exc).strip().splitlines()
    say({"error": lines[0] if lines else type(exc).__name__})
say({"path": str(path)})
"""
_RESULT = "TINGXIE-RESULT "
#: How often the child's folder is measured for progress.
_MODELSCOPE_SCAN_S = 0.5


def can_stop(source: Source) -> bool:
    """Whether a download from ``source`` stops midway when cancelled: always, except from
    ModelScope without a Python to run its child process with (a frozen bundle, or an
    interpreter that cannot say where it is; see :func:`_download_modelscope`)."""
    if source != "modelscope":
        return True
    return not getattr(sys, "frozen", False) and bool(sys.executable) and os.path.isfile(
        sys.executable)


def _has_modelscope() -> bool:
    if "modelscope" in sys.modules:
        return sys.modules["modelscope"] is not None
    try:
        return importlib.util.find_spec("modelscope") is not None
    except (ImportError, ValueError):
        return False


def _modelscope_here(spec: ModelSpec, target: Path | None) -> Path:
    from modelscope import snapshot_download  # type: ignore[import-not-found]

    kwargs: dict[str, Any] = {"local_dir": str(target)} if target is not None else {}
    try:
        return Path(snapshot_download(spec.modelscope_id, **kwargs))
    except Exception as exc:
        raise DownloadFailed(spec, "ModelScope", _first_line(exc) or type(exc).__name__) from exc


def _modelscope_in_child(spec: ModelSpec, target: Path | None, progress: ProgressHook | None,
                         cancel: CancelToken) -> Path:
    # In a models folder the model has its own folder: all of it counts, files finished by
    # an earlier attempt too. In ModelScope's cache only what this run adds does.
    watched = target if target is not None else modelscope_cache_dir()
    before = 0 if target is not None else _bytes_under(watched)
    meter = _Progress(spec.size_bytes, 0, progress)
    meter.current_file = spec.modelscope_id
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as log:
        try:
            child = subprocess.Popen(
                [sys.executable, "-c", _MODELSCOPE_CHILD, str(spec.modelscope_id),
                 "" if target is None else str(target)],
                stdin=subprocess.PIPE, stdout=out, stderr=log, **_own_process_group())
        except OSError:  # no Python to run it with: the client runs here, unstoppable
            return _modelscope_here(spec, target)
        try:
            scanned = time.monotonic()
            while True:
                try:
                    child.wait(timeout=0.1)
                    break
                except subprocess.TimeoutExpired:
                    pass
                cancel.raise_if_cancelled()
                if progress is not None and time.monotonic() - scanned >= _MODELSCOPE_SCAN_S:
                    scanned = time.monotonic()
                    meter.done = min(max(_bytes_under(watched) - before, 0), spec.size_bytes)
                    meter.emit(force=True)
        except Cancelled:
            _end(child)
            raise Cancelled(
                f"Download of {spec.name} from ModelScope cancelled; the files it finished "
                "are kept and the next download skips them.") from None
        except BaseException:
            _end(child)
            raise
        finally:
            with contextlib.suppress(OSError):
                child.stdin.close()  # type: ignore[union-attr]
        said = _child_answer(out)
        if child.returncode == 0 and isinstance(said.get("path"), str):
            return Path(said["path"])
        error = said.get("error")
        if error == "missing":
            raise TingxieError(_MODELSCOPE_MISSING)
        if not isinstance(error, str) or not error:
            log.seek(0)
            said_last = [line.strip() for line in
                         re.split(r"[\r\n]+", log.read().decode("utf-8", "replace"))]
            said_last = [line for line in said_last if line]
            error = (f"its client stopped with status {child.returncode}"
                     + (f" ({said_last[-1]})" if said_last else ""))
        raise DownloadFailed(spec, "ModelScope", error)


def _child_answer(out: Any) -> dict[str, Any]:
    """The child's :data:`_RESULT` line, as a dict (empty when there is none)."""
    out.seek(0)
    for line in reversed(out.read().decode("utf-8", "replace").splitlines()):
        if line.startswith(_RESULT):
            try:
                said = json.loads(line[len(_RESULT):])
            except ValueError:
                return {}
            return said if isinstance(said, dict) else {}
    return {}


def _own_process_group() -> dict[str, Any]:
    """Popen arguments that give the child its own process group: on POSIX, ending the group
    ends anything the child started too (on Windows, only the child ends)."""
    if os.name == "nt":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
    return {"start_new_session": True}


def _end(child: subprocess.Popen) -> None:
    """End ``child`` and its process group: politely, then for sure after 3 s."""
    if child.poll() is not None:
        return
    if os.name == "nt":
        child.terminate()
    else:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.pid, signal.SIGTERM)
    try:
        child.wait(timeout=3)
    except subprocess.TimeoutExpired:
        if os.name == "nt":
            child.kill()
        else:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.pid, signal.SIGKILL)
        child.wait()
