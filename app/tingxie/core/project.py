"""Project files (``*.tingxie``): the transcript, the audio it belongs to, and the options used.

The format is JSON with a schema version; docs/project-format.md documents it. Saves are
atomic (a temporary file beside the target, fsync, rename), so a crash or a full disk never
leaves a half-written project. Autosaves go to a recovery file beside the project (or, for
a recording never saved as a project, beside the recording under its full name); a recovery
file names the project and the audio it belongs to and is only offered for those. A damaged
recovery file is set aside under a ``.damaged-`` name, never deleted, and the project opens.
"""

from __future__ import annotations

import contextlib
import copy
import errno
import hashlib
import itertools
import json
import logging
import math
import os
import re
import secrets
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tingxie import __version__
from tingxie.core.edits import fit_words, reword
from tingxie.core.errors import FileProblem, not_regular_problem, read_bytes
from tingxie.core.text import join_texts
from tingxie.core.timefmt import format_duration
from tingxie.core.transcript import (
    ALIGNED,
    MIN_DURATION,
    Segment,
    Transcript,
    check_document,
    check_value,
    clean_strings,
    parse_json,
    require_field,
)

log = logging.getLogger(__name__)

#: 2: each word carries ``timing`` (aligned / estimated / stale) and may carry
#: ``alternatives`` and ``reviewed``. Version 1 files still open.
SCHEMA_VERSION = 2
SUFFIX = ".tingxie"
RECOVERY_SUFFIX = ".recovery"
FORMAT_NAME = "tingxie-project"
#: Bytes read from each of the start, middle and end of the audio for its fingerprint.
FINGERPRINT_BLOCK = 1 << 20
#: A temporary file :func:`write_atomic` left behind (killed mid-save) is removed by a later
#: save once it is this old (seconds): younger ones may belong to a save still running.
STALE_TEMP_S = 60.0
#: At most this many subfolders of one folder are searched for a moved audio file.
LOCATE_SUBFOLDERS = 200


class ProjectError(FileProblem):
    """A project file could not be read or written."""


class ProjectFormatError(ProjectError):
    """The file is not a valid Tingxie project (bad JSON, a missing or wrong field)."""


class ProjectReadOnly(ProjectError):
    """Saving over a project file its owner marked read-only was refused."""


class ProjectVersionError(ProjectError):
    """The file was written by a newer Tingxie with a schema this one does not know."""


class DamagedRecovery(ProjectFormatError):
    """A recovery file could not be read; it was set aside (``kept_as``), never deleted."""

    def __init__(self, path: str | Path, problem: str, hint: str = "",
                 kept_as: Path | None = None) -> None:
        super().__init__(path, problem, hint)
        self.kept_as = kept_as


class RecoveryMismatch(ProjectError):
    """A recovery file belongs to another project or recording, so it is not offered."""


