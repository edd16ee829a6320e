"""Undoable edits of a :class:`~tingxie.core.transcript.Transcript`.

Each edit is an object with ``do(transcript)`` and ``undo(transcript)`` and a ``label`` for
the Undo menu. The window wraps them in QUndoCommands; the CLI and the tests call them
directly. ``do`` validates first and raises ``ValueError`` without changing anything when an
edit is impossible (splitting at the very start, say), so a failed edit never half-applies.
Every edit keeps the transcript's invariants: ordered, non-overlapping, ``start < end``.
"""

from __future__ import annotations

import bisect
import copy
import difflib
import functools
import itertools
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, NamedTuple, Protocol

import regex

from tingxie.core.subtitle_text import Unit, units
from tingxie.core.text import is_cjk, join_texts, word_offsets
from tingxie.core.transcript import (
    ALIGNED,
    ESTIMATED,
    MIN_DURATION,
    STALE,
    Alternative,
    Segment,
    Speaker,
    Transcript,
    Word,
)


class Edit(Protocol):
    """An undoable change to a transcript."""

    label: str

    def do(self, t: Transcript) -> None:
        """Apply the change (again, after an undo)."""

    def undo(self, t: Transcript) -> None:
        """Put the transcript back exactly as it was before :meth:`do`."""


def _opens(char: str) -> bool:
    """Punctuation that belongs to the word after it: brackets and opening quotes."""
    return unicodedata.category(char) in ("Ps", "Pi")


def word_pieces(text: str, spans: Sequence[tuple[int, int]],
                cut: Sequence[Unit] | None = None) -> list[str]:
    """``text`` cut into one piece per span (where a word's letters lie, in order), so that
    the pieces joined give ``text`` back.

    A word takes the punctuation right after it, and also spaced closing punctuation that
    :func:`units` joins to it (French "Vraiment ?", "yes —", "Tom &"), so that an edit
    (:func:`reword`) and the aligner cut a line alike; whitespace and opening punctuation
    before a word belong to it ("« oui »"). The first piece starts at 0, the last runs to
    the end. ``cut`` is ``units(text)`` when the caller has it already.
    """
    if not spans:
        return [text] if text else []
    found = units(text) if cut is None else cut
    starts = [u.start for u in found]
    cuts = [0]
    for k in range(1, len(spans)):
        pos, limit = spans[k - 1][1], spans[k][0]
        while pos < limit and not text[pos].isspace() and not _opens(text[pos]):
            pos += 1
        at = bisect.bisect_right(starts, spans[k - 1][1] - 1) - 1  # the word's last letter's
        if at >= 0 and pos < found[at].end <= limit:
            pos = found[at].end
        cuts.append(pos)
    cuts.append(len(text))
    return [text[cuts[k]: cuts[k + 1]] for k in range(len(spans))]


def _keyed(text: str) -> tuple[list[str], list[int]]:
    """The characters of ``text`` that say which word it is (letters, digits, marks and the
    apostrophe, as the aligner keeps them), compared without case or width, and where each
    lies: spacing and punctuation change no word's sound."""
    keys: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        key = _key(ch)
        if key is not None:
            keys.append(key)
            where.append(i)
    return keys, where


@functools.lru_cache(maxsize=4096)
def _key(char: str) -> str | None:
    if char == "'" or unicodedata.category(char)[0] in "LNM":
        return unicodedata.normalize("NFKC", char).casefold()
    return None


def _inner(text: str, where: Sequence[int]) -> list[str]:
    """What stands between consecutive kept characters (``well-known``'s hyphen)."""
    return [text[a + 1: b] for a, b in itertools.pairwise(where)]


def _matching_blocks(a: list[str], b: list[str]) -> list[tuple[int, int, int]]:
    """``difflib``'s matching blocks of ``a`` and ``b`` (``(i, j, size)``, in order), quick
    for the usual edit: a long unchanged start and end around one changed stretch."""
    most = min(len(a), len(b))
    head = 0
    while head < most and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < most - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    blocks = [(0, 0, head)] if head else []
    middle = difflib.SequenceMatcher(a=a[head: len(a) - tail], b=b[head: len(b) - tail],
                                     autojunk=False)
    blocks += [(i + head, j + head, size) for i, j, size in middle.get_matching_blocks()
               if size]
    if tail:
        blocks.append((len(a) - tail, len(b) - tail, tail))
    return blocks


def reword(text: str, words: list[Word], start: float, end: float) -> list[Word]:
    """The words of ``text`` after an edit, given the segment's words before it.

    The two are compared letter by letter (case, width, spacing and punctuation aside). An
    old word whose letters are all still there, in one unchanged stretch and still a word of
    their own (a boundary of ``text`` at each end, or the same neighbours as before), keeps
    its times and timing whatever its length (a Japanese word the aligner found, a word whose
    comma was deleted): the audio under it did not move. The changed stretches are cut like
    :func:`units` (one word per CJK character, as the aligner works) and are new: marked
    :data:`STALE` (:data:`ESTIMATED` when all the old words were estimated: a spread is as
    good as the estimate it replaces), their times spread between the surviving neighbours
    (or ``start``/``end``) for display only, until an aligner places them. Each word's text
    stands verbatim in ``text`` (a no-break space or a double space included), so the words
    still spell the line.
    """
    found = units(text)
    if not found:
        return []
    fresh = ESTIMATED if words and all(w.timing == ESTIMATED for w in words) else STALE
    new_keys, pos = _keyed(text)
    if not new_keys:  # only symbols ("♪ ♪"): nothing an aligner could place apart
        piece = text.strip()
        if len(words) == 1 and words[0].text.strip() == piece:
            return [copy.copy(words[0])]
        return [Word(piece, start, end, timing=fresh)]
    old_keys: list[str] = []
    old_spans: list[tuple[int, int]] = []
    inner: list[list[str]] = []
    for w in words:
        keys, where = _keyed(w.text)
        old_spans.append((len(old_keys), len(old_keys) + len(keys)))
        old_keys += keys
        inner.append(_inner(w.text, where))
    to_new: dict[int, tuple[int, int]] = {}  # old letter -> (new letter, matching block)
    for block, (a, b, size) in enumerate(_matching_blocks(old_keys, new_keys)):
        for k in range(size):
            to_new[a + k] = (b + k, block)
    unit_keys = []  # the letters of each unit of the new text
    for u in found:
        k0, k1 = bisect.bisect_left(pos, u.start), bisect.bisect_left(pos, u.end)
        if k0 < k1:
            unit_keys.append((k0, k1))
    bounds = {k0 for k0, _ in unit_keys} | {len(new_keys)}
    owner = [n for n, (a0, a1) in enumerate(old_spans) for _ in range(a0, a1)]
    # Old words whose letters are all still there, in one unchanged stretch: (first new
    # letter, end, the old neighbour each edge relies on, if any).
    candidates: dict[int, tuple[int, int, int | None, int | None]] = {}
    for n, (a0, a1) in enumerate(old_spans):
        if a0 == a1 or a0 not in to_new or a1 - 1 not in to_new:
            continue
        (b0, block), (last, block_end) = to_new[a0], to_new[a1 - 1]
        b1 = last + 1
        if block != block_end or inner[n] != _inner(text, pos[b0:b1]):
            continue
        # A word of its own: a unit starts (or the text ends) at each edge, or the old
        # neighbour there is still next to it and kept too (two words of one unit, as the
        # aligner may cut Japanese or Korean).
        before = after = None
        if b0 not in bounds:
            if to_new.get(a0 - 1) != (b0 - 1, block):
                continue
            before = owner[a0 - 1]
        if b1 not in bounds:
            if to_new.get(a1) != (b1, block):
                continue
            after = owner[a1]
        candidates[n] = (b0, b1, before, after)
    dropped = True
    while dropped:  # "cat sat" -> "cats sat": "cat" leans on a "sat" that is gone
        lost = [n for n, (_, _, before, after) in candidates.items()
                if (before is not None and before not in candidates)
                or (after is not None and after not in candidates)]
        for n in lost:
            del candidates[n]
        dropped = bool(lost)
    kept = [(b0, b1, n) for n, (b0, b1, _, _) in sorted(candidates.items())]
    spans: list[tuple[int, int, int | None]] = []

    unit_ends = [u1 for _, u1 in unit_keys]

    def fill(g0: int, g1: int) -> None:
        for u0, u1 in unit_keys[bisect.bisect_right(unit_ends, g0):]:
            if u0 >= g1:
                break
            if max(u0, g0) < min(u1, g1):
                spans.append((max(u0, g0), min(u1, g1), None))

    done = 0
    for b0, b1, n in kept:
        fill(done, b0)
        spans.append((b0, b1, n))
        done = b1
    fill(done, len(new_keys))
    pieces = [p.strip() for p in
              word_pieces(text, [(pos[k0], pos[k1 - 1] + 1) for k0, k1, _ in spans], found)]
    out: list[Word | None] = []
    for piece, (_, _, n) in zip(pieces, spans, strict=True):
        if n is None:
            out.append(None)
            continue
        word = copy.copy(words[n])
        if word.text.strip() != piece:  # its punctuation or case changed, not its sound
            word.text = piece
        out.append(word)
    k = 0
    while k < len(out):
        if out[k] is not None:
            k += 1
            continue
        gap_end = k
        while gap_end < len(out) and out[gap_end] is None:
            gap_end += 1
        before, after = out[k - 1] if k else None, out[gap_end] if gap_end < len(out) else None
        left = before.end if before is not None else start
        right = max(left, after.start if after is not None else end)
        weights = [max(1, len(p)) for p in pieces[k:gap_end]]
        total, t = float(sum(weights)), left
        for j, weight in zip(range(k, gap_end), weights, strict=True):
            t0, t = t, t + (right - left) * weight / total
            # Whole milliseconds, never past the segment's own edges (which need not be).
            w0 = min(max(round(t0, 3), start), end)
            out[j] = Word(pieces[j], w0, min(max(round(t, 3), w0), end), timing=fresh)
        k = gap_end
    return [w for w in out if w is not None]


