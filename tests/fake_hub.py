"""A tiny stand-in for the Hugging Face hub, served on 127.0.0.1 for download tests.

It implements just what Tingxie's downloads and huggingface_hub's metadata calls use:

- ``GET /api/models/{repo_id}[/revision/{rev}]`` (``?blobs=true`` adds sizes and hashes)
- ``HEAD``/``GET /{repo_id}/resolve/{rev}/{path}`` with ``ETag``, ``X-Repo-Commit``,
  ``Content-Length``, ``Accept-Ranges`` and ``Range`` requests (206 + ``Content-Range``)

Files live in memory. The hub can throttle every body (``bytes_per_second``), drop the
connection once part-way through a file (``drop_once``), and records every request so a test
can see the ``Range`` header of a resumed download.

It can also play a hostile or bare mirror: list file names, a commit id, an LFS sha256 or a
size of its choosing (set them on the repo and its files), leave sizes and hashes out of the
listing (``listing_metadata``), send an md5 ETag or none (``etag_style``) with or without
``X-Linked-Etag``, and answer every unknown file URL with some bytes (``serve_unknown``, for a
client that would follow a traversal name). It can stall a file: send nothing, or its headers
and part of its body, then nothing, for a while or until the client hangs up (``stall_once``).
HTTP/1.0 (one request per connection) keeps shutdown simple: ``stop()`` joins every handler
thread.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import select
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import unquote, urlsplit

from local_server import LocalServer

LFS_MIN_SIZE = 10_000  # files this big are served as LFS files (ETag = sha256), like the hub


@dataclass
class FakeFile:
    data: bytes
    lfs: bool
    #: Bytes actually sent, when a test wants them to differ from what the listing promises.
    served: bytes | None = None
    #: The LFS sha256 the listing gives instead of the real one (makes the file an LFS file).
    listed_sha256: str | None = None
    #: The size the listing gives instead of the real one (a stale listing), without hashes.
    listed_size: int | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def etag(self) -> str:
        if self.lfs:
            return self.sha256
        return git_blob_sha1(self.data)


@dataclass
class FakeRepo:
    repo_id: str
    commit: str
    files: dict[str, FakeFile] = field(default_factory=dict)


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]

    @property
    def range(self) -> str | None:
        return self.headers.get("range")


def git_blob_sha1(data: bytes) -> str:
    """The git object id of a blob, which the hub sends as ETag for non-LFS files."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


class FakeHub(LocalServer):
    """In-memory hub; use as a context manager or call :meth:`start` / :meth:`stop`."""

    def __init__(self) -> None:
        self.repos: dict[str, FakeRepo] = {}
        self.requests: list[RecordedRequest] = []
        #: Throttle every response body to about this rate (None: as fast as possible).
        self.bytes_per_second: float | None = None
        #: Answer Range requests with 206; False mimics a server that ignores them.
        self.honour_range = True
        #: False: the listing has names only (no size, blobId or lfs), like a bare mirror.
        self.listing_metadata = True
        #: "hub": ETag is the sha256 (LFS) or git sha1; "md5": the md5 of the content, as
        #: a plain web server or object store sends; "none": no ETag header.
        self.etag_style = "hub"
        #: Send X-Linked-Etag (sha256) and X-Linked-Size for LFS files, as the real hub does.
        self.linked_etag = False
        #: Bytes served (200) for any file URL that names no known file, else 404.
        self.serve_unknown: bytes | None = None
        self._drops: dict[str, int] = {}
        self._stalls: dict[str, tuple[int | None, float | None]] = {}
        #: Set while a stalled file sends nothing; cleared when it ends.
        self.stalling = threading.Event()
        #: Set when a stall that waited for the client saw it hang up.
        self.hung_up = threading.Event()
        self._stopping = threading.Event()
        self._lock = threading.Lock()

    # ---- content

    def add_repo(self, repo_id: str, files: dict[str, bytes]) -> FakeRepo:
        """Serve ``files`` (path -> bytes) under ``repo_id``; returns the repo (with its commit)."""
        commit = hashlib.sha1(repo_id.encode(), usedforsecurity=False).hexdigest()
        repo = FakeRepo(
            repo_id,
            commit,
            {path: FakeFile(data, lfs=len(data) >= LFS_MIN_SIZE) for path, data in files.items()},
        )
        self.repos[repo_id] = repo
        return repo

    def tamper(self, repo_id: str, path: str, served: bytes) -> None:
        """Send ``served`` for ``path`` while sizes and hashes still describe the original."""
        self.repos[repo_id].files[path].served = served

    def drop_once(self, path: str, after_bytes: int) -> None:
        """Cut the connection once, after sending ``after_bytes`` of the body of ``path``."""
        with self._lock:
            self._drops[path] = after_bytes

    def stall_once(self, path: str, after_bytes: int | None, seconds: float | None = None) -> None:
        """Once, after the headers and ``after_bytes`` of the body of ``path`` (``None``: before
        the headers), send nothing for ``seconds`` and then the rest; ``seconds=None``: until
        the client hangs up (or the hub stops), then close the connection without the rest."""
        with self._lock:
            self._stalls[path] = (after_bytes, seconds)

    def requests_for(self, path: str, method: str = "GET") -> list[RecordedRequest]:
        """Recorded requests of ``method`` whose URL path ends with ``/path``."""
        with self._lock:
            return [r for r in self.requests if r.method == method and r.path.endswith("/" + path)]

    def file_requests(self) -> list[RecordedRequest]:
        """Recorded GET requests for file contents (not metadata)."""
        with self._lock:
            return [r for r in self.requests if r.method == "GET" and "/resolve/" in r.path]

    # ---- server

    thread_name = "fake-hub"

    def handler(self) -> type[BaseHTTPRequestHandler]:
        return _make_handler(self)

    def stop(self) -> None:
        self._stopping.set()  # ends a stall that still waits for its client
        super().stop()

    # ---- used by the handler

    def _record(self, handler: BaseHTTPRequestHandler) -> None:
        headers = {k.lower(): v for k, v in handler.headers.items()}
        with self._lock:
            self.requests.append(RecordedRequest(handler.command, handler.path, headers))

    def _take_drop(self, path: str) -> int | None:
        with self._lock:
            return self._drops.pop(path, None)

    def _take_stall(self, path: str) -> tuple[int | None, float | None] | None:
        with self._lock:
            return self._stalls.pop(path, None)


