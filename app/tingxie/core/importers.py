"""Import: SRT, WebVTT and JSON files opened as a transcript, so existing subtitles can be
corrected against the audio.

Files are parsed whole before anything is built: a malformed file raises
:class:`MalformedFile` naming the file and the line (for JSON, the field), and nothing is
half-imported. docs/export-formats.md describes what is kept.
"""

from __future__ import annotations

import codecs
import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tingxie.core import project as projects
from tingxie.core.errors import FileProblem, read_bytes
from tingxie.core.export import TRANSCRIPT_FORMAT, TRANSCRIPT_SCHEMA_VERSION
from tingxie.core.text import is_cjk, join_texts
from tingxie.core.transcript import (
    MIN_DURATION,
    Segment,
    Transcript,
    Word,
    check_document,
    check_value,
    clean_strings,
    parse_json,
    require_field,
)

#: Extensions :func:`import_transcript` reads.
IMPORT_SUFFIXES = (".srt", ".vtt", ".json", projects.SUFFIX)


class ImportFailed(FileProblem):
    """A file could not be imported as a transcript. ``line`` is 1-based, when known."""

    def __init__(self, path: str | Path, problem: str, hint: str = "",
                 line: int | None = None) -> None:
        self.line = line
        if line is not None:
            problem = f"line {line}: {problem}"
        super().__init__(path, problem, hint)


class MalformedFile(ImportFailed):
    """The file's content is not valid SRT, WebVTT or Tingxie JSON."""


class UnsupportedFile(ImportFailed):
    """The file is of a kind Tingxie does not import."""


@dataclass
class Imported:
    """An imported transcript and what the file said about where it came from."""

    transcript: Transcript
    source: str | None = None
    model: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    #: The text encoding the file was read in ("utf-8", "gb18030", "cp1252", ...).
    encoding: str = "utf-8"
    #: What the import changed or noticed, for the user (e.g. invalid characters replaced).
    notices: list[str] = field(default_factory=list)


@dataclass
class _Cue:
    line: int
    start: int  # ms
    end: int
    text: str
    speaker: str | None = None
    words: list[Word] = field(default_factory=list)


# -- reading text ---------------------------------------------------------------------------


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
#: When the detector finds several encodings that read a file equally well, the first of
#: these wins: Chinese subtitles are often still GB-encoded, Western ones Windows-1252.
_PREFERRED = ("gb18030", "cp1252", "cp932", "big5", "cp949")


def _detect(raw: bytes) -> str | None:
    """The encoding charset-normalizer finds most plausible for non-UTF-8 bytes."""
    from charset_normalizer import from_bytes

    matches = list(from_bytes(raw))
    if not matches:
        return None
    best = min(m.chaos for m in matches)
    tied = [m for m in matches if m.chaos <= best + 0.01]
    for name in _PREFERRED:
        for m in tied:
            if name in m.could_be_from_charset:
                return name
    return min(matches, key=lambda m: m.chaos).encoding


def _read_text(path: Path) -> tuple[str, str]:
    """The file's text and the encoding it was read in: a BOM's, else UTF-8, else the one
    charset-normalizer detects."""
    raw = read_bytes(path, ImportFailed, "subtitle or transcript file")
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding), encoding.removesuffix("-sig")
            except UnicodeDecodeError as exc:
                raise MalformedFile(path, f"starts like {encoding} text but is not valid "
                                    f"{encoding} (byte {exc.start}).",
                                    "Save it as UTF-8 and import it again.") from exc
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    encoding = _detect(raw)
    if encoding is not None:
        try:
            return raw.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError):
            pass
    raise MalformedFile(path, "is not a text file in a known encoding.",
                        "Save it as UTF-8 and import it again.")


def _lines(text: str) -> list[str]:
    # Only real line ends: str.splitlines() also splits at form feeds, U+0085 and U+2028,
    # which would put every later line number off.
    return re.split(r"\r\n|\r|\n", text)