@dataclass
class Project:
    """Everything a ``.tingxie`` file holds.

    ``audio_path`` is absolute in memory; the file stores it relative to the project's folder
    (with ``..`` when the audio lies beside rather than beneath it) whenever the two are on the
    same drive, so a folder moved as a whole still works; see :func:`_stored_audio`.
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
    #: What loading changed or noticed (not saved): e.g. invalid characters replaced.
    notices: list[str] = field(default_factory=list, compare=False)
    #: Top-level fields this version does not know (another tool's, a later Tingxie's of the
    #: same format): kept as they were and written back on save.
    extra: dict[str, Any] = field(default_factory=dict)
    #: The project file's (modification time in ns, size) as the window holding this work
    #: last read or wrote it (not saved): recorded in its recovery file, which then tells a
    #: later save elsewhere from its own (:func:`recovery_conflict`).
    based_on: tuple[int, int] | None = field(default=None, compare=False)

    def to_dict(self, project_path: Path | None = None) -> dict[str, Any]:
        """The project as the JSON document the file holds."""
        audio: dict[str, Any] | None = None
        if self.audio_path is not None:
            audio = {**_stored_audio(self.audio_path, project_path),
                     "fingerprint": self.audio_fingerprint, "size": self.audio_size}
        return {
            **self.extra,
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


def _stored_audio(audio_path: Path, project_path: Path | None) -> dict[str, str]:
    """How a project file names its audio: ``path`` relative to the project's folder when
    both are on the same drive (``"audio/a.wav"``, ``"../audio/a.wav"``), else absolute.
    A path that climbs out of the folder comes with ``absolute_path`` too, for a project
    moved without its audio."""
    if project_path is None:
        return {"path": str(audio_path)}
    audio, folder = audio_path.resolve(), project_path.resolve().parent
    if os.path.normcase(audio.anchor) != os.path.normcase(folder.anchor):
        # another drive (or share): no relative path leads there
        return {"path": str(audio_path)}
    try:
        return {"path": audio.relative_to(folder).as_posix()}
    except ValueError:
        return {"path": Path(os.path.relpath(audio, folder)).as_posix(),
                "absolute_path": str(audio)}


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

#: The longest file name (in bytes) the usual file systems allow (ext4, APFS, NTFS: 255).
_MAX_NAME_BYTES = 255


def fit_stem(stem: str, suffix: str) -> str:
    """``stem``, cut short (at a character boundary) so that ``stem + suffix`` is a legal file
    name, at most 255 bytes: a recording named with 80 Chinese characters (a legal name)
    gets its ``NAME (2).srt``, ``NAME.partial.tingxie``... like any other."""
    room = _MAX_NAME_BYTES - len(os.fsencode(suffix))
    while stem and len(os.fsencode(stem)) > room:
        stem = stem[:-1]
    return stem


def _temp_stem(name: str) -> str:
    """``name``, cut short enough that ``.NAME.XXXXXXXX.tmp`` is still a legal file name."""
    return fit_stem(name, "." + ".XXXXXXXX.tmp")  # the leading dot counts too


def _temp_pattern(name: str) -> re.Pattern[str]:
    # ".NAME.XXXXXXXX.tmp": what write_atomic (and tempfile.mkstemp before it) creates.
    return re.compile(rf"\.{re.escape(_temp_stem(name))}\.[A-Za-z0-9_]{{8}}\.tmp")


def _remove_stale_temps(folder: Path, name: str) -> None:
    """Remove temporary files a killed save of ``name`` left in ``folder``."""
    pattern = _temp_pattern(name)
    now = time.time()
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if not pattern.fullmatch(entry.name):
                continue
            with contextlib.suppress(OSError):
                st = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(st.st_mode) and now - st.st_mtime > STALE_TEMP_S:
                    os.unlink(entry.path)


def fallback_folder() -> Path:
    """Where finished work goes when the folder it was meant for cannot take it (gone full
    or read-only while it was made): Documents/Tingxie, or ~/Tingxie without a Documents
    folder. The batch queue, ``tingxie transcribe`` and ``tingxie adapt`` use it."""
    documents = Path.home() / "Documents"
    return (documents if documents.is_dir() else Path.home()) / "Tingxie"


def write_atomic(path: str | Path, data: bytes,
                 error: type[FileProblem] | None = None) -> None:
    """Write ``data`` to ``path`` so that it holds either the old or the new bytes, never a mix.

    A symbolic link is written through (its target is updated, the link stays); an existing
    file keeps its permissions, a new one gets the usual ones (``0666`` less the umask).
    Temporary files an earlier, killed save left beside the target are removed.
    A full disk or any other OS error raises ``error`` (default :class:`ProjectError`) and
    leaves the old file.
    """
    path = Path(path)
    error = error or ProjectError
    target, tmp = path, None
    st: os.stat_result | None = None
    try:
        if path.is_symlink():
            target = Path(os.path.realpath(path))
        with contextlib.suppress(FileNotFoundError):
            st = os.stat(target)
        problem = None if st is None else not_regular_problem(st.st_mode)
        if problem is not None:
            # Renaming over it would replace a device or a pipe with a plain file.
            raise error(path, f"could not be saved: it {problem}.",
                        "Save under another name.")
        mode = None if st is None else stat.S_IMODE(st.st_mode)
        _remove_stale_temps(target.parent, target.name)
        tmp = target.parent / f".{_temp_stem(target.name)}.{secrets.token_hex(4)}.tmp"
        # Created with 0666: the kernel applies the umask, as for any new file.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                     0o666)
        with os.fdopen(fd, "wb") as f:
            if mode is not None and hasattr(os, "fchmod"):
                os.fchmod(f.fileno(), mode)
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise _write_error(error, path, target, exc, existed=st is not None) from exc
    if hasattr(os, "O_DIRECTORY"):  # make the rename itself durable
        with contextlib.suppress(OSError):
            dir_fd = os.open(target.parent, os.O_DIRECTORY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)


def _write_error(error: type[FileProblem], path: Path, target: Path, exc: OSError, *,
                 existed: bool) -> FileProblem:
    """What a failed write of ``path`` (really ``target``, a link's target) tells the user:
    what stands in the way and what to do, and that the previous version is unchanged only
    when there was one."""
    unchanged = " The previous version is unchanged." if existed else ""
    elsewhere = ("Save it somewhere else with File > Save as." if issubclass(error, ProjectError)
                 else "Choose another folder.")
    folder = target.parent
    if exc.errno == errno.ENOENT and not folder.is_dir():
        return error(path, "could not be saved: its folder does not exist.",
                     "Check that the folder exists and can be written to.")
    if exc.errno == errno.ENOTDIR:
        # "notes.txt/x.tingxie": the nearest thing on the way that exists is a file.
        blocker = next((f for f in target.parents if f.exists()), folder)
        if not blocker.is_dir():
            return error(path, f"could not be saved: {blocker} is a file, not a folder.",
                         elsewhere)
    if exc.errno == errno.ENOSPC:
        return error(path, "could not be saved: the disk is full.",
                     f"Free some space, or save somewhere else.{unchanged}")
    if exc.errno == errno.EROFS:
        return error(path, f"could not be saved: {folder} is on a disk that is read-only.",
                     f"{elsewhere}{unchanged}")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return error(path, f"could not be saved: the folder {folder} cannot be written to "
                     f"({exc.strerror or exc}).", f"{elsewhere}{unchanged}")
    return error(path, f"could not be saved ({exc.strerror or exc}).",
                 unchanged.strip() or elsewhere)


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
                   created=project.created, modified=project.modified,
                   extra=copy.deepcopy(project.extra), based_on=project.based_on)


def encode(doc: dict[str, Any], path: Path) -> bytes:
    """A project document as the UTF-8 JSON a file holds; :class:`ProjectError` (naming
    ``path``) for what JSON cannot hold (NaN, infinity) instead of writing invalid JSON."""
    try:
        text = json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False)
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError:
            # A file name that is not UTF-8 (decoded by Python with lone surrogates) is
            # kept as a \u escape, so the path reads back byte for byte.
            return json.dumps(doc, ensure_ascii=True, indent=1, allow_nan=False).encode()
    except (ValueError, TypeError, RecursionError) as exc:
        raise ProjectError(path, f"could not be saved: it holds a value JSON cannot store "
                           f"({exc}).", "The previous version is unchanged.") from exc


def write_document(doc: dict[str, Any], path: str | Path, *,
                   drop_recovery: bool | str = True) -> os.stat_result:
    """Save a :func:`snapshot` atomically and (with ``drop_recovery``) remove the now-stale
    recovery file; returns the written file's status (to tell later whether it changed on
    disk). A window passes its writer mark (:func:`write_recovery`) as ``drop_recovery``:
    only the recovery file it wrote (of this audio) goes, in the same step as the save, so
    that a recovery file still there after a save of the project is never that save's own
    (:func:`recovery_outdated`); another window's autosave of the same project stays."""
    path = Path(path)
    try:
        mode = os.stat(path).st_mode
    except OSError:
        mode = None
    if mode is not None and not mode & 0o222:  # marked read-only by its owner
        raise ProjectReadOnly(path, "is read-only (its permissions allow no writing).",
                              "Save it under another name (File > Save as), or allow writing "
                              "to it first.")
    write_atomic(path, encode(_loadable(doc, path, existed=mode is not None), path))
    written = os.stat(path)
    if isinstance(drop_recovery, str):
        audio = doc.get("audio") or {}
        discard_recovery(path, for_audio=audio.get("fingerprint"), for_writer=drop_recovery)
    elif drop_recovery:
        try:
            recovery_path(path).unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:  # the project is saved; a stale autosave is only offered later
            log.warning("could not remove the recovery file of %s: %s", path, exc)
    return written


