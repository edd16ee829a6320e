"""Downloading a model: from the Hugging Face hub (or a mirror) or ModelScope, with progress,
cancel, resume and a free-space check first. Runs only when a user asks for it.

Why :func:`download` streams the files itself instead of calling ``hf_hub_download``: since
huggingface_hub 1.x, ``hf_hub_download`` writes each file to a process-unique temporary file
and deletes it when the download fails or is interrupted, so a cancelled 2 GB download would
start again from zero; it also hands data to its progress hook only every 10 MB, too coarse for
a prompt cancel. We still use huggingface_hub for everything else: the file listing
(``HfApi.model_info``), the HTTP session, headers and token, and its typed HTTP errors.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tingxie.asr.models import (
    DEFAULT_ENDPOINT,
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
#: Attempts per file in a row that bring no new byte before giving up.
MAX_STALLED_ATTEMPTS = 4
#: First wait before retrying a dropped connection; doubles on each stalled attempt.
RETRY_WAIT_S = 0.5
_PROGRESS_EVERY_S = 0.1
_SKIPPED_SUFFIXES = (
    ".md", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".mp3", ".wav", ".mp4",
    # other weight formats: Tingxie loads safetensors only
    ".bin", ".pt", ".pth", ".ckpt", ".onnx", ".gguf", ".h5", ".msgpack",
)  # fmt: skip
_SKIPPED_NAMES = {".gitattributes"}
_RETRY_STATUS = {408, 429, 500, 502, 503, 504}


@dataclass(frozen=True)
class _RemoteFile:
    name: str
    size: int
    etag: str  # git blob sha1, or sha256 for LFS files: what the hub sends as ETag


def download(
    spec: ModelSpec | str,
    *,
    source: Source = "huggingface",
    endpoint: str | None = None,
    models_dir: str | os.PathLike[str] | None = None,
    progress: ProgressHook | None = None,
    cancel: CancelToken | None = None,
) -> Path:
    """Download a model and return its folder; resumes what an earlier attempt left.

    ``source="huggingface"`` (default) fetches from ``endpoint`` (a mirror such as
    https://hf-mirror.com), else ``HF_ENDPOINT``, else huggingface.co, into the Hugging Face
    cache or, when ``models_dir`` is given, into ``models_dir/<repository name>``.
    ``source="modelscope"`` uses the optional ``modelscope`` package.

    The free disk space is checked before the first byte. ``progress`` is called from this
    thread about ten times a second. ``cancel`` is checked between network reads: the call then
    raises :class:`~tingxie.core.errors.Cancelled` and keeps the partial files, so the next call
    resumes them with an HTTP Range request. Raises :class:`DownloadFailed` when the server
    cannot be reached or answers with an error, :class:`NotEnoughDiskSpace` when the disk is
    too small. A model that is already complete there is returned without network access.
    """
    spec = find_model(spec)
    if spec.local_path is not None:
        return use_local_folder(spec.local_path)
    if source not in SOURCES:
        raise ValueError(f"Unknown source {source!r}; use one of {', '.join(SOURCES)}.")
    if cancel is not None:
        cancel.raise_if_cancelled()
    if source == "modelscope":
        return _download_modelscope(spec, models_dir, progress, cancel)
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
    """Incremental check of a file against the hub's ETag (sha256 for LFS, git sha1 otherwise)."""

    def __init__(self, etag: str, size: int) -> None:
        self.etag = etag.lower()
        self.size = size
        self.hashed = 0
        self._hash: Any = None
        self.reset()

    def reset(self) -> None:
        self.hashed = 0
        if len(self.etag) == 64:
            self._hash = hashlib.sha256()
        elif len(self.etag) == 40:
            self._hash = hashlib.sha1(f"blob {self.size}\0".encode(), usedforsecurity=False)
        else:  # a mirror with an ETag of another kind: nothing to check against
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

    def final_path(self, commit: str, f: _RemoteFile) -> Path:
        if self.folder is not None:
            return self.folder / f.name
        return self.storage / "snapshots" / commit / f.name

    def partial_path(self, f: _RemoteFile) -> Path:
        if self.folder is not None:
            return self.folder / (f.name + ".incomplete")
        return self.storage / "blobs" / (f.etag + ".incomplete")

    def bytes_on_disk(self, commit: str, f: _RemoteFile) -> int:
        if self.final_path(commit, f).is_file():
            return f.size
        if self.folder is None and (self.storage / "blobs" / f.etag).is_file():
            return f.size
        partial = self.partial_path(f)
        return min(partial.stat().st_size, f.size) if partial.is_file() else 0

    def finish(self, commit: str, f: _RemoteFile, partial: Path) -> None:
        final = self.final_path(commit, f)
        final.parent.mkdir(parents=True, exist_ok=True)
        if self.folder is not None:
            os.replace(partial, final)
            return
        blob = self.storage / "blobs" / f.etag
        if partial.exists():
            os.replace(partial, blob)
        if final.is_symlink() or final.exists():
            final.unlink()
        try:
            final.symlink_to(os.path.relpath(blob, final.parent))
        except OSError:
            # No symlinks (Windows without developer mode): move, as huggingface_hub does.
            os.replace(blob, final)

    def write_ref(self, commit: str) -> None:
        if self.folder is None:
            ref = self.storage / "refs" / "main"
            ref.parent.mkdir(parents=True, exist_ok=True)
            ref.write_text(commit, encoding="utf-8")

    # ---- the download

    def run(self) -> Path:
        if self.folder is not None and is_complete_model_folder(self.folder):
            return self.folder
        for snapshot in _hf_snapshots(self.storage) if self.folder is None else ():
            if is_complete_model_folder(snapshot):
                return snapshot
        try:
            return self._run()
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

    def _run(self) -> Path:
        commit, files = self._list_files()
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
                final = self.final_path(commit, f)
                if final.is_file():
                    continue
                progress.start_file(f.name)
                partial = self.partial_path(f)
                blob_done = self.folder is None and (self.storage / "blobs" / f.etag).is_file()
                if not blob_done:
                    self._fetch(commit, f, partial, progress)
                self.finish(commit, f, partial)
                self.write_ref(commit)
            progress.emit(force=True)
        finally:
            lock.release()
        folder = self.folder or self.storage / "snapshots" / commit
        if not is_complete_model_folder(folder):
            raise DownloadFailed(
                self.spec,
                self.endpoint,
                "the repository does not hold a complete checkpoint "
                "(config.json and safetensors weights)",
            )
        return folder

    def _list_files(self) -> tuple[str, list[_RemoteFile]]:
        from huggingface_hub import HfApi, constants, get_hf_file_metadata, hf_hub_url

        info = HfApi(endpoint=self.endpoint).model_info(
            self.spec.repo_id, files_metadata=True, timeout=constants.HF_HUB_ETAG_TIMEOUT
        )
        commit = info.sha
        files: list[_RemoteFile] = []
        for sibling in info.siblings or []:
            name = sibling.rfilename
            if name in _SKIPPED_NAMES or name.lower().endswith(_SKIPPED_SUFFIXES):
                continue
            size = sibling.size
            etag = sibling.lfs.sha256 if sibling.lfs else sibling.blob_id
            if size is None or etag is None or commit is None:
                # A mirror without file metadata in its listing: ask for this one file.
                url = hf_hub_url(self.spec.repo_id, name, revision=commit, endpoint=self.endpoint)
                meta = get_hf_file_metadata(url, endpoint=self.endpoint)
                size = meta.size if size is None else size
                etag = meta.etag if etag is None else etag
                commit = commit or meta.commit_hash
            if size is None or etag is None or commit is None:
                raise DownloadFailed(
                    self.spec, self.endpoint, f"the server gave no size or ETag for {name}"
                )
            files.append(_RemoteFile(name, size, etag))
        if not files or commit is None:
            raise DownloadFailed(self.spec, self.endpoint, "the repository lists no files")
        # Small files first, the weights next, config.json last: a folder with config.json
        # in it is a finished download.
        files.sort(key=lambda f: (f.name == "config.json", f.size))
        return commit, files

    def _fetch(self, commit: str, f: _RemoteFile, partial: Path, progress: _Progress) -> None:
        """Stream one file into ``partial``, resuming it, retrying dropped connections."""
        import httpx2
        from huggingface_hub import constants, hf_hub_url
        from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status

        url = hf_hub_url(self.spec.repo_id, f.name, revision=commit, endpoint=self.endpoint)
        base_headers = build_hf_headers(library_name="tingxie")
        base_headers["Accept-Encoding"] = "identity"  # exact sizes, byte ranges that mean bytes
        partial.parent.mkdir(parents=True, exist_ok=True)
        checksum = _Checksum(f.etag, f.size)
        stalled = 0
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
                with get_session().stream(
                    "GET", url, headers=headers, timeout=constants.HF_HUB_DOWNLOAD_TIMEOUT
                ) as response:
                    if response.status_code in _RETRY_STATUS:
                        raise _Retry(f"HTTP {response.status_code}")
                    hf_raise_for_status(response)
                    if have and response.status_code != 206:
                        # The server ignored the Range header and sends the whole file.
                        progress.advance(-have)
                        have = 0
                        checksum.reset()
                    with partial.open("r+b" if have else "wb") as out:
                        out.seek(have)
                        out.truncate()
                        for chunk in response.iter_bytes():
                            self.cancel.raise_if_cancelled()
                            out.write(chunk)
                            checksum.update(chunk)
                            got += len(chunk)
                            progress.advance(len(chunk))
                if have + got == f.size:
                    break
                raise _Retry(f"the connection closed after {format_size(have + got)}")
            except (httpx2.TransportError, _Retry):
                stalled = 0 if got else stalled + 1
                if stalled >= MAX_STALLED_ATTEMPTS:
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

    Progress is reported only at the start and the end, and a cancel takes effect only
    before the download starts: ModelScope's client offers neither hook across versions.
    The server is ModelScope's default (``MODELSCOPE_DOMAIN`` changes it).
    """
    if not spec.modelscope_id:
        raise DownloadFailed(spec, "ModelScope", "this model has no ModelScope id")
    try:
        from modelscope import snapshot_download  # type: ignore[import-not-found]
    except ImportError:
        raise TingxieError(
            "Downloading from ModelScope needs the modelscope package: `pip install modelscope`."
        ) from None
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
    kwargs: dict[str, Any] = {"local_dir": str(target)} if target is not None else {}
    try:
        path = Path(snapshot_download(spec.modelscope_id, **kwargs))
    except Exception as exc:
        raise DownloadFailed(spec, "ModelScope", _first_line(exc) or type(exc).__name__) from exc
    if progress is not None:
        size = _bytes_under(path)
        progress(DownloadProgress(size, size, 0.0, 0.0, ""))
    return path
