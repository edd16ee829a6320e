"""Where sentences end: in a text, or between two timed words.

A full stop ends a sentence unless it belongs to an abbreviation: a title (Mr., Mrs., Dr.,
St., Prof. ...), a Latin abbreviation (e.g., i.e., vs., cf.), a single capital initial
("J. Smith"), a dotted acronym (U.S., U.K.), or a word followed by a lower-case one ("etc.
and so on"). A decimal point is inside its word ("3.5") and never ends anything. Chinese and
Japanese marks (。！？), the Arabic question mark (؟), the Urdu full stop (۔) and the
Devanagari danda (।, ॥) always end a sentence; a closing quote or bracket stays with the
sentence it closes.
"""

from __future__ import annotations

import re

from tingxie.core.subtitle_text import CLAUSE_END, CLOSERS, SENTENCE_END, units

#: Opening quotes and brackets looked through at the start of a word.
OPENERS = "\"'“‘«([{（「『【〈《¿¡"

#: Abbreviations that never end a sentence, lower-cased, with their full stop ("no." is not
#: one: "I said no." ends a sentence far more often than "No. 5" starts one).
ABBREVIATIONS = frozenset((
    "mr.", "mrs.", "ms.", "mx.", "dr.", "prof.", "st.", "mt.", "rev.", "hon.", "capt.", "lt.",
    "sgt.", "gov.", "fr.", "e.g.", "i.e.", "vs.", "cf.", "viz.", "approx.", "fig.", "vol.",
    "pp.",
))

_INITIAL = re.compile(r"[A-Z]\.")
_ACRONYM = re.compile(r"(?:[A-Za-z]\.){2,}")
#: Marks that end a sentence whatever follows: none of them ever ends an abbreviation.
_ALWAYS_END = frozenset("。！？‼⁇⁈⁉" "؟۔" "।॥")


def _core(word: str) -> str:
    return word.strip().rstrip(CLOSERS).lstrip(OPENERS)


def is_sentence_end(word: str, following: str | None = None) -> bool:
    """Whether a sentence ends with ``word`` (a word with its punctuation, as the recogniser
    wrote it), given the word that ``following`` it (``None`` at the end of the text)."""
    core = _core(word)
    if not core or core[-1] not in SENTENCE_END:
        return False
    if core[-1] in _ALWAYS_END:
        return True
    nxt = _core(following) if following else ""
    if nxt and nxt[0].islower():  # "e.g. a lot", "etc. and", "wait... what"
        return False
    abbreviation = (core.lower() in ABBREVIATIONS or _INITIAL.fullmatch(core)
                    or _ACRONYM.fullmatch(core))
    return following is None or not abbreviation


def is_clause_end(word: str) -> bool:
    """Whether ``word`` ends a clause (a comma, a colon, a semicolon or a dash, in Latin,
    Chinese and Japanese, or Arabic script: ، ؛)."""
    core = word.strip().rstrip(CLOSERS)
    return bool(core) and core[-1] in CLAUSE_END


def split_sentences(text: str) -> list[str]:
    """Split text into sentences (Latin, CJK, Arabic and Devanagari scripts), keeping
    abbreviations, initials and decimal numbers inside their sentence."""
    parts = units(text)
    out, first = [], 0
    for k, u in enumerate(parts):
        following = parts[k + 1].text if k + 1 < len(parts) else None
        if following is None or is_sentence_end(u.text, following):
            sentence = text[parts[first].start:u.end].strip()
            if sentence:
                out.append(sentence)
            first = k + 1
    return out