def needs_alignment(seg: Segment) -> bool:
    """Whether some of the segment's words are :data:`STALE` (edited since they were timed)."""
    return any(w.timing == STALE for w in seg.words)


def same_words(a: str, b: str) -> bool:
    """Whether two texts differ at most in their spacing (a trailing space, a double space,
    a no-break space): such an edit corrects nothing the model wrote."""
    return " ".join(a.split()) == " ".join(b.split())


@dataclass
class EditText:
    """Replace one segment's text. It is marked edited by a person (a correction, which
    ``tingxie adapt`` learns from) unless only its spacing changed."""

    segment_id: int
    text: str
    label: str = "Edit text"
    _before: Segment | None = field(default=None, repr=False)
    #: The last undo had to put the line back shorter than it was (see :func:`put_back`).
    fitted: bool = field(default=False, repr=False, compare=False)

    def do(self, t: Transcript) -> None:
        seg = t.segment(self.segment_id)
        self._before = copy.deepcopy(seg)
        seg.words = reword(self.text, seg.words, seg.start, seg.end)
        seg.edited = seg.edited or not same_words(seg.text, self.text)
        seg.text = self.text

    def undo(self, t: Transcript) -> None:
        assert self._before is not None
        # The line may have gone back shorter since (a later step's undo, with lines a
        # running transcription added in the rest of its time): its old time may be taken.
        self.fitted = put_back(t, self.segment_id, self._before)


def carry_word_marks(old: Sequence[Word], new: Sequence[Word]) -> None:
    """Give the words of ``new`` that an aligner timed afresh what the recogniser and the
    reviewer said of the same words in ``old``: their confidence, alternatives and review
    mark. Words are paired by their text (spaces aside), in order; a word whose text
    changed (the one the person corrected) gets nothing. A mark ``new`` has is kept."""
    a = [w.text.strip() for w in old]
    b = [w.text.strip() for w in new]
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for i, j, size in matcher.get_matching_blocks():
        for k in range(size):
            was, now = old[i + k], new[j + k]
            if now.confidence is None:
                now.confidence = was.confidence
            if not now.alternatives:
                now.alternatives = list(was.alternatives)
            now.reviewed = now.reviewed or was.reviewed


@dataclass
class SetWords:
    """Give a segment new words (an aligner's, for its current text); the words whose text
    did not change keep their confidence, alternatives and review mark
    (:func:`carry_word_marks`). The re-aligner applies it outside the undo stack: undoing
    the text edit brings back the words that went with the old text, because that edit
    keeps its own copy of them."""

    segment_id: int
    words: list[Word]
    label: str = "Align words"
    _before: list[Word] | None = field(default=None, repr=False)

    def do(self, t: Transcript) -> None:
        seg = t.segment(self.segment_id)
        self._before = seg.words
        seg.words = [copy.copy(w) for w in self.words]
        carry_word_marks(self._before, seg.words)

    def undo(self, t: Transcript) -> None:
        assert self._before is not None
        t.segment(self.segment_id).words = self._before


def _edges(text: str) -> tuple[str, str, str]:
    """``text`` as (punctuation before, the word, punctuation after): the characters that
    say which word it is (:func:`_key`) and what lies between them, and the rest."""
    keyed = [i for i, ch in enumerate(text) if _key(ch) is not None]
    if not keyed:
        return "", text, ""
    return text[:keyed[0]], text[keyed[0]: keyed[-1] + 1], text[keyed[-1] + 1:]


#: Punctuation marks that belong to what they stand beside ("#1", "5%", "@home") rather than
#: to the sentence: a word put in that place does not keep them.
_WORD_SYMBOLS = frozenset("#%&@*/\\‰‱†‡§¶")
#: What ends a sentence: the word after it starts with a capital.
_SENTENCE_ENDS = frozenset(".!?…。！？")
#: What may follow a number as sentence punctuation, kept when words replace the number.
_TRAILING_SENTENCE = frozenset(".,;:!?…。，、；：！？")


def _sentence_punctuation(text: str, *, trailing_only: bool = False) -> str:
    """The characters of ``text`` that are sentence punctuation (Unicode ``P*``, not a sign
    such as "$" or "%" that belongs to a number or a word); ``trailing_only``: only those
    that may end a clause (".", ",", "?"...), no quote, bracket or dash."""
    keep = []
    for ch in text:
        plain = unicodedata.normalize("NFKC", ch)
        if trailing_only:
            if ch in _TRAILING_SENTENCE or plain in _TRAILING_SENTENCE:
                keep.append(ch)
        elif unicodedata.category(ch)[0] == "P" and plain not in _WORD_SYMBOLS:
            keep.append(ch)
    return "".join(keep)


def starts_sentence(text: str, at: int) -> bool:
    """Whether a word at character ``at`` of ``text`` starts the line or follows what ends a
    sentence (".", "?", "!", "…"), with only spaces, quotes, brackets and dashes between."""
    k = at
    while k > 0 and (text[k - 1].isspace() or text[k - 1] in "\"'"
                     or unicodedata.category(text[k - 1]) in ("Ps", "Pe", "Pi", "Pf", "Pd")):
        k -= 1
    return k == 0 or text[k - 1] in _SENTENCE_ENDS


def respell(old: str, new: str, picked: bool = False, sentence_start: bool = False) -> str:
    """The word ``new`` put in the place of ``old`` as the line spells it: the sentence
    punctuation around ``old`` (a comma the person added) stays, unless ``new`` brings its
    own (typed with it; an alternative the model offered, ``picked``, brings the model's, so
    the line's own stays). A sign that belongs to the word ("$5", "5%", "#1") does not stay,
    and where a number is replaced by words, only the punctuation after it that ends a
    clause does. ``new`` starts with a capital where the word starts a sentence
    (``sentence_start``) or where ``old`` had one mid-sentence (a name the reviewer
    capitalised; not "I"), unless it has capitals of its own ("iPhone"), or the line's
    ``old`` is in capitals throughout (an abbreviation). An alternative that differs from
    ``old`` only in its punctuation or case is taken as it is."""
    lead, core, trail = _edges(old)
    new_lead, new_core, new_trail = _edges(new)
    if not (any(_key(ch) is not None for ch in old) and any(_key(ch) is not None for ch in new)):
        return new  # a symbol ("♪") for a word or the other way round: nothing to keep
    if picked and new_core.casefold() == core.casefold():
        return new
    if any(ch.isdigit() for ch in core) and not any(ch.isdigit() for ch in new_core):
        lead, trail = "", _sentence_punctuation(trail, trailing_only=True)
    else:
        lead, trail = _sentence_punctuation(lead), _sentence_punctuation(trail)
    if picked or not new_lead:
        new_lead = lead
    if picked or not new_trail:
        new_trail = trail
    # A capital the line gives the word mid-sentence is the reviewer's (a name: "the
    # Harbour Bridge") and stays, but not the one "I" always has ("an I" -> "an eye").
    named = core[:1].isupper() and not (core == "I" or core.startswith(("I'", "I\u2019")))
    if ((sentence_start or named) and not any(ch.isupper() for ch in new_core)
            and not (len(core) > 1 and core.isupper())):
        first = next((k for k, ch in enumerate(new_core) if ch.isalpha()), None)
        if first is not None:
            new_core = new_core[:first] + new_core[first].upper() + new_core[first + 1:]
    return new_lead + new_core + new_trail