@contextlib.contextmanager
def serving(repos: dict[str, dict[str, bytes]]) -> Iterator[FakeHub]:
    """A running hub with ``repos`` (id: files); on leaving, asserts that no thread it (or
    the test) started is still running."""
    before = set(threading.enumerate())
    hub = FakeHub()
    for repo_id, files in repos.items():
        hub.add_repo(repo_id, files)
    with hub:
        yield hub
    leaked = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    assert not leaked, f"threads left running: {leaked}"


# Matched against the still-quoted path, so a quoted "/" in a revision stays in the revision.
_RESOLVE = re.compile(r"^/(?P<repo>[^/]+/[^/]+)/resolve/(?P<rev>[^/]+)/(?P<path>.+)$")
_API = re.compile(r"^/api/models/(?P<repo>[^/]+/[^/]+)(?:/revision/(?P<rev>[^/]+))?$")
_RANGE = re.compile(r"^bytes=(\d+)-(\d*)$")


def _make_handler(hub: FakeHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"
        timeout = 10

        def log_message(self, format: str, *args: object) -> None:  # quiet test output
            pass

        def do_HEAD(self) -> None:
            self._serve(send_body=False)

        def do_GET(self) -> None:
            self._serve(send_body=True)

        def _serve(self, send_body: bool) -> None:
            hub._record(self)
            path = urlsplit(self.path).path
            try:
                if m := _API.match(path):
                    rev = unquote(m["rev"]) if m["rev"] else None
                    blobs = "blobs=true" in self.path.lower()
                    self._model_info(unquote(m["repo"]), rev, blobs)
                elif m := _RESOLVE.match(path):
                    repo, rev, name = (unquote(m[k]) for k in ("repo", "rev", "path"))
                    self._resolve(repo, rev, name, send_body)
                elif hub.serve_unknown is not None:
                    self._send_file(FakeFile(hub.serve_unknown, lfs=False), None, send_body, "")
                else:
                    self._error(404, "RepoNotFound", "Not found")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client went away (a cancelled download)

        def _repo(self, repo_id: str, rev: str | None) -> FakeRepo | None:
            repo = hub.repos.get(repo_id)
            if repo is None:
                self._error(404, "RepoNotFound", "Repository not found")
                return None
            if rev not in (None, "main", repo.commit):
                self._error(404, "RevisionNotFound", "Invalid rev id", repo.commit)
                return None
            return repo

        def _model_info(self, repo_id: str, rev: str | None, blobs: bool) -> None:
            repo = self._repo(repo_id, rev)
            if repo is None:
                return
            siblings = []
            for name, f in repo.files.items():
                entry: dict[str, object] = {"rfilename": name}
                if blobs and f.listed_size is not None:
                    entry["size"] = f.listed_size
                elif blobs and hub.listing_metadata:
                    entry["size"] = len(f.data)
                    entry["blobId"] = git_blob_sha1(f.data)
                    if f.lfs or f.listed_sha256 is not None:
                        sha256 = f.listed_sha256 if f.listed_sha256 is not None else f.etag
                        entry["lfs"] = {"size": len(f.data), "sha256": sha256, "pointerSize": 134}
                siblings.append(entry)
            body = json.dumps(
                {"_id": "0" * 24, "id": repo.repo_id, "modelId": repo.repo_id,
                 "sha": repo.commit, "private": False, "siblings": siblings}
            ).encode()  # fmt: skip
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _resolve(self, repo_id: str, rev: str, name: str, send_body: bool) -> None:
            repo = self._repo(repo_id, rev)
            if repo is None:
                return
            f = repo.files.get(name)
            if f is None and hub.serve_unknown is not None:
                f = FakeFile(hub.serve_unknown, lfs=False)
            if f is None:
                self._error(404, "EntryNotFound", "Entry not found", repo.commit)
                return
            self._send_file(f, repo.commit, send_body, name)

        def _send_file(self, f: FakeFile, commit: str | None, send_body: bool, name: str) -> None:
            stall = hub._take_stall(name) if send_body else None
            if stall is not None and stall[0] is None:
                if not self._stall(stall[1]):
                    return
                stall = None
            size = len(f.data)
            start, end = 0, size - 1
            status = 200
            header = self.headers.get("Range") if hub.honour_range else None
            if header and (m := _RANGE.match(header.strip())):
                start = int(m[1])
                end = min(int(m[2]), size - 1) if m[2] else size - 1
                if start >= size:
                    self.send_response(416)
                    self.send_header("Content-Range", f"bytes */{size}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                status = 206
            self.send_response(status)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(end - start + 1))
            self.send_header("Accept-Ranges", "bytes")
            if hub.etag_style == "hub":
                self.send_header("ETag", f'"{f.etag}"')
            elif hub.etag_style == "md5":
                self.send_header("ETag", f'"{hashlib.md5(f.data).hexdigest()}"')
            if hub.linked_etag and f.lfs:
                self.send_header("X-Linked-Etag", f'"{f.sha256}"')
                self.send_header("X-Linked-Size", str(size))
            if commit is not None:
                self.send_header("X-Repo-Commit", commit)
            if status == 206:
                self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
            self.end_headers()
            if not send_body:
                return
            body = (f.data if f.served is None else f.served)[start : end + 1]
            drop_at = hub._take_drop(name)
            stall_at = None if stall is None or stall[0] is None else min(stall[0], len(body))
            step = 16 * 1024
            sent = 0
            while sent < len(body) or stall_at is not None:
                if stall_at is not None and sent + step > stall_at:
                    assert stall is not None
                    self.wfile.write(body[sent:stall_at])
                    self.wfile.flush()
                    sent, stall_at = stall_at, None
                    if not self._stall(stall[1]):
                        return
                    continue
                piece = body[sent : sent + step]
                if drop_at is not None and sent + len(piece) > drop_at:
                    self.wfile.write(piece[: max(drop_at - sent, 0)])
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(2)  # SHUT_RDWR: the client sees a cut-off body
                    return
                self.wfile.write(piece)
                sent += len(piece)
                if hub.bytes_per_second:
                    time.sleep(len(piece) / hub.bytes_per_second)

        def _stall(self, seconds: float | None) -> bool:
            """Send nothing for ``seconds``, or until the client hangs up (False: it did, or
            the hub stops; the connection then closes)."""
            hub.stalling.set()
            try:
                if seconds is not None:
                    time.sleep(seconds)
                    return True
                while not hub._stopping.is_set():
                    if select.select([self.connection], [], [], 0.05)[0] and not self._recv():
                        hub.hung_up.set()  # the client closed or shut down its end
                        break
                self.close_connection = True
                return False
            finally:
                hub.stalling.clear()

        def _recv(self) -> bytes:
            try:
                return self.connection.recv(1024)
            except OSError:  # reset by the client
                return b""

        def _error(self, status: int, code: str, message: str, commit: str | None = None) -> None:
            body = json.dumps({"error": message}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Error-Code", code)
            self.send_header("X-Error-Message", message)
            if commit:
                self.send_header("X-Repo-Commit", commit)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

    return Handler
