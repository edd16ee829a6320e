"""Exports: SRT and WebVTT (laid out by :mod:`tingxie.core.subtitles`, their text written
verbatim), plain text, Word (python-docx) and JSON.

:func:`render` returns a format's bytes (for the window's preview or a pipe); :func:`export`
writes them atomically. docs/export-formats.md describes what each format holds.

Text is cleaned of what a format cannot hold before it is written (control characters,
characters XML forbids in DOCX, lone surrogates), and in SRT and WebVTT text never creates
structure: blank lines inside a cue are collapsed and SRT's "-->" is broken, so a segment
holding a cue number and a timing line stays inside its own cue.
:func:`render_report` and :func:`write_export` also say how many characters were changed.
"""

from __future__ import annotations

import copy
import datetime as _dt
import io
import json
import math
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pysubs2

from tingxie.core.errors import FileProblem
from tingxie.core.project import write_atomic
from tingxie.core.subtitle_text import joins_without_space
from tingxie.core.subtitles import Event, Preset, layout
from tingxie.core.timefmt import format_timestamp
from tingxie.core.transcript import Segment, Transcript, same_turn

#: The formats :func:`export` writes, by file extension.
FORMATS = ("srt", "vtt", "txt", "docx", "json")

TRANSCRIPT_FORMAT = "tingxie-transcript"
TRANSCRIPT_SCHEMA_VERSION = 1

#: Timestamps in TXT and DOCX: none, one per speaker turn, one per segment, or a number of
#: seconds (a timestamp at the first segment of each such interval).
Timestamps = str | float | None


class ExportFailed(FileProblem):
    """An export could not be written."""


@dataclass(frozen=True)
class Rendered:
    """A format's bytes and how many characters of the text had to be changed for it."""

    data: bytes
    #: Characters removed or replaced because the format cannot hold them (or they would
    #: have created structure, such as an extra subtitle).
    cleaned: int = 0


@dataclass(frozen=True)
class Exported:
    """Where an export went and how many characters were changed (see :class:`Rendered`)."""

    path: Path
    cleaned: int = 0

    def notice(self) -> str | None:
        """A line for the user when characters were changed, else ``None``."""
        if not self.cleaned:
            return None
        return (f"{self.cleaned} character(s) the {self.path.suffix.lstrip('.').upper()} "
                "format cannot hold (control characters, blank lines inside a subtitle, …) "
                "were removed or replaced.")


# -- cleaning ------------------------------------------------------------------------------

_SURROGATE = re.compile("[\ud800-\udfff]")
#: C0 controls but tab and newline, DEL, C1 controls, and the non-characters XML forbids.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")


def clean_for(text: str, fmt: str) -> tuple[str, int]:
    """``text`` as format ``fmt`` can hold it, and how many characters were changed."""
    n = 0
    text, k = _SURROGATE.subn("\ufffd", text)
    n += k
    if fmt == "json":  # JSON escapes every other character
        return text, n
    text, k = re.subn(r"\r\n?", "\n", text)
    n += k
    text, k = _CONTROL.subn("", text)
    n += k
    if fmt in ("srt", "vtt"):
        before = len(text)
        text = _BLANK_LINES.sub("\n", text)
        n += before - len(text)
        if fmt == "srt":
            # A line holding "-->" (or "--->") reads as a timing line; "->" is no cure, since
            # Subtitle Edit mends " -> " back into " --> ". An arrow no reader mends:
            text, k = re.subn(r"-{2,}>", "\u2192", text)
            n += k
    return text, n


def as_written(transcript: Transcript, fmt: str) -> Transcript:
    """``transcript`` as format ``fmt`` writes it (its texts cleaned for the format): what a
    report on the written file (how many subtitles, which rules they break) must look at."""
    return _cleaned(transcript, fmt)[0]