@dataclass
class ReviewWord:
    """A person checked one word of a segment: keep it (``text`` ``None``) or replace it
    with ``text`` (an alternative the model offered, or typed), keeping the punctuation
    and the capital the line gives the word (:func:`respell`). Either way the word is
    marked reviewed, so it is not flagged as doubtful again; its time stays.

    ``word``, when given, is the text of the word the answer is for: the edit is refused
    when another word has come to ``word_index`` since (an undo or an edit of the line
    meanwhile), rather than changing a word the reviewer never saw."""

    segment_id: int
    word_index: int
    text: str | None = None
    word: str | None = None
    label: str = "Review word"
    _before: Segment | None = field(default=None, repr=False)
    #: The last undo had to put the line back shorter than it was (see :func:`put_back`).
    fitted: bool = field(default=False, repr=False, compare=False)

    def do(self, t: Transcript) -> None:
        seg = t.segment(self.segment_id)
        offsets = word_offsets(seg.text, seg.words) if seg.words else None
        if offsets is None or not 0 <= self.word_index < len(seg.words) or (
                self.word is not None
                and seg.words[self.word_index].text.strip() != self.word.strip()):
            raise ValueError("This word is no longer in the segment's text.")
        new = None if self.text is None else " ".join(self.text.split())
        if new == "":
            raise ValueError("Type the word that was said, or press Esc.")
        self._before = copy.deepcopy(seg)
        # A new word in a new list: saved snapshots share the old ones (project.freeze).
        word = copy.copy(seg.words[self.word_index])
        old = word.text.strip()
        answered = new
        if new is not None:
            new = respell(old, new, picked=any(a.text.strip() == new
                                               for a in word.alternatives),
                          sentence_start=starts_sentence(seg.text, offsets[self.word_index]))
        if new is not None and new != old:
            self.label = "Replace word"
            at = offsets[self.word_index]
            seg.text = seg.text[:at] + new + seg.text[at + len(old):]
            alternatives = [a for a in word.alternatives if a.text not in (new, answered)]
            if word.confidence is not None:  # the model's own word stays one key away
                alternatives.append(Alternative(old, word.confidence))
            word.alternatives = sorted(alternatives, key=lambda a: -a.probability)
            word.text = new
            seg.edited = True
        word.reviewed = True
        seg.words = [word if i == self.word_index else w for i, w in enumerate(seg.words)]

    def undo(self, t: Transcript) -> None:
        assert self._before is not None
        self.fitted = put_back(t, self.segment_id, self._before)  # as EditText.undo


def split_time(seg: Segment, position: int) -> float:
    """Where to split ``seg`` at character ``position``: the start of the first word at or after
    it when word times are known (inside a word, that word's time in proportion to its
    characters, so neither half gets a word of no length), else in proportion to the
    characters of the text."""
    offsets = word_offsets(seg.text, seg.words) if seg.words else None
    if offsets:
        for off, w in zip(offsets, seg.words):
            length = len(w.text.strip())
            if off < position < off + length:
                at = round(w.start + (w.end - w.start) * (position - off) / length, 3)
            elif off >= position:
                at = w.start
            else:
                continue
            if seg.start + MIN_DURATION <= at <= seg.end - MIN_DURATION:
                return at
    text_len = max(len(seg.text), 1)
    return seg.start + seg.duration * position / text_len


@dataclass
class SplitSegment:
    """Split a segment in two at a character position (the cursor). Both halves keep the
    segment's ``edited`` flag: their words are still the model's (or the person's) own."""

    segment_id: int
    position: int
    label: str = "Split segment"
    new_id: int | None = None
    _before: Segment | None = field(default=None, repr=False)
    #: The last undo had to put the line back shorter than it was (see :func:`put_back`).
    fitted: bool = field(default=False, repr=False, compare=False)

    def do(self, t: Transcript) -> None:
        idx = t.index_of(self.segment_id)
        seg = t.segments[idx]
        left_text = seg.text[: self.position].rstrip()
        right_text = seg.text[self.position:].lstrip()
        if not left_text or not right_text:
            raise ValueError("Put the cursor inside the text to split a segment.")
        at = split_time(seg, self.position)
        at = min(max(at, seg.start + MIN_DURATION), seg.end - MIN_DURATION)
        if seg.duration < 2 * MIN_DURATION:
            raise ValueError("This segment is too short to split.")
        self._before = copy.deepcopy(seg)
        if self.new_id is None:
            self.new_id = t.new_id()
        # Each half keeps the words that still match its text; a word the cut runs through
        # lost its end, so it is stale like the words of text that moved to the other half.
        left_words = [copy.copy(w) for w in seg.words if w.start < at]
        for w in left_words:
            if w.end > at + 1e-9:
                w.end = at
                w.timing = STALE if w.timing == ALIGNED else w.timing
        right = Segment(
            id=self.new_id, start=at, end=seg.end, text=right_text, speaker=seg.speaker,
            language=seg.language,
            words=reword(right_text, [w for w in seg.words if w.start >= at], at, seg.end),
            confidence=seg.confidence, min_confidence=seg.min_confidence, edited=seg.edited,
        )
        seg.words = reword(left_text, left_words, seg.start, at)
        seg.end, seg.text = at, left_text
        t.segments.insert(idx + 1, right)

    def undo(self, t: Transcript) -> None:
        assert self._before is not None and self.new_id is not None
        at = t.index_of(self.new_id)
        half = t.segments.pop(at)
        try:
            # The halves may have gone back shorter since, with streamed lines in the rest.
            self.fitted = put_back(t, self.segment_id, self._before)
        except ValueError:
            t.segments.insert(at, half)
            raise


@dataclass
class MergeWithNext:
    """Merge a segment with the one after it (the speaker of the first wins). The merged
    segment is edited if either was: joining two lines corrects no word of them."""

    segment_id: int
    label: str = "Merge segments"
    _before: tuple[Segment, Segment] | None = field(default=None, repr=False)
    #: The last undo had to put a line back shorter than it was (see :meth:`undo`).
    fitted: bool = field(default=False, repr=False, compare=False)

    @property
    def second_id(self) -> int | None:
        """The line merged into this one, once done: a redo merges that one or none."""
        return None if self._before is None else self._before[1].id

    def do(self, t: Transcript) -> None:
        idx = t.index_of(self.segment_id)
        if idx + 1 >= len(t.segments):
            raise ValueError("There is no next segment to merge with.")
        first, second = t.segments[idx], t.segments[idx + 1]
        if self.second_id is not None and second.id != self.second_id:
            # A redo: a running transcription put a line between the two since the undo.
            # Merging with it would join the wrong lines (or span over it).
            raise ValueError("The line after this one is no longer the one it was merged "
                             "with: a line was added between them.")
        self._before = (copy.deepcopy(first), copy.deepcopy(second))
        merged = copy.deepcopy(first)
        merged.end = second.end
        merged.text = join_texts(first.text, second.text, phrases=True)
        # The words keep their times (the audio under them did not move); only a segment
        # that had no words brings stale ones, to be aligned.
        merged.words = reword(merged.text, first.words + second.words, first.start,
                              second.end)
        confs = [c for c in (first.confidence, second.confidence) if c is not None]
        mins = [c for c in (first.min_confidence, second.min_confidence) if c is not None]
        if confs:  # weight by duration, as the tokens roughly are
            weights = [s.duration for s in (first, second) if s.confidence is not None]
            merged.confidence = sum(c * w for c, w in zip(confs, weights)) / sum(weights)
        merged.min_confidence = min(mins) if mins else None
        merged.edited = first.edited or second.edited
        t.segments[idx: idx + 2] = [merged]

    def undo(self, t: Transcript) -> None:
        assert self._before is not None
        idx = t.index_of(self.segment_id)
        others = t.segments[:idx] + t.segments[idx + 1:]
        # The merged line may have gone back shorter since (a later step's undo, with lines
        # a running transcription added in the rest of its time).
        self.fitted = insert_back(others, self._before)
        t.segments[:] = others


