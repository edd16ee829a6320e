"""Import: SRT, WebVTT and JSON files opened as a transcript, so existing subtitles can be
corrected against the audio.

Files are parsed whole before anything is built: a malformed file raises
:class:`MalformedFile` naming the file and the line (for JSON, the field), and nothing is
half-imported. docs/export-formats.md describes what is kept.
"""

from __future__ import annotations

import codecs
import html
import itertools
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tingxie.core import project as projects
from tingxie.core.edits import fit_words
from tingxie.core.errors import FileProblem, read_bytes
from tingxie.core.export import TRANSCRIPT_FORMAT, TRANSCRIPT_SCHEMA_VERSION
from tingxie.core.text import join_texts, joins_unspaced
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

    @property
    def encoding_guessed(self) -> bool:
        """Whether :attr:`encoding` is a guess (the file has no BOM and is not UTF-8): the
        letters may be wrong, and the user should be told so."""
        return self.encoding not in _DECLARED


@dataclass
class _Cue:
    line: int
    start: int  # ms
    end: int
    text: str
    speaker: str | None = None
    words: list[Word] = field(default_factory=list)
    turn: bool = False  # after a dialogue dash: another speaker than the cue before


# -- reading text ---------------------------------------------------------------------------


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
#: Encodings a file shows it is in (by a BOM, or UTF-16's NULs); any other is a guess.
_DECLARED = ("utf-8", "utf-16", "utf-32", "utf-16-le", "utf-16-be")
#: When the detector finds several encodings that read a file equally well, the first of
#: these wins: Chinese subtitles are often still GB-encoded, Western ones Windows-1252.
_PREFERRED = ("gb18030", "cp1252", "cp932", "big5", "cp949")
_KANA = re.compile(r"[\u3041-\u309f\u30a1-\u30fa\u30fc-\u30ff]")
_HALFWIDTH_KANA = re.compile(r"[\uff61-\uff9f]")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_WORD = re.compile(r"[^\W\d_]+")
#: The signs Latin-script subtitles use beside their letters.
_LATIN_SIGNS = frozenset("\xa0«»‘’‚“”„‹›–—…•·°¡¿€£")
#: The Windows code pages of Latin-script subtitles, the likeliest first: Western,
#: Central European (Czech, Polish, Hungarian, ...), Turkish. They share most of their bytes.
_LATIN_CODEPAGES = ("cp1252", "cp1250", "cp1254")
#: The letters beyond ASCII each language writes with (lower case). Text read in the wrong
#: one of :data:`_LATIN_CODEPAGES` mixes letters of several ("Dìkuji, dobøe" is Czech
#: "Děkuji, dobře" read as Windows-1252), which no language writes together.
_ALPHABETS = tuple(frozenset(letters) for letters in (
    "àâæçéèêëîïôœùûüÿ",  # French
    "äöüßé",  # German
    "áéíñóúü",  # Spanish, Galician
    "áâãàçéêíóôõú",  # Portuguese
    "àèéìíîòóù",  # Italian
    "àçèéíïòóúü",  # Catalan
    "áéèëïóöü",  # Dutch
    "æøåéó",  # Danish, Norwegian
    "åäöé",  # Swedish, Finnish
    "áðéíóúýþæö",  # Icelandic
    "áðíóúýæø",  # Faroese
    "çë",  # Albanian
    "äöüõšž",  # Estonian
    "áčďéěíňóřšťúůýž",  # Czech
    "áäčďéíĺľňóôŕšťúýž",  # Slovak
    "ąćęłńóśźż",  # Polish
    "áéíóöőúüű",  # Hungarian
    "čćđšž",  # Slovene, Croatian, Bosnian
    "ăâîşţ",  # Romanian
    "çğıöşüâîû",  # Turkish
))
#: Signs that may stand between two letters ("l’été", "col·lega").
_IN_WORD_SIGNS = frozenset("’·")
#: Signs after a number ("20°C", "5 €"), never before another non-ASCII character.
_UNIT_SIGNS = frozenset("°€£")


