"""The recogniser's runners-up, from its tokens to the transcript's words.

An engine that can see its own distribution reports each generated token as a
:class:`~tingxie.asr.engine.TokenScore`: where the token lies in the chunk's text (character
offsets, so a token that is half a Chinese character is merged with the rest of it), how
likely it was, and for the tokens it doubted the other tokens it ranked highest, as
replacement text. :func:`attach_alternatives` then gives each word of a segment built from
that text its confidence (its least likely token) and its alternatives rendered as whole
words: the doubted token replaced inside the word ("Dashwood" -> "Dashboard"). It works on
character offsets only, so it applies to the engine's own words, to words a forced aligner
placed, and to Chinese and Japanese text with one word per character.
"""

from __future__ import annotations

import codecs
from collections.abc import Sequence
from functools import lru_cache

from tingxie.asr.engine import ChunkResult, TokenScore
from tingxie.core.edits import is_cjk, word_offsets
from tingxie.core.transcript import ESTIMATED, Alternative, Segment, Word

#: Alternatives a word keeps at most (the review pass offers them on the keys 1-5).
MAX_ALTERNATIVES = 5

@lru_cache(maxsize=1)
def _byte_decoder() -> dict[str, int]:
    """The inverse of the byte-level BPE alphabet (GPT-2, Qwen): printable stand-ins for the
    256 byte values."""
    printable = (list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1))
                 + list(range(ord("®"), ord("ÿ") + 1)))
    codes = printable[:]
    extra = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            codes.append(256 + extra)
            extra += 1
    return {chr(c): b for b, c in zip(printable, codes, strict=True)}


def token_bytes(token: str) -> bytes | None:
    """The bytes a byte-level BPE token string stands for (``"Ġthe"`` -> ``b" the"``), or
    ``None`` if the string is not one (a special token)."""
    table = _byte_decoder()
    try:
        return bytes(table[ch] for ch in token)
    except KeyError:
        return None


def place_tokens(tokens: Sequence[tuple[bytes, float, Sequence[tuple[bytes, float]]]],
                 text: str) -> list[TokenScore]:
    """Place generated tokens in ``text``, the transcription they decode to.

    ``tokens`` holds, for each token in order, its bytes, its probability and the model's
    other choices (bytes, probability) for it. Tokens that together make one character are
    merged (probability: the lowest; an alternative must still give valid UTF-8). Returns
    an empty list when the tokens do not spell ``text``.
    """
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    groups: list[tuple[int, int, list[int]]] = []  # (char start, char end, token indices)
    pieces: list[str] = []
    length = 0
    members: list[int] = []
    start = 0
    for i, (data, _p, _alts) in enumerate(tokens):
        members.append(i)
        out = decoder.decode(data)
        pieces.append(out)
        length += len(out)
        if decoder.getstate()[0] == b"":  # the group ends on a character boundary
            groups.append((start, length, members))
            members, start = [], length
    tail = decoder.decode(b"", final=True)
    pieces.append(tail)
    if members:
        groups.append((start, length + len(tail), members))
    decoded = "".join(pieces)
    base = 0 if decoded == text else decoded.find(text) if text else -1
    if base < 0:
        return []
    scores = []
    for g_start, g_end, idx in groups:
        start, end = max(0, g_start - base), min(len(text), g_end - base)
        if end <= start:
            continue
        probability = min(tokens[i][1] for i in idx)
        found: dict[str, float] = {}
        for k in idx:
            for alt, p in tokens[k][2]:
                data = b"".join(alt if i == k else tokens[i][0] for i in idx)
                try:
                    replacement = data.decode("utf-8")
                except UnicodeDecodeError:
                    continue  # half a character: not something a person could pick
                # Trim what falls outside ``text`` (a group straddling its edge).
                cut_left = start - (g_start - base)
                cut_right = (g_end - base) - end
                replacement = replacement[cut_left:len(replacement) - cut_right]
                if replacement != text[start:end] and p > found.get(replacement, 0.0):
                    found[replacement] = p
        alternatives = tuple(sorted(found.items(), key=lambda kv: -kv[1]))
        scores.append(TokenScore(start, end, probability, alternatives))
    return scores