def free_span(segments: Sequence[Segment], start: float, end: float
              ) -> tuple[float, float] | None:
    """The longest part of ``start..end`` that none of ``segments`` (in time order, not
    overlapping) covers, or ``None`` when no part is :data:`MIN_DURATION` long."""
    best: tuple[float, float] | None = None
    at = start
    for i in range(bisect.bisect_right(segments, start, key=lambda s: s.end), len(segments)):
        s = segments[i]
        if s.start >= end:
            break
        if s.start > at and (best is None or s.start - at > best[1] - best[0]):
            best = (at, s.start)
        at = max(at, s.end)
    if at < end and (best is None or end - at > best[1] - best[0]):
        best = (at, end)
    return best if best is not None and best[1] - best[0] >= MIN_DURATION - 1e-9 else None


#: Why an undo or redo cannot put a line back (a running transcription filled its time).
NO_ROOM_BACK = "There is no room to put the line back: other lines fill its time now."


def fit_back(segments: Sequence[Segment], seg: Segment) -> Segment:
    """``seg`` as it can go back among ``segments`` (an undo or redo putting a line where it
    was): itself when its time is still free, else a copy in the longest free part of its
    time, its words squeezed in (a running transcription may have filled the rest meanwhile:
    a line on top of another would make the project unreadable). ``ValueError`` when none
    of its time is free."""
    free = free_span(segments, seg.start, seg.end)
    if free is None:
        raise ValueError(NO_ROOM_BACK)
    if free == (seg.start, seg.end):
        return seg
    placed = copy.deepcopy(seg)  # the step's own copy stays as it was (a saved snapshot's)
    placed.start, placed.end = free
    fit_words(placed)
    return placed


def insert_back(segments: list[Segment], lines: Sequence[Segment]) -> bool:
    """Put copies of ``lines`` (an undo's or redo's, never overlapping one another) back
    among ``segments``, in time order and only in the time still free (:func:`fit_back`);
    whether one went back shorter. ``ValueError``, ``segments`` unchanged, when one has no
    time left at all."""
    back = [fit_back(segments, seg) for seg in lines]
    for placed, seg in zip(back, lines, strict=True):
        placed = copy.deepcopy(seg) if placed is seg else placed  # the step keeps its own
        segments.insert(bisect.bisect_left(segments, placed.start, key=lambda s: s.start),
                        placed)
    return any(placed is not seg for placed, seg in zip(back, lines, strict=True))


def put_back(t: Transcript, segment_id: int, wanted: Segment) -> bool:
    """Replace segment ``segment_id`` by a copy of ``wanted`` (its state before a retime),
    fitted into the time the other lines leave free (:func:`fit_back`) and in time order;
    whether it had to be cut shorter. ``ValueError``, nothing changed, when there is no
    room at all."""
    idx = t.index_of(segment_id)
    segments = t.segments
    lo = segments[idx - 1].end if idx > 0 else -math.inf
    hi = segments[idx + 1].start if idx + 1 < len(segments) else math.inf
    if lo <= wanted.start + 1e-9 and wanted.end <= hi + 1e-9:  # the usual case: room
        segments[idx] = copy.deepcopy(wanted)
        return False
    others = segments[:idx] + segments[idx + 1:]
    placed = fit_back(others, wanted)
    placed = copy.deepcopy(wanted) if placed is wanted else placed
    others.insert(bisect.bisect_left(others, placed.start, key=lambda s: s.start), placed)
    segments[:] = others
    return True


def fit_words(seg: Segment) -> None:
    """Keep the word times of ``seg`` inside its (new) start and end: a word that sticks out
    is squeezed against the edge, and an aligned one is then marked stale (no longer where it
    sounds)."""
    for w in seg.words:
        placed = (w.start, w.end)
        w.start = min(max(w.start, seg.start), seg.end)
        w.end = min(max(w.end, w.start), seg.end)
        if (w.start, w.end) != placed and w.timing == ALIGNED:
            w.timing = STALE


@dataclass
class Retime:
    """Move a segment's start and/or end, clamped so it never overlaps a neighbour or leaves
    the audio. ``None`` keeps that edge."""

    segment_id: int
    start: float | None = None
    end: float | None = None
    label: str = "Change timing"
    _before: Segment | None = field(default=None, repr=False)
    #: The last undo (or redo) had to put the segment back shorter than it was.
    fitted: bool = field(default=False, repr=False, compare=False)

    def clamped(self, t: Transcript) -> tuple[float, float]:
        """The times the segment will really get."""
        idx = t.index_of(self.segment_id)
        seg = t.segments[idx]
        lo = t.segments[idx - 1].end if idx > 0 else 0.0
        hi = t.segments[idx + 1].start if idx + 1 < len(t.segments) else (
            t.duration if t.duration is not None else float("inf"))
        start = seg.start if self.start is None else self.start
        end = seg.end if self.end is None else self.end
        start = min(max(start, lo), hi - MIN_DURATION)
        end = max(min(end, hi), lo + MIN_DURATION)
        if end - start < MIN_DURATION:  # the moved edge gives way, the other one stays
            if self.start is not None and self.end is None:
                start = end - MIN_DURATION
            else:
                end = start + MIN_DURATION
        return start, end

    def do(self, t: Transcript) -> None:
        start, end = self.clamped(t)
        seg = t.segment(self.segment_id)
        self._before = copy.deepcopy(seg)
        seg.start, seg.end = start, end
        fit_words(seg)

    def undo(self, t: Transcript) -> None:
        assert self._before is not None
        # Lines a running transcription added meanwhile may fill the time the retime gave up.
        self.fitted = put_back(t, self.segment_id, self._before)


#: Why :func:`edge_at` cannot put an edge at a time: it falls at or before the start of the
#: line before (``"before_previous"``), or inside that line too near its start to trim it
#: (``"inside_previous"``); at or past the end of the line after, or too near it
#: (``"past_next"``, ``"inside_next"``); or there is no room (``"no_room"``).
EdgeRefusal = Literal["before_previous", "inside_previous", "inside_next", "past_next",
                      "no_room"]


class EdgeRefused(ValueError):
    """:func:`edge_at` or :func:`boundary_at` cannot place the edge; ``why`` says which way."""

    def __init__(self, why: EdgeRefusal) -> None:
        super().__init__(why)
        self.why: EdgeRefusal = why


@dataclass(frozen=True)
class EdgePlan:
    """The retimes that put a segment's edge at a time (one undo step), and what they do."""

    ops: list[Retime]
    #: The segment moved whole (the time was past its other edge), keeping its length
    #: unless the next line or the audio's edge left less room: ``length`` is what it has.
    moved: bool = False
    length: float = 0.0
    #: The neighbour that was trimmed back to the time (it ran past it), if any.
    trimmed: int | None = None


def _playhead(t: Transcript, at: float) -> float:
    """The playhead in whole milliseconds, inside the audio."""
    audio_end = t.duration if t.duration is not None else math.inf
    return min(max(round(at, 3), 0.0), audio_end)


def _trim_previous(prev: Segment | None, at: float, label: str) -> list[Retime]:
    """The retime that ends the line before at ``at`` when it runs past it."""
    if prev is None or prev.end <= at:
        return []
    if at <= prev.start:
        raise EdgeRefused("before_previous")
    if at - prev.start < MIN_DURATION:
        raise EdgeRefused("inside_previous")
    return [Retime(prev.id, end=at, label=label)]


