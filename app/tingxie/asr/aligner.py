"""Qwen3-ForcedAligner behind the Aligner protocol: word times for text already transcribed.

The aligner is Qwen3-ASR's architecture with a timestamp classifier for a head
(transformers' ``Qwen3ASRForTokenClassification``). The processor splits the text into units
(``prepare_forced_aligner_inputs``: one per CJK character, one per space-separated word,
punctuation dropped; Japanese and Korean through nagisa and soynlp), writes each unit followed
by two ``<timestamp>`` slots after the audio, and one forward pass classifies every slot into
a bin of 80 ms; ``decode_forced_alignment`` turns the bins into seconds, replacing values that
break the order by their neighbours'.

Here the units are mapped back onto the text as displayed, so that the words joined give the
text back exactly: each word carries the whitespace before it and the punctuation after it,
spaced closing punctuation included (French "Vraiment ?"), cut as an edit cuts the line
(:func:`tingxie.core.edits.word_pieces`), so that an edit elsewhere keeps these words' times.
A unit whose time the model did not predict in order, or predicted outside the chunk, is
marked estimated and interpolated between its placed neighbours.
"""

from __future__ import annotations

import gc
import importlib.util
import logging
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from tingxie.asr import device as devices
from tingxie.asr.checkpoint import check_weights, locate_model, resolve_checkpoint
from tingxie.asr.engine import SAMPLE_RATE, DeviceInfo
from tingxie.asr.errors import (
    AlignerLanguageUnsupported,
    NotAQwen3ASRCheckpoint,
    NotAQwen3ForcedAligner,
    OutOfMemory,
    is_out_of_memory,
)
from tingxie.asr.qwen3 import load_pretrained, pad_to_encoder_windows
from tingxie.core.audio import to_float
from tingxie.core.cancel import CancelToken, ProgressCallback
from tingxie.core.edits import word_pieces
from tingxie.core.languages import UnsupportedLanguage, find_language
from tingxie.core.transcript import ALIGNED, ESTIMATED, Word

log = logging.getLogger(__name__)

#: Languages the released aligner was trained on (ISO codes of core.languages).
ALIGNER_LANGUAGES = ("zh", "en", "yue", "fr", "de", "it", "ja", "ko", "pt", "ru", "es")
#: Languages whose units come from a word splitter package, and the package.
_SPLITTERS = {"ja": "nagisa", "ko": "soynlp"}
#: Chunks aligned in one forward pass on a CPU (a 30 s chunk is ~400 audio tokens plus two
#: slots per word; beyond this, larger batches only add latency).
CPU_BATCH_SIZE = 8
MAX_BATCH_SIZE = 32


def _kept(char: str) -> bool:
    """Characters the aligner's splitter keeps (letters, digits, the apostrophe)."""
    return char == "'" or unicodedata.category(char)[0] in "LN"


def _same(a: str, b: str) -> bool:
    return a == b or unicodedata.normalize("NFKC", a).casefold() == unicodedata.normalize(
        "NFKC", b
    ).casefold()