def _loadable(doc: dict[str, Any], path: Path, existed: bool) -> dict[str, Any]:
    """``doc`` as :func:`load` will accept it: a transcript with lines past the audio's
    length (which :func:`load` would repair, and an older Tingxie refuse) is saved with the
    length extended, as :func:`fit_transcript_document` does, since the user's work must be
    saved; one that still would not load raises :class:`ProjectError` and nothing is
    written."""
    transcript = doc.get("transcript")
    try:
        _check_times(transcript)
        return doc
    except _TRANSCRIPT_ERRORS as exc:
        problem = exc
    try:
        fitted, repaired = fit_transcript_document(transcript)
        if repaired:
            _check_times(fitted)
            log.warning("saving %s: %s", path, repaired)
            return {**doc, "transcript": fitted}
    except _TRANSCRIPT_ERRORS as exc:
        problem = exc  # what is wrong besides the length
    raise ProjectError(path, f"could not be saved: its transcript is not valid ({problem}), "
                       "so it could not be opened again.",
                       "Undo the last edit and save again."
                       + (" The previous version is unchanged." if existed else "")
                       ) from problem


def _check_times(transcript: Any) -> None:
    """The checks :func:`load` makes of a transcript's times and ids (ordered, not
    overlapping, inside the audio), made on a :meth:`Transcript.to_dict` document in a few
    milliseconds: reading it whole, words and all, would double the time a save takes.
    Raises what :meth:`Transcript.from_dict` raises."""
    Transcript.from_dict({
        "duration": transcript.get("duration"),
        "segments": [{"id": seg["id"], "start": seg["start"], "end": seg["end"], "text": ""}
                     for seg in transcript["segments"]]})


def write_recovery(doc: dict[str, Any], path: str | Path, writer: str | None = None,
                   based_on: tuple[int, int] | None = None) -> Path:
    """Write a :func:`snapshot` to the recovery file of the project at ``path``, recording
    which project (its file name) and audio (its fingerprint) it belongs to, and which
    session wrote it (``writer``, so that one window never removes another's).

    With a ``writer``, the record also holds ``project_state``: the project file's
    (modification time in ns, size) the work was based on (``based_on``, as that window
    last read or wrote it; ``null`` when unknown). Such a window's saves remove its recovery
    file in the same step (:func:`write_document`), so the file is never outdated by a later
    save of the project: that save was another window's or program's, and the work is still
    offered (:func:`recovery_outdated`). The record comes first in the file, so that it is
    read without reading the whole file (:func:`recovery_tie`)."""
    target = recovery_path(path)
    audio = doc.get("audio") or {}
    tie: dict[str, Any] = {"project": Path(path).name,
                           "audio_fingerprint": audio.get("fingerprint")}
    if writer is not None:
        tie["writer"] = writer
        tie["project_state"] = (None if based_on is None else
                                {"mtime_ns": based_on[0], "size": based_on[1]})
    doc = {"recovery_of": tie, **{k: v for k, v in doc.items() if k != "recovery_of"}}
    write_atomic(target, encode(doc, target))
    return target


#: How much of the start (and, for a recovery file an older Tingxie wrote, the end) of a
#: recovery file :func:`recovery_tie` reads.
_TIE_BYTES = 1 << 16
_TIE_FIRST = re.compile(r'\A\ufeff?\s*\{\s*"recovery_of"\s*:\s*')
_TIE_KEY = re.compile(r'"recovery_of"\s*:\s*')


def recovery_tie(path: str | Path) -> dict[str, Any] | None:
    """The ``recovery_of`` record of the recovery file of the project at ``path`` (which
    project, audio and window it was written for), read from the file's first (or, as an
    older Tingxie wrote it, last) 64 KiB: cheap on the UI thread for a 200 MB file. ``None``
    when there is no file, or no record can be read there (a damaged file)."""
    rec = recovery_path(path)
    try:
        if not stat.S_ISREG(os.stat(rec).st_mode):
            return None  # never opened: a pipe would block
        with rec.open("rb") as f:
            size = os.fstat(f.fileno()).st_size
            head = f.read(_TIE_BYTES)
            tail = b""
            if size > _TIE_BYTES:
                f.seek(max(size - _TIE_BYTES, _TIE_BYTES))
                tail = f.read(_TIE_BYTES)
    except OSError:
        return None
    text = head.decode("utf-8", "ignore")
    found = _TIE_FIRST.match(text)
    if found is None:  # an older Tingxie's: the record comes last
        text = (tail or head).decode("utf-8", "ignore")
        at = text.rfind('"recovery_of"')
        found = _TIE_KEY.match(text, at) if at > 0 and text[at - 1] != "\\" else None
        if found is None:
            return None
    try:
        tie, _end = json.JSONDecoder().raw_decode(text, found.end())
    except ValueError:
        return None
    return tie if isinstance(tie, dict) else None