def _trim_next(nxt: Segment | None, at: float, label: str) -> list[Retime]:
    """The retime that starts the line after at ``at`` when it begins before it."""
    if nxt is None or nxt.start >= at:
        return []
    if at >= nxt.end:
        raise EdgeRefused("past_next")
    if nxt.end - at < MIN_DURATION:
        raise EdgeRefused("inside_next")
    return [Retime(nxt.id, start=at, label=label)]


def edge_at(t: Transcript, segment_id: int, edge: Literal["start", "end"],
            at: float) -> EdgePlan:
    """Put the segment's ``start`` (or ``end``) at ``at`` seconds, the playhead: the edge a
    reviewer hears. A neighbour that runs past ``at`` is trimmed back to it (it is where the
    one line ends and the other begins); when ``at`` would leave the segment less than
    :data:`MIN_DURATION` (at or past its other edge), the segment moves there whole,
    keeping its length as far as the next line (or the previous one) and the audio's edges
    allow. Raises :class:`EdgeRefused` when ``at`` lies beyond a neighbour or so near its
    far edge that trimming would leave it no time, or there is no room."""
    idx = t.index_of(segment_id)
    seg = t.segments[idx]
    prev = t.segments[idx - 1] if idx > 0 else None
    nxt = t.segments[idx + 1] if idx + 1 < len(t.segments) else None
    audio_end = t.duration if t.duration is not None else math.inf
    at = _playhead(t, at)
    length = seg.end - seg.start
    if edge == "start":
        label = "Start at the playhead"
        ops = _trim_previous(prev, at, label)
        trimmed = prev.id if ops and prev is not None else None
        if at <= seg.end - MIN_DURATION:
            return EdgePlan([*ops, Retime(seg.id, start=at, label=label)], trimmed=trimmed)
        if nxt is not None and at >= nxt.start:
            raise EdgeRefused("past_next" if at >= nxt.end else "no_room")
        stop = min(at + length, nxt.start if nxt is not None else audio_end, audio_end)
        if stop - at < MIN_DURATION:
            raise EdgeRefused("no_room")
        return EdgePlan([*ops, Retime(seg.id, start=at, end=stop, label=label)], moved=True,
                        length=stop - at, trimmed=trimmed)
    label = "End at the playhead"
    ops = _trim_next(nxt, at, label)
    trimmed = nxt.id if ops and nxt is not None else None
    if at >= seg.start + MIN_DURATION:
        return EdgePlan([*ops, Retime(seg.id, end=at, label=label)], trimmed=trimmed)
    if prev is not None and at <= prev.end:
        raise EdgeRefused("before_previous" if at <= prev.start else "no_room")
    begin = max(at - length, prev.end if prev is not None else 0.0, 0.0)
    if at - begin < MIN_DURATION:
        raise EdgeRefused("no_room")
    return EdgePlan([*ops, Retime(seg.id, start=begin, end=at, label=label)], moved=True,
                    length=at - begin, trimmed=trimmed)


def boundary_at(t: Transcript, segment_id: int, at: float) -> EdgePlan:
    """End the segment at ``at`` and start the next one there (timing speech that runs on,
    line after line, by ear): the next line is trimmed or stretched to meet it. Raises
    :class:`EdgeRefused` when ``at`` is not after the segment's start or not before the
    next line's end; the last line only ends."""
    idx = t.index_of(segment_id)
    seg = t.segments[idx]
    at = _playhead(t, at)
    if at - seg.start < MIN_DURATION:
        raise EdgeRefused("no_room")
    if idx + 1 == len(t.segments):
        return edge_at(t, segment_id, "end", at)
    nxt = t.segments[idx + 1]
    if at >= nxt.end:
        raise EdgeRefused("past_next")
    if nxt.end - at < MIN_DURATION:
        raise EdgeRefused("inside_next")
    label = "End here, start the next line"
    # The edge moving into the other line goes second, once that line has made room.
    first, second = Retime(seg.id, end=at, label=label), Retime(nxt.id, start=at, label=label)
    return EdgePlan([second, first] if at > seg.end else [first, second], trimmed=nxt.id)


def _restore_times(t: Transcript, before: list[tuple[int, float, float, list[Word]]]) -> bool:
    """Give segments back their times and word lists, by id, and put the segments in time
    order again; whether a line had to go back shorter. Lines a running transcription added
    meanwhile stay where they are: a line whose old time they fill in part goes back in the
    longest part still free (:func:`fit_back`). ``ValueError``, nothing changed, when one
    has no time left at all."""
    old = {sid: (start, end, words) for sid, start, end, words in before}
    others = [seg for seg in t.segments if seg.id not in old]
    placed: list[tuple[Segment, float, float, list[Word]]] = []
    for seg in t.segments:
        if seg.id not in old:
            continue
        start, end, words = old[seg.id]
        # The lines put back never overlap one another (they did not before): only the
        # others can be in the way.
        free = free_span(others, start, end) if others else (start, end)
        if free is None:
            raise ValueError(NO_ROOM_BACK)
        if free != (start, end):
            start, end = free
            # New words: the step's own list stays as it was (a saved snapshot's).
            words = [copy.copy(w) for w in words]
        placed.append((seg, start, end, words))
    fitted = False
    for seg, start, end, words in placed:
        wanted = old[seg.id]
        seg.start, seg.end, seg.words = start, end, words
        if (start, end) != wanted[:2]:
            fit_words(seg)
            fitted = True
    t.segments.sort(key=lambda seg: seg.start)
    return fitted


@dataclass
class ShiftTimes:
    """Move segments earlier (``seconds`` < 0) or later together, their words with them: the
    subtitles of another cut, or a file whose times run ahead of the audio. The shift is
    clamped so that no segment leaves the audio or runs into one that does not move
    (:meth:`allowed` says how far it can go); moved aligned words become stale, to be aligned
    again where the speech now is."""

    segment_ids: list[int]
    seconds: float
    label: str = "Shift times"
    #: Each moved segment's id with its start, end and word list before the shift (the word
    #: lists are replaced, never changed in place: a saver's snapshot may share them).
    _before: list[tuple[int, float, float, list[Word]]] = field(default_factory=list,
                                                                 repr=False)
    #: The shift really made (after clamping), once done.
    shifted: float = 0.0
    #: The last undo had to put a line back shorter than it was (see :func:`_restore_times`).
    fitted: bool = field(default=False, repr=False, compare=False)

    def _in_the_way(self, t: Transcript) -> list[tuple[Segment, float | None, float | None]]:
        """Each moving segment with what stops it: the end of the segment before it (or 0)
        and the start of the one after it (or the audio's end), ``None`` where that
        neighbour moves too."""
        moving = set(self.segment_ids)
        segments = t.segments
        end = t.duration if t.duration is not None else math.inf
        out = []
        for i, seg in enumerate(segments):
            if seg.id not in moving:
                continue
            before = segments[i - 1] if i else None
            after = segments[i + 1] if i + 1 < len(segments) else None
            lo = None if before is not None and before.id in moving else (
                before.end if before is not None else 0.0)
            hi = None if after is not None and after.id in moving else (
                after.start if after is not None else end)
            out.append((seg, lo, hi))
        return out

    def allowed(self, t: Transcript) -> float:
        """``seconds``, clamped as far as the audio and the segments that stay allow."""
        edges = self._in_the_way(t)
        earliest = max((lo - seg.start for seg, lo, _ in edges if lo is not None),
                       default=-math.inf)
        latest = min((hi - seg.end for seg, _, hi in edges if hi is not None),
                     default=math.inf)
        return min(max(self.seconds, min(earliest, 0.0)), max(latest, 0.0))

    def do(self, t: Transcript) -> None:
        if not self.segment_ids:
            raise ValueError("Select the lines to shift first.")
        shift = self.allowed(t)
        if abs(shift) < 0.0005:
            raise NoChange("The lines cannot move that way: the audio, or a line that "
                           "stays, is in the way.")
        self._before = []
        for seg, lo, hi in self._in_the_way(t):
            self._before.append((seg.id, seg.start, seg.end, seg.words))
            # Where the clamp binds, the edge lands exactly on what is in the way (no float
            # step past it).
            start = seg.start + shift if lo is None else max(seg.start + shift, lo)
            end = seg.end + shift if hi is None else min(seg.end + shift, hi)
            clamped = (start, end) != (seg.start + shift, seg.end + shift)
            seg.start, seg.end = start, max(end, start + MIN_DURATION)
            seg.words = [Word(w.text, w.start + shift, w.end + shift, w.confidence,
                              STALE if w.timing == ALIGNED else w.timing, w.alternatives,
                              w.reviewed) for w in seg.words]  # the constructor: 6x copy's speed
            if clamped:  # else the words moved as far as their segment did
                fit_words(seg)
        self.shifted = shift

    def undo(self, t: Transcript) -> None:
        self.fitted = _restore_times(t, self._before)


