"""Script helpers: which characters are written without spaces, and how texts join.

Shared by the transcript edits, the pipeline's stitching, subtitle layout and the exports, so
every layer treats Chinese, Japanese, Korean and Thai text alike.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tingxie.core.transcript import Word


def is_cjk(char: str) -> bool:
    """Whether a character belongs to a script written without spaces (Han, kana, Hangul...)."""
    if not char:
        return False
    name = unicodedata.name(char, "")
    return name.startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "IDEOGRAPHIC",
                             "FULLWIDTH", "HALFWIDTH", "THAI"))


def is_unspaced(char: str) -> bool:
    """Whether a character belongs to a script written without spaces between words: CJK
    but not Korean, whose Hangul words are spaced like Latin ones."""
    return is_cjk(char) and not unicodedata.name(char, "").startswith("HANGUL")



def from_utf16(text: str, position: int) -> int:
    """The index in ``text`` of a position counted in UTF-16 code units, as Qt counts them
    (a character outside the BMP, such as 𠮷 or an emoji, is two of them)."""
    return len(text.encode("utf-16-le")[: 2 * max(0, position)].decode("utf-16-le", "ignore"))


def to_utf16(text: str, index: int) -> int:
    """The Qt (UTF-16) position of index ``index`` in ``text``."""
    return len(text[:index].encode("utf-16-le")) // 2

def join_texts(left: str, right: str, *, phrases: bool = False) -> str:
    """Join two pieces of text the way the script expects: no space between Chinese or
    Japanese text, a space between words elsewhere (Korean included). With ``phrases`` the
    pieces are whole phrases (two lines merged), so Thai ones get a space too
    (:func:`joins_unspaced`)."""
    left, right = left.rstrip(), right.lstrip()
    if not left or not right:
        return left + right
    unspaced = joins_unspaced(left, right, phrases=phrases)
    return left + right if unspaced else f"{left} {right}"


def joins_unspaced(left: str, right: str, *, phrases: bool = False) -> bool:
    """Whether ``right`` follows ``left`` (both stripped, not empty) with no space: where
    Chinese or Japanese meets either side, looking through quotes and punctuation
    (“好”“走吧”), or where full-width punctuation does ("iPhone。" "AI").

    With ``phrases``, ``left`` and ``right`` are whole phrases (segments, subtitles, lines)
    rather than words or characters: Thai, which puts no space between its words but one
    between its phrases, then joins with a space too.
    """
    unspaced = _unspaced_phrase if phrases else is_unspaced
    return (unspaced(edge(left, last=True)) or unspaced(edge(right, last=False))
            or _wide_stop(left[-1]) or _wide_stop(right[0]))


def _unspaced_phrase(char: str) -> bool:
    """Whether two phrases meeting at ``char`` join with no space: Chinese and Japanese,
    not Thai (nor Korean)."""
    return is_unspaced(char) and not unicodedata.name(char, "").startswith("THAI")


def _wide_stop(ch: str) -> bool:
    """Full-width sentence or clause punctuation (。，、！？；：), not a bracket or a quote:
    Korean, and Latin text, put spaces around 《기생충》 and 「Norwegian Wood」."""
    return wide_punctuation(ch) and unicodedata.category(ch) == "Po"


def wide_punctuation(ch: str) -> bool:
    """Whether ``ch`` is full-width punctuation (。，、！？「」（）...): it belongs to Chinese or
    Japanese text, and no space goes either side of it."""
    return unicodedata.category(ch)[0] == "P" and unicodedata.east_asian_width(ch) in "WF"


def edge(text: str, *, last: bool) -> str:
    """The last (or first) character of ``text`` that is neither punctuation nor space, else
    its last (first) character: what decides how two texts join (“好”“走吧”, not
    “好” “走吧”)."""
    for ch in reversed(text) if last else text:
        if unicodedata.category(ch)[0] != "P" and not ch.isspace():
            return ch
    return text[-1:] if last else text[:1]


def word_offsets(text: str, words: list[Word]) -> list[int] | None:
    """Character offset of each word inside ``text``, or ``None`` if they no longer match."""
    offsets, pos = [], 0
    for w in words:
        found = text.find(w.text.strip(), pos)
        if found < 0:
            return None
        offsets.append(found)
        pos = found + len(w.text.strip())
    return offsets


def moved_offset(start: int, end: int, old: str, new: str) -> int:
    """Where the span ``start..end`` of ``old`` begins in ``new``, the text after one edit
    (typing, a paste, a deletion): unchanged when the edit came after it, shifted when the
    edit came before it, and where the edit began when the edit reached into it."""
    prefix = 0
    for a, b in zip(old, new):
        if a != b:
            break
        prefix += 1
    suffix = 0
    most = min(len(old), len(new)) - prefix
    while suffix < most and old[len(old) - 1 - suffix] == new[len(new) - 1 - suffix]:
        suffix += 1
    if end <= prefix:
        return start
    if start >= len(old) - suffix:
        return start + len(new) - len(old)
    return prefix