def _utf16_without_bom(raw: bytes) -> tuple[str, str] | None:
    """UTF-16 with no BOM, known by its NULs: ASCII (every timing line) puts a NUL in the
    high byte of each character, at odd offsets in little-endian, even ones in big-endian.
    The text and "utf-16-le" or "utf-16-be", or ``None``."""
    if len(raw) < 4 or len(raw) % 2 or b"\x00" not in raw:
        return None
    pairs = len(raw) // 2
    even, odd = raw[0::2].count(0), raw[1::2].count(0)
    for encoding, high, low in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        # Some CJK characters (一 is U+4E00) have a NUL low byte too, but far fewer.
        if high >= pairs / 4 and high > 4 * low:
            text = _strict(raw, encoding)
            return None if text is None else (text, encoding)
    return None


def _strict(raw: bytes, encoding: str) -> str | None:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        return None


def _looks_japanese(text: str) -> bool:
    """Shift-JIS read right: kana. GB or Big5 bytes read as Shift-JIS give half-width
    katakana instead, which Japanese subtitles hardly use."""
    kana = len(_KANA.findall(text))
    return kana > 0 and kana > len(_HALFWIDTH_KANA.findall(text))


def _looks_korean(raw: bytes) -> bool:
    """EUC-KR read right: only Hangul syllables beyond ASCII, and more of the syllables
    Korean uses most ("이", "다", "는", ...) than GB18030's reading has of the characters
    Chinese uses most. The detector reads short Korean as GB18030 or Big5, which give
    Chinese characters no Chinese text would string together."""
    from charset_normalizer.constant import FREQUENCIES

    text = _strict(raw, "euc_kr")
    if text is None or not all(c.isascii() or "\uac00" <= c <= "\ud7a3" for c in text):
        return False
    korean, chinese = set(FREQUENCIES["Korean"]), set(FREQUENCIES["Chinese"])
    as_chinese = _strict(raw, "gb18030") or ""
    return sum(c in korean for c in text) > sum(c in chinese for c in as_chinese)


def _looks_latin(text: str) -> bool:
    """Western text read right: non-ASCII characters one to three at a time ("é", "üß",
    "’é"), each a letter or a usual sign, signs not wedged between letters, words cased as
    words are, and at least one word of ASCII and accented letters together (or a "°" or
    "€" after a number). CJK bytes read as Windows-1252 give longer runs, or signs and odd
    capitals inside words ("µo®i°ÝÃD")."""
    mixed = False
    for run in _NON_ASCII_RUN.finditer(text):
        if run.end() - run.start() > 3:
            return False
        for k in range(run.start(), run.end()):
            c = text[k]
            if c.isalpha() and unicodedata.name(c, "").startswith("LATIN"):
                continue
            before = text[k - 1] if k else ""
            after = text[k + 1] if k + 1 < len(text) else ""
            if c not in _LATIN_SIGNS or (c not in _IN_WORD_SIGNS and before.isalpha()
                                         and after.isalpha()):
                return False
            if c in _UNIT_SIGNS:
                if after and not after.isascii():
                    return False
                number = text[max(0, k - 2):k].rstrip(" ")
                mixed = mixed or (number[-1:].isascii() and number[-1:].isdigit())
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        if not (word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower())):
            return False
        mixed = mixed or any(c.isascii() for c in word)
    return mixed


def _one_alphabet(text: str) -> bool:
    """Whether one language writes every letter of ``text`` beyond ASCII."""
    letters = {"ı" if c == "İ" else c.lower() for c in text if c.isalpha() and not c.isascii()}
    return any(letters <= alphabet for alphabet in _ALPHABETS)