class SyncRefused(ValueError):
    """:class:`SyncTimes` cannot map the times: ``why`` says which way (``"same"``: one
    line, or two starting together; ``"order"``: the later line would come first;
    ``"outside"``: line ``line`` (1-based) would leave the audio)."""

    def __init__(self, why: Literal["same", "order", "outside"], line: int = 0) -> None:
        super().__init__(why if not line else f"{why} (line {line})")
        self.why, self.line = why, line


@dataclass
class SyncTimes:
    """Two-point sync: every segment moves and stretches by one linear map of time so that
    two of them start where they are heard (``first_to``, ``second_to`` seconds). It mends
    what a constant shift cannot, times that drift (subtitles made for another frame rate,
    25 against 23.976 fps, or another cut's speed). Words move with their segments; aligned
    ones become stale, to be aligned again where the speech now is. Refused
    (:class:`SyncRefused`, nothing changed) when a segment would leave the audio."""

    first_id: int
    first_to: float
    second_id: int
    second_to: float
    label: str = "Sync by two lines"
    _before: list[tuple[int, float, float, list[Word]]] = field(default_factory=list,
                                                                 repr=False)
    #: The last undo had to put a line back shorter than it was (see :func:`_restore_times`).
    fitted: bool = field(default=False, repr=False, compare=False)

    def mapping(self, t: Transcript) -> tuple[float, float]:
        """``(scale, offset)``: a time ``x`` goes to ``offset + scale * x``. Checks that
        every segment stays inside the audio."""
        a, b = t.segment(self.first_id).start, t.segment(self.second_id).start
        if self.first_id == self.second_id or abs(b - a) < MIN_DURATION:
            raise SyncRefused("same")
        scale = (self.second_to - self.first_to) / (b - a)
        if scale <= 0:
            raise SyncRefused("order")
        offset = self.first_to - scale * a
        end = t.duration if t.duration is not None else math.inf
        for k, seg in enumerate(t.segments):
            start, stop = max(offset + scale * seg.start, 0.0), min(offset + scale * seg.end, end)
            if stop - start < MIN_DURATION:
                raise SyncRefused("outside", k + 1)
        return scale, offset

    def cut(self, t: Transcript) -> list[tuple[int, float]]:
        """The segments the audio's edges would cut: (1-based line, seconds lost)."""
        scale, offset = self.mapping(t)
        end = t.duration if t.duration is not None else math.inf
        out = []
        for k, seg in enumerate(t.segments):
            lost = max(0.0, -(offset + scale * seg.start)) + max(
                0.0, offset + scale * seg.end - end)
            if lost >= 0.0005:
                out.append((k + 1, lost))
        return out

    def do(self, t: Transcript) -> None:
        scale, offset = self.mapping(t)
        end = t.duration if t.duration is not None else math.inf
        self._before = []
        for seg in t.segments:
            self._before.append((seg.id, seg.start, seg.end, seg.words))
            seg.start = max(offset + scale * seg.start, 0.0)
            seg.end = min(offset + scale * seg.end, end)
            seg.words = [Word(w.text, offset + scale * w.start, offset + scale * w.end,
                              w.confidence, STALE if w.timing == ALIGNED else w.timing,
                              w.alternatives, w.reviewed) for w in seg.words]
            fit_words(seg)  # a segment cut at the audio's edge keeps its words inside

    def undo(self, t: Transcript) -> None:
        self.fitted = _restore_times(t, self._before)


@dataclass
class SetSpeaker:
    """Give one or more segments a speaker (``None`` clears it)."""

    segment_ids: list[int]
    speaker_id: str | None
    label: str = "Set speaker"
    _before: dict[int, str | None] = field(default_factory=dict, repr=False)

    def do(self, t: Transcript) -> None:
        if self.speaker_id is not None and t.speaker(self.speaker_id) is None:
            raise ValueError(f"There is no speaker {self.speaker_id!r}.")
        segs = [t.segment(i) for i in self.segment_ids]
        if all(s.speaker == self.speaker_id for s in segs):
            raise NoChange("The lines already have that speaker." if self.speaker_id
                           else "The lines have no speaker already.")
        self._before = {s.id: s.speaker for s in segs}
        for s in segs:
            s.speaker = self.speaker_id

    def undo(self, t: Transcript) -> None:
        for sid, speaker in self._before.items():
            t.segment(sid).speaker = speaker


@dataclass
class AddSpeaker:
    """Add a named speaker to the transcript's list (with the next free colour)."""

    name: str
    label: str = "Add speaker"
    speaker: Speaker | None = None

    def do(self, t: Transcript) -> None:
        if not self.name.strip():
            raise ValueError("A speaker needs a name.")
        if self.speaker is None:
            self.speaker = t.new_speaker(self.name.strip())
        else:
            t.speakers.append(copy.copy(self.speaker))

    def undo(self, t: Transcript) -> None:
        assert self.speaker is not None
        t.speakers = [s for s in t.speakers if s.id != self.speaker.id]


@dataclass
class RenameSpeaker:
    """Rename a speaker; every segment that names them shows the new name."""

    speaker_id: str
    name: str
    label: str = "Rename speaker"
    _old: str | None = field(default=None, repr=False)

    def do(self, t: Transcript) -> None:
        spk = t.speaker(self.speaker_id)
        if spk is None:
            raise ValueError(f"There is no speaker {self.speaker_id!r}.")
        name = self.name.strip()
        if not name:
            raise ValueError("A speaker needs a name.")
        if name == spk.name:
            raise NoChange(f"The speaker is already called {name!r}.")
        clash = next((s for s in t.speakers if s.id != spk.id
                      and s.name.strip().casefold() == name.casefold()), None)
        if clash is not None:
            raise ValueError(f"There is already a speaker called {clash.name!r}.")
        self._old = spk.name
        spk.name = name

    def undo(self, t: Transcript) -> None:
        spk = t.speaker(self.speaker_id)
        assert spk is not None and self._old is not None
        spk.name = self._old


@dataclass
class InsertSegment:
    """Insert a new segment where it fits in time; it must not overlap a neighbour."""

    start: float
    end: float
    text: str = ""
    speaker: str | None = None
    label: str = "Insert segment"
    new_id: int | None = None
    #: The last redo had to put the segment in less time than it had (see :meth:`do`).
    fitted: bool = field(default=False, repr=False, compare=False)
    _done: bool = field(default=False, repr=False, compare=False)

    def do(self, t: Transcript) -> None:
        if not self.end - self.start >= MIN_DURATION or self.start < 0:
            raise ValueError("A segment must start before it ends.")
        if t.duration is not None and self.end > t.duration + 1e-6:
            raise ValueError("A segment cannot end after the audio does.")
        start, end = self.start, self.end
        if self._done:
            # A redo: a running transcription may have filled the time since the undo. The
            # line goes back in the longest part still free, never on top of another.
            free = free_span(t.segments, start, end)
            if free is None:
                raise ValueError(NO_ROOM_BACK)
            start, end = free
        idx = bisect.bisect_left(t.segments, start, key=lambda s: s.start)
        if (idx > 0 and t.segments[idx - 1].end > start + 1e-9) or (
                idx < len(t.segments) and t.segments[idx].start < end - 1e-9):
            raise ValueError("There is no room for a segment there: it would overlap another.")
        if self.new_id is None:
            self.new_id = t.new_id()
        t.segments.insert(idx, Segment(self.new_id, start, end, self.text,
                                       speaker=self.speaker, edited=True))
        self.fitted = (start, end) != (self.start, self.end)
        self._done = True

    def undo(self, t: Transcript) -> None:
        assert self.new_id is not None
        del t.segments[t.index_of(self.new_id)]