def recovery_based_on(path: str | Path) -> tuple[int, int] | None:
    """The project file's (modification time in ns, size) the work in the recovery file of
    the project at ``path`` was based on, when the file records it (:func:`write_recovery`);
    ``None`` otherwise."""
    tie = recovery_tie(path) or {}
    state = tie.get("project_state")
    if not isinstance(state, dict):
        return None
    mtime, size = state.get("mtime_ns"), state.get("size")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (mtime, size)):
        return None
    return mtime, size


def recovery_conflict(path: str | Path) -> bool:
    """Whether the project at ``path`` was saved again (by another window or program) after
    the work in its recovery file was autosaved: restoring that work and saving it replaces
    that version, so the user is told, and asked before the save."""
    based_on = recovery_based_on(path)
    if based_on is None:
        return False
    try:
        st = os.stat(path)
    except OSError:
        return False
    return (st.st_mtime_ns, st.st_size) != based_on


def set_aside_recovery(path: str | Path) -> Path | None:
    """Rename the recovery file of the project at ``path`` aside as a project file
    (``NAME.recovery.kept-YYYYmmdd-HHMMSS.tingxie``, which File > Open opens) before a
    window writes its own autosave there: work nobody was offered is never written over.
    The new path, or ``None`` if there was nothing to rename (or it could not be)."""
    rec = recovery_path(path)
    if not os.path.lexists(rec):
        return None
    return _set_aside(rec, "kept", SUFFIX)


def save(project: Project, path: str | Path) -> None:
    """Save the project atomically and remove its now-stale recovery file."""
    write_document(snapshot(project, path), path)


def recovery_path(path: str | Path) -> Path:
    """The autosave file of the project saved at ``path``: ``name.tingxie.recovery`` beside it."""
    path = Path(path)
    return path.with_name(path.name + RECOVERY_SUFFIX)


def recording_project_path(audio_path: str | Path) -> Path:
    """The name that stands for a recording never saved as a project, for its recovery file:
    ``interview.wav`` gives ``interview.wav.tingxie`` (so ``interview.wav.tingxie.recovery``),
    which two recordings with the same stem never share. Nothing is saved under it."""
    audio_path = Path(audio_path)
    return audio_path.with_name(audio_path.name + SUFFIX)


def autosave(project: Project, path: str | Path) -> Path:
    """Write the project to its recovery file (atomically); returns the recovery file's path.

    ``path`` is where the project is (or will be) saved; the recovery file sits beside it.
    """
    return write_recovery(snapshot(project, path), path)


def discard_recovery(path: str | Path, *, for_audio: str | None = None,
                     for_writer: str | None = None) -> bool:
    """Remove the recovery file of a project, if there is one; True if it was removed.

    With ``for_audio`` (a fingerprint), only a recovery file of that audio is removed: one
    left by another recording, or one that cannot be read, stays. With ``for_writer``, only
    one that session wrote (or one that names no writer): another window's stays."""
    rec = recovery_path(path)
    tie = recovery_tie(path) if for_audio is not None or for_writer is not None else None
    if tie is not None and (for_audio is None or isinstance(tie.get("audio_fingerprint"), str)):
        # The record read from the file's head (:func:`recovery_tie`) says it all: a save
        # of a 200 MB project does not parse its recovery file once more.
        writer = tie.get("writer")
        if for_audio is not None and tie["audio_fingerprint"] != for_audio:
            return False
        if for_writer is not None and isinstance(writer, str) and writer != for_writer:
            return False
    elif for_audio is not None or for_writer is not None:
        try:
            read_recovery(path, for_audio=for_audio, for_writer=for_writer, set_aside=False)
        except ProjectError:
            return False
    try:
        rec.unlink()
    except OSError:
        return False
    return True


# -- loading -----------------------------------------------------------------------------

def _usable_view(view: dict[str, Any], notices: list[str]) -> dict[str, Any]:
    """The view a project remembers, without entries a window cannot show (a range that is
    not two increasing finite times, a selection that is not a segment id): the project
    opens with the default view there, and says so, rather than half-opening."""
    kept = dict(view)
    span = kept.get("range")
    if span is not None and not (
            isinstance(span, list) and len(span) == 2
            and all(isinstance(t, (int, float)) and not isinstance(t, bool)
                    and math.isfinite(t) for t in span) and span[1] > span[0]):
        del kept["range"]
        notices.append("The remembered view of the waveform was not usable; the default "
                       "view is shown.")
    selected = kept.get("selected")
    if selected is not None and (not isinstance(selected, int) or isinstance(selected, bool)):
        del kept["selected"]
    return kept


def _require(d: Any, key: str, kind: type | tuple[type, ...], where: str, path: Path) -> Any:
    try:
        return require_field(d, key, kind, where)
    except ValueError as exc:
        raise ProjectFormatError(path, f"is not a valid project: {exc}.",
                                 "The file may be damaged or not a Tingxie project.") from exc


