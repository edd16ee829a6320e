"""The text side of subtitle layout: break units, break costs and line breaking.

A *unit* is the smallest piece of text a line or a subtitle may be broken around: a word in
scripts written with spaces, one character in Chinese and Japanese (a Latin word or a number
inside Chinese text stays whole), with punctuation glued to the word it belongs to, so that a
line never starts with a comma or ends with an opening quote.

Thai and Korean are written with spaces (Thai between phrases rather than words), so their
units are the pieces between spaces. A dialogue dash standing alone ("- No") belongs to the
word after it, so that it opens a line.

Breaks are ranked the way subtitlers rank them: after a sentence ends (an abbreviation such
as "Mr." or "U.S." ends none) or before a dialogue dash, then after a clause (comma, colon,
semicolon), then before a conjunction or a preposition, then anywhere else; a break right
after an article, a preposition or a title ("Dr.") is worse still.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from tingxie.core.text import is_cjk, joins_unspaced
from tingxie.core.text import wide_punctuation as _wide_punctuation

#: Break costs (lower is better). Breaking between subtitles costs twice as much.
AFTER_SENTENCE, AFTER_CLAUSE, BEFORE_CONNECTIVE, ANYWHERE = 0.0, 1.0, 2.0, 4.0
#: Added when a line would end on an article or a preposition ("the", "of", ...).
DANGLING = 3.0
#: Breaking after a Chinese particle that ends a word (的, 了, ...), without word segmentation
#: the next-best guess at a word boundary.
AFTER_PARTICLE = 2.5
#: Added when a break would part a number from the unit after it ("3月15" / "日", "3" / "点").
PARTED_NUMBER = 3.0
#: Chinese and Japanese units and measure words that belong to the number before them.
NUMBER_UNITS = frozenset("年月日号時时点點分秒岁歲元块塊角万萬亿億千百十个個位名次倍度周週天%％")
#: The units of a date or a time, which go on with the next number ("2024年3月" / "15日",
#: "3点" / "20分" part one date, one time): parting them costs this, less than parting a
#: number from its own unit, where a long date leaves no other choice.
DATE_UNITS = frozenset("年月日号時时点點分")
PARTED_DATE = 1.5
#: Breaking right after a speaker label ("Anna:") is never chosen between subtitles.
AFTER_LABEL = 10.0
#: Added when a line would end on a title, parting it from the name ("Mr. / Jonathan").
AFTER_TITLE = 4.0

#: Marks that end a sentence: Latin, Chinese and Japanese, the Arabic question mark (؟,
#: Arabic and Persian), the Urdu full stop (۔) and the Devanagari danda (।, ॥, Hindi).
SENTENCE_END = frozenset(".!?…。！？‼⁇⁈⁉" "؟۔" "।॥")
#: Marks that end a clause, the Arabic comma and semicolon (، ؛) among them.
CLAUSE_END = frozenset(",;:，；：、—–-" "،؛")
#: Closing quotes and brackets looked through when reading the punctuation before a break.
CLOSERS = "\"'”’»)]}）」』】〉》"
OPENERS = "\"'“‘«([{¿¡（「『【〈《"
#: Dashes that, standing alone, mark a new speaker's line in a dialogue subtitle.
DASHES = frozenset("-–—")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Words a line may start with: conjunctions and prepositions (English first, then a few of
#: the other languages Qwen3-ASR writes with spaces).
CONNECTIVES = _words("""
and but or nor so yet because although though while when whenever whereas if unless that
which who whom whose where after before since until till than as of in on at to for with
without from by about into onto over under between through during against among within
across toward towards upon like
und oder aber weil dass wenn mit für von zu nach bei
et ou mais car que qui quand avec pour dans sur sans chez
y o pero porque cuando con para en sin sobre
""")

#: Words a line should not end with: articles, determiners and the shortest prepositions.
DANGLERS = _words("""
a an the my your his her its our their this these those some any no every each
of to in on at for with from by into as
der die das ein eine le la les un une des du el los las una
""")

#: Words ending in a full stop that end no sentence (compared lower-case): titles, then
#: common abbreviations. Single capital initials ("J.") and dotted acronyms ("U.S.") neither.
TITLES = _words("mr. mrs. ms. dr. prof.")
ABBREVIATIONS = TITLES | _words("st. jr. sr. vs. etc. e.g. i.e. a.m. p.m.")
_INITIALS = re.compile(r"(?:[A-Z]\.|(?:[A-Za-z]\.){2,})")

#: Chinese conjunctions and prepositions a line may start with (longest first).
CJK_CONNECTIVES = (
    "但是", "可是", "而且", "并且", "或者", "因为", "所以", "如果", "虽然", "然后", "于是",
    "因此", "不过", "为了", "关于", "还是", "以及", "和", "与", "及", "跟", "但", "而", "或",
    "在", "对", "把", "被", "从", "向", "给", "比", "当",
)
CJK_PARTICLES = frozenset("的了着过吗呢吧啊地得")


@dataclass
class Unit:
    """An unbreakable piece of text, with its offsets in the source text and its time (ms).

    ``timed`` says whether ``start_ms``/``end_ms`` come from word times (rather than from
    the characters' share of the segment); a speaker label has ``label`` set.
    """

    text: str
    start: int
    end: int
    space_before: bool
    start_ms: int = 0
    end_ms: int = 0
    timed: bool = False
    label: bool = False


@functools.lru_cache(maxsize=4096)
def is_unspaced(char: str) -> bool:
    """Whether ``char`` belongs to a script written with no spaces at all, Chinese and
    Japanese, so that text may break between any two characters and joins with no space.

    Korean and Thai are not: Korean puts spaces between words, Thai between phrases, and a
    Thai word must not be broken.
    """
    return is_cjk(char) and not unicodedata.name(char, "").startswith(("HANGUL", "THAI"))


def joins_without_space(left: str, right: str) -> bool:
    """Whether ``right`` follows ``left`` with no space between them: where Chinese or
    Japanese meets either side, looking through quotes and punctuation (“好”“走吧”), or
    full-width punctuation does ("iPhone。" "AI"). ``left`` and ``right`` are phrases (two
    segments, two subtitles, the lines either side of a typed line break), so Thai ones
    join with a space."""
    left, right = left.rstrip(), right.lstrip()
    return bool(left and right) and joins_unspaced(left, right, phrases=True)


@functools.lru_cache(maxsize=4096)
def _kind(ch: str) -> str:
    """' ' space, 'm' combining mark, 'p' punctuation, 'c' one-character unit, 'w' word char."""
    if ch.isspace():
        return " "
    cat = unicodedata.category(ch)
    if cat[0] == "M":
        return "m"
    if cat[0] == "P":
        return "p"
    if is_unspaced(ch):
        return "c"
    return "w"


def _spaced_dash(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is a dash standing alone: space (or the text's start)
    before it and space after it."""
    return (all(ch in DASHES for ch in text[start:end])
            and (start == 0 or text[start - 1].isspace())
            and end < len(text) and text[end].isspace())


def _lone_dash(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is a dialogue dash: a dash standing alone that opens the
    text, follows the end of a sentence ("Coming? - No.") or stands in a text written as
    dialogue (one that opens with such a dash). A spaced dash inside a sentence ("the house
    – the one by the river – was gone") is punctuation of that sentence: it stays with the
    word before it, so no line starts with it and reads as another speaker."""
    if not _spaced_dash(text, start, end):
        return False
    before = text[:start].rstrip().rstrip(CLOSERS)
    if not before or before[-1] in SENTENCE_END:
        return True
    first = len(text) - len(text.lstrip())
    return _spaced_dash(text, first, first + 1)


def _opens_dialogue(unit: Unit) -> bool:
    return unit.text[:1] in DASHES and unit.text[1:2] == " "


#: Japanese characters no line may start with (kinsoku): small kana, the long-vowel mark and
#: the iteration marks. Each joins the character before it.
NO_LINE_START = frozenset("ぁぃぅぇぉっゃゅょゎゕゖ" "ァィゥェォッャュョヮヵヶ"
                          "ㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ" "ー々ゝゞヽヾ")


@functools.lru_cache(maxsize=4096)
def _katakana(ch: str) -> bool:
    """Whether ``ch`` is katakana (the long-vowel mark included): a run of it is one word,
    a loanword such as スーパーコンピューター, never broken inside."""
    return unicodedata.name(ch, "").startswith(("KATAKANA", "HALFWIDTH KATAKANA"))


def _opening(ch: str) -> bool:
    """Whether ``ch`` opens (or may open) a quote or a bracket; straight quotes may, so
    they are never parted from the word they touch."""
    return ch in OPENERS or unicodedata.category(ch) in ("Ps", "Pi")


def _wide_break(before: str, after: str) -> bool:
    """Whether a run of word characters and punctuation parts between ``before`` and
    ``after``: after full-width closing punctuation (not before more closing punctuation),
    or before full-width opening punctuation."""
    if _wide_punctuation(before) and not _opening(before):
        return _kind(after) != "p" or _opening(after)
    return _wide_punctuation(after) and _opening(after) and not _opening(before)


def _run_pieces(text: str, i: int, j: int) -> list[list]:
    """The run ``text[i:j]`` of word characters and punctuation with no space inside, as
    raw pieces ``[start, end, punctuation_only]``.

    Where such a run touches Chinese or Japanese, its punctuation belongs to the side it
    faces: in "历史。AI技术" the full stop ends the sentence before, in "叫做”ChatGPT" the
    quote closes the one before, in "用AI“很好”" the quote opens the one after. So the run is
    parted there, or the line (or the subtitle) would start with "。AI" and the sentence end
    would never be a break. Full-width punctuation is Chinese or Japanese punctuation wherever
    it stands, so the run is parted there too, even between two Latin words: after a closing
    one ("iPhone。" / "AI", "OK、" / "Google") and before an opening one ("GPT-4" / "「AI」").
    """
    cuts = [k for k in range(i + 1, j) if _wide_break(text[k - 1], text[k])]
    if i > 0 and _kind(text[i - 1]) == "c":
        k = i
        while k < j and _kind(text[k]) == "p" and not _opening(text[k]):
            k += 1
        if i < k < j:
            cuts.append(k)
    if j < len(text) and _kind(text[j]) == "c":
        k = j
        while k > i and unicodedata.category(text[k - 1]) in ("Ps", "Pi"):
            k -= 1
        if i < k < j:
            cuts.append(k)
    bounds = [i, *sorted(set(cuts)), j]
    return [[a, b, all(_kind(ch) in ("p", "m") for ch in text[a:b])]
            for a, b in itertools.pairwise(bounds) if a < b]


def units(text: str) -> list[Unit]:
    """Split ``text`` into break units (see the module docstring); whitespace is dropped.
    Japanese follows kinsoku: a katakana run is one unit, and a small kana, "ー" or "々"
    joins the character before it."""
    raw: list[list] = []  # [start, end, punctuation_only]
    i, n = 0, len(text)
    while i < n:
        kind = _kind(text[i])
        if kind == " ":
            i += 1
        elif kind == "c" and _katakana(text[i]):
            j = i + 1
            while j < n and _katakana(text[j]):
                j += 1
            if text[i] in NO_LINE_START and raw and raw[-1][1] == i:
                raw[-1][1] = j
            else:
                raw.append([i, j, False])
            i = j
        elif kind == "c":
            if text[i] in NO_LINE_START and raw and raw[-1][1] == i:
                raw[-1][1] = i + 1
            else:
                raw.append([i, i + 1, False])
            i += 1
        elif kind == "m" and raw and raw[-1][1] == i:
            raw[-1][1] = i + 1
            i += 1
        else:
            j = i
            while j < n and _kind(text[j]) in ("w", "p", "m"):
                j += 1
            raw.extend(_run_pieces(text, i, j))
            i = j
    spans: list[list[int]] = []
    opening_from: int | None = None  # start of opening punctuation waiting for its word
    for start, end, punct_only in raw:
        if not punct_only:
            spans.append([start if opening_from is None else opening_from, end])
            opening_from = None
            continue
        if _lone_dash(text, start, end):  # a dialogue dash opens the line it starts
            if opening_from is None:
                opening_from = start
            continue
        # Closing punctuation joins the word before, opening punctuation the word after.
        k = end
        while k > start and unicodedata.category(text[k - 1]) in ("Ps", "Pi"):
            k -= 1
        if k > start:
            if spans and opening_from is None:
                spans[-1][1] = k
            else:
                spans.append([start if opening_from is None else opening_from, k])
                opening_from = None
        if k < end and opening_from is None:
            opening_from = k
    if opening_from is not None:
        if spans:
            spans[-1][1] = n
        else:
            spans.append([opening_from, n])
    out: list[Unit] = []
    for k, (start, end) in enumerate(spans):
        between = text[spans[k - 1][1]:start] if k else ""
        # A typed line break is a space only where the text needs one: not in Chinese.
        space = any(ch.isspace() and ch not in "\r\n" for ch in between) or (
            "\n" in between and not joins_without_space(text[spans[k - 1][0]:spans[k - 1][1]],
                                                        text[start:end]))
        out.append(Unit(" ".join(text[start:end].split()), start, end, space))
    return out


def join_units(parts: Sequence[Unit]) -> str:
    """The text of consecutive units, with a space wherever the source had one."""
    return "".join((" " if k and u.space_before else "") + u.text for k, u in enumerate(parts))


def _core(word: str) -> str:
    return word.rstrip(CLOSERS)


def _latin_word(word: str) -> str:
    return word.strip("\"'“”‘’«»()[]{}¿¡.,;:!?…").lower()


def _abbreviation(core: str) -> bool:
    """Whether a word (its closing punctuation already stripped) is an abbreviation whose
    full stop ends no sentence: "Dr.", "e.g.", "J.", "U.S."."""
    word = core.lstrip(OPENERS)
    return word.lower() in ABBREVIATIONS or _INITIALS.fullmatch(word) is not None


def break_cost(parts: Sequence[Unit], i: int) -> float:
    """Cost of breaking a line (or a subtitle) between ``parts[i - 1]`` and ``parts[i]``."""
    before, after = parts[i - 1], parts[i]
    if before.label:
        return AFTER_LABEL
    core = _core(before.text)
    if _opens_dialogue(after):
        return AFTER_SENTENCE
    if core and core[-1] in SENTENCE_END and not (core[-1] == "." and _abbreviation(core)):
        return AFTER_SENTENCE
    if core and core[-1] in CLAUSE_END:
        return AFTER_CLAUSE
    if core.lstrip(OPENERS).lower() in TITLES:
        return ANYWHERE + AFTER_TITLE
    cost = ANYWHERE
    if _kind(after.text[0]) == "c":
        ahead = "".join(u.text for u in parts[i:i + 2])
        if ahead.startswith(CJK_CONNECTIVES):
            cost = BEFORE_CONNECTIVE
        elif core and core[-1] in CJK_PARTICLES:
            cost = AFTER_PARTICLE
    elif _latin_word(after.text) in CONNECTIVES:
        cost = BEFORE_CONNECTIVE
    if _kind(before.text[-1]) != "c" and _latin_word(before.text) in DANGLERS:
        cost += DANGLING
    if before.text[-1].isdigit() and after.text[0] in NUMBER_UNITS:
        cost += PARTED_NUMBER
    elif before.text[-1] in DATE_UNITS and after.text[0].isdigit():
        cost += PARTED_DATE
    return cost


def min_lines(parts: Sequence[Unit], max_chars: int | None) -> int:
    """Fewest lines of at most ``max_chars`` characters the units fit on (greedy filling is
    optimal for this); a unit longer than a line takes a line of its own."""
    if not parts:
        return 0
    if max_chars is None:
        return 1
    lines, length = 1, len(parts[0].text)
    for u in parts[1:]:
        add = (1 if u.space_before else 0) + len(u.text)
        if length + add <= max_chars:
            length += add
        else:
            lines, length = lines + 1, len(u.text)
    return lines


def break_lines(parts: Sequence[Unit], max_chars: int | None,
                max_lines: int | None) -> list[list[Unit]] | None:
    """The best way to put ``parts`` on the fewest lines, or ``None`` when more than
    ``max_lines`` lines would be needed.

    Among layouts with the fewest lines, the one with the cheapest breaks and the most even
    line lengths wins, a shorter top line breaking ties (a "bottom-heavy pyramid").
    """
    count = min_lines(parts, max_chars)
    if max_lines is not None and count > max_lines:
        return None
    if count <= 1 or max_chars is None:
        return [list(parts)] if parts else []
    n = len(parts)
    pos = [0] * (n + 1)
    for k, u in enumerate(parts):
        pos[k + 1] = pos[k] + (1 if k and u.space_before else 0) + len(u.text)

    def length(i: int, j: int) -> int:
        return pos[j] - pos[i] - (1 if i and parts[i].space_before else 0)

    # fits[k]: the most units the first k lines hold; rest[k]: where the last k lines can
    # start at the earliest (filling greedily either way). Line ``line`` can only end where
    # the lines before it hold what comes before and the lines after it what comes after,
    # so each line tries a line's width of ends, not all of them: linear time, not quadratic,
    # for a subtitle of many lines.
    fits, rest = [0], [n]
    for _ in range(count):
        j = fits[-1] + 1  # a line holds at least one unit
        while j < n and length(fits[-1], j + 1) <= max_chars:
            j += 1
        fits.append(min(j, n))
        i = rest[-1] - 1
        while i > 0 and length(i - 1, rest[-1]) <= max_chars:
            i -= 1
        rest.append(max(i, 0))
    target = pos[n] / count
    costs = [0.0] + [break_cost(parts, i) for i in range(1, n)]
    inf = float("inf")
    # best[line][j]: cheapest way to put parts[:j] on line + 1 lines; back[line][j]: its start.
    best: list[dict[int, float]] = [{} for _ in range(count)]
    back: list[dict[int, int]] = [{} for _ in range(count)]
    for line in range(count):
        for j in range(max(line + 1, rest[count - 1 - line]), fits[line + 1] + 1):
            for i in range(j - 1, -1, -1):
                size = length(i, j)
                if size > max_chars and j - i > 1:
                    break
                prev = 0.0 if line == 0 and i == 0 else (
                    best[line - 1].get(i, inf) if line and i else inf)
                if prev == inf:
                    continue
                cost = (prev + costs[i]
                        + 6.0 * ((size - target) / max_chars) ** 2
                        + 0.2 * (count - 1 - line) * size / max_chars)
                if cost < best[line].get(j, inf):
                    best[line][j], back[line][j] = cost, i
    lines: list[list[Unit]] = []
    j = n
    for line in range(count - 1, -1, -1):
        i = back[line][j]
        lines.append(list(parts[i:j]))
        j = i
    return lines[::-1]