@dataclass
class DeleteSegment:
    """Delete a segment."""

    segment_id: int
    label: str = "Delete segment"
    _before: Segment | None = field(default=None, repr=False)
    #: The last undo had to put the segment back shorter than it was.
    fitted: bool = field(default=False, repr=False, compare=False)

    def do(self, t: Transcript) -> None:
        self._before = t.segments.pop(t.index_of(self.segment_id))

    def undo(self, t: Transcript) -> None:
        assert self._before is not None
        # Back in time order, not at its old place, and only in the time still free: lines
        # a running transcription added meanwhile may sit before it now, or fill its time.
        self.fitted = insert_back(t.segments, [self._before])


MatchMode = Literal["plain", "whole_word", "regex"]

#: A word character of a script written with spaces: any but Han, kana, Hangul and Thai,
#: whose letters next to a Latin word do not make it part of a longer word.
_SPACED_LETTER = ("[^\\W\u0e00-\u0e7f\u1100-\u11ff\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf"
                  "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f]")
#: An apostrophe, typed or typographic: between two letters it is inside a word ("don't").
_APOSTROPHE = "['\u2019]"
#: Accents that sit on the letter before them (as text stored decomposed, NFD, has them), and
#: the vowel and final jamo of a decomposed Hangul syllable: a find text ending in a letter
#: does not end inside such a letter (``하`` is not found in a decomposed ``한``).
_COMPOSING_MARK = ("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
                   "\u1160-\u11ff\ud7b0-\ud7ff]")


def _word_edge(char: str) -> bool:
    """Whether a find text's first or last character is a letter (or digit) of a script
    written with spaces, so that a whole-word match must not go on past it."""
    return re.match(r"\w", char) is not None and not is_cjk(char)


def _any_form(find: str) -> str:
    """``find`` as a pattern matching each of its letters however the text stores it:
    composed (NFC, as typed: ``é``) or decomposed (NFD: ``e`` and a combining accent)."""
    parts = []
    for cluster in regex.findall(r"\X", unicodedata.normalize("NFC", find)):
        forms = [regex.escape(f) for f in dict.fromkeys(
            (cluster, unicodedata.normalize("NFD", cluster)))]
        parts.append(forms[0] if len(forms) == 1 else f"(?:{'|'.join(forms)})")
    return "".join(parts)


def compile_pattern(find: str, mode: MatchMode = "plain",
                    match_case: bool = False) -> re.Pattern[str] | regex.Pattern[str]:
    """The regular expression a find/replace uses; ``ValueError`` for a bad regex or empty text.

    Whole-word matching treats each CJK character as a word of its own, so ``张伟`` is found
    inside ``我是张伟。`` as a user expects, while ``cat`` is not found inside ``concatenate``;
    an apostrophe between letters is inside a word, so ``don`` is not found in ``don't`` nor
    ``homme`` in ``l'homme``. Plain and whole-word text is found however its accents are
    stored (``é`` typed finds ``e`` + a combining accent too), and without Match case with
    full case folding: ``strasse`` finds ``Straße``. A regex is Python's own (``re``), on
    the text as stored.
    """
    if not find:
        raise ValueError("Type something to find.")
    if mode == "regex":
        try:
            return re.compile(find, 0 if match_case else re.IGNORECASE)
        except re.error as exc:
            raise ValueError(f"That is not a valid regular expression: {exc}.") from exc
    body = _any_form(find)
    if not regex.match(rf"{_COMPOSING_MARK}", find[-1]):
        body += rf"(?!{_COMPOSING_MARK})"  # "cafe" is not found in a decomposed "café"
    if mode == "whole_word":
        # A word ends where a letter of another kind begins: "iPhone" is a whole word in
        # "我用iPhone拍的" (Python counts 我 and 拍 as word characters too). An edge that is
        # no letter (a space, a bracket, a dash) needs no guard: "cat " and "(laughs)" are
        # whole already, whatever stands next to them. An apostrophe with a letter beyond it
        # goes on with the word: "don't" and "l'homme" are one word each.
        letter = _SPACED_LETTER
        if _word_edge(find[0]):
            body = rf"(?<!{letter})(?<!{letter}{_APOSTROPHE})" + body
        if _word_edge(find[-1]):
            body += rf"(?!{letter}|{_APOSTROPHE}{letter})"
    return regex.compile(body, 0 if match_case else regex.IGNORECASE | regex.FULLCASE)


def count_matches(t: Transcript, find: str, mode: MatchMode = "plain",
                  match_case: bool = False) -> int:
    """How many times ``find`` occurs in the transcript's text."""
    pattern = compile_pattern(find, mode, match_case)
    return sum(len(pattern.findall(s.text)) for s in t.segments)


class NoChange(ValueError):
    """An edit that would leave the transcript as it is (and so mark nothing edited)."""


def _line_state(text: str, start: float, end: float, words: list[Word]) -> tuple:
    """What a line's new words are worked out from (:func:`reword`)."""
    return text, start, end, _words_state(words)


def _words_state(words: list[Word]) -> tuple:
    return tuple((w.text, w.start, w.end, w.timing, w.confidence, w.reviewed) for w in words)


class Reworded(NamedTuple):
    """A line's new words, worked out ahead of a replace (:meth:`FindReplace.prepare`)."""

    then: tuple  #: the line they were worked out from (:func:`_line_state`)
    text: str  #: its new text
    words: list[Word]
    made: tuple  #: the new words as they were made (:func:`_words_state`)
    respaced: bool  #: the new text differs only in its spacing (:func:`same_words`)