def _cleaned(transcript: Transcript, fmt: str) -> tuple[Transcript, int]:
    """A copy of ``transcript`` with every text, word and speaker name cleaned for ``fmt``,
    and how many characters were removed or replaced: counted once each, in the segment texts,
    the speaker names and the language (the word texts and speaker ids repeat those)."""
    total = 0

    def clean(text: str, counted: bool = True) -> str:
        nonlocal total
        text, n = clean_for(text, fmt)
        total += n if counted else 0
        return text

    t = copy.copy(transcript)
    t.segments = []
    for seg in transcript.segments:
        c = copy.copy(seg)
        c.text = clean(seg.text)
        c.words = [copy.copy(w) for w in seg.words]
        for w in c.words:
            w.text = clean(w.text, counted=False)
        if c.speaker is not None:
            c.speaker = clean(c.speaker, counted=False)
        t.segments.append(c)
    t.speakers = [copy.copy(spk) for spk in transcript.speakers]
    for spk in t.speakers:
        spk.id, spk.name = clean(spk.id, counted=False), clean(spk.name)
    if t.language is not None:
        t.language = clean(t.language)
    return t, total


def _ms(seconds: float) -> int:
    return max(0, round(seconds * 1000))


def clock(seconds: float) -> str:
    """``[hh:mm:ss]`` time of a transcript position, as TXT and DOCX show it."""
    return f"[{format_timestamp(seconds, ms=False)}]"


# -- JSON ----------------------------------------------------------------------------------