# -- SRT and WebVTT -------------------------------------------------------------------------

_SRT_TIME = r"(\d{1,3}):(\d{1,2}):(\d{1,2})[,.](\d{1,3})"
_SRT_TIMING = re.compile(rf"^\s*{_SRT_TIME}\s*-->\s*{_SRT_TIME}(\s.*)?$")
_VTT_TIME = r"(?:(\d{1,3}):)?(\d{2}):(\d{2})\.(\d{3})"
_VTT_TIMING = re.compile(rf"^\s*{_VTT_TIME}[ \t]+-->[ \t]+{_VTT_TIME}([ \t].*)?$")
_VTT_TIMESTAMP = re.compile(rf"<{_VTT_TIME}>")
# A tag never holds "<": a scan stops at the next one, so "<i <i <i ..." stays linear.
_VOICE = re.compile(r"<v(?:\.[^\s<>]*)?(?:[ \t]+([^<>]*))?>")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
#: The formatting SRT players know (<i>, <b>, <u>, <s>, <font ...>) and ASS override blocks
#: such as {\an8}; any other "<...>" in an SRT is text.
_SRT_TAG = re.compile(r"</?(?:[ibus]|font)(?:\s[^<>]*)?>|\{\\[^{}]*\}", re.IGNORECASE)


def _ms(path: Path, line: int, groups: tuple[str | None, ...]) -> int:
    h, m, s, frac = groups
    hours, minutes, seconds = int(h or 0), int(m or 0), int(s or 0)
    if minutes > 59 or seconds > 59:
        raise MalformedFile(path, "a time has more than 59 minutes or seconds.", line=line)
    millis = round(int(frac or 0) * 10 ** (3 - len(frac or "0")))
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis


def _join_lines(lines: list[str]) -> str:
    """Lines joined as :func:`join_texts` would, in linear time."""
    pieces: list[str] = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if pieces and not (is_cjk(pieces[-1][-1]) or is_cjk(line[0])):
            pieces.append(" ")
        pieces.append(line)
    return "".join(pieces)


