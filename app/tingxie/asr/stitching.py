"""From a chunk's words to segments, and the mending of forced cuts between chunks.

A chunk's words (aligned, or estimated from its text) are cut into segments at sentence ends,
at pauses between words and before a maximum length, preferring a clause end there; a
segment starts at its first word and ends at its last. Where two chunks share a stretch of
audio at a forced cut, each word belongs to the chunk in whose half of the shared stretch its
middle lies; without word times, the duplicated text is found by matching the end of the
first chunk's text against the start of the second's, never further than the stretch holds.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import replace

from tingxie.core.sentences import is_clause_end, is_sentence_end, split_sentences
from tingxie.core.subtitle_text import units
from tingxie.core.text import is_unspaced, join_texts
from tingxie.core.transcript import ALIGNED, ESTIMATED, Word

#: Partial words a forced cut may leave at the end of the first chunk's text and at the
#: start of the second's, looked past when matching the shared text.
CUT_SLACK = 2


def tokens(text: str) -> list[str]:
    """Words for spaced scripts, single characters for Chinese and Japanese: the units
    overlaps are matched in."""
    out: list[str] = []
    for piece in text.split():
        buf = ""
        for ch in piece:
            if is_unspaced(ch):
                if buf:
                    out.append(buf)
                    buf = ""
                out.append(ch)
            else:
                buf += ch
        if buf:
            out.append(buf)
    return out


def _norm(token: str) -> str:
    return re.sub(r"[^\w]", "", token).casefold()


def join_tokens(toks: Sequence[str]) -> str:
    """Inverse of :func:`tokens` (up to whitespace); also joins words' texts."""
    text = ""
    for t in toks:
        text = join_texts(text, t)
    return text


def words_text(words: Sequence[Word]) -> str:
    """The text the words spell, joined the way their script is written."""
    return join_tokens([w.text for w in words])


# -- forced cuts ------------------------------------------------------------------------------


def _piece_of(part: str, whole: str, start: bool) -> bool:
    """Whether ``part`` looks like the start (or the end) of the word ``whole``: what a cut
    through the word leaves of it."""
    if not start:
        part, whole = part[::-1], whole[::-1]
    return whole.startswith(part) or (len(part) >= 3 and whole[:3] == part[:3])


def overlap_cut(before: Sequence[str], after: Sequence[str], max_tokens: int) -> tuple[int, int]:
    """Where to cut two token lists that both heard the same stretch of audio.

    Looks for a run of tokens that ends the first list (past at most :data:`CUT_SLACK`
    partial words the cut left there) and starts the second (likewise), at most
    ``max_tokens`` long from the second's start, matched ignoring case and punctuation.
    Partial words must look like pieces of the words the other side heard in full; one that
    does not is allowed only beside a run of two words or more. The longest run wins, then
    the one with the fewest partial words. Returns ``(keep, drop)``: keep ``before[:keep]``
    and ``after[drop:]``; ``(len(before), 0)`` when nothing matches, so a duplicate is kept
    rather than real words lost.
    """
    ia = [i for i, t in enumerate(before) if _norm(t)]
    ib = [i for i, t in enumerate(after) if _norm(t)]
    na = [_norm(before[i]) for i in ia]
    nb = [_norm(after[i]) for i in ib]
    best: tuple[int, int, int, int] | None = None
    for ea in range(min(CUT_SLACK, len(na)) + 1):
        for sb in range(min(CUT_SLACK, len(nb)) + 1):
            longest = min(len(na) - ea, len(nb) - sb, max_tokens - sb)
            for k in range(longest, 0, -1):
                end = len(na) - ea
                if na[end - k:end] != nb[sb:sb + k]:
                    continue
                # A's last words are the start of what B heard after the run; B's first
                # words are the end of what A heard before it.
                unverified = sum(
                    not (sb + k + n < len(nb) and _piece_of(na[end + n], nb[sb + k + n], True))
                    for n in range(ea)) + sum(
                    not (end - k - sb + n >= 0 and _piece_of(nb[n], na[end - k - sb + n], False))
                    for n in range(sb))
                if unverified == 0 or (unverified == 1 and k >= 2):
                    cand = (k, -(ea + sb), ea, sb)
                    best = cand if best is None or cand > best else best
                    break
    if best is None:
        return len(before), 0
    k, _, ea, sb = best
    keep = len(before) if ea == 0 else ia[len(na) - ea - 1] + 1
    return keep, ib[sb + k - 1] + 1


def remove_overlap(before: str, after: str, max_tokens: int) -> tuple[str, str]:
    """Remove the text two chunks both heard in their shared stretch of audio.

    The end of ``before`` is matched against the start of ``after`` (:func:`overlap_cut`);
    the shared words are kept once, in ``before``, with the punctuation ``after`` gave the
    last of them (it heard what followed). Returns the two texts; unchanged if nothing
    matches.
    """
    a, b = tokens(before), tokens(after)
    keep, drop = overlap_cut(a, b, max(1, max_tokens))
    if drop == 0:
        return before, after
    kept = a[:keep]
    if kept and _norm(kept[-1]) == _norm(b[drop - 1]):
        kept[-1] = b[drop - 1]
    while drop < len(b) and not _norm(b[drop]):  # "。" after the shared words
        kept.append(b[drop])
        drop += 1
    return join_tokens(kept), join_tokens(b[drop:])