def unit_spans(text: str, units: Sequence[str]) -> list[tuple[int, int]] | None:
    """Where each unit lies in ``text``: ``(first, end)`` character offsets, ``end`` exclusive.

    Units are the text's kept characters in order, perhaps with punctuation inside a word
    dropped (``well-known`` -> ``wellknown``); ``None`` when they cannot be found in order.
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for unit in units:
        first = None
        j = 0
        while pos < len(text) and j < len(unit):
            char = text[pos]
            if _same(char, unit[j]):
                if first is None:
                    first = pos
                j += 1
            elif _kept(char) and not char.isspace():
                return None
            pos += 1
        if first is None or j < len(unit):
            return None
        spans.append((first, pos))
    return spans


def interpolate(words: list[Word], duration: float) -> None:
    """Give every estimated word times between its placed neighbours, in place.

    A run of estimated words shares the gap between the end of the placed word before it
    (or the chunk's start) and the start of the one after it (or the chunk's end), in
    proportion to their letters and digits.
    """
    k = 0
    while k < len(words):
        if words[k].timing != ESTIMATED:
            k += 1
            continue
        end = k
        while end < len(words) and words[end].timing == ESTIMATED:
            end += 1
        left = words[k - 1].end if k > 0 else 0.0
        right = words[end].start if end < len(words) else duration
        right = max(left, right)
        weights = [max(1, sum(map(_kept, w.text))) for w in words[k:end]]
        total = float(sum(weights))
        t = left
        for w, weight in zip(words[k:end], weights, strict=True):
            w.start = round(t, 3)
            t += (right - left) * weight / total
            w.end = round(t, 3)
        k = end


class Qwen3ForcedAligner:
    """Qwen3-ForcedAligner-0.6B (either checkpoint layout) through transformers.

    ``model`` is a local checkpoint folder or a hub id already in the Hugging Face cache;
    nothing is downloaded unless ``local_files_only`` is false. ``device`` and ``dtype`` work
    as for :class:`tingxie.asr.qwen3.Qwen3ASREngine` (give the engine's to share its device).
    ``batch_size`` caps the chunks aligned in one forward pass (default: by device).
    The released model places words up to 400 s into a chunk (5000 bins of 80 ms); words of
    a longer chunk that it puts at that limit are marked estimated.
    """

    def __init__(
        self,
        model: str | Path,
        device: str = "auto",
        dtype: str | torch.dtype | None = None,
        batch_size: int | None = None,
        local_files_only: bool = True,
    ) -> None:
        self.model_ref = model
        self.requested_device = device
        self.requested_dtype = dtype
        self.batch_size = batch_size
        self.local_files_only = local_files_only
        self.name = f"Qwen3-ForcedAligner ({Path(str(model)).name})"
        self.model: Any = None
        self.processor: Any = None
        self.checkpoint: Path | None = None
        self.placement: devices.Placement | None = None
        self.timestamp_token_id: int | None = None
        self.segment_ms = 80.0
        self.num_labels = 5000
        self._batch_cap: int | None = None
        self._feature_dtype = torch.float32

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def loaded(self) -> bool:
        """Whether the model is in memory."""
        return self.model is not None

    def load(self, progress: ProgressCallback | None = None) -> None:
        """Find, check (converting an original-layout checkpoint once), and load the model.

        Later calls return at once. Raises ModelNotFound, NotAQwen3ForcedAligner,
        CorruptWeights, OutOfMemory or DeviceUnavailable.
        """

        def report(fraction: float) -> None:
            if progress is not None:
                progress(min(1.0, max(0.0, fraction)))

        if self.model is not None:
            report(1.0)
            return
        report(0.0)
        try:
            folder = locate_model(self.model_ref, self.local_files_only)
            native = resolve_checkpoint(folder, lambda f: report(0.05 + 0.45 * f), "aligner")
        except NotAQwen3ForcedAligner:
            raise
        except NotAQwen3ASRCheckpoint as exc:
            raise NotAQwen3ForcedAligner(exc.folder, exc.reason) from exc
        check_weights(native)
        placement = devices.choose_placement(self.requested_device, self.requested_dtype)
        report(0.5)
        processor = self._load_processor(native)
        report(0.6)
        model = self._load_model(native, placement)
        self._feature_dtype = next(model.model.audio_tower.parameters()).dtype
        self.model, self.processor = model, processor
        self.checkpoint, self.placement = native, placement
        self.timestamp_token_id = int(model.config.timestamp_token_id)
        self.segment_ms = float(getattr(processor, "timestamp_segment_time", 80.0) or 80.0)
        self.num_labels = int(model.config.num_labels)
        report(1.0)

    def _load_processor(self, folder: Path) -> Any:
        from transformers import AutoProcessor

        try:
            processor = AutoProcessor.from_pretrained(
                str(folder), local_files_only=True, trust_remote_code=False
            )
        except (OSError, ValueError, TypeError, KeyError) as exc:
            raise NotAQwen3ForcedAligner(
                folder, f"its tokenizer or processor files cannot be loaded ({exc})"
            ) from exc
        if not hasattr(processor, "prepare_forced_aligner_inputs"):
            raise NotAQwen3ForcedAligner(folder, "its processor is not the Qwen3-ASR processor")
        template = processor.chat_template or ""
        if "<timestamp>" not in template:
            raise NotAQwen3ForcedAligner(folder, "it has no forced-alignment chat template")
        if "<timestamp>" not in processor.tokenizer.get_vocab():
            raise NotAQwen3ForcedAligner(folder, "its tokenizer has no <timestamp> token")
        return processor

    def _load_model(self, folder: Path, placement: devices.Placement) -> Any:
        from transformers import AutoModelForTokenClassification

        return load_pretrained(AutoModelForTokenClassification, folder, placement,
                               NotAQwen3ForcedAligner)

    def unload(self) -> None:
        """Free the model's memory; ``load()`` brings it back."""
        place = self.placement
        self.model = None
        self.processor = None
        gc.collect()
        if place is not None:
            devices.empty_cache(place.device)

    def device_info(self) -> DeviceInfo:
        """Where the model runs (or would run, before ``load``) and the memory it holds."""
        place = self.placement or devices.choose_placement(
            self.requested_device, self.requested_dtype
        )
        return DeviceInfo(
            device=place.device_name,
            dtype=devices.dtype_name(place.dtype),
            description=devices.describe(place.device),
            memory_used=devices.memory_used(place.device, self.model) if self.model else None,
            memory_free=devices.memory_free(place.device),
        )

    # -- languages -------------------------------------------------------------------------
    @staticmethod
    def unsupported_reason(language: str | None) -> str | None:
        """Why words of ``language`` cannot be timed (a sentence for the user), or ``None``."""
        supported = ", ".join(ALIGNER_LANGUAGES)
        if language is None or not str(language).strip():
            return f"the language is not known; the aligner supports {supported}"
        try:
            lang = find_language(language)
        except UnsupportedLanguage:
            lang = None
        if lang is None or lang.code not in ALIGNER_LANGUAGES:
            return f"the aligner supports {supported}, not {language!r}"
        package = _SPLITTERS.get(lang.code)
        if package and importlib.util.find_spec(package) is None:
            return (
                f"{lang.name} words are found by the {package} package, which is not "
                f"installed (pip install {package})"
            )
        return None

    def supports(self, language: str | None) -> bool:
        """Whether words of ``language`` (a code or name; ``None`` = unknown) can be timed:
        one of zh en yue fr de it ja ko pt ru es, with nagisa installed for Japanese and
        soynlp for Korean."""
        return self.unsupported_reason(language) is None

    def _language_name(self, language: str | None) -> str:
        reason = self.unsupported_reason(language)
        if reason is not None:
            raise AlignerLanguageUnsupported(language, ", ".join(ALIGNER_LANGUAGES), reason)
        lang = find_language(language)
        assert lang is not None
        return lang.name

    # -- alignment -------------------------------------------------------------------------
    def suggested_batch_size(self) -> int:
        """Chunks per forward pass: ``batch_size`` if given, else 8 on a CPU and 32 on a GPU;
        never more than a batch that has run out of memory."""
        place = self.placement or devices.choose_placement(
            self.requested_device, self.requested_dtype
        )
        size = self.batch_size or (CPU_BATCH_SIZE if place.device.type == "cpu" else MAX_BATCH_SIZE)
        if self._batch_cap is not None:
            size = min(size, self._batch_cap)
        return max(1, size)

    def align(
        self,
        chunks: Sequence[np.ndarray],
        texts: Sequence[str],
        languages: Sequence[str | None],
        cancel: CancelToken | None = None,
    ) -> list[list[Word]]:
        """The words of each text with their times in its chunk (see
        :meth:`tingxie.asr.engine.Aligner.align`).

        Raises AlignerLanguageUnsupported (before any work) for a language :meth:`supports`
        refuses, Cancelled, or OutOfMemory after splitting the batch down to single chunks.
        """
        if not len(chunks) == len(texts) == len(languages):
            raise ValueError(
                f"align() needs one text and one language per chunk; got {len(chunks)} "
                f"chunks, {len(texts)} texts and {len(languages)} languages"
            )
        if cancel is not None:
            cancel.raise_if_cancelled()
        audio = [to_float(c).reshape(-1) for c in chunks]
        results: list[list[Word] | None] = [None] * len(audio)
        todo: list[int] = []
        names: dict[int, str] = {}
        for i, text in enumerate(texts):
            if not text:
                results[i] = []
            elif not any(_kept(c) for c in text):
                whole = round(len(audio[i]) / SAMPLE_RATE, 3)
                results[i] = [Word(text, 0.0, whole, None, ESTIMATED)]
            else:
                names[i] = self._language_name(languages[i])
                todo.append(i)
        if todo:
            self.load()
        step = self.suggested_batch_size()
        k = 0
        while k < len(todo):
            batch = todo[k : k + step]
            if cancel is not None:
                cancel.raise_if_cancelled()
            try:
                timed = self._align_batch(
                    [audio[i] for i in batch], [texts[i] for i in batch], [names[i] for i in batch]
                )
            except Exception as exc:
                if not is_out_of_memory(exc):
                    raise
                assert self.placement is not None
                devices.empty_cache(self.placement.device)
                if len(batch) == 1:
                    raise OutOfMemory(self.placement.device_name) from exc
                step = (len(batch) + 1) // 2
                self._batch_cap = step
                log.warning("aligner out of memory with %d chunks; trying %d", len(batch), step)
                continue
            for i, words in zip(batch, timed, strict=True):
                results[i] = words
            k += len(batch)
        return [r if r is not None else [] for r in results]

    def _align_batch(
        self, audio: list[np.ndarray], texts: list[str], names: list[str]
    ) -> list[list[Word]]:
        assert self.model is not None and self.placement is not None
        padded = [pad_to_encoder_windows(a) for a in audio]
        inputs, word_lists = self.processor.prepare_forced_aligner_inputs(
            padded, list(texts), list(names)
        )
        inputs.pop("num_audio_tokens", None)
        inputs = inputs.to(self.placement.device)
        inputs["input_features"] = inputs["input_features"].to(self._feature_dtype)
        with torch.inference_mode():
            logits = self.model(**inputs).logits
        input_ids = inputs["input_ids"]
        decoded = self.processor.decode_forced_alignment(
            logits, input_ids, word_lists, self.timestamp_token_id, self.segment_ms
        )
        predicted = logits.argmax(dim=-1)
        out = []
        for row, (text, units, items) in enumerate(zip(texts, word_lists, decoded, strict=True)):
            raw = predicted[row][input_ids[row] == self.timestamp_token_id].float().cpu()
            raw_s = [round(float(v) * self.segment_ms / 1000.0, 3) for v in raw]
            duration = len(audio[row]) / SAMPLE_RATE
            out.append(self._words(text, units, items, raw_s, duration))
        return out

    def _words(
        self,
        text: str,
        units: list[str],
        items: list[dict[str, Any]],
        raw: list[float],
        duration: float,
    ) -> list[Word]:
        """Map the aligner's units back onto ``text``, marking the ones it did not place."""
        spans = unit_spans(text, units)
        if spans is None or not units:
            # The splitter changed the text beyond recognition: keep it whole, estimated.
            log.warning("aligner units do not match the text %r; its times are estimated", text)
            words = [Word(text, 0.0, duration, None, ESTIMATED)]
            interpolate(words, duration)
            return words
        # A bin's width of slack at the end: the chunk's last word can end in the last bin.
        slack = self.segment_ms / 1000.0
        # Past its last class (400 s for the released model) the aligner cannot say when a
        # word was spoken: a word it puts in the last bin is only "somewhere after".
        capacity = self.num_labels * slack - slack
        words = []
        for k, (piece, item) in enumerate(zip(word_pieces(text, spans), items, strict=True)):
            start, end = float(item["start_time"]), float(item["end_time"])
            placed = (
                2 * k + 1 < len(raw)
                and raw[2 * k] == start
                and raw[2 * k + 1] == end
                and end <= duration + slack
                and (end < capacity or duration <= capacity)
            )
            start, end = min(start, duration), min(end, duration)
            words.append(Word(piece, round(start, 3), round(end, 3), None,
                              ALIGNED if placed else ESTIMATED))
        interpolate(words, round(duration, 3))
        return words