@dataclass
class FindReplace:
    """Replace every match in every segment, as one undoable step; ``count`` tells how many
    matches it changed. A match that already reads as its replacement is left alone (its
    segment is not marked edited); :class:`NoChange` when no match would change.

    Giving each changed line its new words (:func:`reword`) is the slow part, about 0.3 ms a
    line: 2,000 lines take most of a second. :meth:`prepare` gives a function that works
    them out beforehand, on another thread; put its result in ``ahead`` and :meth:`do` uses
    the words of each line that is still as it was then (and rewords the others itself)."""

    find: str
    replace: str
    mode: MatchMode = "plain"
    match_case: bool = False
    label: str = "Replace"
    count: int = 0
    #: New words worked out ahead, by segment id (:meth:`prepare`).
    ahead: dict[int, Reworded] = field(default_factory=dict, repr=False)
    _before: dict[int, tuple[str, list[Word], bool]] = field(default_factory=dict, repr=False)
    #: Lines whose words from ``ahead`` went into the transcript: an edit since may have
    #: changed those words in place (a retime squeezes them), so a redo looks first.
    _given: set[int] = field(default_factory=set, repr=False)

    def changes(self, t: Transcript) -> tuple[dict[int, str], int]:
        """Each changed segment's new text, by id, and how many matches change (quick: no
        words). ``ValueError`` for a bad pattern or replacement; :class:`NoChange` when no
        match would change."""
        pattern = compile_pattern(self.find, self.mode, self.match_case)
        changed = 0  # matches of the segment at hand that its replacement changes

        def substitute(m: re.Match[str] | regex.Match[str]) -> str:
            nonlocal changed
            # A literal replacement must not interpret backslashes; a regex one may use \1.
            new = m.expand(self.replace) if self.mode == "regex" else self.replace
            changed += new != m.group(0)  # "hello" found in "Hello", replaced by "Hello": no
            return new

        changes: dict[int, str] = {}
        count = 0
        for seg in t.segments:
            changed = 0
            try:
                new_text = pattern.sub(substitute, seg.text)
            except (re.error, IndexError) as exc:
                raise ValueError(f"The replacement is not valid: {exc}.") from exc
            if new_text != seg.text:
                changes[seg.id] = new_text
                count += changed
        if not changes:
            raise NoChange("Nothing to replace: every match already reads that way.")
        return changes, count

    def prepare(self, t: Transcript) -> tuple[int, Callable[[], dict[int, Reworded]]]:
        """How many lines the replace changes, and a function that works out their new words
        from the lines as they are now, for ``ahead``. The function reads only what it was
        given (it may run on another thread while the transcript changes) and leaves out a
        line that changed while it read it. Errors as :meth:`changes`."""
        changes, _count = self.changes(t)
        lines = [(seg.id, changes[seg.id], seg.text, seg.start, seg.end, seg.words)
                 for seg in t.segments if seg.id in changes]

        def work() -> dict[int, Reworded]:
            ahead = {}
            for sid, new_text, text, start, end, words in lines:
                then = _line_state(text, start, end, words)
                new_words = reword(new_text, words, start, end)
                if _line_state(text, start, end, words) == then:
                    ahead[sid] = Reworded(then, new_text, new_words, _words_state(new_words),
                                          same_words(text, new_text))
            return ahead

        return len(lines), work

    def _ready(self, seg: Segment, new_text: str) -> Reworded | None:
        """The words worked out ahead for ``seg``, if it still is as they were made for."""
        ready = self.ahead.get(seg.id)
        if ready is None or ready.text != new_text or (
                ready.then != _line_state(seg.text, seg.start, seg.end, seg.words)):
            return None
        if seg.id in self._given and _words_state(ready.words) != ready.made:
            return None
        return ready

    def do(self, t: Transcript) -> None:
        changes, count = self.changes(t)
        self.count = count
        # Only text, words and the edited flag change: keep those, not whole copies, so a
        # replace across a 2-hour transcript stays quick to do and to undo.
        by_id = {seg.id: seg for seg in t.segments}
        self._before = {}
        for sid, new_text in changes.items():
            seg = by_id[sid]
            self._before[sid] = (seg.text, seg.words, seg.edited)
            ready = self._ready(seg, new_text)
            if ready is not None:
                self._given.add(sid)
                seg.words, respaced = ready.words, ready.respaced
            else:
                seg.words = reword(new_text, seg.words, seg.start, seg.end)
                respaced = same_words(seg.text, new_text)
            # As :class:`EditText`: a change of spacing only corrects nothing the model wrote.
            seg.edited = seg.edited or not respaced
            seg.text = new_text
        self.label = f"Replace {count} × “{self.find}”"

    def undo(self, t: Transcript) -> None:
        by_id = {seg.id: seg for seg in t.segments}
        for sid, (text, words, edited) in self._before.items():
            seg = by_id[sid]
            seg.text, seg.words, seg.edited = text, words, edited


@dataclass
class ReplaceRange:
    """Replace every segment that overlaps ``[start, end)`` with new ones (a re-transcription
    of that range), as one step. Segments outside the range, and their edits, stay.

    With ``keep_existing`` the segments already in the range stay too and the new ones fill
    the time around them (transcribing the rest of a file where the user already typed a
    line)."""

    start: float
    end: float
    segments: list[Segment]
    label: str = "Re-transcribe range"
    keep_existing: bool = False
    _removed: list[tuple[int, Segment]] = field(default_factory=list, repr=False)
    _added_ids: list[int] = field(default_factory=list, repr=False)
    #: Ids given to the new segments on the first ``do``, reused on redo so that later edits
    #: on the undo stack still find them.
    _ids: list[int] = field(default_factory=list, repr=False)
    #: The last undo had to put an old line back shorter than it was (see :meth:`undo`).
    fitted: bool = field(default=False, repr=False, compare=False)

    def do(self, t: Transcript) -> None:
        self._removed = [] if self.keep_existing else [
            (i, s) for i, s in enumerate(t.segments) if s.end > self.start and s.start < self.end]
        removed_ids = {s.id for _, s in self._removed}
        t.segments = [s for s in t.segments if s.id not in removed_ids]
        self._added_ids = []
        if not self._ids:
            self._ids = [t.new_id() for _ in self.segments]
        for seg, new_id in zip(self.segments, self._ids):
            new = copy.deepcopy(seg)
            new.id = new_id
            new.start, new.end = max(new.start, self.start), min(new.end, self.end)
            if new.end - new.start < MIN_DURATION:
                continue
            idx = next((i for i, s in enumerate(t.segments) if s.start >= new.start),
                       len(t.segments))
            if idx > 0:
                new.start = max(new.start, t.segments[idx - 1].end)
            if idx < len(t.segments):
                new.end = min(new.end, t.segments[idx].start)
            if new.end - new.start < MIN_DURATION:
                continue
            fit_words(new)
            t.segments.insert(idx, new)
            self._added_ids.append(new.id)

    def undo(self, t: Transcript) -> None:
        added = set(self._added_ids)
        kept = [s for s in t.segments if s.id not in added]
        # In time order, not at their old rows, and only in the time still free: a running
        # transcription may have added lines meanwhile, before them or into their time.
        self.fitted = insert_back(kept, [seg for _, seg in self._removed])
        t.segments = kept


def lacks_word_times(seg: Segment) -> bool:
    """Whether the segment has no word the aligner placed: no words at all (imported or
    typed), only estimated ones (transcribed without an aligner), or only stale ones (an
    earlier try found no aligner)."""
    return bool(seg.text.strip()) and all(w.timing != ALIGNED for w in seg.words)


@dataclass
class AlignWords:
    """Ask for word times where a segment has none (:func:`lacks_word_times`): its words
    become stale, spread over its time, and the re-aligner places them. One step for all of
    them; undo takes the words back to what they were."""

    segment_ids: list[int]
    label: str = "Align words"
    _before: dict[int, list[Word]] = field(default_factory=dict, repr=False)

    def do(self, t: Transcript) -> None:
        wanted = set(self.segment_ids)
        segments = [seg for seg in t.segments if seg.id in wanted]  # one pass, not a lookup each
        self._before = {seg.id: seg.words for seg in segments}
        for seg in segments:
            # The words that still spell the text keep their confidence, alternatives and
            # review marks; every word waits for the aligner.
            words = reword(seg.text, seg.words, seg.start, seg.end)
            for w in words:
                w.timing = STALE
            seg.words = words

    def undo(self, t: Transcript) -> None:
        for seg in t.segments:
            if seg.id in self._before:
                seg.words = self._before[seg.id]


@dataclass
class ReplaceTranscript:
    """Put another transcript (imported subtitles) in the place of the whole one, as one
    step: its segments (under new ids, so that undo knows them for new), its speakers and,
    when it names one, its language. The audio, and so the duration, stay; ``new`` must lie
    inside it (:func:`tingxie.core.importers.fit_to_audio`)."""

    new: Transcript
    label: str = "Import transcript"
    _before: tuple[list[Segment], list[Speaker], str | None] | None = field(
        default=None, repr=False)
    _ids: list[int] = field(default_factory=list, repr=False)

    def do(self, t: Transcript) -> None:
        # The segments are taken over, not copied (a 2-hour film's 6,000 lines took 0.1 s to
        # copy on the UI thread): the step owns ``new`` from here on. A redo puts the same
        # objects back, as every later step's undo left them.
        if not self._ids:
            first = t.free_id()
            for k, seg in enumerate(self.new.segments):
                seg.id = first + k
            # A ValueError here leaves ``t`` as it was: the ids are taken only after it.
            Transcript(segments=self.new.segments, duration=t.duration).check()
            self._ids = [seg.id for seg in self.new.segments]
            t.next_id = first + len(self._ids)
        self._before = (t.segments, t.speakers, t.language)
        t.segments = list(self.new.segments)
        t.speakers = list(self.new.speakers)
        t.language = self.new.language or t.language

    def undo(self, t: Transcript) -> None:
        assert self._before is not None
        t.segments, t.speakers, t.language = self._before


def inherit_speakers(new: list[Segment], old: list[Segment]) -> None:
    """Give each new segment without a speaker the speaker of the old segment it overlaps
    most in time (a re-transcription keeps who said what)."""
    for seg in new:
        if seg.speaker is not None:
            continue
        best, best_overlap = None, 0.0
        for o in old:
            overlap = min(seg.end, o.end) - max(seg.start, o.start)
            if o.speaker is not None and overlap > best_overlap:
                best, best_overlap = o.speaker, overlap
        seg.speaker = best