def own_half(words: Sequence[Word], cut: float, first: bool) -> list[Word]:
    """The words of one side of a forced cut: those whose middle lies before ``cut`` (on
    the first chunk's side, ``first``) or at or after it."""
    return [w for w in words if ((w.start + w.end) / 2 < cut) == first]


# -- estimated times --------------------------------------------------------------------------


def place_sentences(sentences: Sequence[str], spans: Sequence[tuple[float, float]]
                    ) -> list[tuple[float, float, str]]:
    """Give each sentence a time: characters are spread evenly over the speech ``spans``
    (silence carries no text), so pauses fall between sentences rather than inside them."""
    total_speech = sum(e - s for s, e in spans)
    weights = [max(len(s), 1) for s in sentences]
    total_chars = sum(weights)

    def at(offset: float) -> float:
        """Time of the point ``offset`` seconds into the speech."""
        for s, e in spans:
            if offset <= e - s + 1e-9:
                return s + offset
            offset -= e - s
        return spans[-1][1]

    placed, done = [], 0
    for sentence, w in zip(sentences, weights):
        start = at(total_speech * done / total_chars)
        done += w
        end = at(total_speech * done / total_chars)
        # A sentence that starts right where a pause begins starts after the pause.
        for (_s, e), (next_s, _e) in itertools.pairwise(spans):
            if abs(start - e) < 1e-6:
                start = next_s
        placed.append((start, end, sentence))
    return placed


def estimate_words(text: str, spans: Sequence[tuple[float, float]]
                   ) -> list[tuple[str, list[Word], list[tuple[int, int]]]]:
    """Estimated words for ``text`` heard in the speech ``spans``, sentence by sentence:
    ``(sentence, words, offsets)`` with each word's character span in the sentence.
    Sentences are placed by :func:`place_sentences`, and each sentence's words share its
    time in proportion to their characters. The words are marked :data:`ESTIMATED`."""
    sentences = split_sentences(text)
    if not sentences or not spans:
        return []
    out = []
    for s, e, sentence in place_sentences(sentences, spans):
        parts = units(sentence)
        total = sum(len(u.text) for u in parts) or 1
        words, done = [], 0
        for u in parts:
            t0 = s + (e - s) * done / total
            done += len(u.text)
            words.append(Word(u.text, round(t0, 3), round(s + (e - s) * done / total, 3),
                              timing=ESTIMATED))
        out.append((sentence, words, [(u.start, u.end) for u in parts]))
    return out


# -- segments ---------------------------------------------------------------------------------


def _limit_length(words: list[Word], max_segment: float) -> list[list[Word]]:
    """``words`` in pieces of at most ``max_segment`` seconds (a single longer word stays
    whole), each cut at the last clause end that leaves a piece of a third of the length or
    more, else at the longest pause in the second half of what fits."""
    out = []
    while len(words) > 1 and words[-1].end - words[0].start > max_segment + 1e-9:
        t0 = words[0].start
        fits = [j for j in range(1, len(words)) if words[j - 1].end - t0 <= max_segment + 1e-9]
        if not fits:
            cut = 1
        else:
            clauses = [j for j in fits if is_clause_end(words[j - 1].text)
                       and words[j - 1].end - t0 >= max_segment / 3]
            late = [j for j in fits if words[j - 1].end - t0 >= max_segment / 2] or fits
            cut = clauses[-1] if clauses else max(
                late, key=lambda j: (round(words[j].start - words[j - 1].end, 3), j))
        out.append(words[:cut])
        words = words[cut:]
    if words:
        out.append(words)
    return out


def cut_words(words: Sequence[Word], *, pause: float = 0.6, max_segment: float = 15.0,
              ) -> list[list[Word]]:
    """Cut a chunk's words into segments' words: after each sentence end, at each pause of
    ``pause`` seconds or more between aligned words, and before ``max_segment`` seconds."""
    groups: list[list[Word]] = []
    current: list[Word] = []
    for k, w in enumerate(words):
        current.append(w)
        nxt = words[k + 1] if k + 1 < len(words) else None
        if (nxt is None or is_sentence_end(w.text, nxt.text)
                or (w.timing == ALIGNED and nxt.timing == ALIGNED
                    and nxt.start - w.end >= pause - 1e-9)):
            groups.append(current)
            current = []
    return [piece for g in groups for piece in _limit_length(g, max_segment)]


def clean_words(words: Sequence[Word], length: float, offset: float) -> list[Word]:
    """Words an aligner placed in a chunk ``length`` seconds long, moved ``offset`` seconds on:
    kept inside the chunk and in order (each starts no earlier than the one before)."""
    out, latest = [], 0.0
    for w in words:
        start = min(max(float(w.start), latest, 0.0), length)
        end = min(max(float(w.end), start), length)
        latest = start
        out.append(replace(w, start=round(start + offset, 3), end=round(end + offset, 3)))
    return out