def _detect(raw: bytes) -> str | None:
    """The encoding of non-UTF-8 bytes: Shift-JIS when it gives kana, the first of
    :data:`_LATIN_CODEPAGES` that gives Latin-script text of one language (else
    Windows-1252 when it gives Latin-script text at all), else the one charset-normalizer
    finds most plausible.

    The checks come first because on a subtitle's few lines of text the detector often
    ties, or even prefers, a wrong reading: French as Windows-1250 ("Élčve"), GB18030
    ("Tr鑣") or Johab, Japanese as Korean, Turkish as Windows-1252 ("Teþekkür").
    """
    text = _strict(raw, "cp932")
    if text is not None and _looks_japanese(text):
        return "cp932"
    for encoding in _LATIN_CODEPAGES:
        text = _strict(raw, encoding)
        if text is not None and _looks_latin(text) and _one_alphabet(text):
            return encoding
    text = _strict(raw, "cp1252")
    if text is not None and _looks_latin(text):  # names or words of other languages
        return "cp1252"
    if _looks_korean(raw):
        return "cp949"
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
    """The file's text and the encoding it was read in: a BOM's, else UTF-16 known by its
    NULs, else UTF-8, else the one :func:`_detect` finds."""
    raw = read_bytes(path, ImportFailed, "subtitle or transcript file")
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding), encoding.removesuffix("-sig")
            except UnicodeDecodeError as exc:
                raise MalformedFile(path, f"starts like {encoding} text but is not valid "
                                    f"{encoding} (byte {exc.start}).",
                                    "Save it as UTF-8 and import it again.") from exc
    utf16 = _utf16_without_bom(raw)  # before UTF-8: NULs are valid UTF-8
    if utf16 is not None:
        return utf16
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
    # which would put every later line number off. A BOM starting a line is a second file's
    # (``cat a.srt b.srt``): it would hide that file's first number or timing line.
    return [line.removeprefix("\ufeff") for line in re.split(r"\r\n|\r|\n", text)]


# -- SRT and WebVTT -------------------------------------------------------------------------

_SRT_TIME = r"(\d{1,3}):(\d{1,2}):(\d{1,2})[,.](\d{1,3})"
_SRT_TIMING = re.compile(rf"^\s*{_SRT_TIME}\s*-->\s*{_SRT_TIME}(\s.*)?$")
_VTT_TIME = r"(?:(\d{1,3}):)?(\d{2}):(\d{2})\.(\d{3})"
_VTT_TIMING = re.compile(rf"^\s*{_VTT_TIME}[ \t]*-->[ \t]*{_VTT_TIME}([ \t].*)?$")
_VTT_TIMESTAMP = re.compile(rf"<{_VTT_TIME}>")
#: A line that begins like a timing line but is not one ("00:03.000 -> 00:04.000").
_VTT_BROKEN_TIMING = re.compile(r"^\s*(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}\s*(?:-*>|\d)")
# A tag never holds "<": a scan stops at the next one, so "<i <i <i ..." stays linear.
_VOICE = re.compile(r"<v(?:\.[^\s<>]*)?(?:[ \t]+([^<>]*))?>")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
#: Ruby text (the reading over a character, <ruby>漢<rt>kan</rt></ruby>): not said as text.
_RUBY_TEXT = re.compile(r"<rt(?:[.\s][^<>]*)?>[^<]*(?:</rt>)?")
#: A character reference; WebVTT knows only those ending with ";" ("&not pepper" is text).
_REFERENCE = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def _unescape(text: str) -> str:
    return _REFERENCE.sub(lambda ref: html.unescape(ref.group()), text)

#: The formatting SRT players know (<i>, <b>, <u>, <s>, <font ...>) and ASS override blocks
#: such as {\an8}; any other "<...>" in an SRT is text.
_SRT_TAG = re.compile(r"</?(?:[ibus]|font)(?:\s[^<>]*)?>|\{\\[^{}]*\}", re.IGNORECASE)


def _ms(path: Path, line: int, groups: tuple[str | None, ...]) -> int:
    h, m, s, frac = groups
    hours, minutes, seconds = int(h or 0), int(m or 0), int(s or 0)
    if minutes > 59 or seconds > 59:
        raise MalformedFile(path, "a time has more than 59 minutes or seconds.", line=line)
    millis = round(int(frac or 0) * 10 ** (3 - len(frac or "0")))
    if hours > 99:
        raise MalformedFile(path, "a time is past 99:59:59.999, the latest a transcript can "
                            "hold.", line=line)
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis


def _join_lines(lines: list[str]) -> str:
    """Lines joined as :func:`join_texts` would, in linear time."""
    pieces: list[str] = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if pieces and not joins_unspaced(pieces[-1], line, phrases=True):
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