def text_units(text: str) -> list[tuple[int, int]]:
    """Character spans of the units that are words: each CJK character alone, else a run of
    non-space characters; punctuation-only units are left out."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if is_cjk(ch):
            spans.append((i, i + 1))
            i += 1
            continue
        j = i
        while j < n and not text[j].isspace() and not is_cjk(text[j]):
            j += 1
        spans.append((i, j))
        i = j
    return [(a, b) for a, b in spans if any(c.isalnum() for c in text[a:b])]


def estimate_words(seg: Segment) -> list[Word]:
    """Words for a segment that has none: its text's units, their times spread over the
    segment in proportion to their characters (approximate)."""
    spans = text_units(seg.text)
    total = max(1, len(seg.text))
    return [Word(seg.text[a:b], seg.start + seg.duration * a / total,
                 seg.start + seg.duration * b / total, timing=ESTIMATED) for a, b in spans]


def attach_alternatives(segments: Sequence[Segment], result: ChunkResult) -> None:
    """Give the words of ``segments`` (built from ``result``'s text) their confidence and
    alternatives from ``result.tokens``, in place.

    A segment without words gets words estimated over its time first (there is nothing
    else to hang a word's alternatives on). Segments whose text cannot be found in the
    chunk's text, or whose words no longer spell their text, are left as they are.
    """
    if not result.tokens:
        return
    chunk_text = result.text
    cursor = 0
    for seg in segments:
        base = chunk_text.find(seg.text, cursor) if seg.text else -1
        if base < 0:
            continue
        cursor = base + len(seg.text)
        if not seg.words:
            seg.words = estimate_words(seg)
        offsets = word_offsets(seg.text, seg.words)
        if offsets is None:
            continue
        spans = [(base + off, base + off + len(w.text.strip()))
                 for off, w in zip(offsets, seg.words, strict=True)]
        _score_words(seg.words, spans, result.tokens, chunk_text)


def _has_letters(text: str) -> bool:
    return any(c.isalnum() for c in text)


def _inside(rendered: str, lead: str, trail: str) -> str | None:
    """``rendered`` without the ``lead`` and ``trail`` its token covered outside the words
    (spaces aside), or ``None`` when the alternative changes them: it is then not an
    alternative for these words alone."""
    body, lead, trail = rendered.strip(), lead.strip(), trail.strip()
    if len(body) < len(lead) + len(trail) or not (
            body.startswith(lead) and body.endswith(trail)):
        return None
    return body[len(lead):len(body) - len(trail)]


def _score_words(words: list[Word], spans: list[tuple[int, int]],
                 tokens: Sequence[TokenScore], text: str) -> None:
    found: list[dict[str, float]] = [{} for _ in words]
    lowest: list[float | None] = [None] * len(words)
    k = 0
    for tok in tokens:
        while k < len(spans) and spans[k][1] <= tok.start:
            k += 1
        hit = []
        for j in range(k, len(spans)):
            if spans[j][0] >= tok.end:
                break
            hit.append(j)
        # Qwen's pre-tokenizer glues a punctuation mark to the letters after it ("，世"),
        # while a word keeps the punctuation after it ("好，"): a token that has letters
        # is about the words whose letters it covers, not the mark it shares with the word
        # before. (A token of punctuation alone is about the words it touches.)
        if _has_letters(text[tok.start:tok.end]):
            hit = [j for j in hit if _has_letters(
                text[max(spans[j][0], tok.start):min(spans[j][1], tok.end)])]
        if not hit:
            continue
        for j in hit:
            low = lowest[j]
            lowest[j] = tok.probability if low is None else min(low, tok.probability)
        if not tok.alternatives:
            continue
        left = min(spans[hit[0]][0], tok.start)
        right = max(spans[hit[-1]][1], tok.end)
        lead = text[tok.start:spans[hit[0]][0]]  # what the token covers outside the words
        trail = text[spans[hit[-1]][1]:tok.end]
        for alt, p in tok.alternatives:
            rendered = _inside(text[left:tok.start] + alt + text[tok.end:right], lead, trail)
            if rendered is None:
                continue
            if len(hit) == 1:
                candidates = [rendered.strip()]
            else:  # one token over several words (CJK): split it the same way again
                units = [rendered[a:b] for a, b in text_units(rendered)]
                if len(units) != len(hit):
                    continue
                candidates = units
            for j, candidate in zip(hit, candidates, strict=True):
                if candidate and candidate != words[j].text.strip() and (
                        p > found[j].get(candidate, 0.0)):
                    found[j][candidate] = p
    for j, w in enumerate(words):
        if lowest[j] is not None:
            w.confidence = lowest[j]
        if found[j]:
            best = sorted(found[j].items(), key=lambda kv: -kv[1])[:MAX_ALTERNATIVES]
            w.alternatives = [Alternative(t, p) for t, p in best]
