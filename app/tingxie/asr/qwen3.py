"""The Qwen3-ASR engine: transformers' native ``qwen3_asr`` model behind the Engine protocol.

One engine holds one loaded model. ``transcribe_batch`` builds the released prompt through the
processor (``apply_transcription_request``: context as the system prompt, a forced language
pre-filled as ``language X<asr_text>``), runs ``generate`` once for the batch, and turns each
row into a :class:`ChunkResult` with the language the model named and a confidence taken
from the probabilities the model gave the tokens it chose.

Around ``generate``: a stopping criterion ends it when the job is cancelled; an out-of-memory
error splits the batch in halves and tries again; a degenerate, looping output is retried
once with a repetition penalty.
"""

from __future__ import annotations

import gc
import logging
import math
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from transformers import StoppingCriteria, StoppingCriteriaList

from tingxie.asr import adapters, cpu_attention
from tingxie.asr import device as devices
from tingxie.asr.alternatives import place_tokens, token_bytes
from tingxie.asr.checkpoint import check_weights, locate_model, read_config, resolve_checkpoint
from tingxie.asr.engine import ChunkResult, DeviceInfo, TokenScore, TranscribeOptions
from tingxie.asr.errors import (
    CorruptWeights,
    ModelDoesNotFit,
    NotAQwen3ASRCheckpoint,
    OutOfMemory,
    WeightsDoNotMatch,
    is_out_of_memory,
)
from tingxie.asr.qwen3_text import (
    ASR_TEXT_TOKEN,
    LANGUAGE_PREFIX_TOKENS,
    looks_degenerate,
    new_token_budget,
)
from tingxie.core.audio import SAMPLE_RATE, to_float
from tingxie.core.cancel import CancelToken, ProgressCallback
from tingxie.core.errors import Cancelled
from tingxie.core.languages import find_language

log = logging.getLogger(__name__)

#: How many of the model's other top choices a doubted token keeps.
ALTERNATIVES_TOP_K = 5
#: Audio tokens the encoder emits per second of 16 kHz audio.
AUDIO_TOKENS_PER_SECOND = 13
#: Tokens a second of speech usually takes (Latin and CJK scripts alike): what progress
#: within a batch is measured against; the budget above is the upper bound, not the norm.
EXPECTED_TOKENS_PER_SECOND = 5.0
#: The share of a generate call that encoding the audio stands for in its progress.
ENCODER_SHARE = 0.15
#: The largest batch on a CPU; within it the job measures which size pays
#: (:mod:`tingxie.asr.batching`; 2 cores, 0.6B: 16 beat 8 by 40% and 32 did not beat 16).
CPU_MAX_BATCH_SIZE = 32
MAX_BATCH_SIZE = 64
#: The encoder reads audio in 1-second windows (100 mel frames).
ENCODER_WINDOW_SAMPLES = SAMPLE_RATE
#: Half the STFT window: the zeros the last mel frame needs to see past the end.
STFT_HALF_WINDOW = 200
#: Audio the encoder reads in one pass on a CPU, in whole attention windows (8 s; at least
#: one): its convolutions' activations grow with it (about 0.25 GB per 30 s chunk in bf16:
#: 2 GB for a batch of eight at once). Two windows a pass: 16 chunks of 30 s encoded in
#: 7.5-9.3 s against 8.5-12.7 with one window and 12.6-13.8 with one chunk a pass, and the
#: peak stays the prefill's (batch 4: encoder 673 MB, prefill 707). On a GPU the whole batch
#: is one pass (its size is chosen from free memory, encoder included).
ENCODER_PASS_SECONDS = 16.0
#: Mel frames per second of audio.
FRAMES_PER_SECOND = 100