# -- speaker turns inside one subtitle --------------------------------------------------------

#: A dialogue line: a dash (after any tags) before the words of a new speaker: "- Hi!",
#: "-Hi!", "— Oui.", "- ¿Qué?", "- 20 dollars.", "- ...yes.", "- ♪ La la". Not "--", "-5",
#: "->" (an arrow, or a broken "-->") or a lone dash: right after the dash come the words of
#: a letter, an opening quote or a tag; after a space, anything.
_DASH = re.compile(r"^((?:\s|<[^<>]*>)*)[-‐‑–—](?![-‐‑–—\d>])"
                   r"(?=\s*[^\W\d_\s]|\s*[\"'“‘«¿¡(\[<]|\s+\S)\s*")
_LEADING_TIMESTAMP = re.compile(rf"^(?:\s|</?[A-Za-z][^<>]*>)*<{_VTT_TIME}>")


def _dialogue_turns(lines: list[str]) -> list[list[str]]:
    """A subtitle's lines cut at dialogue lines ("- Hi!" / "- Hello."), each turn without its
    dash; lines before the first dash are a turn of their own."""
    turns: list[list[str]] = [[]]
    for line in lines:
        dash = _DASH.match(line)
        if dash is None:
            turns[-1].append(line)
        else:
            turns.append([dash.group(1) + line[dash.end():]])
    return turns


def _share(start: int, end: int, weights: list[int],
           fixed: dict[int, int] | None = None) -> list[int] | None:
    """The bounds of consecutive spans of ``start``..``end`` (ms) in proportion to
    ``weights``, with ``fixed`` bounds (index: ms) where they are known; ``None`` when a span
    would be shorter than a segment may be."""
    total = sum(weights)
    bounds, acc = [start], 0
    for weight in weights[:-1]:
        acc += weight
        bounds.append(start + round((end - start) * acc / total))
    bounds.append(end)
    for k, t in (fixed or {}).items():
        bounds[k] = t
    shortest = round(MIN_DURATION * 1000)
    if any(b - a < shortest for a, b in itertools.pairwise(bounds)):
        return None
    return bounds


# -- SRT ------------------------------------------------------------------------------------

#: A line that begins like a timing line but is not one ("00:00:03 --> 00:00:04").
_SRT_BROKEN_TIMING = re.compile(r"^\s*\d\S*\s*-->")


def _srt_cues(number: int, start: int, end: int, lines: list[str]) -> list[_Cue]:
    """One subtitle's cues: one, or one per dialogue line, sharing its time by text length."""
    lines = [_SRT_TAG.sub("", line) for line in lines]
    # (after a dash, text): every group but the first began with a dash
    turns = [(k > 0, text) for k, text in enumerate(map(_join_lines, _dialogue_turns(lines)))
             if text]
    if len(turns) == 1 and turns[0][0]:  # one line after a dash: one speaker's reply
        return [_Cue(number, start, end, turns[0][1], turn=True)]
    bounds = _share(start, end, [len(t) for _, t in turns]) if len(turns) > 1 else None
    if bounds is None:
        return [_Cue(number, start, end, _join_lines(lines))]
    return [_Cue(number, bounds[k], bounds[k + 1], text, turn=dashed)
            for k, (dashed, text) in enumerate(turns)]