def _words_get_timing(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 1 -> 2: words had no timing source; their times came from the recogniser or
    an imported file, so they read as aligned."""
    transcript = doc.get("transcript")
    if not isinstance(transcript, dict) or not isinstance(transcript.get("segments"), list):
        return doc  # the field checks after the migrations name the problem
    segments = []
    for seg in transcript["segments"]:
        if isinstance(seg, dict) and isinstance(seg.get("words"), list):
            seg = {**seg, "words": [{"timing": ALIGNED, **w} if isinstance(w, dict) else w
                                    for w in seg["words"]]}
        segments.append(seg)
    return {**doc, "transcript": {**transcript, "segments": segments}}


#: ``MIGRATIONS[n]`` turns a version ``n`` document into a version ``n + 1`` one, without
#: changing the caller's data.
MIGRATIONS = {1: _words_get_timing}


def migrate(doc: dict[str, Any], version: int) -> dict[str, Any]:
    """The project document of schema ``version`` brought up to :data:`SCHEMA_VERSION`."""
    for v in range(version, SCHEMA_VERSION):
        doc = MIGRATIONS[v](doc)
    return {**doc, "schema_version": SCHEMA_VERSION}


#: The top-level fields of the format (docs/project-format.md); others are kept as they are.
_KNOWN_FIELDS = frozenset({"format", "schema_version", "app_version", "created", "modified",
                           "audio", "options", "view", "transcript"})


def from_dict(doc: Any, path: Path) -> Project:
    """A project from its JSON document; ``path`` is where it was read (for messages and for
    resolving a relative audio path). Raises :class:`ProjectError` subclasses. What it
    returns can be edited, exported and saved again: lone surrogates in strings are replaced
    by U+FFFD (said in ``notices``), anything else that could not be saved is refused."""
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
    # The audio's file name is kept as written: lone surrogates there are the bytes of a
    # name that is not UTF-8, and replacing them would lose the recording.
    rest, replaced = clean_strings({k: v for k, v in doc.items() if k != "audio"})
    doc = {**rest, "audio": doc["audio"]} if "audio" in doc else rest
    transcript_doc = _require(doc, "transcript", dict, "", path)
    try:
        check_document(transcript_doc, "transcript.")
    except ValueError as exc:
        raise ProjectFormatError(path, f"is not a valid project: {exc}.",
                                 "The file may be damaged.") from exc
    transcript, repaired = _read_transcript(transcript_doc, path)
    project = Project(transcript=transcript)
    if repaired:
        project.notices.append(repaired)
    audio = doc.get("audio")
    if audio is not None:
        stored = _require(audio, "path", str, "audio.", path)
        audio_path = Path(stored)
        # Saved relative to the project's real folder (its link's target's, for a project
        # opened through a symbolic link elsewhere).
        real_folder = path.resolve().parent
        if not audio_path.is_absolute():
            beside, real = path.parent / audio_path, real_folder / audio_path
            audio_path = real if not beside.exists() and real.exists() else beside
        if ".." in audio_path.parts:  # ".." was worked out from the real folder
            audio_path = Path(os.path.normpath(real_folder / stored))
            absolute = _require_optional(audio, "absolute_path", str, "audio.", path)
            if not audio_path.is_file() and absolute and Path(absolute).is_file():
                audio_path = Path(absolute)  # the project moved, its audio did not
        project.audio_path = audio_path
        project.audio_fingerprint = _require_optional(audio, "fingerprint", str, "audio.", path)
        project.audio_size = _require_optional(audio, "size", int, "audio.", path)
    for key in ("options", "view"):
        value = doc.get(key)
        value = {} if value is None else value  # [], 0 or false is damage, not "none"
        if not isinstance(value, dict):
            raise ProjectFormatError(path, f"is not a valid project: “{key}” must be an object.")
        try:
            check_value(value, key)
        except ValueError as exc:
            raise ProjectFormatError(path, f"is not a valid project: {exc}.",
                                     "The file may be damaged.") from exc
        setattr(project, key, value)
    project.view = _usable_view(project.view, project.notices)
    for key in ("created", "modified"):
        value = _require_optional(doc, key, (int, float), "", path)
        if value is not None:
            setattr(project, key, float(value))
    # ``recovery_of`` names the recovery file's project and writer: never the project's own
    # (an earlier Tingxie saved it into a project restored from its autosave).
    project.extra = {k: v for k, v in doc.items()
                     if k not in _KNOWN_FIELDS and k != "recovery_of"}
    try:
        check_value(project.extra, "project")
    except ValueError as exc:
        raise ProjectFormatError(path, f"is not a valid project: {exc}.",
                                 "The file may be damaged.") from exc
    if replaced:
        project.notices.append(f"{replaced} invalid character(s) (lone UTF-16 surrogates) "
                               "were replaced by “\ufffd”.")
    return project


_TRANSCRIPT_ERRORS = (KeyError, TypeError, ValueError, AttributeError, OverflowError)


def _read_transcript(transcript_doc: dict[str, Any], path: Path) -> tuple[Transcript, str]:
    """The transcript of a (checked) project document, and what had to be repaired to read
    it ("" when nothing). Segments past the recorded audio length are what an earlier
    Tingxie saved after a longer copy of the audio was located and transcribed whole: the
    length is extended (:func:`fit_transcript_document`) rather than the whole project
    refused. Overlapping lines (a hand edit, another program, an older version) are
    untangled (:func:`untangle_overlaps`), every word of them kept. Anything else wrong
    raises :class:`ProjectFormatError`."""
    try:
        return Transcript.from_dict(transcript_doc), ""
    except _TRANSCRIPT_ERRORS as exc:
        problem = exc
    fitted, lengthened = fit_transcript_document(transcript_doc)
    try:
        fitted, untangled = untangle_overlaps(fitted)
    except _TRANSCRIPT_ERRORS:
        untangled = ""  # damage of another kind, which reading names
    if lengthened or untangled:
        said = []
        if lengthened:
            said.append(f"The transcript did not fit its audio and was repaired: {lengthened}.")
        if untangled:
            said.append(f"Lines of the transcript overlapped and were repaired: {untangled}.")
        try:
            return Transcript.from_dict(fitted), " ".join([*said, "Saving keeps the repair."])
        except _TRANSCRIPT_ERRORS as exc:
            problem = exc  # what is wrong besides the length and the overlaps
    raise ProjectFormatError(path, f"has an invalid transcript ({problem}).",
                             "The file may be damaged.") from problem


def fit_transcript_document(doc: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """A transcript document (already through ``check_document``) whose recorded audio
    length is extended to its last segment's end, when a segment ends past it, and a phrase
    saying what was changed ("" when nothing was, and then ``doc`` itself). Segments that
    overlap are left to :func:`untangle_overlaps`: no edit makes them, so saving refuses
    them, and only reading a file repairs them."""
    duration = doc.get("duration")
    last_end = max((round(seg["end"], 3) for seg in doc["segments"]), default=0.0)
    if duration is None or last_end <= duration + 1e-6:
        return doc, ""
    return {**doc, "duration": last_end}, (
        f"the audio length it remembered ({format_duration(duration)}) was extended to "
        f"{format_duration(last_end)}, where its last line ends")


def untangle_overlaps(doc: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """A transcript document (already through ``check_document``) whose overlapping lines
    are made to follow one another, and a phrase saying which were changed ("" when none
    were, and then ``doc`` itself). A line that starts before the one before it ends is
    trimmed to start there, its words squeezed inside it as :func:`~tingxie.core.edits.
    fit_words` does (aligned ones marked stale); one that would be left shorter than
    :data:`~tingxie.core.transcript.MIN_DURATION` (or lies wholly inside the one before)
    has its text, words and all, added to the end of that line. Nothing is dropped.
    Other damage (a line ending before it starts, an id used twice) is left for reading
    to refuse. Raises what :meth:`Segment.from_dict` raises."""
    segments = sorted((Segment.from_dict(s) for s in doc["segments"]), key=lambda s: s.start)
    if (any(s.end < s.start for s in segments)
            or len({s.id for s in segments}) < len(segments)
            or all(a.end <= b.start + 1e-9 for a, b in itertools.pairwise(segments))):
        return doc, ""
    kept: list[Segment] = []
    trimmed: list[Segment] = []
    joined: list[Segment] = []  # the lines others were joined onto
    swallowed = 0
    recredited: list[tuple[Segment, str]] = []  # (line joined onto, the joined one's speaker)
    for seg in segments:
        before = kept[-1] if kept else None
        if before is None or before.end <= seg.start + 1e-9:
            kept.append(seg)
        elif seg.end - before.end >= MIN_DURATION - 1e-9:
            seg.start = before.end
            fit_words(seg)
            kept.append(seg)
            trimmed.append(seg)
        else:
            _join_onto(before, seg)
            swallowed += 1
            if not joined or joined[-1] is not before:
                joined.append(before)
            if seg.speaker is not None and seg.speaker != before.speaker:
                recredited.append((before, seg.speaker))
    line = {id(seg): n for n, seg in enumerate(kept, 1)}
    said = []
    if len(trimmed) == 1:
        n = line[id(trimmed[0])]
        said.append(f"line {n} was trimmed to start where line {n - 1} ends")
    elif trimmed:
        said.append(f"{_lines(line[id(s)] for s in trimmed)} were trimmed to start where "
                    "the line before each ends")
    if swallowed == 1:
        n = line[id(joined[0])]
        said.append(f"the text of a line that lay inside line {n} was added to the end of "
                    f"line {n}")
    elif swallowed:
        said.append(f"the text of {swallowed} lines that lay inside "
                    f"{_lines(line[id(s)] for s in joined)} was added to the end of the line "
                    "each lay inside")
    if recredited:
        names = {sp.get("id"): sp.get("name") for sp in doc.get("speakers") or []
                 if isinstance(sp, dict)}
        said.append("the words of " + ", ".join(dict.fromkeys(
            f"{names.get(speaker) or speaker} added to line {line[id(onto)]}"
            for onto, speaker in recredited)) + " are under that line's speaker now: split "
            "the line to give them back")
    return {**doc, "segments": [s.to_dict() for s in kept]}, "; ".join(said)


def _join_onto(before: Segment, seg: Segment) -> None:
    """Add the text and words of ``seg``, which lies (almost) wholly inside ``before``, to
    the end of ``before``: its words go after those of ``before`` (moved there, so marked
    stale, if they were aligned), so that the words still run in time order."""
    after = min(max([before.start, *(w.end for w in before.words)]), before.end)
    seg.start, seg.end = min(max(seg.start, after), before.end), before.end
    fit_words(seg)
    text = join_texts(before.text, seg.text, phrases=True)
    before.words = reword(text, before.words + seg.words, before.start, before.end)
    before.text = text
    before.edited = before.edited or seg.edited
    if before.confidence is None:
        before.confidence = seg.confidence
    lows = [c for c in (before.min_confidence, seg.min_confidence) if c is not None]
    before.min_confidence = min(lows) if lows else None


def _lines(numbers: Any) -> str:
    """``line 4``, ``lines 4 and 7``, ``lines 4, 7 and 9``; past ten, how many more."""
    numbers = [str(n) for n in numbers]
    if len(numbers) == 1:
        return f"line {numbers[0]}"
    if len(numbers) > 10:
        numbers = [*numbers[:10], f"{len(numbers) - 10} more"]
    return f"lines {', '.join(numbers[:-1])} and {numbers[-1]}"


def _require_optional(d: Any, key: str, kind: type | tuple[type, ...], where: str,
                      path: Path) -> Any:
    try:
        return require_field(d, key, kind, where, optional=True)
    except ValueError as exc:
        raise ProjectFormatError(path, f"is not a valid project: {exc}.",
                                 "The file may be damaged.") from exc


def _read_document(path: Path, what: str = "project file") -> Any:
    """The JSON document in a project or recovery file; :class:`ProjectError` otherwise."""
    raw = read_bytes(path, ProjectFormatError, what)
    if not raw.strip():
        raise ProjectFormatError(path, "is empty.", "It may have been cut off while saving.")
    try:
        # utf-8-sig: a BOM (Windows PowerShell 5, old Notepad) is not damage.
        return parse_json(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ProjectFormatError(path, "is not a text file, so not a Tingxie project.") from exc
    except json.JSONDecodeError as exc:
        raise ProjectFormatError(path, f"is damaged: invalid JSON at line {exc.lineno}, "
                                 f"column {exc.colno} ({exc.msg}).") from exc
    except RecursionError as exc:
        raise ProjectFormatError(path, "is damaged: its JSON is nested too deeply.") from exc
    except ValueError as exc:  # a number JSON allows but Python will not parse
        raise ProjectFormatError(path, f"is damaged: {exc}.") from exc


def load(path: str | Path) -> Project:
    """Read a project file. Raises :class:`ProjectError` (never anything else for bad input)
    and never changes the file."""
    path = Path(path)
    return from_dict(_read_document(path), path)


def _set_aside(rec: Path, kind: str = "damaged", suffix: str = "") -> Path | None:
    """Rename a recovery file this Tingxie cannot use to ``NAME.KIND-YYYYmmdd-HHMMSS``
    (``damaged``, ``newer`` for a newer Tingxie's, ``kept`` for work nobody was offered)
    followed by ``suffix``, never deleting it, so that this window's autosaves never write
    over it; the new path, or ``None`` if it could not be renamed."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in range(100):
        aside = rec.with_name(f"{rec.name}.{kind}-{stamp}" + (f"-{n}" if n else "") + suffix)
        if os.path.lexists(aside):
            continue
        try:
            os.rename(rec, aside)
        except OSError:
            return None
        return aside
    return None


def read_recovery(path: str | Path, *, for_project: str | Path | None = None,
                  for_audio: str | None = None, for_writer: str | None = None,
                  set_aside: bool = True) -> Project:
    """The project autosaved in the recovery file of the project at ``path``
    (:func:`recovery_path`); the one reader of recovery files.

    ``for_project`` (a project path) and ``for_audio`` (an audio fingerprint) say what the
    caller is about to restore; a recovery file written for another project or recording
    raises :class:`RecoveryMismatch` and is left alone. A damaged one raises
    :class:`DamagedRecovery` after being renamed aside (with ``set_aside``), so that it
    never again stands in the way; it is never deleted.
    """
    path = Path(path)
    rec = recovery_path(path)
    try:
        doc = _read_document(rec, "recovery file")
        project = from_dict(doc, path)
    except ProjectVersionError as exc:  # a newer Tingxie's: not damaged, kept for it
        kept = _set_aside(rec, "newer") if set_aside and os.path.lexists(rec) else None
        where = (f" It was kept, unchanged, as {kept.name}." if kept is not None
                 else " It is kept as it is.")
        raise ProjectVersionError(rec, f"holds autosaved changes a newer Tingxie wrote "
                                  f"({exc.problem}).{where}", "Update Tingxie to restore "
                                  "them (open that file with it).") from exc
    except ProjectError as exc:
        if not os.path.lexists(rec):
            raise
        kept = _set_aside(rec) if set_aside else None
        where = (f" It was kept as {kept.name}." if kept is not None
                 else " It could not be renamed and was left as it is." if set_aside else "")
        raise DamagedRecovery(rec, f"the autosaved changes could not be read: {exc.problem}"
                              f"{where}", "The project itself is unchanged.",
                              kept_as=kept) from exc
    tie = doc.get("recovery_of")
    tie = tie if isinstance(tie, dict) else {}
    name = tie.get("project")
    if for_project is not None and isinstance(name, str) and name != Path(for_project).name:
        raise RecoveryMismatch(rec, f"was autosaved for {name}, not for "
                               f"{Path(for_project).name}.")
    recorded = tie.get("audio_fingerprint") or project.audio_fingerprint
    if for_audio is not None and isinstance(recorded, str) and recorded != for_audio:
        raise RecoveryMismatch(rec, "was autosaved for another recording.")
    writer = tie.get("writer")
    if for_writer is not None and isinstance(writer, str) and writer != for_writer:
        raise RecoveryMismatch(rec, "was autosaved by another Tingxie window.")
    return project


@dataclass
class OpenedProject:
    """A project as opened, plus a newer autosaved version the user may want instead."""

    path: Path
    project: Project
    recovered: Project | None = None
    recovery_path: Path | None = None
    #: Why an autosaved version could not be offered (a damaged recovery file, now set
    #: aside), for the window to show; ``None`` when nothing was wrong.
    recovery_problem: str | None = None


def recovery_outdated(path: str | Path) -> bool | None:
    """Whether the recovery file of the project at ``path`` holds nothing newer than the
    project, because the window that wrote it saved the project since; ``None`` when either
    file is missing. A recording never saved as a project has no project file: its
    recovery is never outdated (``False``) while it exists.

    A recovery file that records the project file it was based on (:func:`write_recovery`)
    is removed by its own window's saves, so it is never outdated: a save since was another
    window's or program's, and the work it holds is still offered (with
    :func:`recovery_conflict` telling the user). One an older Tingxie wrote is outdated
    when it is older than the project, as that Tingxie judged."""
    path = Path(path)
    try:
        written = os.lstat(recovery_path(path)).st_mtime
    except OSError:
        return None
    try:
        saved = os.stat(path).st_mtime
    except FileNotFoundError:
        return False
    except OSError:
        return None
    tie = recovery_tie(path)
    if tie is not None and "project_state" in tie:
        return False
    return written < saved


def open_project(path: str | Path) -> OpenedProject:
    """Load a project and, if its recovery file is newer and readable, the recovered version too.

    The caller asks the user which to keep: :func:`save` the recovered one to adopt it, or
    :func:`discard_recovery` to drop it. A damaged recovery file never stops the project
    opening: it is set aside and said in ``recovery_problem``; one written for another
    project or recording is not offered.
    """
    path = Path(path)
    try:
        opened = OpenedProject(path, load(path))
    except ProjectVersionError:
        raise
    except ProjectFormatError as exc:
        return _open_recovery_instead(path, exc)
    rec = recovery_path(path)
    if recovery_outdated(path) is False:
        try:
            opened.recovered = read_recovery(path, for_project=path,
                                             for_audio=opened.project.audio_fingerprint)
            opened.recovery_path = rec
        except RecoveryMismatch:
            pass
        except ProjectError as exc:
            opened.recovery_problem = str(exc)
    return opened


def _open_recovery_instead(path: Path, damage: ProjectFormatError) -> OpenedProject:
    """A project file that cannot be read (cut off while saving, overwritten with zeros)
    whose autosave beside it can: the autosave opens in its place, saying so, and saving
    writes the project's own path again. With no usable autosave, ``damage`` is raised,
    saying whether there was one; nothing is renamed or changed."""
    rec = recovery_path(path)
    if not rec.is_file():
        raise damage
    try:
        project = read_recovery(path, for_project=path, set_aside=False)
        written = time.strftime("%Y-%m-%d %H:%M", time.localtime(os.stat(rec).st_mtime))
    except (ProjectError, OSError) as exc:
        cause = exc.__cause__ if isinstance(exc, DamagedRecovery) else exc
        problem = cause.problem if isinstance(cause, FileProblem) else str(exc)
        raise ProjectFormatError(path, damage.problem, " ".join(filter(None, (
            damage.hint, f"Its autosave ({rec.name}) could not be read either: "
            f"{problem.rstrip('.')}.")))) from damage
    project.notices.insert(0, f"{path.name} {damage.problem.rstrip('.')}, so its autosave "
                           f"from {written} was opened instead. Saving writes it to "
                           f"{path.name} again.")
    return OpenedProject(path, project)


def _subfolders(folder: Path) -> list[Path]:
    with contextlib.suppress(OSError):
        return sorted(p for p in folder.iterdir() if p.is_dir())[:LOCATE_SUBFOLDERS]
    return []


def _nearby_folders(folder: Path) -> list[Path]:
    """Where audio moved along with its project most likely is, nearest first: the folder,
    its subfolders, its parent and the parent's subfolders (one level each, never deeper)."""
    parent = folder.parent
    return [folder, *_subfolders(folder), parent, *_subfolders(parent)]


def _audio_in(project: Project, folder: Path, name: str, nearby: bool) -> Path | None:
    """The file in ``folder`` (not below it) with the project's audio fingerprint, trying the
    old name first. Only files of the recorded size are read; without a recorded size, in a
    ``nearby`` folder only a file of the old name is, so that a home folder is never read
    through."""
    try:
        candidates = sorted(folder.iterdir(), key=lambda p: p.name != name)
    except OSError:
        return None
    for cand in candidates:
        with contextlib.suppress(OSError):
            if project.audio_size is not None:
                plausible = cand.stat().st_size == project.audio_size
            else:
                plausible = not nearby or cand.name == name
            if (plausible and cand.is_file()
                    and fingerprint(cand) == project.audio_fingerprint):
                return cand
    return None


def locate_audio(project: Project, search_dirs: list[Path] | tuple[Path, ...] = ()) -> Path | None:
    """Find the project's audio: where it was, else a file with the same fingerprint (under its
    old name or any other) in or near ``search_dirs``, such as the project's own folder: each
    folder, its subfolders, its parent folder and the parent's subfolders, one level deep (so
    ``P/transcripts/x.tingxie`` finds ``P/audio/a.wav``). Only files of the recorded size are
    fingerprinted. ``None`` if it is nowhere to be found."""
    if project.audio_path is None:
        return None
    if project.audio_path.is_file() and (
            project.audio_fingerprint is None
            or fingerprint(project.audio_path) == project.audio_fingerprint):
        return project.audio_path
    if project.audio_fingerprint is None:
        return None
    name = project.audio_path.name
    seen: set[Path] = set()
    for given in search_dirs:
        for folder in _nearby_folders(Path(given)):
            key = Path(os.path.abspath(folder))
            if key in seen:
                continue
            seen.add(key)
            found = _audio_in(project, folder, name, nearby=folder != Path(given))
            if found is not None:
                return found
    return None