def _blocks(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Runs of non-blank lines with the 1-based number of their first line."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    first = 0
    for number, line in enumerate(lines, 1):
        if line.strip():
            if not current:
                first = number
            current.append(line)
        elif current:
            blocks.append((first, current))
            current = []
    if current:
        blocks.append((first, current))
    return blocks


def _timed(path: Path, number: int, timing: re.Match, groups: int) -> tuple[int, int]:
    start = _ms(path, number, timing.groups()[:groups])
    end = _ms(path, number, timing.groups()[groups:2 * groups])
    if end <= start:
        raise MalformedFile(path, "the subtitle ends at or before its start.", line=number)
    return start, end


def _parse_srt(path: Path, text: str) -> list[_Cue]:
    cues = []
    for first, block in _blocks(_lines(text)):
        k = 0
        if block[0].strip().isdigit() and len(block) > 1:
            k = 1  # the subtitle number
        timing = _SRT_TIMING.match(block[k])
        if timing is None:
            found = "nothing" if block[k].strip().isdigit() and len(block) == 1 else (
                f"“{block[k].strip()[:60]}”")
            raise MalformedFile(path, "expected a timing line such as “00:01:02,500 --> "
                                f"00:01:04,000”, found {found}.",
                                "Each subtitle is a number, a timing line and its text, "
                                "followed by a blank line.",
                                line=first + k + (1 if found == "nothing" else 0))
        start, end = _timed(path, first + k, timing, 4)
        body = [_SRT_TAG.sub("", line) for line in block[k + 1:]]
        cues.append(_Cue(first + k, start, end, _join_lines(body)))
    return cues


def _vtt_text(path: Path, number: int, lines: list[str], start: int,
              end: int) -> tuple[str, str | None, list[Word]]:
    raw = "\n".join(lines)
    voice = _VOICE.search(raw)
    speaker = html.unescape(voice.group(1)).strip() if voice and voice.group(1) else None
    pieces = _VTT_TIMESTAMP.split(raw)  # text, then 4 time groups and text, repeated
    texts = pieces[::5]
    times = [start] + [_ms(path, number, tuple(pieces[i:i + 4]))
                       for i in range(1, len(pieces), 5)]
    words: list[Word] = []
    if len(texts) > 1:
        bounds = [*times, end]
        for k, piece in enumerate(texts):
            word = html.unescape(_TAG.sub("", piece)).strip()
            if word:
                t0 = min(max(bounds[k], start), end)
                t1 = min(max(bounds[k + 1], t0), end)
                words.append(Word(" ".join(word.split()), t0 / 1000, t1 / 1000))
    clean = html.unescape(_TAG.sub("", "".join(texts)))
    return _join_lines(_lines(clean)), speaker, words


def _parse_vtt(path: Path, text: str) -> list[_Cue]:
    lines = _lines(text)
    if not lines or not re.match(r"^WEBVTT([ \t].*)?$", lines[0]):
        raise MalformedFile(path, "a WebVTT file must start with “WEBVTT”.", line=1)
    blocks = _blocks(lines)
    for offset, line in enumerate(blocks[0][1]):
        if "-->" in line:
            raise MalformedFile(path, "a blank line must separate the “WEBVTT” header from "
                                "the first cue.", line=1 + offset)
    cues = []
    for first, block in blocks[1:]:
        head = block[0].strip()
        if head.startswith(("NOTE", "STYLE", "REGION")) and "-->" not in head:
            continue
        k = 0 if "-->" in block[0] else 1  # an optional cue identifier
        if k >= len(block):
            raise MalformedFile(path, f"expected a timing line after “{head[:60]}”.",
                                line=first)
        timing = _VTT_TIMING.match(block[k])
        if timing is None:
            raise MalformedFile(path, f"expected a timing line such as “00:01:02.500 --> "
                                f"00:01:04.000”, found “{block[k].strip()[:60]}”.",
                                line=first + k)
        start, end = _timed(path, first + k, timing, 4)
        body, speaker, words = _vtt_text(path, first + k, block[k + 1:], start, end)
        cues.append(_Cue(first + k, start, end, body, speaker, words))
    return cues


def _from_cues(cues: list[_Cue]) -> Transcript:
    """A transcript from parsed cues: empty ones dropped; a cue starting inside the one before
    cuts that one short, and one starting with it is merged into it."""
    t = Transcript()
    names: dict[str, str] = {}
    kept: list[_Cue] = []
    for cue in sorted((c for c in cues if c.text), key=lambda c: c.start):
        if cue.speaker and cue.speaker not in names:
            names[cue.speaker] = t.new_speaker(cue.speaker).id
        prev = kept[-1] if kept else None
        if prev is not None and prev.end > cue.start:
            if cue.start - prev.start >= round(MIN_DURATION * 1000):
                prev.end = cue.start
                prev.words = [w for w in prev.words if w.start < cue.start / 1000]
                for w in prev.words:
                    w.end = min(w.end, cue.start / 1000)
            else:
                prev.text = join_texts(prev.text, cue.text)
                prev.end = max(prev.end, cue.end)
                prev.words = []
                continue
        kept.append(cue)
    t.segments = [Segment(i, c.start / 1000, c.end / 1000, c.text,
                          names.get(c.speaker) if c.speaker else None, words=c.words)
                  for i, c in enumerate(kept, 1)]
    t.next_id = len(kept) + 1
    return t


# -- JSON -----------------------------------------------------------------------------------


def _field(d: Any, key: str, kind: type | tuple[type, ...], where: str, path: Path) -> Any:
    try:
        return require_field(d, key, kind, where)
    except ValueError as exc:
        raise MalformedFile(path, f"is not a valid transcript: {exc}.") from exc


def _check_transcript(d: Any, where: str, path: Path) -> None:
    try:
        check_document(d, where)
    except ValueError as exc:
        raise MalformedFile(path, f"is not a valid transcript: {exc}.") from exc


def _import_json(path: Path, text: str) -> Imported:
    try:
        doc = parse_json(text)
    except json.JSONDecodeError as exc:
        raise MalformedFile(path, f"invalid JSON at column {exc.colno} ({exc.msg}).",
                            line=exc.lineno) from exc
    except RecursionError as exc:
        raise MalformedFile(path, "its JSON is nested too deeply.") from exc
    except ValueError as exc:  # a number JSON allows but Python will not parse
        raise MalformedFile(path, f"invalid JSON ({exc}).") from exc
    if isinstance(doc, dict) and doc.get("format") == projects.FORMAT_NAME:
        try:
            project = projects.from_dict(doc, path)
        except projects.ProjectError as exc:
            raise MalformedFile(path, exc.problem, exc.hint) from exc
        model = project.options.get("model")
        return Imported(project.transcript,
                        None if project.audio_path is None else str(project.audio_path),
                        model if isinstance(model, str) else None, dict(project.options),
                        notices=list(project.notices))
    doc, replaced = clean_strings(doc)
    notices = ([f"{replaced} invalid character(s) (lone UTF-16 surrogates) were replaced "
                "by “\ufffd”."] if replaced else [])
    where, body, meta = "", doc, {}
    if isinstance(doc, dict) and doc.get("format") == TRANSCRIPT_FORMAT:
        version = _field(doc, "schema_version", int, "", path)
        if version > TRANSCRIPT_SCHEMA_VERSION:
            raise MalformedFile(path, f"was written by a newer Tingxie (transcript format "
                                f"{version}; this version reads up to "
                                f"{TRANSCRIPT_SCHEMA_VERSION}).", "Update Tingxie to open it.")
        where, body, meta = "transcript.", _field(doc, "transcript", dict, "", path), doc
    elif not (isinstance(doc, dict) and "segments" in doc):
        raise MalformedFile(path, "is not a Tingxie transcript: it has no “segments”.",
                            "Import a JSON file written by Tingxie.")
    _check_transcript(body, where, path)
    try:
        transcript = Transcript.from_dict(body)
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise MalformedFile(path, f"has an invalid transcript ({exc}).") from exc
    options, source, model = meta.get("options"), meta.get("source"), meta.get("model")
    options = dict(options) if isinstance(options, dict) else {}
    try:
        check_value(options, "options")
    except ValueError as exc:
        raise MalformedFile(path, f"is not a valid transcript: {exc}.") from exc
    return Imported(transcript, source if isinstance(source, str) else None,
                    model if isinstance(model, str) else None, options, notices=notices)


# -- entry points ---------------------------------------------------------------------------


def import_document(path: str | Path) -> Imported:
    """Read an SRT, WebVTT, JSON transcript (``tingxie-transcript`` document or a bare
    transcript object) or ``.tingxie`` project. Raises :class:`ImportFailed` subclasses
    only."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in IMPORT_SUFFIXES:
        raise UnsupportedFile(path, "is not a file Tingxie imports.",
                              f"Import one of: {', '.join(IMPORT_SUFFIXES)}.")
    text, encoding = _read_text(path)
    if suffix in (".json", projects.SUFFIX):
        imported = _import_json(path, text)
        imported.encoding = encoding
        return imported
    if not text.strip():
        raise MalformedFile(path, "is empty.")
    cues = _parse_srt(path, text) if suffix == ".srt" else _parse_vtt(path, text)
    notices = [] if encoding == "utf-8" else [f"Read as {encoding} text."]
    return Imported(_from_cues(cues), source=None, encoding=encoding, notices=notices)


def import_transcript(path: str | Path) -> Transcript:
    """The transcript in an SRT, WebVTT, JSON or ``.tingxie`` file (see
    :func:`import_document`)."""
    return import_document(path).transcript