def _parse_srt(path: Path, text: str) -> list[_Cue]:
    """SRT cues. Every timing line starts a subtitle (a number line just before it is the
    subtitle's number), so a missing blank line never merges two; any other line, even after
    a blank one, is more text of the subtitle before it. A number opening a block must be
    followed by a timing line, unless it stands alone inside a subtitle (then it is text)."""
    lines = _lines(text)
    cues: list[_Cue] = []
    timing_of: tuple[int, int, int] | None = None  # the open subtitle's line, start and end
    body: list[tuple[int, str]] = []  # its text lines so far (before the first: stray lines)
    last_filled = max((n for n, line in enumerate(lines, 1) if line.strip()), default=0)

    def expected(found_line: int) -> MalformedFile:
        found = lines[found_line - 1].strip() if found_line <= len(lines) else ""
        return MalformedFile(path, "expected a timing line such as “00:01:02,500 --> "
                             f"00:01:04,000”, found {f'“{found[:60]}”' if found else 'nothing'}.",
                             "Each subtitle is a number, a timing line and its text, "
                             "followed by a blank line.", line=found_line)

    def close() -> None:
        if timing_of is not None:
            cues.extend(_srt_cues(*timing_of, [line for _, line in body]))
        else:
            stray = [n for n, line in body if line.strip()]
            if stray:
                raise expected(stray[0])

    for number, line in enumerate(lines, 1):
        timing = _SRT_TIMING.match(line)
        if timing is not None:
            if body and body[-1][0] == number - 1 and body[-1][1].strip().isdigit():
                body.pop()  # the subtitle number
            close()
            timing_of = (number, *_timed(path, number, timing, 4))
            body = []
            continue
        if _SRT_BROKEN_TIMING.match(line):
            raise expected(number)
        after = lines[number] if number < len(lines) else ""
        if (line.strip().isdigit() and (number == 1 or not lines[number - 2].strip())
                and not _SRT_TIMING.match(after)
                and not (timing_of is not None and not after.strip() and number < last_filled)):
            # A numbered subtitle whose timing line is missing (or a file cut off after a
            # number); a number alone between blank lines inside an open subtitle, with more
            # to come ("The answer is" / "" / "42" / ""), is its text.
            raise expected(number + 1)
        body.append((number, line))
    close()
    return _labelled_speakers(cues)


#: A "Name: " label at the start of a subtitle, as the SRT export writes one where a speaker's
#: turn begins: one to three words and a colon, then a space (or the end); or, as Chinese is
#: typed, one to four Chinese characters and a full-width colon ("张伟：你好"). Which labels
#: are names is decided by :func:`_label_name` and :func:`_labelled_speakers`.
_LABEL = re.compile(r"^(?:([^\W\d_][\w'’.&-]*(?: [\w'’.&-]+){0,2}):(?:\s+|$)"
                    r"|([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{1,4})：\s*)")
#: Longest word without case taken for a name: "张伟", "主持人", "说话人1", "田中太郎".
_UNCASED_NAME = 8


def _label_name(text: str) -> str | None:
    """The name a subtitle's text starts with ("Ann: Hi." gives "Ann"), or ``None``. Each word
    starts with a capital, a digit ("Speaker 2") or a letter of a script without case
    ("张伟"), so "and so: we" or "note: read" is no name; nor is a run of such letters longer
    than a name ("我们今天说的是什么:")."""
    label = _LABEL.match(text)
    if label is None:
        return None
    if label.group(2):
        return label.group(2)
    name = label.group(1)
    if len(name) > 30:
        return None
    for word in name.split(" "):
        first = word[0]
        if first.islower() or not (first.isalnum() or first in "&"):
            return None
        if not first.isupper() and not first.isdigit() and len(word) > _UNCASED_NAME:
            return None
    return name


def _labelled_speakers(cues: list[_Cue]) -> list[_Cue]:
    """Speakers read back from "Name: " labels, as the SRT export writes them with speaker
    names on: a label where a speaker's turn begins, the subtitles after it carrying that
    turn on, and "- Name: " in a dialogue subtitle. The first line of a dialogue subtitle
    without a name carries the turn before it on (the export leaves a name off where it
    would make the line too long); a later one is another, unnamed speaker.

    Ordinary text starts like a label too ("Note: ...", "Warning: the ..."), so a file counts
    as labelled only when at least two names each start two subtitles or more; only those
    names become speakers, and in such a file any other label ("Note: ...") starts a turn of
    an unknown speaker, its text kept whole. In a file without labels nothing changes."""
    names = [_label_name(cue.text) for cue in cues]
    counts: dict[str, int] = {}
    for name in names:
        if name is not None:
            counts[name] = counts.get(name, 0) + 1
    speakers = {name for name, n in counts.items() if n >= 2}
    if len(speakers) < 2:
        return cues
    current: str | None = None
    for k, (cue, name) in enumerate(zip(cues, names)):
        later_line = k > 0 and cues[k - 1].line == cue.line  # a second dialogue line
        if name in speakers:
            cue.text = _LABEL.sub("", cue.text, count=1)
            current = name
        elif name is not None or (cue.turn and later_line):
            current, cue.turn = None, True  # another speaker, not named
        cue.speaker = current
    return cues


