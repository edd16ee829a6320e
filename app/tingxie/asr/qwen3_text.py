"""What Qwen3-ASR writes, read without the model: shared by the local and the server engines.

The model answers ``language English<asr_text>the words`` when it detects the language, and
only ``the words`` when the prompt already ended in ``language X<asr_text>`` (a forced
language). A server such as vLLM returns that text as it is from its chat endpoint.
This module needs neither torch nor transformers.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence

from tingxie.core.languages import find_language

ASR_TEXT_TOKEN = "<asr_text>"
#: New tokens allowed beyond tokens_per_second x duration (short chunks, punctuation).
MAX_NEW_TOKENS_MARGIN = 16
#: Extra tokens for the "language English<asr_text>" prefix when the model detects it.
LANGUAGE_PREFIX_TOKENS = 8


def parse_asr_output(text: str) -> tuple[str | None, str]:
    """``(language, transcription)`` from Qwen3-ASR's raw answer.

    Follows the released parser (transformers' ``Qwen3ASRProcessor.parse_output``): text
    without ``<asr_text>`` is all transcription; ``language None`` (silence) names no
    language; otherwise the first non-empty line before the tag names it.
    """
    text = (text or "").strip()
    if not text:
        return None, ""
    if "assistant\n" in text:
        text = text.split("assistant\n", 1)[-1]
    if ASR_TEXT_TOKEN not in text:
        return None, text.strip()
    prefix, transcription = text.split(ASR_TEXT_TOKEN, 1)
    prefix = prefix.strip()
    if prefix.lower() == "language none":
        return None, transcription.strip()
    language = None
    for line in prefix.splitlines():
        line = line.strip()
        if not line:
            continue
        language = (
            line[len("language ") :].strip() if line.lower().startswith("language ") else line
        )
        break
    return language or None, transcription.strip()


def new_token_budget(
    seconds: float,
    language: str | None,
    max_new_tokens: int | None,
    tokens_per_second: float,
) -> int:
    """New tokens to allow for a chunk of ``seconds``: ``max_new_tokens`` when given, else
    ``tokens_per_second`` x seconds plus a margin, and room for the language prefix when the
    model has to detect the language (``language`` is ``None`` or not a known language)."""
    if max_new_tokens is not None:
        return max(1, int(max_new_tokens))
    budget = math.ceil(tokens_per_second * seconds) + MAX_NEW_TOKENS_MARGIN
    if language is None or find_language(language) is None:
        budget += LANGUAGE_PREFIX_TOKENS
    return budget


def repeated_runs(
    ids: Sequence[Hashable], max_period: int = 32
) -> tuple[tuple[int, int], tuple[int, int]]:
    """Back-to-back repetitions of one n-gram in ``ids``.

    Returns ``((period, covered), (tail_period, tail_covered))``: the longest such loop
    anywhere and the longest one that runs to the end, each as the n-gram's length and the
    number of tokens the loop covers (``(0, 0)`` when there is none).
    """
    n = len(ids)
    anywhere = tail = (0, 0)
    for period in range(1, min(max_period, n // 2) + 1):
        run = 0
        for j in range(period, n):
            run = run + 1 if ids[j] == ids[j - period] else 0
            if run and run + period > anywhere[1]:
                anywhere = (period, run + period)
        if run and run + period > tail[1]:
            tail = (period, run + period)
    return anywhere, tail


def looks_degenerate(ids: Sequence[Hashable], hit_limit: bool) -> bool:
    """Whether generated text tokens (ids, or token strings) look like a decoding loop.

    A loop of at least 5 copies covering 24+ tokens anywhere; or, when generation ran into
    ``max_new_tokens``, a loop of 3+ copies covering 12+ tokens at the end; or 40+ tokens of
    which fewer than 1 in 10 are distinct.
    """
    n = len(ids)
    if n < 8:
        return False
    (period, covered), (tail_period, tail_covered) = repeated_runs(ids)
    if period and covered >= 24 and covered >= 5 * period:
        return True
    if hit_limit and tail_period and tail_covered >= 12 and tail_covered >= 3 * tail_period:
        return True
    return n >= 40 and len(set(ids)) < 0.1 * n
