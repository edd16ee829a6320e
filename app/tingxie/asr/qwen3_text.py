"""What Qwen3-ASR writes, read without the model: shared by the local and the server engines.

The model answers ``language English<asr_text>the words`` when it detects the language, and
only ``the words`` when the prompt already ended in ``language X<asr_text>`` (a forced
language). A server such as vLLM returns that text as it is from its chat endpoint.
This module needs neither torch nor transformers.
"""

from __future__ import annotations

import math

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
