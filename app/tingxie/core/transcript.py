"""The transcript: segments of timed text, their words, speakers and language.

Times are seconds on the original audio's timeline. The invariants every edit keeps:
segments are ordered by start, never overlap, and each has ``start < end``.
Edits are operation objects (:mod:`tingxie.core.edits`) with ``do``/``undo``.
"""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

#: Shortest segment an edit may leave, in seconds.
MIN_DURATION = 0.01
#: The latest time a transcript may hold: 99:59:59.999, the last one subtitle formats write
#: (100 hours of audio is far past any recording).
MAX_TIME = 359_999.999

#: Where a word's times come from (``Word.timing``): a forced aligner (or a recogniser, or a
#: file) placed it; the pipeline spread the text over the speech because no aligner could;
#: or the text was edited since, so the times no longer belong to it.
ALIGNED = "aligned"
ESTIMATED = "estimated"
STALE = "stale"
TIMINGS = WORD_TIMINGS = (ALIGNED, ESTIMATED, STALE)

#: Colours given to new speakers in turn (readable on light and dark backgrounds).
SPEAKER_COLOURS = (
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
    "#17becf", "#e377c2", "#8c564b", "#bcbd22", "#7f7f7f",
)


@dataclass(frozen=True)
class Alternative:
    """Another word the recogniser thought it might have heard, with its probability."""

    text: str
    probability: float

    def to_dict(self) -> dict[str, Any]:
        """The alternative as plain JSON data."""
        return {"text": self.text, "probability": round(self.probability, 4)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Alternative:
        """An alternative from :meth:`to_dict` data."""
        return cls(str(d["text"]), float(d["probability"]))


@dataclass
class Word:
    """One word (or CJK character) with its time inside the audio.

    ``timing`` says where the times come from: :data:`ALIGNED`, :data:`ESTIMATED` or
    :data:`STALE` (only aligned times are exact enough for karaoke and subtitle cuts).
    ``confidence`` is the probability of its least likely token; ``alternatives`` are the
    recogniser's runners-up for the word (most likely first, only for words it doubted);
    ``reviewed`` says a person has checked the word, so it is not flagged again.
    """

    text: str
    start: float
    end: float
    confidence: float | None = None
    timing: str = ALIGNED
    alternatives: list[Alternative] = field(default_factory=list)
    reviewed: bool = False

    def doubtful(self, below: float) -> bool:
        """Whether the word should be checked: less confident than ``below``, not reviewed."""
        return not self.reviewed and self.confidence is not None and self.confidence < below

    def to_dict(self) -> dict[str, Any]:
        """The word as plain JSON data (``timing`` always; ``confidence`` when known;
        ``alternatives`` and ``reviewed`` only when set)."""
        d: dict[str, Any] = {"text": self.text, "start": round(self.start, 3),
                             "end": round(self.end, 3)}
        if self.confidence is not None:
            d["confidence"] = round(self.confidence, 4)
        d["timing"] = self.timing
        if self.alternatives:
            d["alternatives"] = [a.to_dict() for a in self.alternatives]
        if self.reviewed:
            d["reviewed"] = True
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Word:
        """A word from :meth:`to_dict` data; data without ``timing`` (written before word
        timing sources existed) reads as aligned."""
        timing = d.get("timing") or ALIGNED
        if timing not in TIMINGS:
            raise ValueError(f"unknown word timing {timing!r}")
        return cls(str(d["text"]), float(d["start"]), float(d["end"]),
                   None if d.get("confidence") is None else float(d["confidence"]),
                   str(timing),
                   alternatives=[Alternative.from_dict(a) for a in d.get("alternatives") or []],
                   reviewed=bool(d.get("reviewed", False)))


@dataclass
class Segment:
    """A stretch of timed text: usually one sentence or phrase by one speaker.

    ``confidence`` is the geometric mean of the model's token probabilities (0..1) and
    ``min_confidence`` the lowest single token probability; both are ``None`` for text a
    person typed or imported.
    """

    id: int
    start: float
    end: float
    text: str
    speaker: str | None = None
    language: str | None = None
    words: list[Word] = field(default_factory=list)
    confidence: float | None = None
    min_confidence: float | None = None
    edited: bool = False
    #: A new speaker's turn starts here although no speaker is named: in imported subtitles,
    #: a line after a dialogue dash ("- Hi!" / "- Hello."). It counts only while the segment
    #: has no speaker; once speakers are set, they decide (:func:`same_turn`).
    turn: bool = False

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return self.end - self.start

    def to_dict(self) -> dict[str, Any]:
        """The segment as plain JSON data."""
        d: dict[str, Any] = {
            "id": self.id,
            "start": round(self.start, 3),
            "end": round(self.end, 3),
            "text": self.text,
            "speaker": self.speaker,
            "language": self.language,
            "confidence": None if self.confidence is None else round(self.confidence, 4),
            "min_confidence": (None if self.min_confidence is None
                               else round(self.min_confidence, 4)),
            "edited": self.edited,
            "words": [w.to_dict() for w in self.words],
        }
        if self.turn:
            d["turn"] = True
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Segment:
        """A segment from :meth:`to_dict` data."""
        return cls(
            id=int(d["id"]),
            start=round(float(d["start"]), 3),  # whole milliseconds, as they are saved
            end=round(float(d["end"]), 3),
            text=str(d["text"]),
            speaker=d.get("speaker"),
            language=d.get("language"),
            words=[Word.from_dict(w) for w in d.get("words") or []],
            confidence=None if d.get("confidence") is None else float(d["confidence"]),
            min_confidence=(None if d.get("min_confidence") is None
                            else float(d["min_confidence"])),
            edited=bool(d.get("edited", False)),
            turn=bool(d.get("turn", False)),
        )


@dataclass
class Speaker:
    """A person in the recording. Segments refer to a speaker by ``id``."""

    id: str
    name: str
    colour: str = SPEAKER_COLOURS[0]

    def to_dict(self) -> dict[str, Any]:
        """The speaker as plain JSON data."""
        return {"id": self.id, "name": self.name, "colour": self.colour}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Speaker:
        """A speaker from :meth:`to_dict` data."""
        return cls(str(d["id"]), str(d["name"]), str(d.get("colour") or SPEAKER_COLOURS[0]))


def same_turn(before: Segment, seg: Segment) -> bool:
    """Whether ``seg`` carries on the speaker turn of ``before``, the segment just before it:
    the same speaker (or both unnamed), and not marked as a new unnamed speaker's turn."""
    return seg.speaker == before.speaker and not (seg.turn and seg.speaker is None)


@dataclass
class Transcript:
    """Segments in time order, the speakers they name, and the main language."""

    segments: list[Segment] = field(default_factory=list)
    speakers: list[Speaker] = field(default_factory=list)
    language: str | None = None
    #: Length of the audio in seconds, when known; edits keep segments inside it.
    duration: float | None = None
    next_id: int = 1

    # -- lookups -----------------------------------------------------------------------
    def index_of(self, segment_id: int) -> int:
        """Position of the segment with this id; ``KeyError`` if there is none."""
        for i, seg in enumerate(self.segments):
            if seg.id == segment_id:
                return i
        raise KeyError(f"no segment with id {segment_id}")

    def segment(self, segment_id: int) -> Segment:
        """The segment with this id."""
        return self.segments[self.index_of(segment_id)]

    def speaker(self, speaker_id: str | None) -> Speaker | None:
        """The speaker with this id, or ``None``."""
        if speaker_id is None:
            return None
        return next((s for s in self.speakers if s.id == speaker_id), None)

    def speaker_name(self, speaker_id: str | None) -> str | None:
        """A speaker's display name, on one line (a name imported with a line break in it
        would split a subtitle's "Name:" label), or ``None`` when the segment has no
        speaker."""
        spk = self.speaker(speaker_id)
        return " ".join(spk.name.split()) if spk else speaker_id

    def segment_at(self, time: float) -> Segment | None:
        """The segment playing at ``time`` seconds, if any (binary search)."""
        lo, hi = 0, len(self.segments)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.segments[mid].end <= time:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(self.segments) and self.segments[lo].start <= time:
            return self.segments[lo]
        return None

    def free_id(self) -> int:
        """The id :meth:`new_id` gives next, without taking it. Ids only grow: every id
        handed out later is at least this one."""
        return max(self.next_id, max((s.id for s in self.segments), default=0) + 1)

    def new_id(self) -> int:
        """A segment id never used before in this transcript."""
        nid = self.free_id()
        self.next_id = nid + 1
        return nid

    def new_speaker(self, name: str) -> Speaker:
        """Add a speaker with a fresh id and the next free colour; returns it."""
        n = len(self.speakers) + 1
        ids = {s.id for s in self.speakers}
        while f"S{n}" in ids:
            n += 1
        spk = Speaker(f"S{n}", name, SPEAKER_COLOURS[(n - 1) % len(SPEAKER_COLOURS)])
        self.speakers.append(spk)
        return spk

    @property
    def text(self) -> str:
        """All segment texts, one per line."""
        return "\n".join(s.text for s in self.segments)

    # -- invariants --------------------------------------------------------------------
    def check(self) -> None:
        """Raise ``ValueError`` naming the first broken invariant, if any."""
        ids = set()
        for i, seg in enumerate(self.segments):
            if not seg.start < seg.end:
                raise ValueError(f"segment {seg.id} has start {seg.start} >= end {seg.end}")
            if seg.start < 0 or (self.duration is not None and seg.end > self.duration + 1e-6):
                raise ValueError(f"segment {seg.id} lies outside the audio")
            if seg.id in ids:
                raise ValueError(f"segment id {seg.id} is used twice")
            ids.add(seg.id)
            if i and self.segments[i - 1].end > seg.start + 1e-9:
                raise ValueError(f"segments {self.segments[i - 1].id} and {seg.id} overlap")

    # -- JSON --------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The transcript as plain JSON data (the schema in docs/project-format.md)."""
        return {
            "language": self.language,
            # Milliseconds, as the segment times: an end rounded up stays inside it.
            "duration": None if self.duration is None else round(self.duration, 3),
            "speakers": [s.to_dict() for s in self.speakers],
            "segments": [s.to_dict() for s in self.segments],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Transcript:
        """A transcript from :meth:`to_dict` data; raises ``KeyError``/``ValueError``/``TypeError``
        on malformed data."""
        t = cls(
            segments=[Segment.from_dict(s) for s in d["segments"]],
            speakers=[Speaker.from_dict(s) for s in d.get("speakers") or []],
            language=d.get("language"),
            duration=None if d.get("duration") is None else round(float(d["duration"]), 3),
        )
        t.segments.sort(key=lambda s: s.start)
        _widen_instants(t)
        t.next_id = max((s.id for s in t.segments), default=0) + 1
        t.check()
        return t

    def copy(self) -> Transcript:
        """A deep copy."""
        return copy.deepcopy(self)


def _widen_instants(t: Transcript) -> None:
    """A segment shorter than a millisecond (another program's JSON) starts and ends on the
    same millisecond once read: it is given one millisecond where the next segment and the
    audio leave it that (else :meth:`Transcript.check` refuses the file), so what is read
    can always be saved and read again."""
    end = t.duration if t.duration is not None else math.inf
    for i, seg in enumerate(t.segments):
        if seg.end <= seg.start:
            following = t.segments[i + 1].start if i + 1 < len(t.segments) else math.inf
            widened = round(seg.start + 0.001, 3)
            if seg.end == seg.start and widened <= min(following, end):
                seg.end = widened


#: Deepest nesting of lists and objects accepted in a project's ``options`` and ``view``.
MAX_NESTING = 20
#: Integers with more digits than this are read as infinite (and then refused where a
#: number is expected): no float can hold them, and Python refuses to parse beyond 4,300.
_MAX_INT_DIGITS = 300
_SURROGATE = re.compile("[\ud800-\udfff]")


def _parse_int(text: str) -> int | float:
    return float(text) if len(text) > _MAX_INT_DIGITS else int(text)


def parse_json(text: str) -> Any:
    """JSON text as Python data, with every number a float or int can hold: an integer too
    large for a float reads as ``inf``, which the field checks (:func:`require_field`,
    :func:`check_value`) then refuse with the field named. Raises ``json.JSONDecodeError``
    and ``RecursionError`` as :func:`json.loads` does."""
    return json.loads(text, parse_int=_parse_int)


def clean_text(text: str) -> tuple[str, int]:
    """``text`` with every lone UTF-16 surrogate (which no file can hold) replaced by U+FFFD,
    and how many were replaced."""
    cleaned, n = _SURROGATE.subn("\ufffd", text)
    return cleaned, n


def clean_strings(value: Any) -> tuple[Any, int]:
    """JSON data with :func:`clean_text` applied to every string (keys included), and how
    many characters were replaced. Data without anything to clean is returned as it is."""
    if isinstance(value, str):
        return clean_text(value) if _SURROGATE.search(value) else (value, 0)
    if isinstance(value, list):
        total, out = 0, []
        for item in value:
            item, n = clean_strings(item)
            out.append(item)
            total += n
        return (out, total) if total else (value, 0)
    if isinstance(value, dict):
        total, pairs = 0, {}
        for key, item in value.items():
            key, n = clean_strings(key)
            item, m = clean_strings(item)
            pairs[key] = item
            total += n + m
        return (pairs, total) if total else (value, 0)
    return value, 0


def check_value(value: Any, where: str, depth: int = 0) -> None:
    """Check free-form JSON data (a project's options or view) that will be saved again:
    finite numbers only and at most :data:`MAX_NESTING` levels deep; ``ValueError`` names the
    field."""
    if depth > MAX_NESTING:
        raise ValueError(f"the field “{where}” is nested more than {MAX_NESTING} levels deep")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"the field “{where}” is not a finite number ({value})")
    if isinstance(value, dict):
        for key, item in value.items():
            check_value(item, f"{where}.{key}", depth + 1)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            check_value(item, f"{where}[{i}]", depth + 1)


def require_field(d: Any, key: str, kind: type | tuple[type, ...], where: str = "",
                  optional: bool = False) -> Any:
    """``d[key]`` when ``d`` is a dict holding a value of type ``kind`` there; else
    ``ValueError`` naming the field as ``where + key`` (``transcript.segments[3].end``).
    With ``optional``, a missing field or ``null`` is allowed and gives ``None``. Numbers
    must be finite."""
    if not isinstance(d, dict) or key not in d:
        if optional and isinstance(d, dict):
            return None
        raise ValueError(f"the field “{where}{key}” is missing")
    value = d[key]
    if value is None and optional:
        return None
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        raise ValueError(f"the field “{where}{key}” has the wrong type ({type(value).__name__})")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            finite = math.isfinite(value)
        except OverflowError:
            finite = False
        if not finite:
            raise ValueError(f"the field “{where}{key}” is not a finite number")
    return value


def check_document(d: Any, where: str = "") -> None:
    """Check transcript JSON data (:meth:`Transcript.to_dict`'s shape) field by field before
    :meth:`Transcript.from_dict` reads it; ``ValueError`` names the first bad field. What
    passes can be edited, exported in every format and saved again."""
    number = (int, float)
    if not isinstance(d, dict):
        raise ValueError(f"the field “{where.rstrip('.') or 'transcript'}” must be an object")
    require_field(d, "language", str, where, optional=True)
    _in_time(require_field(d, "duration", number, where, optional=True), f"{where}duration")
    for i, seg in enumerate(require_field(d, "segments", list, where)):
        at = f"{where}segments[{i}]."
        for key, kind in (("id", int), ("start", number), ("end", number), ("text", str)):
            require_field(seg, key, kind, at)
        for key in ("start", "end"):
            _in_time(seg[key], f"{at}{key}")
        for key, kind in (("speaker", str), ("language", str), ("confidence", number),
                          ("min_confidence", number), ("edited", bool), ("turn", bool)):
            require_field(seg, key, kind, at, optional=True)
        words = seg.get("words")
        words = [] if words is None else words
        if not isinstance(words, list):
            raise ValueError(f"the field “{at}words” has the wrong type ({type(words).__name__})")
        for j, word in enumerate(words):
            for key, kind in (("text", str), ("start", number), ("end", number)):
                require_field(word, key, kind, f"{at}words[{j}].")
            for key in ("start", "end"):
                _in_time(word[key], f"{at}words[{j}].{key}")
            require_field(word, "confidence", number, f"{at}words[{j}].", optional=True)
            require_field(word, "reviewed", bool, f"{at}words[{j}].", optional=True)
            if word.get("timing") is not None and word["timing"] not in TIMINGS:
                raise ValueError(f"the field “{at}words[{j}].timing” must be one of "
                                 f"{', '.join(TIMINGS)} (not {word['timing']!r})")
            _check_alternatives(word, f"{at}words[{j}].")
    speakers = d.get("speakers")
    if speakers is not None and not isinstance(speakers, list):
        raise ValueError(f"the field “{where}speakers” has the wrong type "
                         f"({type(speakers).__name__})")
    for i, spk in enumerate(speakers or []):
        require_field(spk, "id", str, f"{where}speakers[{i}].")
        require_field(spk, "name", str, f"{where}speakers[{i}].")
        require_field(spk, "colour", str, f"{where}speakers[{i}].", optional=True)


def _in_time(value: float | None, field_name: str) -> None:
    if value is not None and abs(value) > MAX_TIME:
        raise ValueError(f"the field “{field_name}” is past 99:59:59.999, the latest time a "
                         "transcript can hold")


def _check_alternatives(word: dict[str, Any], where: str) -> None:
    alternatives = word.get("alternatives")
    if alternatives is None:
        return
    if not isinstance(alternatives, list):
        raise ValueError(f"the field “{where}alternatives” has the wrong type "
                         f"({type(alternatives).__name__})")
    for k, alt in enumerate(alternatives):
        require_field(alt, "text", str, f"{where}alternatives[{k}].")
        require_field(alt, "probability", (int, float), f"{where}alternatives[{k}].")


def main_language(segments: Sequence[Segment]) -> str | None:
    """The language covering the most time among ``segments``."""
    totals: dict[str, float] = {}
    for s in segments:
        if s.language:
            totals[s.language] = totals.get(s.language, 0.0) + s.duration
    return max(totals, key=totals.__getitem__) if totals else None
