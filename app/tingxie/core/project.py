"""Project files (``*.tingxie``): the transcript, the audio it belongs to, and the options used.

The format is JSON with a schema version; docs/project-format.md documents it. Saves are
atomic (a temporary file beside the target, fsync, rename), so a crash or a full disk never
leaves a half-written project. Autosaves go to a recovery file beside the project; opening a
project whose recovery file is newer offers the recovered version.
"""

from __future__ import annotations

import contextlib
import copy
import errno
import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tingxie import __version__
from tingxie.core.errors import FileProblem, read_bytes
from tingxie.core.transcript import Transcript, check_document, require_field

#: 2: words may carry ``alternatives`` and ``reviewed``. Version 1 files still open.
SCHEMA_VERSION = 2
SUFFIX = ".tingxie"
RECOVERY_SUFFIX = ".recovery"
FORMAT_NAME = "tingxie-project"
#: Bytes read from each of the start, middle and end of the audio for its fingerprint.
FINGERPRINT_BLOCK = 1 << 20


class ProjectError(FileProblem):
    """A project file could not be read or written."""


class ProjectFormatError(ProjectError):
    """The file is not a valid Tingxie project (bad JSON, a missing or wrong field)."""


class ProjectVersionError(ProjectError):
    """The file was written by a newer Tingxie with a schema this one does not know."""


@dataclass
class Project:
    """Everything a ``.tingxie`` file holds.

    ``audio_path`` is absolute in memory; the file stores it relative to the project's folder
    when the audio lies beneath it, so a folder moved as a whole still works.
    """

    transcript: Transcript = field(default_factory=Transcript)
    audio_path: Path | None = None
    audio_fingerprint: str | None = None
    audio_size: int | None = None
    #: Transcription options used (language, context, model, device, ...).
    options: dict[str, Any] = field(default_factory=dict)
    #: Window state worth restoring (zoom, scroll position, selected segment).
    view: dict[str, Any] = field(default_factory=dict)
    created: float = field(default_factory=time.time)
    modified: float = field(default_factory=time.time)

    def to_dict(self, project_path: Path | None = None) -> dict[str, Any]:
        """The project as the JSON document the file holds."""
        audio: dict[str, Any] | None = None
        if self.audio_path is not None:
            stored = str(self.audio_path)
            if project_path is not None:
                with contextlib.suppress(ValueError):
                    stored = self.audio_path.resolve().relative_to(
                        project_path.resolve().parent).as_posix()
            audio = {"path": stored, "fingerprint": self.audio_fingerprint,
                     "size": self.audio_size}
        return {
            "format": FORMAT_NAME,
            "schema_version": SCHEMA_VERSION,
            "app_version": __version__,
            "created": self.created,
            "modified": self.modified,
            "audio": audio,
            "options": self.options,
            "view": self.view,
            "transcript": self.transcript.to_dict(),
        }