# -- WebVTT ---------------------------------------------------------------------------------


def _vtt_text(path: Path, number: int, raw: str, start: int,
              end: int) -> tuple[str, list[Word]]:
    pieces = _VTT_TIMESTAMP.split(_RUBY_TEXT.sub("", raw))  # text, then 4 time groups and
    # text, repeated
    texts = pieces[::5]
    times = [start] + [_ms(path, number, tuple(pieces[i:i + 4]))
                       for i in range(1, len(pieces), 5)]
    words: list[Word] = []
    if len(texts) > 1:
        bounds = [*times, end]
        for k, piece in enumerate(texts):
            word = _unescape(_TAG.sub("", piece)).strip()
            if word:
                t0 = min(max(bounds[k], start), end)
                t1 = min(max(bounds[k + 1], t0), end)
                words.append(Word(" ".join(word.split()), t0 / 1000, t1 / 1000))
    clean = _unescape(_TAG.sub("", "".join(texts)))
    return _join_lines(_lines(clean)), words


def _voice_name(voice: re.Match) -> str | None:
    name = _unescape(voice.group(1) or "").strip()
    return name or None


def _vtt_turns(raw: str) -> list[tuple[str | None, str, bool]]:
    """A cue's speaker turns: one per voice span (``<v Bob>``), cut again at dialogue
    lines; each turn's speaker, its text without its voice tag or dash, and whether a dash
    began it."""
    voiced: list[tuple[str | None, str]] = []
    speaker, last = None, 0
    for voice in _VOICE.finditer(raw):
        voiced.append((speaker, raw[last:voice.start()]))
        speaker, last = _voice_name(voice), voice.end()
    voiced.append((speaker, raw[last:]))
    turns = []
    for speaker, text in voiced:
        for k, lines in enumerate(_dialogue_turns(_lines(text))):
            turn = "\n".join(lines)
            if _TAG.sub("", _VTT_TIMESTAMP.sub("", turn)).strip():
                turns.append((speaker, turn, k > 0))
    return turns


def _vtt_cues(path: Path, number: int, start: int, end: int, raw: str) -> list[_Cue]:
    """One cue's segments: one, or one per voice and dialogue line. The turns share the cue's
    time by text length, or start at their first karaoke timestamp where they have one."""
    turns = _vtt_turns(raw)
    if len(turns) > 1:
        texts = [_vtt_text(path, number, turn, start, end)[0] for _, turn, _ in turns]
        fixed = {}
        for k, (_, turn, _) in enumerate(turns[1:], 1):
            stamp = _LEADING_TIMESTAMP.match(turn)
            if stamp is not None:
                fixed[k] = min(max(_ms(path, number, stamp.groups()), start), end)
        weights = [max(1, len(text)) for text in texts]
        bounds = _share(start, end, weights, fixed) or _share(start, end, weights)
        if bounds is not None:
            cues = []
            for k, (speaker, turn, dashed) in enumerate(turns):
                text, words = _vtt_text(path, number, turn, bounds[k], bounds[k + 1])
                cues.append(_Cue(number, bounds[k], bounds[k + 1], text, speaker, words,
                                 turn=dashed))
            return cues
    if len(turns) == 1 and turns[0][2]:  # one line after a dash: one speaker's reply
        speaker, turn, _ = turns[0]
        text, words = _vtt_text(path, number, turn, start, end)
        return [_Cue(number, start, end, text, speaker, words, turn=True)]
    voice = _VOICE.search(raw)
    text, words = _vtt_text(path, number, raw, start, end)
    return [_Cue(number, start, end, text, _voice_name(voice) if voice else None, words)]