def transcript_document(transcript: Transcript, source: str | Path | None = None,
                        model: str | None = None,
                        options: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``tingxie-transcript`` JSON document (what ``tingxie transcribe`` and the JSON
    export write): the transcript object of the project format plus where it came from."""
    return {
        "format": TRANSCRIPT_FORMAT,
        "schema_version": TRANSCRIPT_SCHEMA_VERSION,
        "source": None if source is None else str(source),
        "model": model,
        "options": dict(options or {}),
        "transcript": transcript.to_dict(),
    }


def to_json(transcript: Transcript, *, source: str | Path | None = None,
            model: str | None = None, options: dict[str, Any] | None = None) -> str:
    """The transcript as a ``tingxie-transcript`` JSON document (UTF-8 text, not escaped)."""
    doc = transcript_document(transcript, source, model, options)
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


# -- SRT and WebVTT ------------------------------------------------------------------------


def _cues(events: list[Event], texts: list[str], fmt: str) -> str:
    """SRT or WebVTT cues holding ``texts`` verbatim.

    pysubs2 is not used to write them: its writers read the text as SubStation markup, so
    a backslash sequence such as ``\\n`` or ``\\h`` became a line break or a space and a
    cue that looked like a drawing (``{\\p1}``) was left out. Its timestamps are used.
    """
    stamp = (pysubs2.formats.WebVTTFormat if fmt == "vtt"
             else pysubs2.formats.SubripFormat).ms_to_timestamp
    out = ["WEBVTT\n\n"] if fmt == "vtt" else []
    for number, (ev, text) in enumerate(zip(events, texts), 1):
        # A blank line would end the cue (the text's own blank lines are already collapsed).
        body = "\n".join(line for line in text.strip().split("\n") if line.strip())
        out.append(f"{number}\n{stamp(_ms(ev.start))} --> {stamp(_ms(ev.end))}\n{body}\n\n")
    return "".join(out)


def to_srt(transcript: Transcript, *, preset: Preset | str | None = None,
           speaker_names: bool = False) -> str:
    """SubRip subtitles laid out by ``preset`` (default: by the script).

    With ``speaker_names`` each speaker turn's first subtitle starts "Name: "; a subtitle
    holding two speakers always shows them as dialogue lines starting "- ".
    """
    events = layout(transcript, preset, speaker_names=speaker_names)
    return _cues(events, [ev.text for ev in events], "srt")


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _vtt_time(seconds: float) -> str:
    return format_timestamp(seconds)


def _vtt_cue(ev: Event, transcript: Transcript, speaker_names: bool, karaoke: bool) -> str:
    start, end = _ms(ev.start), _ms(ev.end)
    marks: dict[int, list[tuple[int, float]]] = {}
    if karaoke:
        latest = start
        for row, col, t in sorted(ev.word_times, key=lambda w: (w[0], w[1])):
            if latest < _ms(t) < end:  # a cue timestamp lies strictly inside, increasing
                marks.setdefault(row, []).append((col, t))
                latest = _ms(t)
        for row_marks in marks.values():
            # Lenient readers (pysubs2, and tools built on it) take any line holding exactly
            # two timestamps for a timing line; such a line keeps only its first.
            if len(row_marks) == 2:
                row_marks.pop()
    rows = []
    for row, line in enumerate(ev.lines):
        pieces, last = [], 0
        for col, t in marks.get(row, []):
            pieces += [_vtt_escape(line[last:col]), f"<{_vtt_time(t)}>"]
            last = col
        pieces.append(_vtt_escape(line[last:]))
        rows.append("".join(pieces))
    if not speaker_names:
        return "\n".join(rows)
    out: list[str] = []
    k = 0
    while k < len(rows):  # one voice span per run of lines by the same speaker
        j = k
        while j + 1 < len(rows) and ev.speakers[j + 1] == ev.speakers[k]:
            j += 1
        name = transcript.speaker_name(ev.speakers[k]) if ev.speakers[k] else None
        body = "\n".join(rows[k:j + 1])
        out.append(f"<v {_vtt_escape(' '.join(name.split()))}>{body}</v>" if name else body)
        k = j + 1
    return "\n".join(out)


def to_vtt(transcript: Transcript, *, preset: Preset | str | None = None,
           speaker_names: bool = True, karaoke: bool = True) -> str:
    """WebVTT subtitles laid out by ``preset``, with ``<v Name>`` voice tags for speakers and,
    where word times are known and ``karaoke`` is on, a ``<hh:mm:ss.mmm>`` timestamp before
    each word."""
    events = layout(transcript, preset)
    texts = [_vtt_cue(ev, transcript, speaker_names, karaoke) for ev in events]
    return _cues(events, texts, "vtt")


# -- TXT and DOCX --------------------------------------------------------------------------


@dataclass
class Run:
    """A piece of a paragraph: ``kind`` is ``"time"``, ``"name"``, ``"text"`` or ``"break"``."""

    kind: str
    text: str = ""


def _turns(transcript: Transcript) -> list[list[Segment]]:
    turns: list[list[Segment]] = []
    for seg in sorted(transcript.segments, key=lambda s: s.start):
        if not seg.text.strip():
            continue
        if turns and same_turn(turns[-1][-1], seg):
            turns[-1].append(seg)
        else:
            turns.append([seg])
    return turns


def _check_timestamps(timestamps: Timestamps) -> float | str | None:
    if timestamps is None or timestamps == "none":
        return None
    if timestamps in ("turn", "segment"):
        return timestamps
    try:
        every = float(timestamps)
    except (TypeError, ValueError):
        raise ValueError(f"Timestamps must be none, turn, segment or a number of seconds, "
                         f"not {timestamps!r}.") from None
    if not (math.isfinite(every) and every > 0):
        raise ValueError("The timestamp interval must be a positive number of seconds.")
    return every


def paragraphs(transcript: Transcript, *, speaker_names: bool = True,
               timestamps: Timestamps = None) -> list[list[Run]]:
    """The transcript as paragraphs, one per speaker turn, each a list of :class:`Run` s.

    ``timestamps``: ``None``/``"none"``, ``"turn"`` (one at the start of each paragraph),
    ``"segment"`` (each segment on its own line with its time) or a number of seconds N (a time
    before the first segment starting in each new N-second interval).
    """
    mode = _check_timestamps(timestamps)
    out: list[list[Run]] = []
    next_mark = 0.0
    for turn in _turns(transcript):
        name = (transcript.speaker_name(turn[0].speaker)
                if speaker_names and turn[0].speaker else None)
        runs: list[Run] = []
        text = ""
        for k, seg in enumerate(turn):
            piece = seg.text.strip()
            mark = None
            if mode == "segment" or (mode == "turn" and k == 0):
                mark = clock(seg.start)
            elif isinstance(mode, float) and seg.start >= next_mark:
                mark = clock(seg.start)
                next_mark = (math.floor(seg.start / mode) + 1) * mode
            if k == 0:
                if mark:
                    runs.append(Run("time", mark + " "))
                if name:
                    runs.append(Run("name", f"{name}: "))
                text = piece
            elif mode == "segment":
                runs += [Run("text", text), Run("break"), Run("time", f"{mark} ")]
                text = piece
            elif mark:
                runs.append(Run("text", text if joins_without_space(text, piece)
                                else text + " "))
                runs.append(Run("time", mark + " "))
                text = piece
            else:
                text = text + ("" if joins_without_space(text, piece) else " ") + piece
        runs.append(Run("text", text))
        out.append([r for r in runs if r.kind == "break" or r.text])
    return out


def to_txt(transcript: Transcript, *, speaker_names: bool = True,
           timestamps: Timestamps = None) -> str:
    """Plain text: a paragraph per speaker turn ("张伟: …"), a blank line between them, and
    ``[hh:mm:ss]`` timestamps as :func:`paragraphs` describes."""
    blocks = ["".join("\n" if r.kind == "break" else r.text for r in para)
              for para in paragraphs(transcript, speaker_names=speaker_names,
                                     timestamps=timestamps)]
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def _duration(transcript: Transcript) -> float:
    if transcript.duration is not None:
        return transcript.duration
    return max((s.end for s in transcript.segments), default=0.0)


def to_docx(transcript: Transcript, *, title: str | None = None,
            source: str | Path | None = None, date: _dt.date | str | None = None,
            speaker_names: bool = True, timestamps: Timestamps = "turn") -> bytes:
    """A Word document: a heading, the source file, date and duration, then one paragraph per
    speaker turn with the speaker's name in bold and the timestamps in grey."""
    from docx import Document
    from docx.shared import RGBColor

    if title is None:
        title = Path(str(source)).stem if source else "Transcript"
    if date is None:
        date = _dt.date.today()
    doc = Document()
    doc.core_properties.title = title
    doc.core_properties.comments = "Transcribed with Tingxie"
    doc.add_heading(title, level=1)
    meta = [("Source", Path(str(source)).name if source else None),
            ("Date", date.isoformat() if isinstance(date, _dt.date) else str(date)),
            ("Duration", clock(_duration(transcript)).strip("[]")),
            ("Language", transcript.language)]
    for label, value in meta:
        if value:
            p = doc.add_paragraph()
            p.add_run(f"{label}: ").bold = True
            p.add_run(value)
    grey = RGBColor(0x80, 0x80, 0x80)
    for para in paragraphs(transcript, speaker_names=speaker_names, timestamps=timestamps):
        p = doc.add_paragraph()
        for r in para:
            if r.kind == "break":
                p.add_run().add_break()
                continue
            run = p.add_run(r.text)
            if r.kind == "name":
                run.bold = True
            elif r.kind == "time":
                run.font.color.rgb = grey
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# -- one entry point -----------------------------------------------------------------------


def format_for(path: str | Path, fmt: str | None = None) -> str:
    """``fmt`` checked, or the format a path's extension names; ``ValueError`` otherwise."""
    name = (fmt or Path(path).suffix.lstrip(".")).lower()
    if name not in FORMATS:
        raise ValueError(f"Tingxie cannot export “{name or path}”; choose one of "
                         f"{', '.join(FORMATS)}.")
    return name


def render(transcript: Transcript, fmt: str, **options: Any) -> bytes:
    """The bytes of ``transcript`` in format ``fmt`` (one of :data:`FORMATS`); ``options``
    are :func:`render_report`'s."""
    return render_report(transcript, fmt, **options).data


def render_report(transcript: Transcript, fmt: str, *, preset: Preset | str | None = None,
                  speaker_names: bool | None = None, karaoke: bool = True,
                  timestamps: Timestamps = None, title: str | None = None,
                  source: str | Path | None = None, model: str | None = None,
                  transcription_options: dict[str, Any] | None = None,
                  date: _dt.date | str | None = None) -> Rendered:
    """``transcript`` in format ``fmt`` (one of :data:`FORMATS`), with the number of
    characters cleaned out of its text (see the module's description).

    Options that do not apply to a format are ignored. ``speaker_names=None`` takes the
    format's default: off for SRT (names take room on screen), on for the others.
    ``timestamps=None`` takes the default too: none in TXT, one per turn in DOCX.
    ``source``, ``model`` and ``transcription_options`` go into JSON (and the source into DOCX).
    """
    fmt = format_for("", fmt)
    names = (fmt != "srt") if speaker_names is None else speaker_names
    transcript, cleaned = _cleaned(transcript, fmt)
    if fmt == "srt":
        data = to_srt(transcript, preset=preset, speaker_names=names).encode("utf-8")
    elif fmt == "vtt":
        data = to_vtt(transcript, preset=preset, speaker_names=names,
                      karaoke=karaoke).encode("utf-8")
    elif fmt == "txt":
        data = to_txt(transcript, speaker_names=names, timestamps=timestamps).encode("utf-8")
    elif fmt == "docx":
        if title is not None:
            title, n = clean_for(title, fmt)
            cleaned += n
        if source is not None:
            source, n = clean_for(str(source), fmt)
            cleaned += n
        data = to_docx(transcript, title=title, source=source, date=date, speaker_names=names,
                       timestamps="turn" if timestamps is None else timestamps)
    else:
        if isinstance(source, str):
            source, n = clean_for(source, fmt)
            cleaned += n
        data = to_json(transcript, source=source, model=model,
                       options=transcription_options).encode("utf-8")
    return Rendered(data, cleaned)


def _check_writable(path: Path) -> None:
    """Raise :class:`ExportFailed` when an export to ``path`` must not be written: the file
    is marked read-only, or what should be its folder is a file. The permission bits are
    read rather than asked of the system, as root may write any file, and the atomic
    rename would replace a read-only file anyway."""
    try:
        mode: int | None = os.stat(path).st_mode
    except OSError:
        mode = None
    if mode is not None and stat.S_ISREG(mode) and not mode & 0o222:
        raise ExportFailed(path, "is read-only (its permissions allow no writing).",
                           "Export under another name, or allow writing to it first.")
    if mode is None:
        # The nearest folder on the way that exists must be one: "notes.txt/out.srt" would
        # otherwise fail with a bare "Not a directory".
        folder = next((f for f in path.parents if f.exists()), None)
        if folder is not None and not folder.is_dir():
            raise ExportFailed(path, f"could not be written: {folder} is a file, not a folder.",
                               "Choose another folder or file name.")


def write_export(transcript: Transcript, path: str | Path, fmt: str | None = None,
                 **options: Any) -> Exported:
    """Write ``transcript`` to ``path`` in ``fmt`` (default: by the extension), atomically;
    ``options`` are :func:`render_report`'s. A failed write raises :class:`ExportFailed`
    and leaves any old file as it was; so does a file marked read-only (a delivered subtitle
    file someone protected is never replaced by the next export, as a read-only project is
    never saved over) or a path through a file rather than a folder."""
    path = Path(path)
    _check_writable(path)
    rendered = render_report(transcript, format_for(path, fmt), **options)
    write_atomic(path, rendered.data, ExportFailed)
    return Exported(path, rendered.cleaned)


def export(transcript: Transcript, path: str | Path, fmt: str | None = None,
           **options: Any) -> Path:
    """Write ``transcript`` to ``path`` as :func:`write_export` does; returns the path."""
    return write_export(transcript, path, fmt, **options).path