def pad_to_encoder_windows(audio: np.ndarray) -> np.ndarray:
    """``audio`` followed by digital silence up to whole encoder windows (at least 12.5 ms).

    Without this, a chunk's features depend on what else is in its batch: the processor pads
    a batch with silence *before* computing mel features but pads each chunk's last window
    with zeros *after*, and the STFT's last frame sees either reflected audio or the next
    chunk's padding. Whole windows with a silent tail make a chunk's transcript the same
    whatever batch it is in (and whatever an out-of-memory split does); the model sees at
    most one second more silence, as the original library gives clips under half a second.
    """
    needed = -(-(len(audio) + STFT_HALF_WINDOW) // ENCODER_WINDOW_SAMPLES) * ENCODER_WINDOW_SAMPLES
    return np.pad(audio, (0, needed - len(audio)))


# -- hooks around generate -------------------------------------------------------------------
class CancelCriteria(StoppingCriteria):
    """Ends ``generate`` at the next token once the job's CancelToken is set."""

    def __init__(self, cancel: CancelToken | None) -> None:
        self.cancel = cancel

    def __call__(self, input_ids: torch.LongTensor, scores: Any, **kwargs: Any) -> torch.Tensor:
        stop = self.cancel is not None and self.cancel.cancelled
        return torch.full((input_ids.shape[0],), stop, dtype=torch.bool, device=input_ids.device)


class ProgressCriteria(StoppingCriteria):
    """Reports a generate call's progress: ``ENCODER_SHARE`` once the audio is encoded (the
    first step), then decoded tokens against ``expected`` of them, never reaching 1."""

    def __init__(self, report: Callable[[float], None] | None, expected: int) -> None:
        self.report = report
        self.expected = max(1, expected)
        self.steps = 0

    def __call__(self, input_ids: torch.LongTensor, scores: Any, **kwargs: Any) -> torch.Tensor:
        self.steps += 1
        if self.report is not None:
            decoded = min(1.0, self.steps / self.expected)
            self.report(min(0.95, ENCODER_SHARE + (1.0 - ENCODER_SHARE) * decoded))
        return torch.zeros(input_ids.shape[0], dtype=torch.bool, device=input_ids.device)


class _TokenProbabilities(StoppingCriteria):
    """Records log p(chosen token) under the model's own (unprocessed) distribution.

    A forward hook on ``lm_head`` keeps the last position's log-softmax; this criterion,
    which ``generate`` calls right after choosing each token, picks the chosen token's entry.
    Only one step's distribution is held at a time, unlike ``output_scores``/``output_logits``
    which keep a vocabulary-wide row per step. With ``top_k``, it also keeps the ``top_k``
    most likely tokens of each step (a few numbers per token, kept on the device so no step
    waits for a copy; the engine keeps them only for the tokens it doubts). It also times
    the phases of generation.
    """

    def __init__(self, sync_device: torch.device | None, top_k: int = 0) -> None:
        self.sync_device = sync_device
        self.top_k = top_k
        self.pending: torch.Tensor | None = None
        self.values: list[torch.Tensor] = []
        self.top_values: list[torch.Tensor] = []
        self.top_ids: list[torch.Tensor] = []
        self.started = time.perf_counter()
        self.first_logits: float | None = None
        self.encoder_seconds = 0.0
        self._encoder_started = 0.0

    def _now(self) -> float:
        if self.sync_device is not None:
            devices.synchronize(self.sync_device)
        return time.perf_counter()

    def on_logits(self, module: torch.nn.Module, args: Any, output: torch.Tensor) -> None:
        self.pending = torch.log_softmax(output[:, -1, :].float(), dim=-1)
        if self.first_logits is None:
            self.first_logits = self._now()

    def on_encoder_start(self, module: torch.nn.Module, args: Any) -> None:
        self._encoder_started = self._now()

    def on_encoder_end(self, module: torch.nn.Module, args: Any, output: Any) -> None:
        self.encoder_seconds += self._now() - self._encoder_started

    def __call__(self, input_ids: torch.LongTensor, scores: Any, **kwargs: Any) -> torch.Tensor:
        if self.pending is not None:
            chosen = input_ids[:, -1:].to(self.pending.device)
            self.values.append(self.pending.gather(1, chosen).squeeze(1))
            if self.top_k:
                top = self.pending.topk(self.top_k, dim=-1)
                self.top_values.append(top.values)
                self.top_ids.append(top.indices)
            self.pending = None
        return torch.zeros(input_ids.shape[0], dtype=torch.bool, device=input_ids.device)

    def log_probs(self) -> torch.Tensor:
        """(batch, steps) log-probabilities of the chosen tokens, on the CPU."""
        if not self.values:
            return torch.zeros((0, 0))
        return torch.stack(self.values, dim=1).float().cpu()

    def top(self) -> tuple[torch.Tensor, torch.Tensor] | None:
        """(batch, steps, k) log-probabilities and ids of each step's most likely tokens, on
        the CPU; ``None`` without ``top_k``."""
        if not self.top_values:
            return None
        return (torch.stack(self.top_values, dim=1).float().cpu(),
                torch.stack(self.top_ids, dim=1).cpu())


@dataclass
class GenerationStats:
    """Where the time of the last ``transcribe_batch`` went (all generate calls together)."""

    chunks: int = 0
    audio_seconds: float = 0.0
    generate_calls: int = 0
    encoder_seconds: float = 0.0
    prefill_seconds: float = 0.0  # decoder prefill, encoder excluded
    decode_seconds: float = 0.0  # every step after the first token
    decode_steps: int = 0  # steps after the first; each makes one token per batch row
    first_token_seconds: float | None = None  # from the call's start to its first token
    started_at: float = 0.0  # time.perf_counter() when the call began
    new_tokens: int = 0  # tokens generated, summed over rows (up to each row's end)
    wall_seconds: float = 0.0
    batch_sizes: list[int] = field(default_factory=list)

    @property
    def ms_per_step(self) -> float | None:
        """Milliseconds per decoding step (one new token for every row of the batch)."""
        return 1000 * self.decode_seconds / self.decode_steps if self.decode_steps else None

    @property
    def real_time_factor(self) -> float | None:
        """Seconds of work per second of audio."""
        return self.wall_seconds / self.audio_seconds if self.audio_seconds else None


@dataclass
class _Decoded:
    result: ChunkResult
    degenerate: bool



def _few(names: Sequence[str], shown: int = 3) -> str:
    return ", ".join(names[:shown]) + (", ..." if len(names) > shown else "")


def _shape_mismatches(folder: Path, config: Any) -> str:
    """Which tensors in ``folder`` have another shape than ``config`` builds, as words."""
    from safetensors import safe_open
    from transformers import AutoModelForSpeechSeq2Seq

    try:
        with torch.device("meta"):  # shapes only: no memory, no initialisation
            skeleton = AutoModelForSpeechSeq2Seq.from_config(config)
        expected = {k: list(v.shape) for k, v in skeleton.state_dict().items()}
        found: list[str] = []
        for path, names in _tensors_by_file(folder).items():
            with safe_open(str(path), framework="pt", device="cpu") as f:  # lazy
                for name in names:
                    shape = list(f.get_slice(name).get_shape())
                    if name in expected and expected[name] != shape:
                        found.append(f"{name} is {shape}, config.json wants {expected[name]}")
    except Exception:  # only a better message is at stake
        log.debug("could not compare the weights' shapes", exc_info=True)
        return "tensors of another shape"
    if not found:
        return "tensors of another shape"
    return f"{len(found)} tensor(s) of another shape: {_few(sorted(found), 2)}"


def _tensors_by_file(folder: Path) -> dict[Path, list[str]]:
    files: dict[Path, list[str]] = {}
    for name, path in check_weights(folder).items():
        files.setdefault(path, []).append(name)
    return files


def load_pretrained(auto_class: Any, folder: Path, placement: devices.Placement,
                    not_a_model: Callable[[Path, str], Exception]) -> Any:
    """A checked safetensors checkpoint loaded with ``auto_class`` (the recogniser's or the
    aligner's), placed and in eval mode; the typed errors name the folder and the problem:
    ``not_a_model`` for a bad config, out of memory, weights that do not match the config,
    corrupt weights."""
    from safetensors import SafetensorError
    from transformers import AutoConfig
    from transformers.utils import logging as hf_logging

    try:
        config = AutoConfig.from_pretrained(
            str(folder), local_files_only=True, trust_remote_code=False
        )
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise not_a_model(folder, f"its config.json is not valid ({exc})") from exc
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        model, info = auto_class.from_pretrained(
            str(folder),
            config=config,
            dtype=placement.dtype,
            use_safetensors=True,
            local_files_only=True,
            trust_remote_code=False,
            output_loading_info=True,
            # transformers 5.25 kernelizes by default, with compiled kernels fetched from
            # the Hub: a local app runs no code from the Hub (and the bundle leaves the
            # `kernels` package out, installers/bundle_contents.BUNDLE_LEFT_OUT).
            use_kernels=False,
        )
        model = model.to(placement.device).eval()
    except Exception as exc:
        if is_out_of_memory(exc):
            devices.empty_cache(placement.device)
            raise ModelDoesNotFit(placement.device_name, str(folder)) from exc
        if isinstance(exc, (RuntimeError, ValueError)) and "mismatch" in str(exc).lower():
            # Truncated files were caught by check_weights before: these are whole files
            # of another shape (transformers refuses them when sizes mismatch).
            raise WeightsDoNotMatch(folder, _shape_mismatches(folder, config)) from exc
        if isinstance(exc, (SafetensorError, OSError, ValueError, RuntimeError)):
            raise CorruptWeights(folder, f"the weights cannot be loaded ({exc})") from exc
        raise
    finally:
        if bars:
            hf_logging.enable_progress_bar()
    missing = sorted(str(p) for p in info.get("missing_keys", ()))
    misshapen = sorted(str(p[0] if isinstance(p, tuple) else p)
                       for p in info.get("mismatched_keys", ()))  # fmt: skip
    if missing or misshapen:
        parts = []
        if missing:
            parts.append(f"{len(missing)} tensor(s) missing: {_few(missing)}")
        if misshapen:
            parts.append(f"{len(misshapen)} of another shape: {_few(misshapen)}")
        raise WeightsDoNotMatch(folder, "; ".join(parts))
    return model


def _template_error(folder: Path, exc: BaseException) -> NotAQwen3ASRCheckpoint:
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return NotAQwen3ASRCheckpoint(
        folder,
        f"its chat template (chat_template.jinja or tokenizer_config.json) is broken or "
        f"unsafe and was refused ({type(exc).__name__}: {first}); restore that file from the "
        "released model",
    )


def _template_drops_audio(processor: Any, audio_token: str) -> bool:
    """Whether the chat template's source never writes the audio placeholder (the tokenized
    render then fails on the audio features, whatever the transformers release says)."""
    template = getattr(processor, "chat_template", None)
    if isinstance(template, dict):
        template = template.get("default")
    return isinstance(template, str) and audio_token not in template


def _check_chat_template(processor: Any, folder: Path) -> None:
    """Render the prompt once, with and without a forced language and context, so a broken
    or sandbox-refused template fails the load (naming the folder), not the first file."""
    import jinja2

    probe = np.zeros(ENCODER_WINDOW_SAMPLES, dtype=np.float32)
    audio_token = getattr(processor, "audio_token", None) or "<|audio_pad|>"
    for language, context in ((None, None), ("English", "Tingxie")):
        try:
            # The same call as transcription (tokenized): every supported transformers
            # release takes it; ``tokenize=False`` is refused by some.
            inputs = processor.apply_transcription_request(
                [probe],
                language=[language] if language else None,
                prompt=[context] if context else None,
            )
        except (
            jinja2.TemplateError,  # syntax errors, and what the sandbox refuses
            ValueError,
            TypeError,
            KeyError,
            IndexError,
            AttributeError,
            OverflowError,  # the sandbox's range() limit
            RecursionError,
        ) as exc:
            if _template_drops_audio(processor, audio_token):
                raise NotAQwen3ASRCheckpoint(
                    folder, "its chat template does not put the audio into the prompt"
                ) from exc
            raise _template_error(folder, exc) from exc
        audio_id = processor.tokenizer.convert_tokens_to_ids(audio_token)
        ids = inputs.get("input_ids") if hasattr(inputs, "get") else None
        if ids is None or audio_id not in np.asarray(ids).reshape(-1).tolist():
            raise NotAQwen3ASRCheckpoint(
                folder, "its chat template does not put the audio into the prompt"
            )


class Int8Linear(torch.nn.Module):
    """A Linear layer with int8 weights (one scale per output channel) in a bf16/fp32 model.

    torch's dynamic quantised Linear takes and returns float32 only; this wrapper converts
    at its edges, so the rest of the decoder (norms, attention, the KV cache) keeps the
    model's dtype and a bfloat16 model does not grow a float32 copy of its activations and
    cache. For a float32 model the conversions are no-ops.
    """

    def __init__(self, quantized: torch.nn.Module) -> None:
        super().__init__()
        self.quantized = quantized
        self.in_features = quantized.in_features
        self.out_features = quantized.out_features

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x @ W.T + b`` with int8 ``W``, in ``x``'s dtype."""
        if x.dtype == torch.float32:
            return self.quantized(x)
        return self.quantized(x.float()).to(x.dtype)


#: Rows of a weight converted to float32 at a time while quantising (32 MB for the LM head).
QUANTIZE_ROWS = 8192


def quantize_linear_int8(linear: torch.nn.Linear) -> Int8Linear:
    """``linear`` with its weight quantised to int8 per output channel.

    The same observer, int8 values and kernel as ``torch.ao.quantization.quantize_dynamic``
    with ``per_channel_dynamic_qconfig``, but the weight is read in blocks of rows (each
    row's scale depends on that row alone), so no more than :data:`QUANTIZE_ROWS` rows are
    ever in float32; ``linear`` itself is left untouched (its weight may be tied to the
    embeddings).
    """
    quantization = torch.ao.quantization
    qconfig = quantization.per_channel_dynamic_qconfig
    weight = linear.weight.detach()
    values, scales, zero_points = [], [], []
    with warnings.catch_warnings():
        # torch deprecates its quantised tensor types in favour of torchao; they still work
        # (torchao's int8 weight-only layers were measured slower here without compiling).
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        for start in range(0, weight.shape[0], QUANTIZE_ROWS):
            rows = weight[start : start + QUANTIZE_ROWS].float()
            observer = qconfig.weight()
            observer(rows)
            scale, zero_point = observer.calculate_qparams()
            quantized_rows = torch.quantize_per_channel(
                rows, scale.double(), zero_point.long(), 0, torch.qint8
            )
            values.append(quantized_rows.int_repr())
            scales.append(quantized_rows.q_per_channel_scales())
            zero_points.append(quantized_rows.q_per_channel_zero_points())
            del rows, quantized_rows
        qweight = torch._make_per_channel_quantized_tensor(
            torch.cat(values), torch.cat(scales), torch.cat(zero_points), 0
        )
        del values
        layer = torch.ao.nn.quantized.dynamic.Linear(
            linear.in_features,
            linear.out_features,
            bias_=linear.bias is not None,
            dtype=torch.qint8,
        )
        bias = None if linear.bias is None else linear.bias.detach().float()
        layer.set_weight_bias(qweight, bias)
    return Int8Linear(layer)


def _quantize_decoder_int8(model: Any) -> Any:
    """Dynamic int8 quantisation of the text decoder's Linear layers and the LM head, in place.

    Weights become int8 with one scale per output channel (per-tensor scales lose too much
    on LLM weights with outlier rows); activations are quantised per call, in float32. The
    audio encoder and projector keep their dtype: the encoder's convolutions and large
    matrices run faster in bfloat16 than through int8 with per-call quantisation (measured:
    encoder 8.6 s bf16 vs 23.3 s int8 for 4 minutes of audio).

    One layer at a time, a block of rows at a time: each Linear is quantised and replaced
    before the next, so the peak is the model plus a few float32 rows, not a float32 copy of
    the whole decoder (1.7 GB more for the 0.6B model). The embeddings keep the model's dtype.
    """
    decoder = model.model.language_model
    # Names, not modules: a list of the layers themselves would keep every bf16 weight alive.
    targets = [
        (parent, name)
        for parent in decoder.modules()
        for name, child in parent.named_children()
        if type(child) is torch.nn.Linear
    ]
    targets.append((model, "lm_head"))
    tied = {model.model.language_model.get_input_embeddings().weight.data_ptr()}
    mapped = _mapped_weight_files()
    for parent, name in targets:
        linear = getattr(parent, name)
        setattr(parent, name, quantize_linear_int8(linear))
        if linear.weight.data_ptr() not in tied:
            _release_pages(linear.weight, mapped)
        del linear
    gc.collect()
    return model


def _mapped_weight_files() -> list[tuple[int, int]]:
    """Address ranges where a ``.safetensors`` file is mapped into this process (Linux)."""
    ranges = []
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
            for line in maps:
                fields = line.split(maxsplit=5)
                if len(fields) == 6 and fields[5].rstrip().endswith(".safetensors"):
                    start, end = fields[0].split("-")
                    ranges.append((int(start, 16), int(end, 16)))
    except OSError:  # not Linux: nothing is released, only memory is at stake
        return []
    return ranges


def _release_pages(tensor: torch.Tensor, mapped: list[tuple[int, int]]) -> None:
    """Drop the pages of ``tensor``, about to be dropped itself, that it was read from.

    transformers maps the safetensors file into memory; a weight read once stays counted
    in the process's memory until the whole file is unmapped, which the embeddings and the
    encoder prevent. Without this the bf16 pages of every quantised layer would stay
    resident next to their int8 copies (measured: 1.3 GB more at peak for the 0.6B model).
    Only whole pages inside a mapped weight file are released: the kernel reads them from
    the file again should anything touch them; memory of any other kind is left alone.
    """
    nbytes = tensor.numel() * tensor.element_size()
    start = tensor.data_ptr()
    if tensor.device.type != "cpu" or not any(
            low <= start and start + nbytes <= high for low, high in mapped):
        return
    devices.drop_pages(start, start + nbytes)


def _encode_in_passes(language_model: Any) -> None:
    """Make ``language_model`` (a ``Qwen3ASRModel``) encode a batch's audio in passes of at
    most :data:`ENCODER_PASS_SECONDS`, in place.

    The encoder's attention reads each chunk in windows of ``n_window_infer`` mel frames (8 s)
    from its start, and its convolutions each 1 s of frames on its own; so the pieces of a
    chunk cut at window boundaries, encoded as rows of their own, give the chunk's own packed
    encoding one after another, and the chunks of a batch do not depend on each other. The
    passes' outputs, put one after another, are those of a single pass over the whole batch,
    without its memory peak (the first convolution's activations: about 0.25 GB for 30 s).
    """
    whole = language_model.get_audio_features
    audio = language_model.config.audio_config
    chunk = 2 * int(audio.n_window)
    window = int(getattr(audio, "n_window_infer", 0) or 0)

    def get_audio_features(
        input_features: torch.Tensor, input_features_mask: torch.Tensor, **kwargs: Any
    ) -> Any:
        frames = input_features.shape[-1]
        # Whole windows per piece (a piece of several keeps the windows at their places).
        piece = frames
        if window > 0 and window % chunk == 0:
            piece = min(frames, max(window, int(ENCODER_PASS_SECONDS * FRAMES_PER_SECOND)
                                    // window * window))
        rows_per_pass = max(1, int(ENCODER_PASS_SECONDS * FRAMES_PER_SECOND) // piece)
        pieces = _pieces(input_features, input_features_mask, piece, chunk)
        if len(pieces) <= rows_per_pass and piece == frames:
            return whole(input_features, input_features_mask, **kwargs)
        passes = []
        for i in range(0, len(pieces), rows_per_pass):
            group = pieces[i : i + rows_per_pass]
            longest = max(f.shape[-1] for f, _ in group)
            passes.append(whole(
                torch.stack([F.pad(f, (0, longest - f.shape[-1])) for f, _ in group]),
                torch.stack([F.pad(m, (0, longest - m.shape[-1])) for _, m in group]),
                **kwargs))
        output = passes[0]
        output.last_hidden_state = torch.cat([p.last_hidden_state for p in passes])
        output.pooler_output = torch.cat([p.pooler_output for p in passes])
        return output

    language_model.get_audio_features = get_audio_features


def _pieces(features: torch.Tensor, mask: torch.Tensor, piece: int,
            chunk: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Each row of ``features`` (batch, mels, frames) cut into ``piece`` frames, each piece
    ending with its last ``chunk`` (the convolutions' 1 s) that holds an unmasked frame: the
    padding of a row shorter than the batch's longest is not encoded only to be dropped, and
    pieces with no unmasked frame are left out."""
    out = []
    for row in range(features.shape[0]):
        valid = mask[row].nonzero()
        end = int(valid[-1]) + 1 if len(valid) else 0
        for start in range(0, end, piece):
            stop = min(start + piece, -(-end // chunk) * chunk)
            out.append((features[row, :, start:stop], mask[row, start:stop]))
    return out


def _channels_last_convolutions(tower: Any) -> None:
    """Keep the audio encoder's convolution weights channels-last (in place).

    oneDNN, torch's CPU convolution, runs the encoder's three 3x3 convolutions faster on
    channels-last tensors and picks that layout for the output when the weight has it (the
    whole encoder, 2 chunks of 30 s in bf16: 0.95 s against 1.2 s; the same output).
    """
    for name in ("conv2d1", "conv2d2", "conv2d3"):
        conv = getattr(tower, name, None)
        if isinstance(conv, torch.nn.Conv2d):
            conv.weight.data = conv.weight.data.contiguous(memory_format=torch.channels_last)


# -- the engine ------------------------------------------------------------------------------
class Qwen3ASREngine:
    """Qwen3-ASR (0.6B or 1.7B, either checkpoint layout) through transformers.

    ``model`` is a local checkpoint folder or a hub id already in the Hugging Face cache;
    nothing is downloaded unless ``local_files_only`` is false. ``device`` is ``"auto"``,
    ``"cpu"``, ``"cuda"`` or ``"mps"``; ``dtype`` overrides the device's default
    (:func:`tingxie.asr.device.choose_placement`). ``quantize_int8`` applies dynamic int8
    quantisation to the text decoder's Linear layers on a CPU (ignored on a GPU); the audio
    encoder keeps the device's dtype. ``adapter`` is a folder made by ``tingxie adapt``: its
    LoRA weights are merged into the model's at load (so it runs as fast as without), and
    an adapter made for another base model is refused with :class:`AdapterMismatch`.
    int8 quantises one layer at a time (loading never holds a float32 copy of the decoder);
    the embeddings, norms and KV cache keep the device's dtype.
    """

    def __init__(
        self,
        model: str | Path,
        device: str = "auto",
        dtype: str | torch.dtype | None = None,
        quantize_int8: bool = False,
        local_files_only: bool = True,
        adapter: str | Path | None = None,
    ) -> None:
        self.model_ref = model
        self.adapter = Path(adapter).expanduser() if adapter is not None else None
        self.requested_device = device
        self.requested_dtype = dtype
        self.quantize_int8 = quantize_int8
        self.local_files_only = local_files_only
        self.name = f"Qwen3-ASR ({Path(str(model)).name})"
        if self.adapter is not None:
            self.name = f"Qwen3-ASR ({Path(str(model)).name} + {self.adapter.name})"
        #: Synchronise the GPU around timed phases (benchmarks); costs a little speed.
        self.collect_timings = False
        #: The KV cache: ``None`` picks per device (static on a CPU, dynamic on a GPU);
        #: ``"static"`` or ``"dynamic"`` force one (benchmarks).
        self.cache_implementation: str | None = None
        #: Compile the decoder step with torch.compile (static cache only; the first batch
        #: of each new shape pays the compilation).
        self.compile_decoder = False
        self.last_stats: GenerationStats | None = None
        #: On a CPU the decoder attends over the KV cache positions in use only
        #: (:mod:`tingxie.asr.cpu_attention`); off: over the whole cache (comparisons). Never
        #: when compiling the step (one graph per shape).
        self.trim_attention = True
        self._trimmed = False  # the loaded model can (its decoder runs SDPA on a CPU)
        #: The pipeline picks the batch size below :meth:`suggested_batch_size` by timing
        #: its own batches (:class:`tingxie.asr.batching.BatchSizer`).
        self.batch_size_by_measurement = True
        self.model: Any = None
        self.processor: Any = None
        self.checkpoint: Path | None = None
        self.placement: devices.Placement | None = None
        self.quantized = False
        self._asr_text_id: int | None = None
        self._eos_ids: set[int] = set()
        self._batch_cap: int | None = None
        #: While a batch runs with a progress callback: (callback, chunks in the batch).
        self._batch_progress: tuple[ProgressCallback, int] | None = None
        self._feature_dtype = torch.float32
        self._bytes_cache: dict[int, bytes | None] = {}
        self._special_ids: set[int] | None = None

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def loaded(self) -> bool:
        """Whether the model is in memory."""
        return self.model is not None

    def load(self, progress: ProgressCallback | None = None,
             cancel: CancelToken | None = None) -> None:
        """Find, check (converting an original-layout checkpoint once), and load the model.

        Later calls return at once. Raises ModelNotFound, NotAQwen3ASRCheckpoint,
        CorruptWeights, ModelDoesNotFit (an OutOfMemory) or DeviceUnavailable; with an
        adapter also InvalidAdapter, AdapterMismatch or MissingAdaptDependency. A ``cancel``
        is looked at between the steps (Cancelled; nothing is kept loaded).
        """

        def report(fraction: float) -> None:
            if cancel is not None:
                cancel.raise_if_cancelled()
            if progress is not None:
                progress(min(1.0, max(0.0, fraction)))

        if self.model is not None:
            if progress is not None:
                progress(1.0)
            return
        report(0.0)
        folder = locate_model(self.model_ref, self.local_files_only)
        native = resolve_checkpoint(folder, lambda f: report(0.05 + 0.45 * f))
        check_weights(native)
        if self.adapter is not None:  # before the weights load: a mismatch is found at once
            adapters.check_adapter(self.adapter, native)
        placement = devices.choose_placement(self.requested_device, self.requested_dtype)
        quantize = self.quantize_int8 and placement.device.type == "cpu"
        if self.quantize_int8 and not quantize:
            log.warning("int8 quantisation runs on the CPU only; loading %s as is", placement)
        report(0.5)
        processor = self._load_processor(native)
        report(0.6)
        model = self._load_model(native, placement)
        quantizing = False
        try:
            if self.adapter is not None:
                model = adapters.merge_adapter(model, self.adapter).eval()
            report(0.8)
            if quantize:
                quantizing = True
                model = _quantize_decoder_int8(model)
        except Exception as exc:
            # peft's out-of-memory comes wrapped as an adapter that cannot be loaded.
            cause = exc.__cause__ if isinstance(exc, adapters.InvalidAdapter) else exc
            if cause is None or not is_out_of_memory(cause):
                raise
            del model
            gc.collect()
            devices.empty_cache(placement.device)
            raise ModelDoesNotFit(placement.device_name, f"{self.model_ref} {native}",
                                  quantizing) from exc
        self._feature_dtype = next(model.model.audio_tower.parameters()).dtype
        if placement.device.type == "cpu":
            _encode_in_passes(model.model)  # a GPU's batch size already counts the encoder
            _channels_last_convolutions(model.model.audio_tower)
            # Static KV cache on a CPU: attend over the positions in use, not the whole cache,
            # and keep its unused tail out of memory (a GPU's dynamic cache has no tail).
            self._trimmed = cpu_attention.use_trimmed_attention(model)
            cpu_attention.release_unused_cache(model)
        self.model, self.processor = model, processor
        self.checkpoint, self.placement, self.quantized = native, placement, quantize
        vocab = processor.tokenizer.get_vocab()
        self._asr_text_id = vocab.get(ASR_TEXT_TOKEN)
        eos = model.generation_config.eos_token_id
        self._eos_ids = set(eos if isinstance(eos, (list, tuple)) else [eos])
        self._eos_ids.discard(None)
        if progress is not None:  # loaded: a cancel from now on is the next step's to see
            progress(1.0)

    def _load_processor(self, folder: Path) -> Any:
        from transformers import AutoProcessor

        try:
            processor = AutoProcessor.from_pretrained(
                str(folder), local_files_only=True, trust_remote_code=False
            )
        except (OSError, ValueError, TypeError, KeyError) as exc:
            raise NotAQwen3ASRCheckpoint(
                folder, f"its tokenizer or processor files cannot be loaded ({exc})"
            ) from exc
        if not hasattr(processor, "apply_transcription_request"):
            raise NotAQwen3ASRCheckpoint(folder, "its processor is not the Qwen3-ASR processor")
        if processor.chat_template is None:
            raise NotAQwen3ASRCheckpoint(folder, "it has no chat template")
        _check_chat_template(processor, folder)
        return processor

    def _load_model(self, folder: Path, placement: devices.Placement) -> Any:
        from transformers import AutoModelForSpeechSeq2Seq

        return load_pretrained(AutoModelForSpeechSeq2Seq, folder, placement,
                               NotAQwen3ASRCheckpoint)

    def unload(self) -> None:
        """Free the model's memory; ``load()`` brings it back."""
        place = self.placement
        self.model = None
        self.processor = None
        gc.collect()
        if place is not None:
            devices.empty_cache(place.device)

    # -- device ----------------------------------------------------------------------------
    def device_info(self) -> DeviceInfo:
        """Where the model runs (or would run, before ``load``) and the memory it holds."""
        place = self.placement or devices.choose_placement(
            self.requested_device, self.requested_dtype
        )
        if self.quantize_int8 and place.device.type == "cpu":
            dtype = "int8"
        else:
            dtype = devices.dtype_name(place.dtype)
        return DeviceInfo(
            device=place.device_name,
            dtype=dtype,
            description=devices.describe(place.device),
            memory_used=devices.memory_used(place.device, self.model) if self.model else None,
            memory_free=devices.memory_free(place.device),
        )

    def suggested_batch_size(self, chunk_seconds: float) -> int:
        """How many chunks of ``chunk_seconds`` to decode together on this device.

        On a GPU: what fits in 80% of the free memory by an estimate of one chunk's KV cache
        and activations. On a CPU: what fits in half the free RAM, at most 32. Never more
        than a batch that has already run out of memory. This is a ceiling: a job measures
        which size below it pays (:attr:`batch_size_by_measurement`).
        """
        place = self.placement or devices.choose_placement(
            self.requested_device, self.requested_dtype
        )
        per_chunk = self._bytes_per_chunk(max(1.0, chunk_seconds), place)
        free = devices.memory_free(place.device)
        if place.device.type == "cpu":
            size = CPU_MAX_BATCH_SIZE
            if free is not None:
                size = min(size, int(0.5 * free // per_chunk))
        else:
            size = MAX_BATCH_SIZE if free is None else int(0.8 * free // per_chunk)
        if self._batch_cap is not None:
            size = min(size, self._batch_cap)
        return max(1, min(MAX_BATCH_SIZE, size))

    def _bytes_per_chunk(self, seconds: float, place: devices.Placement) -> int:
        """A generous estimate of the memory one chunk adds to a batch."""
        try:
            config = read_config(self.checkpoint) if self.checkpoint else None
        except NotAQwen3ASRCheckpoint:
            config = None
        text = (config or {}).get("text_config") or {}
        layers = int(text.get("num_hidden_layers", 28))
        kv_heads = int(text.get("num_key_value_heads", 8))
        head_dim = int(text.get("head_dim", 128))
        hidden = int(text.get("hidden_size", 2048))
        inter = int(text.get("intermediate_size", 6144))
        vocab = int(text.get("vocab_size", 151_936))
        size = 4 if place.dtype == torch.float32 else 2
        tokens = AUDIO_TOKENS_PER_SECOND * seconds + 12.0 * seconds + 128
        kv_cache = 2 * layers * kv_heads * head_dim * size * tokens
        prefill = tokens * (3 * inter + 4 * hidden) * size
        encoder = 480 * 64 * 50 * size * seconds * 2  # first convolution's output, x2
        logits = 4 * vocab * 4
        return int(1.5 * (kv_cache + prefill + encoder + logits))

    @property
    def device(self) -> torch.device:
        """The torch device the model is on."""
        if self.placement is None:
            raise RuntimeError("the model is not loaded")
        return self.placement.device

    # -- prompts ---------------------------------------------------------------------------
    @staticmethod
    def forced_language(options: TranscribeOptions) -> str | None:
        """The English name the model knows for ``options.language``; ``None`` for auto.

        Raises :class:`UnsupportedLanguage` for a language Qwen3-ASR does not know.
        """
        language = find_language(options.language)
        return language.name if language else None

    def prepare_inputs(self, chunks: Sequence[np.ndarray], options: TranscribeOptions) -> Any:
        """The processor's output for ``chunks`` (the exact tensors ``generate`` receives,
        before they move to the device)."""
        import jinja2

        if self.processor is None:
            self.load()
        language = self.forced_language(options)
        audio = [
            pad_to_encoder_windows(to_float(c).reshape(-1)) for c in chunks
        ]
        context = options.context.strip() or None
        count = len(audio)
        try:
            return self.processor.apply_transcription_request(
                audio,
                language=[language] * count if language else None,
                prompt=[context] * count if context else None,
            )
        except jinja2.TemplateError as exc:  # load() tried the template; a branch it missed
            raise _template_error(self.checkpoint or Path(str(self.model_ref)), exc) from exc

    def build_prompt_texts(
        self, chunks: Sequence[np.ndarray], options: TranscribeOptions
    ) -> list[str]:
        """The prompts the model reads for ``chunks``, decoded with their special tokens
        (padding removed): what ``transcribe_batch`` sends, for inspection and tests."""
        inputs = self.prepare_inputs(chunks, options)
        texts = []
        for ids, mask in zip(inputs["input_ids"], inputs["attention_mask"], strict=True):
            kept = ids[mask.bool()].tolist()
            texts.append(self.processor.tokenizer.decode(kept, skip_special_tokens=False))
        return texts

    # -- token scores ----------------------------------------------------------------------
    def _token_bytes(self, token_id: int) -> bytes | None:
        """The bytes a token stands for; ``None`` for special and added tokens (never
        offered as an alternative)."""
        cache = self._bytes_cache
        if token_id not in cache:
            tokenizer = self.processor.tokenizer
            if token_id in self._special_ids or token_id >= len(tokenizer):
                cache[token_id] = None
            else:
                cache[token_id] = token_bytes(tokenizer.convert_ids_to_tokens(token_id))
        return cache[token_id]

    def _token_scores(self, ids: list[int], log_probs: torch.Tensor,
                      top: tuple[torch.Tensor, torch.Tensor] | None, below: float,
                      text: str) -> list[TokenScore]:
        """Each token of the text with its probability; the doubted ones (under ``below``)
        with the model's other top choices."""
        if not ids or log_probs.shape[0] < len(ids):
            return []
        if self._special_ids is None:
            tokenizer = self.processor.tokenizer
            self._special_ids = set(tokenizer.all_special_ids) | set(
                getattr(tokenizer, "added_tokens_decoder", {}) or {})
        limit = math.log(below) if below > 0 else -math.inf
        chosen = log_probs[: len(ids)].tolist()
        top_logps, top_ids = ([], []) if top is None else (top[0].tolist(), top[1].tolist())
        pieces = []
        for step, (token_id, logp) in enumerate(zip(ids, chosen, strict=True)):
            data = self._token_bytes(token_id)
            if data is None:  # as the transcription shows it (special tokens: nothing)
                data = self.processor.tokenizer.decode(
                    [token_id], skip_special_tokens=True).encode()
            others: list[tuple[bytes, float]] = []
            if top_ids and logp < limit:
                for alt_logp, alt_id in zip(top_logps[step], top_ids[step], strict=True):
                    alt = None if alt_id == token_id else self._token_bytes(alt_id)
                    if alt:
                        others.append((alt, math.exp(alt_logp)))
            pieces.append((data, math.exp(logp), others))
        return place_tokens(pieces, text)

    # -- transcription ---------------------------------------------------------------------
    def transcribe_batch(
        self,
        chunks: Sequence[np.ndarray],
        options: TranscribeOptions,
        cancel: CancelToken | None = None,
        progress: ProgressCallback | None = None,
    ) -> list[ChunkResult]:
        """Transcribe 16 kHz mono float32 chunks together; one result per chunk, in order.

        ``progress`` gets the fraction of the batch done now and then (see
        :class:`ProgressCriteria`). Raises Cancelled, UnsupportedLanguage or OutOfMemory
        (after splitting the batch down to single chunks).
        """
        if cancel is not None:
            cancel.raise_if_cancelled()
        language = self.forced_language(options)
        audio = [to_float(c).reshape(-1) for c in chunks]
        if not audio:
            return []
        self.load()
        started = time.perf_counter()
        stats = GenerationStats(
            chunks=len(audio),
            audio_seconds=sum(len(a) for a in audio) / SAMPLE_RATE,
            started_at=started,
        )
        self.last_stats = stats

        decoded: list[_Decoded] = []
        step = self._batch_cap or len(audio)
        self._batch_progress = None if progress is None else (progress, len(audio))
        for start in range(0, len(audio), step):
            decoded += self._generate_splitting(
                audio[start : start + step], options, language, None, cancel, stats,
                first=start,
            )
        self._batch_progress = None  # a retry re-decodes: no progress to report
        if options.repetition_guard:
            again = [i for i, d in enumerate(decoded) if d.degenerate]
            if again:
                log.info("repetition guard: retrying %d chunk(s)", len(again))
                retried = self._generate_splitting(
                    [audio[i] for i in again],
                    options,
                    language,
                    options.repetition_penalty,
                    cancel,
                    stats,
                )
                for i, d in zip(again, retried, strict=True):
                    d.result.retried = True
                    decoded[i] = d
        stats.wall_seconds = time.perf_counter() - started
        devices.release_free_memory(self.device)
        return [d.result for d in decoded]

    def _generate_splitting(
        self,
        audio: list[np.ndarray],
        options: TranscribeOptions,
        language: str | None,
        penalty: float | None,
        cancel: CancelToken | None,
        stats: GenerationStats,
        first: int = 0,
    ) -> list[_Decoded]:
        """Generate for ``audio`` (chunks ``first``... of the batch); on out-of-memory, in two
        halves (recursively)."""
        if cancel is not None:
            cancel.raise_if_cancelled()
        try:
            return self._generate(audio, options, language, penalty, cancel, stats, first)
        except Cancelled:
            raise
        except Exception as exc:
            if not is_out_of_memory(exc):
                raise
            devices.empty_cache(self.device)
            if len(audio) == 1:
                raise OutOfMemory(self.placement.device_name if self.placement else "?") from exc
            half = (len(audio) + 1) // 2
            log.warning("out of memory with %d chunks; trying %d at a time", len(audio), half)
            self._batch_cap = min(self._batch_cap or half, half)
        done = self._generate_splitting(
            audio[:half], options, language, penalty, cancel, stats, first
        )
        return done + self._generate_splitting(
            audio[half:], options, language, penalty, cancel, stats, first + half
        )

    def max_new_tokens(self, seconds: float, options: TranscribeOptions) -> int:
        """The new-token budget for a chunk of ``seconds``: ``options.max_new_tokens``, else
        ``tokens_per_second`` x seconds plus a margin (and room for the language prefix when
        the model detects it)."""
        return new_token_budget(
            seconds, options.language, options.max_new_tokens, options.tokens_per_second
        )

    def _generate(
        self,
        audio: list[np.ndarray],
        options: TranscribeOptions,
        language: str | None,
        penalty: float | None,
        cancel: CancelToken | None,
        stats: GenerationStats,
        first: int = 0,
    ) -> list[_Decoded]:
        assert self.placement is not None
        inputs = self.prepare_inputs(audio, options)
        prompt_length = inputs["input_ids"].shape[1]
        model_inputs = {
            key: inputs[key]
            for key in ("input_ids", "attention_mask", "input_features", "input_features_mask")
        }
        model_inputs["input_features"] = model_inputs["input_features"].to(self._feature_dtype)
        model_inputs = {k: v.to(self.device) for k, v in model_inputs.items()}

        longest = max(len(a) for a in audio) / SAMPLE_RATE
        max_new = self.max_new_tokens(longest, options)
        expected = math.ceil(EXPECTED_TOKENS_PER_SECOND * longest) + LANGUAGE_PREFIX_TOKENS
        kwargs: dict[str, Any] = {"max_new_tokens": max_new}
        if options.min_new_tokens:
            kwargs["min_new_tokens"] = min(int(options.min_new_tokens), max_new)
        if options.temperature > 0:
            kwargs.update(do_sample=True, temperature=options.temperature, top_p=options.top_p)
        else:
            kwargs["do_sample"] = False
        if penalty is not None:
            kwargs["repetition_penalty"] = penalty
        cache = self.cache_implementation or ("static" if self.device.type == "cpu" else None)
        if self._trimmed:  # compiled: one graph per shape, so the whole cache every step
            trim = self.trim_attention and not self.compile_decoder
            attention = cpu_attention.NAME if trim else "sdpa"
            if self.model.config.text_config._attn_implementation != attention:
                self.model.set_attn_implementation({"text_config": attention})
        if cache == "static":
            # A preallocated KV cache: the default one grows by concatenation, copying the
            # whole cache at every step (measured: 386 -> 216 ms/step, 0.6B bf16, batch 8).
            # Not by default on GPUs, where a static cache makes generate compile the step
            # for each new shape.
            kwargs["cache_implementation"] = "static"
            if self.compile_decoder:
                from transformers import CompileConfig

                # generate() compiles on GPUs by itself; on a CPU only when asked to.
                compile_config = CompileConfig(fullgraph=False, dynamic=False, mode="default")
                compile_config._compile_all_devices = True  # no public switch for this
                kwargs["compile_config"] = compile_config
            # generate() sizes a static cache to the longest any earlier call needed (to
            # avoid recompiling); after one long chunk every later step would attend over
            # that length. Size it for this call, unless compiling (one shape per size).
            if not self.compile_decoder:
                self.model._previous_max_cache_length = -1

        below = options.alternatives_below
        probe = _TokenProbabilities(self.device if self.collect_timings else None,
                                    ALTERNATIVES_TOP_K + 1 if below > 0 else 0)
        hooks = [self.model.get_output_embeddings().register_forward_hook(probe.on_logits)]
        tower = getattr(getattr(self.model, "model", None), "audio_tower", None)
        if tower is not None:
            hooks.append(tower.register_forward_pre_hook(probe.on_encoder_start))
            hooks.append(tower.register_forward_hook(probe.on_encoder_end))
        try:
            with torch.inference_mode():
                output = self.model.generate(
                    **model_inputs,
                    stopping_criteria=StoppingCriteriaList(
                        [probe, CancelCriteria(cancel), self._progress_criteria(
                            first, len(audio), min(max_new, expected))]),
                    return_dict_in_generate=True,
                    **kwargs,
                )
        finally:
            for hook in hooks:
                hook.remove()
        finished = time.perf_counter()

        sequences = output.sequences[:, prompt_length:].cpu()
        log_probs = probe.log_probs()[:, : sequences.shape[1]]
        top = probe.top()
        first = probe.first_logits or finished
        if stats.first_token_seconds is None:
            stats.first_token_seconds = first - stats.started_at
        stats.generate_calls += 1
        stats.batch_sizes.append(len(audio))
        stats.encoder_seconds += probe.encoder_seconds
        stats.prefill_seconds += max(0.0, first - probe.started - probe.encoder_seconds)
        stats.decode_seconds += finished - first
        stats.decode_steps += max(0, sequences.shape[1] - 1)
        if cancel is not None:
            cancel.raise_if_cancelled()

        results = []
        for row in range(sequences.shape[0]):
            row_top = None if top is None else (top[0][row], top[1][row])
            decoded = self._decode_row(sequences[row].tolist(), log_probs[row], language, max_new,
                                       row_top, below)
            stats.new_tokens += decoded[1]
            results.append(decoded[0])
        return results

    def _progress_criteria(self, first: int, count: int, expected: int) -> ProgressCriteria:
        """Progress of chunks ``first..first+count`` reported as a share of the whole batch."""
        target = self._batch_progress
        if target is None:
            return ProgressCriteria(None, expected)
        report, total = target
        return ProgressCriteria(lambda f: report((first + f * count) / total), expected)

    def _decode_row(
        self, ids: list[int], log_probs: torch.Tensor, language: str | None, max_new: int,
        top: tuple[torch.Tensor, torch.Tensor] | None = None, below: float = 0.0,
    ) -> tuple[_Decoded, int]:
        end = next((i for i, t in enumerate(ids) if t in self._eos_ids), None)
        generated = ids if end is None else ids[:end]
        hit_limit = end is None and len(ids) >= max_new
        start = 0
        if language is None and self._asr_text_id in generated:
            start = generated.index(self._asr_text_id) + 1
        text_ids = generated[start:]
        scored = log_probs[start : len(generated)]
        if scored.numel() == 0:  # nothing said: how sure the model was of that
            scored = log_probs[: len(generated) + 1]
        confidence = min_confidence = None
        if scored.numel():
            confidence = float(math.exp(float(scored.mean())))
            min_confidence = float(math.exp(float(scored.min())))

        parsed = self.processor.decode(generated, return_format="parsed")
        result = ChunkResult(
            text=parsed["transcription"],
            language=language or parsed["language"],
            confidence=confidence,
            min_confidence=min_confidence,
            tokens=self._token_scores(
                text_ids, log_probs[start : len(generated)],
                None if top is None else (top[0][start : len(generated)],
                                          top[1][start : len(generated)]),
                below, parsed["transcription"]),
        )
        used = len(generated) + (0 if end is None else 1)
        return _Decoded(result, looks_degenerate(text_ids, hit_limit)), used