def fingerprint(path: str | Path) -> str:
    """A content fingerprint of an audio file that finds it again after a move or a rename.

    SHA-256 over the size and 1 MiB from the start, middle and end: fast for a 2 GB video, and
    it still tells two recordings apart.
    """
    path = Path(path)
    size = path.stat().st_size
    digest = hashlib.sha256(str(size).encode())
    with path.open("rb") as f:
        for offset in sorted({0, max(0, size // 2 - FINGERPRINT_BLOCK // 2),
                              max(0, size - FINGERPRINT_BLOCK)}):
            f.seek(offset)
            digest.update(f.read(FINGERPRINT_BLOCK))
    return "sha256-sampled:" + digest.hexdigest()


def attach_audio(project: Project, audio_path: str | Path) -> None:
    """Point the project at an audio file and record its fingerprint."""
    p = Path(audio_path).resolve()
    project.audio_path = p
    project.audio_size = p.stat().st_size
    project.audio_fingerprint = fingerprint(p)


# -- saving ------------------------------------------------------------------------------

def write_atomic(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that it holds either the old or the new bytes, never a mix.

    A full disk or any other OS error raises :class:`ProjectError` and leaves the old file.
    """
    path = Path(path)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if exc.errno == errno.ENOENT and not path.parent.is_dir():
            raise ProjectError(path, "could not be saved: its folder does not exist.",
                               "Check that the folder exists and can be written to.") from exc
        if exc.errno == errno.ENOSPC:
            raise ProjectError(path, "could not be saved: the disk is full.",
                               "Free some space or save somewhere else; "
                               "the previous version is unchanged.") from exc
        raise ProjectError(path, f"could not be saved ({exc.strerror or exc}).",
                           "The previous version is unchanged.") from exc
    if hasattr(os, "O_DIRECTORY"):  # make the rename itself durable
        with contextlib.suppress(OSError):
            dir_fd = os.open(path.parent, os.O_DIRECTORY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)


def snapshot(project: Project, path: str | Path) -> dict[str, Any]:
    """The project's JSON document as it would be saved at ``path``, stamped as modified now.

    Cheap enough for the UI thread; the slow part (encoding and writing) can then run on a
    background thread with :func:`write_document` or :func:`write_recovery` while the user
    goes on editing.
    """
    project.modified = time.time()
    return project.to_dict(Path(path))


def freeze(project: Project) -> Project:
    """A copy of the project that later edits do not change, made in a few milliseconds even
    for 2,000 segments: segments, speakers and settings are copied one level deep, and the
    timed words are shared (edits replace word lists rather than change them, apart from
    clamping times). Encode it on another thread with :func:`snapshot`."""
    t = project.transcript
    transcript = Transcript(
        segments=[copy.copy(seg) for seg in t.segments],
        speakers=[copy.copy(spk) for spk in t.speakers],
        language=t.language, duration=t.duration, next_id=t.next_id)
    return Project(transcript=transcript, audio_path=project.audio_path,
                   audio_fingerprint=project.audio_fingerprint, audio_size=project.audio_size,
                   options=copy.deepcopy(project.options), view=copy.deepcopy(project.view),
                   created=project.created, modified=project.modified)


def _encode(doc: dict[str, Any]) -> bytes:
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def write_document(doc: dict[str, Any], path: str | Path) -> None:
    """Save a :func:`snapshot` atomically and remove the now-stale recovery file."""
    path = Path(path)
    write_atomic(path, _encode(doc))
    with contextlib.suppress(FileNotFoundError):
        recovery_path(path).unlink()


def write_recovery(doc: dict[str, Any], path: str | Path) -> Path:
    """Write a :func:`snapshot` to the recovery file of the project at ``path``."""
    target = recovery_path(path)
    write_atomic(target, _encode(doc))
    return target


def save(project: Project, path: str | Path) -> None:
    """Save the project atomically and remove its now-stale recovery file."""
    write_document(snapshot(project, path), path)


def recovery_path(path: str | Path) -> Path:
    """The autosave file of the project saved at ``path``: ``name.tingxie.recovery`` beside it."""
    path = Path(path)
    return path.with_name(path.name + RECOVERY_SUFFIX)


def autosave(project: Project, path: str | Path) -> Path:
    """Write the project to its recovery file (atomically); returns the recovery file's path.

    ``path`` is where the project is (or will be) saved; the recovery file sits beside it.
    """
    return write_recovery(snapshot(project, path), path)


def discard_recovery(path: str | Path) -> None:
    """Remove the recovery file of a project, if there is one."""
    with contextlib.suppress(FileNotFoundError):
        recovery_path(path).unlink()


# -- loading -----------------------------------------------------------------------------

def _require(d: Any, key: str, kind: type | tuple[type, ...], where: str, path: Path) -> Any:
    try:
        return require_field(d, key, kind, where)
    except ValueError as exc:
        raise ProjectFormatError(path, f"is not a valid project: {exc}.",
                                 "The file may be damaged or not a Tingxie project.") from exc


def _words_may_have_alternatives(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 1 -> 2: the new word fields are optional (absent: no alternatives, not
    reviewed), so a version 1 document reads unchanged."""
    return doc


#: ``MIGRATIONS[n]`` turns a version ``n`` document into a version ``n + 1`` one, without
#: changing the caller's data.
MIGRATIONS = {1: _words_may_have_alternatives}


def migrate(doc: dict[str, Any], version: int) -> dict[str, Any]:
    """The project document of schema ``version`` brought up to :data:`SCHEMA_VERSION`."""
    for v in range(version, SCHEMA_VERSION):
        doc = MIGRATIONS[v](doc)
    return {**doc, "schema_version": SCHEMA_VERSION}


def from_dict(doc: Any, path: Path) -> Project:
    """A project from its JSON document; ``path`` is where it was read (for messages and for
    resolving a relative audio path). Raises :class:`ProjectError` subclasses."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT_NAME:
        raise ProjectFormatError(path, "is not a Tingxie project file.",
                                 "Open the audio file itself, or a .tingxie project.")
    version = _require(doc, "schema_version", int, "", path)
    if version > SCHEMA_VERSION:
        raise ProjectVersionError(
            path, f"was saved by a newer Tingxie (project format {version}; this version reads "
            f"up to {SCHEMA_VERSION}).", "Update Tingxie to open it; the file is unchanged.")
    if version < 1:
        raise ProjectFormatError(path, f"has an invalid project format version ({version}).")
    doc = migrate(doc, version)
    transcript_doc = _require(doc, "transcript", dict, "", path)
    try:
        check_document(transcript_doc, "transcript.")
    except ValueError as exc:
        raise ProjectFormatError(path, f"is not a valid project: {exc}.",
                                 "The file may be damaged.") from exc
    try:
        transcript = Transcript.from_dict(transcript_doc)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ProjectFormatError(path, f"has an invalid transcript ({exc}).",
                                 "The file may be damaged.") from exc
    project = Project(transcript=transcript)
    audio = doc.get("audio")
    if audio is not None:
        stored = _require(audio, "path", str, "audio.", path)
        audio_path = Path(stored)
        if not audio_path.is_absolute():
            audio_path = path.parent / audio_path
        project.audio_path = audio_path
        project.audio_fingerprint = audio.get("fingerprint")
        project.audio_size = audio.get("size")
    for key in ("options", "view"):
        value = doc.get(key) or {}
        if not isinstance(value, dict):
            raise ProjectFormatError(path, f"is not a valid project: “{key}” must be an object.")
        setattr(project, key, value)
    for key in ("created", "modified"):
        if isinstance(doc.get(key), (int, float)):
            setattr(project, key, float(doc[key]))
    return project


def load(path: str | Path) -> Project:
    """Read a project file. Raises :class:`ProjectError` (never anything else for bad input)
    and never changes the file."""
    path = Path(path)
    raw = read_bytes(path, ProjectError, "project file")
    if not raw.strip():
        raise ProjectFormatError(path, "is empty.", "It may have been cut off while saving; "
                                 "look for a .recovery file beside it.")
    try:
        doc = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ProjectFormatError(path, "is not a text file, so not a Tingxie project.") from exc
    except json.JSONDecodeError as exc:
        raise ProjectFormatError(path, f"is damaged: invalid JSON at line {exc.lineno}, "
                                 f"column {exc.colno} ({exc.msg}).") from exc
    except RecursionError as exc:
        raise ProjectFormatError(path, "is damaged: its JSON is nested too deeply.") from exc
    return from_dict(doc, path)


@dataclass
class OpenedProject:
    """A project as opened, plus a newer autosaved version the user may want instead."""

    path: Path
    project: Project
    recovered: Project | None = None
    recovery_path: Path | None = None


def open_project(path: str | Path) -> OpenedProject:
    """Load a project and, if its recovery file is newer and readable, the recovered version too.

    The caller asks the user which to keep: :func:`save` the recovered one to adopt it, or
    :func:`discard_recovery` to drop it.
    """
    path = Path(path)
    opened = OpenedProject(path, load(path))
    rec = recovery_path(path)
    if rec.exists() and rec.stat().st_mtime >= path.stat().st_mtime:
        with contextlib.suppress(ProjectError):
            # An unreadable recovery file is no worse than none.
            opened.recovered = from_dict(json.loads(rec.read_text("utf-8")), path)
            opened.recovery_path = rec
    return opened


def locate_audio(project: Project, search_dirs: list[Path] | tuple[Path, ...] = ()) -> Path | None:
    """Find the project's audio: where it was, else a file with the same fingerprint (under its
    old name or any other) in ``search_dirs``, such as the project's own folder. ``None`` if
    it is nowhere to be found."""
    if project.audio_path is None:
        return None
    if project.audio_path.is_file() and (
            project.audio_fingerprint is None
            or fingerprint(project.audio_path) == project.audio_fingerprint):
        return project.audio_path
    if project.audio_fingerprint is None:
        return None
    name = project.audio_path.name
    for folder in search_dirs:
        candidates = sorted(Path(folder).glob("*"), key=lambda p: p.name != name)
        for cand in candidates:
            if (cand.is_file() and (project.audio_size in (None, cand.stat().st_size))
                    and fingerprint(cand) == project.audio_fingerprint):
                return cand
    return None