def _parse_vtt(path: Path, text: str) -> list[_Cue]:
    lines = _lines(text)
    if not lines or not re.match(r"^WEBVTT([ \t].*)?$", lines[0]):
        raise MalformedFile(path, "a WebVTT file must start with “WEBVTT”.", line=1)
    blocks = _blocks(lines)
    for offset, line in enumerate(blocks[0][1]):
        if "-->" in line:
            raise MalformedFile(path, "a blank line must separate the “WEBVTT” header from "
                                "the first cue.", line=1 + offset)
    # Each cue: its timing line's number, start and end, and its text lines. A timing line
    # inside a block starts a cue of its own (a missing blank line; a number just before it
    # is its identifier), and a block without one after a cue is more of that cue's text
    # (a blank line inside it), as in an SRT.
    timed: list[tuple[int, int, int, list[str]]] = []
    for first, block in blocks[1:]:
        head = block[0].strip()
        if re.match(r"(NOTE|STYLE|REGION)([ \t]|$)", head) and "-->" not in head:
            continue  # a comment, a style sheet or a region: not a cue ("NOTES" would be)
        arrows = [k for k, line in enumerate(block) if "-->" in line]
        broken = next((k for k, line in enumerate(block) if _VTT_BROKEN_TIMING.match(line)),
                      None)
        if not arrows and (not timed or broken is not None):
            if len(block) == 1 and broken is None:
                raise MalformedFile(path, f"expected a timing line after “{head[:60]}”.",
                                    line=first)
            k = 1 if broken is None else broken
            raise MalformedFile(path, f"expected a timing line such as “00:01:02.500 --> "
                                f"00:01:04.000”, found “{block[k].strip()[:60]}”.",
                                line=first + k)
        if not arrows:
            timed[-1][3].extend(["", *block])
            continue
        if arrows[0] > 1:  # text, then an identifier, before the first timing line
            raise MalformedFile(path, f"expected a timing line such as “00:01:02.500 --> "
                                f"00:01:04.000”, found “{block[1].strip()[:60]}”.",
                                line=first + 1)
        for n, k in enumerate(arrows):
            timing = _VTT_TIMING.match(block[k])
            if timing is None:
                raise MalformedFile(path, f"expected a timing line such as “00:01:02.500 --> "
                                    f"00:01:04.000”, found “{block[k].strip()[:60]}”.",
                                    line=first + k)
            stop = arrows[n + 1] if n + 1 < len(arrows) else len(block)
            if stop < len(block) and stop - 1 > k and block[stop - 1].strip().isdigit():
                stop -= 1  # the next cue's number
            timed.append((first + k, *_timed(path, first + k, timing, 4),
                          list(block[k + 1:stop])))
    cues = []
    for number, start, end, text_lines in timed:
        cues.extend(_vtt_cues(path, number, start, end, "\n".join(text_lines)))
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
                prev.text = join_texts(prev.text, cue.text, phrases=True)
                prev.end = max(prev.end, cue.end)
                prev.words = []
                continue
        kept.append(cue)
    t.segments = [Segment(i, c.start / 1000, c.end / 1000, c.text,
                          names.get(c.speaker) if c.speaker else None, words=c.words,
                          turn=c.turn)
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
    imported = Imported(_from_cues(cues), source=None, encoding=encoding)
    if imported.encoding_guessed:
        imported.notices.append(
            f"Read as {encoding} text, a guess: the file does not say its encoding. If "
            "letters look wrong, save it as UTF-8 in a text editor and import it again.")
    elif encoding != "utf-8":
        imported.notices.append(f"Read as {encoding} text.")
    return imported


def fit_to_audio(transcript: Transcript, duration: float) -> list[Segment]:
    """Keep an imported transcript inside audio of ``duration`` seconds, as every transcript
    stays: a segment running past the end is cut there (its words with it), and one that
    starts too near the end, or after it, is left out. Returns the segments left out, in
    order; the transcript's duration becomes the audio's."""
    kept, left_out = [], []
    for seg in transcript.segments:
        if seg.start > duration - MIN_DURATION:
            left_out.append(seg)
            continue
        if seg.end > duration:
            seg.end = duration
            fit_words(seg)
        kept.append(seg)
    transcript.segments = kept
    transcript.duration = duration
    return left_out


def import_transcript(path: str | Path) -> Transcript:
    """The transcript in an SRT, WebVTT, JSON or ``.tingxie`` file (see
    :func:`import_document`)."""
    return import_document(path).transcript

