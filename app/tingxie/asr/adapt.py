"""Adapt Qwen3-ASR to a user's own corrections: LoRA on the text decoder, with distillation.

Every segment a person corrected in a Tingxie project is a training pair: its audio (the
segment's span plus a small margin), the corrected text, its language and the project's
context. Segments nobody touched (``Segment.edited`` false) are never used as labels. A
deterministic 10% of the pairs (whole segments, at least a few) is held out to measure the
error before and after.

Training puts LoRA adapters (peft) on the text decoder's attention and MLP projections; the
audio encoder stays frozen. The target is what the model really writes,
``language English<asr_text>the corrected text`` and the end token, after the very prompt
the engine builds (:meth:`Qwen3ASREngine.prepare_inputs`); prompt tokens are masked from the
loss (-100). The loss is the cross-entropy plus a distillation term:
``alpha * T² * KL(teacher ‖ student)`` at temperature ``T`` when a larger Qwen3-ASR is given
as teacher, else ``self_kl_weight * T² * KL(base ‖ student)`` to the unadapted model's own
distribution (peft's ``disable_adapter`` gives it without a second copy), which keeps the
adapter from forgetting general speech.

The API for a window or a CLI: :func:`find_pairs` (fast: reads projects, not audio),
:func:`estimate` (pairs, minutes, time, memory against what is free), and :func:`adapt`, a
generator of :class:`AdaptProgress` updates (step, loss, ETA, held-out score) that a
:class:`CancelToken` stops between steps. The adapter is written to a temporary folder and
renamed into place at the very end, so a cancel or a crash leaves nothing half-written.
"""

from __future__ import annotations

import hashlib
import math
import os
import random
import shutil
import stat
import tempfile
import time
import unicodedata
import warnings
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch

from tingxie.asr import adapters
from tingxie.asr import device as devices
from tingxie.asr.checkpoint import _safetensors_header, read_config, weight_files, write_error
from tingxie.asr.engine import SAMPLE_RATE, TranscribeOptions
from tingxie.asr.errors import is_out_of_memory
from tingxie.asr.qwen3 import (
    ASR_TEXT_TOKEN,
    AUDIO_TOKENS_PER_SECOND,
    Qwen3ASREngine,
)
from tingxie.core.cancel import CancelToken
from tingxie.core.edits import is_cjk
from tingxie.core.errors import FileProblem, TingxieError
from tingxie.core.languages import UnsupportedLanguage, find_language
from tingxie.core.project import fallback_folder

#: LoRA goes on these projections of every decoder layer (model.language_model).
TARGET_MODULES = (
    r".*language_model\.layers\.\d+\.(self_attn\.(q|k|v|o)_proj|mlp\.(gate|up|down)_proj)"
)
#: The model's end-of-answer token in the chat format.
END_TOKEN = "<|im_end|>"
#: Effective speed, in floating-point operations per second, for the time estimate. On the
#: CPU, benchmarks/bench_adapt.py measured 7.6e9 on a shared, loaded 2-core machine (float32,
#: 0.6B shapes); a quiet one does better. The GPU figure is a guess (no GPU was measured).
CPU_FLOPS = 1e10
GPU_FLOPS = 1.5e13
#: Text tokens per second of speech, for estimates (fast speech, CJK).
TEXT_TOKENS_PER_SECOND = 6
#: Memory the Python process needs beyond the model and the step (torch, buffers).
RUNTIME_OVERHEAD = 400 * 2**20


# -- errors -----------------------------------------------------------------------------------
class AdaptError(TingxieError):
    """Adapting the model could not start or finish; the message says why and what to do."""


class NoUsablePairs(AdaptError):
    """The projects hold too few corrected segments to adapt on."""

    def __init__(self, found: int, needed: int, skipped: dict[str, int]) -> None:
        self.found, self.needed, self.skipped = found, needed, dict(skipped)
        why = "; ".join(f"{count} {reason}" for reason, count in sorted(skipped.items()))
        super().__init__(
            f"Only {found} corrected segment(s) can be used for adapting; at least {needed} "
            f"are needed (some are held out to measure the result)."
            + (f" Not used: {why}." if why else "")
            + " Correct more segments in the editor (only text a person edited is used as a "
            "label), or add more projects."
        )


class ProjectAudioMissing(AdaptError):
    """A project's audio file is not where the project says, nor beside it."""

    def __init__(self, project: Path, audio: Path | None) -> None:
        self.project, self.audio = project, audio
        where = f"its audio {audio}" if audio else "it names no audio file"
        super().__init__(
            f"The project {project} cannot be used for adapting: {where} "
            "cannot be found. Open the project in Tingxie and locate the audio, or leave the "
            "project out."
        )


class ProjectAudioChanged(ProjectAudioMissing):
    """A project's audio file is where the project says, but it is not the recording the
    transcript was made on (re-exported, trimmed or re-encoded in place)."""

    def __init__(self, project: Path, audio: Path) -> None:
        self.project, self.audio = project, audio
        AdaptError.__init__(
            self,
            f"The project {project} cannot be used for adapting: its audio {audio} has "
            "changed since the transcript was made, so its segment times no longer fit: open "
            "the project in Tingxie (it offers what to do), or leave it out."
        )


class NotEnoughMemory(AdaptError):
    """The estimated memory for training exceeds what the device has free."""

    def __init__(self, needed: int, available: int, device: str) -> None:
        self.needed, self.available, self.device = needed, available, device
        super().__init__(
            f"Adapting needs about {needed / 2**30:.1f} GiB of memory on {device}, and only "
            f"{available / 2**30:.1f} GiB is free. Close other programs, leave out the "
            "teacher model, use segments shorter than the longest ones, or train on a GPU."
        )


class TrainingOutOfMemory(AdaptError):
    """The device ran out of memory in the middle of training (the estimate was too low)."""

    def __init__(self, device: str, rank: int, longest: float, teacher: bool) -> None:
        self.device = device
        advice = [f"use a lower LoRA rank than {rank}",
                  "adapt on fewer or shorter segments (these are up to "
                  f"{longest:.1f} s)"]
        if teacher:
            advice.append("leave out the teacher model")
        advice.append("close other programs")
        if not device.lower().startswith("cpu"):
            advice.append("train on the CPU (slower)")
        super().__init__(
            f"Out of memory on {device} while training; nothing was saved. To try again, "
            + ", ".join(advice[:-1]) + f", or {advice[-1]}."
        )


class TeacherMismatch(AdaptError):
    """The teacher model does not share the student's tokenizer, so their outputs differ."""

    def __init__(self, teacher: str, reason: str) -> None:
        super().__init__(
            f"The teacher model {teacher} cannot teach this model: {reason}. Use a larger "
            "Qwen3-ASR (such as qwen3-asr-1.7b), which shares the tokenizer."
        )


class OutputExists(AdaptError):
    """The output folder exists and is not empty; nothing is overwritten without asking."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        super().__init__(
            f"{folder} already exists and is not empty. Choose a new folder for the adapter, "
            "or allow overwriting it (`--overwrite`)."
        )


class OutputNotAnAdapter(OutputExists):
    """``--overwrite`` was given for a folder that holds something other than an adapter (a
    typo: ``-o ~/Documents``): it is never replaced."""

    def __init__(self, folder: Path, reason: str = "") -> None:
        self.folder, self.reason = folder, reason
        AdaptError.__init__(
            self,
            f"{folder} is not a Tingxie adapter, so it is not replaced; choose an empty or new "
            "folder for the adapter (--overwrite replaces only an adapter made by "
            "`tingxie adapt`)."
        )


class TeacherTooSmall(TeacherMismatch):
    """The teacher is not larger than the model it should teach."""

    def __init__(self, teacher: str, teacher_parameters: int, student: str,
                 student_parameters: int) -> None:
        AdaptError.__init__(
            self,
            f"The teacher model {teacher} ({teacher_parameters / 1e9:.2g}B parameters) is not "
            f"larger than {student} ({student_parameters / 1e9:.2g}B), so it cannot teach it: "
            "distillation learns from a larger model. Use a larger Qwen3-ASR (such as "
            "qwen3-asr-1.7b for qwen3-asr-0.6b), or no teacher."
        )


class OutputNotWritable(AdaptError, FileProblem):
    """The adapter's folder cannot be created or written (read-only, full, not a folder)."""

    def __init__(self, folder: Path, exc: OSError) -> None:
        blocked = _file_in_the_way(folder)
        if blocked is not None:
            problem = f"cannot be created: {blocked} is a file, not a folder."
        else:
            problem = f"cannot be written to ({exc.strerror or exc})."
        super().__init__(folder, problem, "Choose another folder for the adapter with --output.")


def _file_in_the_way(folder: Path) -> Path | None:
    """The nearest existing folder above ``folder`` if it is in fact a file, else ``None``."""
    for above in folder.parents:
        try:
            return None if stat.S_ISDIR(above.stat().st_mode) else above
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError:
            return None
    return None


# -- settings ---------------------------------------------------------------------------------
@dataclass
class AdaptSettings:
    """How to adapt. The distillation defaults are the usual ones (Hinton et al.: T=2,
    alpha=0.5); the learning rate and rank are the usual LoRA ones."""

    epochs: int = 3
    learning_rate: float = 2e-4
    rank: int = 8
    lora_alpha: int = 16
    lora_dropout: float = 0.05
    #: Softening temperature of both distributions in the KL term.
    temperature: float = 2.0
    #: Weight of the KL term to a teacher model.
    distill_weight: float = 0.5
    #: Weight of the KL term to the unadapted model, when there is no teacher (0: off).
    self_kl_weight: float = 0.1
    #: Stop after this many steps (one pair each), whatever the epochs say.
    max_steps: int | None = None
    max_grad_norm: float = 1.0
    seed: int = 0
    #: Seconds of audio added before and after each segment (never past the middle of the
    #: pause to a neighbouring segment).
    margin: float = 0.15
    held_out_fraction: float = 0.1
    min_held_out: int = 3
    #: Segments longer than this are left out (the engine transcribes at most 30 s chunks).
    max_segment_seconds: float = 30.0
    min_segment_seconds: float = 0.2
    #: Cap on the tokens generated when scoring the held-out segments (None: the engine's).
    score_max_new_tokens: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The settings as plain JSON data (the manifest's ``settings``)."""
        return asdict(self)


# -- pairs ------------------------------------------------------------------------------------
@dataclass
class TrainingPair:
    """One corrected segment: where its audio is, the label, and the prompt it is read with."""

    project: Path
    audio_path: Path
    segment_id: int
    start: float  # the span with the margin, seconds on the project's audio
    end: float
    text: str
    language: str  # the English name the model writes ("Chinese")
    context: str
    audio: np.ndarray | None = field(default=None, repr=False)
    #: The audio's identity as the project stores it (its fingerprint), "" for the path.
    audio_id: str = field(default="", repr=False)

    @property
    def seconds(self) -> float:
        """Length of the audio span."""
        return self.end - self.start

    @property
    def key(self) -> str:
        """A stable identity for the deterministic held-out split: the audio, the span and
        the text, not the project's name, so a copy of a project (Save As) is the same
        segment and never lands both in training and in the held-out measure."""
        audio = self.audio_id or str(self.audio_path.absolute())
        text = f"{audio}\0{self.start:.2f}\0{self.end:.2f}\0{self.text}"
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class PairSet:
    """The training and held-out pairs found in some projects, and what was left out why."""

    train: list[TrainingPair]
    held_out: list[TrainingPair]
    projects: list[Path]
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def pairs(self) -> list[TrainingPair]:
        """Every pair, training ones first."""
        return [*self.train, *self.held_out]

    @property
    def minutes(self) -> float:
        """Minutes of audio in all pairs."""
        return sum(p.seconds for p in self.pairs) / 60

    def describe(self) -> str:
        """``38 pairs (12.4 min) from 2 projects; 4 held out; not used: 120 not corrected``."""
        text = (
            f"{len(self.pairs)} corrected segments ({self.minutes:.1f} min) from "
            f"{len(self.projects)} project(s); {len(self.held_out)} held out for measuring"
        )
        if self.skipped:
            text += "; not used: " + ", ".join(
                f"{n} {why}" for why, n in sorted(self.skipped.items())
            )
        return text


def _language_name(*candidates: Any) -> str | None:
    for value in candidates:
        if not isinstance(value, str) or not value.strip():
            continue
        try:
            language = find_language(value)
        except UnsupportedLanguage:
            continue
        if language is not None:
            return language.name
    return None


def find_pairs(
    projects: Sequence[str | os.PathLike[str]], settings: AdaptSettings | None = None
) -> PairSet:
    """The corrected segments of ``projects``, split into training and held-out pairs.

    Reads the project files (the saved version, not an autosave the user has not adopted)
    and checks that each one's audio can be found; decodes no audio (see
    :func:`load_pair_audio`). Raises :class:`~tingxie.core.project.ProjectError`,
    :class:`ProjectAudioMissing` (:class:`ProjectAudioChanged` when the file is there but
    is not the recording the transcript was made on) or :class:`NoUsablePairs`.
    """
    from tingxie.core.project import locate_audio, open_project

    settings = settings or AdaptSettings()
    pairs: list[TrainingPair] = []
    skipped: Counter[str] = Counter()
    paths, _repeated = unique_projects(projects)
    for path in paths:
        project = open_project(path).project
        audio = locate_audio(project, [path.parent])
        if audio is None:
            if project.audio_path is not None and project.audio_path.is_file():
                # There, but not the recording the times were taken from.
                raise ProjectAudioChanged(path, project.audio_path)
            raise ProjectAudioMissing(path, project.audio_path)
        transcript = project.transcript
        context = str(project.options.get("context") or "").strip()
        try:
            audio_id = project.audio_fingerprint or str(audio.resolve())
        except OSError:
            audio_id = str(audio.absolute())
        segments = transcript.segments
        for i, seg in enumerate(segments):
            text = seg.text.strip()
            if not seg.edited:
                skipped["not corrected by a person"] += 1
                continue
            if not text:
                skipped["empty"] += 1
                continue
            if not settings.min_segment_seconds <= seg.duration <= settings.max_segment_seconds:
                skipped[f"shorter than {settings.min_segment_seconds:g} s or longer than "
                        f"{settings.max_segment_seconds:g} s"] += 1
                continue
            language = _language_name(
                seg.language, transcript.language, project.options.get("language")
            )
            if language is None:
                skipped["of unknown language"] += 1
                continue
            # The margin never reaches past the middle of the pause to a neighbour.
            start = seg.start - settings.margin
            if i > 0:
                start = max(start, (segments[i - 1].end + seg.start) / 2)
            end = seg.end + settings.margin
            if i + 1 < len(segments):
                end = min(end, (seg.end + segments[i + 1].start) / 2)
            if transcript.duration is not None:
                end = min(end, transcript.duration)
            pairs.append(TrainingPair(path, audio, seg.id, max(0.0, start), end, text,
                                      language, context, audio_id=audio_id))
    return split_pairs(pairs, paths, dict(skipped), settings)


def unique_projects(
    projects: Sequence[str | os.PathLike[str]],
) -> tuple[list[Path], list[Path]]:
    """``projects`` as paths, each file once in the order given, and the ones left out: a
    project named twice (``*.tingxie interview.tingxie``, a link, ``./a`` and ``a``) would
    count its corrections twice and put one segment both in training and in the held-out
    measure."""
    seen: set[Path] = set()
    paths: list[Path] = []
    repeated: list[Path] = []
    for p in projects:
        path = Path(p).expanduser()
        try:
            same = path.resolve()
        except (OSError, RuntimeError):  # a loop of links: opening it will say so
            same = path.absolute()
        if same in seen:
            repeated.append(path)
        else:
            seen.add(same)
            paths.append(path)
    return paths, repeated


def split_pairs(
    pairs: list[TrainingPair],
    projects: list[Path],
    skipped: dict[str, int],
    settings: AdaptSettings,
) -> PairSet:
    """Hold out ``held_out_fraction`` of the pairs (at least ``min_held_out``), chosen by a hash
    of each pair's audio, span and text (:attr:`TrainingPair.key`): the same pairs whatever
    order they came in.

    A segment is used once however many projects hold it (a pair given twice, a project
    saved under a second name): a held-out score never measures a segment trained on."""
    unique: dict[str, TrainingPair] = {}
    for pair in pairs:
        unique.setdefault(pair.key, pair)
    pairs = list(unique.values())
    keys = sorted({p.key for p in pairs})
    needed = settings.min_held_out + 1
    if len(keys) < needed:
        raise NoUsablePairs(len(keys), needed, skipped)
    count = max(settings.min_held_out, round(settings.held_out_fraction * len(keys)))
    held = set(keys[:count])
    return PairSet(
        train=[p for p in pairs if p.key not in held],
        held_out=[p for p in pairs if p.key in held],
        projects=projects,
        skipped=skipped,
    )


def load_pair_audio(pairs: PairSet, cancel: CancelToken | None = None) -> None:
    """Decode each project's audio once and give every pair its span (16 kHz float32)."""
    from tingxie.core.audio import load, to_float

    by_file: dict[Path, list[TrainingPair]] = {}
    for pair in pairs.pairs:
        by_file.setdefault(pair.audio_path, []).append(pair)
    for path, members in by_file.items():
        if all(p.audio is not None for p in members):
            continue
        samples = load(path, cancel=cancel).samples
        for pair in members:
            lo = round(pair.start * SAMPLE_RATE)
            hi = round(pair.end * SAMPLE_RATE)
            pair.audio = np.ascontiguousarray(to_float(samples[lo:hi]))


# -- the model's sizes, for estimates ----------------------------------------------------------
@dataclass(frozen=True)
class ModelSize:
    """What an estimate needs to know of a checkpoint (read from its files, not loaded)."""

    parameters: int
    decoder_parameters: int
    layers: int
    hidden: int
    intermediate: int
    heads: int
    vocab: int

    @classmethod
    def of(cls, folder: str | Path) -> ModelSize:
        """The sizes of the checkpoint in ``folder`` (either layout)."""
        config = read_config(folder)
        text = config.get("text_config") or (config.get("thinker_config") or {}).get(
            "text_config", {}
        )
        total = decoder = 0
        for path in weight_files(folder):
            for name, info in _safetensors_header(Path(path)).items():
                count = math.prod(int(d) for d in info["shape"])
                total += count
                if "audio_tower" not in name:
                    decoder += count
        return cls(
            parameters=total,
            decoder_parameters=decoder,
            layers=int(text.get("num_hidden_layers", 28)),
            hidden=int(text.get("hidden_size", 1024)),
            intermediate=int(text.get("intermediate_size", 3072)),
            heads=int(text.get("num_attention_heads", 16)),
            vocab=int(text.get("vocab_size", 151_936)),
        )

    def lora_parameters(self, rank: int) -> int:
        """Parameters of the LoRA adapters (q/k/v/o and gate/up/down in every layer)."""
        # Each projection adds rank * (in + out); with GQA, k/v are narrower (counted as q).
        per_layer = rank * (4 * 2 * self.hidden + 3 * (self.hidden + self.intermediate))
        return self.layers * per_layer


@dataclass(frozen=True)
class Estimate:
    """What adapting on some projects would take, shown before it starts."""

    pairs: int
    train_pairs: int
    held_out: int
    minutes: float
    skipped: dict[str, int]
    seconds: float
    memory_bytes: int
    memory_available: int | None
    device: str

    @property
    def fits(self) -> bool:
        """Whether the memory estimate fits what is free (unknown counts as fitting)."""
        return self.memory_available is None or self.memory_bytes <= self.memory_available


def _tokens(seconds: float, context: str) -> tuple[int, int]:
    """(sequence tokens, target tokens) of one pair, roughly."""
    target = int(TEXT_TOKENS_PER_SECOND * seconds) + 12
    prompt = 24 + len(context) // 2 + math.ceil(AUDIO_TOKENS_PER_SECOND * (seconds + 1))
    return prompt + target, target


def estimate_memory(
    student: ModelSize, teacher: ModelSize | None, longest_seconds: float, context: str,
    settings: AdaptSettings, dtype_bytes: int, total_tokens: int = 0,
) -> int:
    """Bytes a training run needs at its peak: both models' weights, the adapters with their
    gradients and optimiser state, the activations the backward pass keeps for the
    longest pair (the encoder runs without gradients) and the training pairs' input
    embeddings, computed once (``total_tokens`` is their sum of sequence lengths)."""
    weights = student.parameters * dtype_bytes
    if teacher is not None:
        weights += teacher.parameters * dtype_bytes
    lora = student.lora_parameters(settings.rank) * 4 * 4  # weights, grads, 2 Adam moments
    tokens, target = _tokens(longest_seconds, context)
    per_token_layer = (14 * student.hidden + 4 * student.intermediate) * dtype_bytes
    attention = student.heads * tokens * tokens * dtype_bytes
    activations = student.layers * (tokens * per_token_layer + attention)
    logits = (target + 1) * student.vocab * 4 * 4  # student, reference, softmaxes, grads
    encoder = int(480 * 64 * 50 * dtype_bytes * longest_seconds * 2)
    # Each training pair's input embeddings are kept for the whole run (the encoder runs
    # once per pair); the teacher keeps its own.
    hidden = student.hidden + (teacher.hidden if teacher is not None else 0)
    cached = int(total_tokens * hidden * dtype_bytes)
    # 1.4: allocator slack and what the formula leaves out (measured 5.9 GiB against
    # 4.2 GiB by the formula for the 0.6B on 8 s segments).
    return int(1.4 * (weights + lora + activations + logits + encoder + cached)) + RUNTIME_OVERHEAD


def estimate_seconds(
    student: ModelSize, teacher: ModelSize | None, pairs: PairSet, settings: AdaptSettings,
    on_gpu: bool,
) -> float:
    """Seconds to adapt: training steps (forward and backward through the decoder, the
    encoder and the reference model forward only) and the two held-out scorings."""
    flops_per_second = GPU_FLOPS if on_gpu else CPU_FLOPS
    encoder = student.parameters - student.decoder_parameters
    reference = teacher.parameters if teacher is not None else student.decoder_parameters
    use_reference = teacher is not None or settings.self_kl_weight > 0
    steps = len(pairs.train) * settings.epochs
    if settings.max_steps is not None:
        steps = min(steps, settings.max_steps)
    mean = sum(p.seconds for p in pairs.train) / max(1, len(pairs.train))
    tokens, _target = _tokens(mean, pairs.train[0].context if pairs.train else "")
    per_step = 2 * tokens * (3 * student.decoder_parameters + (reference if use_reference else 0))
    # The encoder runs once per training pair (its output is kept); its convolutions cost
    # about 8 times its parameter count per audio token.
    encoding = len(pairs.train) * 2 * AUDIO_TOKENS_PER_SECOND * mean * 8 * encoder
    train = (steps * per_step + encoding) / flops_per_second
    # Scoring, before and after: per held-out segment a prefill over the prompt, the
    # encoder, and one decoder pass per generated token.
    held = pairs.held_out
    flops = 0.0
    for pair in held:
        tokens, target = _tokens(pair.seconds, pair.context)
        generated = settings.score_max_new_tokens or target
        flops += 2 * (tokens + generated) * student.decoder_parameters
        flops += 2 * AUDIO_TOKENS_PER_SECOND * pair.seconds * 8 * encoder
    return train + 2 * flops / flops_per_second


def estimate(
    projects: Sequence[str | os.PathLike[str]] | PairSet,
    model: str | Path,
    teacher: str | Path | None = None,
    device: str = "auto",
    settings: AdaptSettings | None = None,
    models_dir: str | os.PathLike[str] | None = None,
) -> Estimate:
    """Pairs, minutes, time and memory for adapting ``model`` on ``projects`` on ``device``.

    Fast (reads projects and model headers, no audio or weights): a dialog can call it each
    time the user ticks a project. Raises what :func:`find_pairs` raises, and
    ModelNotDownloaded for a model that is not on disk.
    """
    from tingxie.asr.models import require_model

    settings = settings or AdaptSettings()
    pairs = projects if isinstance(projects, PairSet) else find_pairs(projects, settings)
    placement = devices.choose_placement(device, _training_dtype(device))
    student = ModelSize.of(require_model(model, models_dir))
    teacher_size = ModelSize.of(require_model(teacher, models_dir)) if teacher else None
    longest = max(pairs.pairs, key=lambda p: p.seconds)
    total_tokens = sum(_tokens(p.seconds, p.context)[0] for p in pairs.train)
    memory = estimate_memory(
        student, teacher_size, longest.seconds, longest.context, settings,
        placement.dtype.itemsize, total_tokens,
    )
    on_gpu = placement.device.type != "cpu"
    return Estimate(
        pairs=len(pairs.pairs),
        train_pairs=len(pairs.train),
        held_out=len(pairs.held_out),
        minutes=pairs.minutes,
        skipped=dict(pairs.skipped),
        seconds=estimate_seconds(student, teacher_size, pairs, settings, on_gpu),
        memory_bytes=memory,
        memory_available=devices.memory_free(placement.device),
        device=placement.device_name,
    )


def _training_dtype(device: str) -> torch.dtype | None:
    """float32 on a CPU (bfloat16 gradients lose the small LoRA updates); the GPU's default
    (bfloat16) elsewhere, with the adapters themselves in float32 (peft's default)."""
    placement = devices.choose_placement(device)
    return torch.float32 if placement.device.type == "cpu" else None


# -- scoring ----------------------------------------------------------------------------------
Metric = Literal["WER", "CER"]


def choose_metric(texts: Sequence[str]) -> Metric:
    """``CER`` when most letters are CJK (words are not separated by spaces), else ``WER``."""
    letters = [c for t in texts for c in t if not c.isspace()]
    cjk = sum(1 for c in letters if is_cjk(c))
    return "CER" if letters and cjk >= 0.5 * len(letters) else "WER"


def normalise(text: str, metric: Metric) -> str:
    """Text as it is scored: case folded, punctuation dropped, spaces collapsed (CER: none)."""
    kept = "".join(" " if unicodedata.category(c).startswith("P") else c for c in text)
    words = kept.casefold().split()
    return "".join(words) if metric == "CER" else " ".join(words)


def error_rate(references: Sequence[str], hypotheses: Sequence[str], metric: Metric) -> float:
    """Word or character error rate over all pairs together (edits / reference length)."""
    try:
        import jiwer
    except ImportError as exc:
        raise adapters.MissingAdaptDependency("jiwer") from exc
    refs, hyps = [], []
    for ref, hyp in zip(references, hypotheses, strict=True):
        ref = normalise(ref, metric)
        if ref:
            refs.append(ref)
            hyps.append(normalise(hyp, metric))
    if not refs:
        return 0.0
    return float(jiwer.cer(refs, hyps) if metric == "CER" else jiwer.wer(refs, hyps))


def transcribe_pairs(
    engine: Qwen3ASREngine, pairs: Sequence[TrainingPair], settings: AdaptSettings,
    cancel: CancelToken | None = None,
) -> list[str]:
    """Greedy transcripts of the pairs' audio, each with its language forced and its
    project's context, as the engine makes them."""
    texts = []
    for pair in pairs:
        assert pair.audio is not None
        options = TranscribeOptions(
            language=pair.language, context=pair.context,
            max_new_tokens=settings.score_max_new_tokens,
        )
        texts.append(engine.transcribe_batch([pair.audio], options, cancel)[0].text)
    return texts


# -- one training example --------------------------------------------------------------------
@dataclass
class Example:
    """One pair as the model reads it: the prompt and the target, with the labels."""

    inputs: dict[str, torch.Tensor]  # on the model's device, as the model's forward takes them
    labels: torch.Tensor  # (1, length): -100 over the prompt, the target's ids after it
    target_length: int


def target_text(pair: TrainingPair) -> str:
    """What the model should write for ``pair``: ``language English<asr_text>the text``."""
    return f"language {pair.language}{ASR_TEXT_TOKEN}{pair.text}"


def build_example(engine: Qwen3ASREngine, pair: TrainingPair) -> Example:
    """The engine's own prompt for the pair's audio (auto language, the project's context)
    followed by the target and the end token; the labels mask the prompt with -100."""
    assert pair.audio is not None
    prompt = engine.prepare_inputs([pair.audio], TranscribeOptions(context=pair.context))
    tokenizer = engine.processor.tokenizer
    end = tokenizer.convert_tokens_to_ids(END_TOKEN)
    if end is None or end == tokenizer.unk_token_id:
        end = tokenizer.eos_token_id
    target = [*tokenizer.encode(target_text(pair), add_special_tokens=False), end]
    prompt_ids = prompt["input_ids"]
    target_ids = torch.tensor([target], dtype=prompt_ids.dtype)
    ids = torch.cat([prompt_ids, target_ids], dim=1)
    labels = torch.cat([torch.full_like(prompt_ids, -100), target_ids], dim=1)
    inputs = {
        "input_ids": ids,
        "attention_mask": torch.ones_like(ids),
        "input_features": prompt["input_features"].to(engine._feature_dtype),
        "input_features_mask": prompt["input_features_mask"],
    }
    inputs = {k: v.to(engine.device) for k, v in inputs.items()}
    return Example(inputs, labels.to(engine.device), len(target))


def embed_example(model: Any, example: Example) -> Example:
    """The example with its input embeddings computed once: the audio encoder and the token
    embeddings are frozen, so only the decoder needs to run at every step."""
    # What Qwen3ASRModel.forward does before the decoder, kept for the whole training run.
    inner = model.model
    inputs = example.inputs
    with torch.no_grad():
        embeds = inner.get_input_embeddings()(inputs["input_ids"])
        audio = inner.get_audio_features(
            inputs["input_features"], inputs["input_features_mask"], return_dict=True
        ).pooler_output
        mask = inner.get_placeholder_mask(
            inputs["input_ids"], inputs_embeds=embeds, audio_features=audio
        )
        embeds = embeds.masked_scatter(mask, audio.to(embeds.dtype))
    return Example(
        {"inputs_embeds": embeds, "attention_mask": inputs["attention_mask"]},
        example.labels, example.target_length,
    )


def target_logits(model: Any, example: Example) -> torch.Tensor:
    """(target_length, vocab) float32 logits that predict the target's tokens."""
    # Logits are kept only where they predict a target token: the vocabulary is 151,936
    # wide, and the prompt holds the audio's tokens too.
    output = model(**example.inputs, logits_to_keep=example.target_length + 1, use_cache=False)
    return output.logits[0, :-1].float()


def kl_divergence(
    reference: torch.Tensor, student: torch.Tensor, temperature: float
) -> torch.Tensor:
    """KL(reference ‖ student) of the softened distributions, summed over the vocabulary and
    averaged over positions: ``mean_i Σ_v p_ref(v) (log p_ref(v) − log p_student(v))``."""
    ref = torch.log_softmax(reference / temperature, dim=-1)
    stu = torch.log_softmax(student / temperature, dim=-1)
    return (ref.exp() * (ref - stu)).sum(dim=-1).mean()


# -- progress and result ----------------------------------------------------------------------
Stage = Literal["loading", "scoring", "training", "saving", "done"]


@dataclass
class HeldOutScore:
    """The held-out error before and after adapting (fractions, 0.142 = 14.2%)."""

    metric: Metric
    before: float | None
    after: float | None
    segments: int

    def to_dict(self) -> dict[str, Any]:
        """The manifest's ``held_out``."""
        return {"metric": self.metric, "before": self.before, "after": self.after,
                "segments": self.segments}

    def summary(self) -> str:
        """``held-out error 14.2% → 9.8% on 38 segments``."""
        if self.before is None or self.after is None:
            return f"held-out error not measured yet ({self.segments} segments)"
        return (f"held-out error {100 * self.before:.1f}% → {100 * self.after:.1f}% on "
                f"{self.segments} segments")


@dataclass
class AdaptProgress:
    """One update from :func:`adapt`.

    ``fraction`` is the whole job's progress; in the ``training`` stage ``step`` counts
    optimiser steps (one pair each) out of ``total_steps``, ``loss`` is a running mean of the
    total loss and ``ce``/``kl`` are the last step's terms (before its update). The first
    ``training`` update (``step`` 0, no loss yet) comes when the held-out score before
    adapting is known.
    """

    stage: Stage
    fraction: float
    message: str
    step: int = 0
    total_steps: int = 0
    epoch: int = 0
    loss: float | None = None
    ce: float | None = None
    kl: float | None = None
    eta_seconds: float | None = None
    elapsed_seconds: float = 0.0
    pair: TrainingPair | None = field(default=None, repr=False)
    held_out: HeldOutScore | None = None
    result: AdaptResult | None = None


@dataclass
class AdaptResult:
    """What :func:`adapt` made: the adapter folder, its manifest and the losses per step."""

    output: Path
    manifest: dict[str, Any]
    held_out: HeldOutScore
    losses: list[float]
    #: Why the adapter is not where it was asked to go, when the folder asked for could not
    #: take it at the end and it went to :func:`fallback_folder` instead (``output``).
    save_problem: AdaptError | None = None


# -- training ---------------------------------------------------------------------------------
def _prepare_output(output: Path, overwrite: bool) -> None:
    """Refuse an ``output`` that holds something (with ``overwrite``, anything but an adapter:
    replacing it deletes what it held), and make sure its parent folder, where the adapter
    is written before it is renamed into place, takes a file: tried for real, as
    permissions do not tell a read-only disk (nor stop root)."""
    try:
        if output.exists():
            if not output.is_dir():
                raise OutputExists(output)
            if any(output.iterdir()):
                if not overwrite:
                    raise OutputExists(output)
                try:
                    # Its weights may be damaged: that is a reason to replace it, not to keep it.
                    adapters.read_manifest(output, check_weights=False)
                except adapters.InvalidAdapter as exc:
                    raise OutputNotAnAdapter(output, exc.reason) from exc
        output.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(prefix=f".{output.name}.probe-", dir=output.parent):
            pass
    except OSError as exc:
        raise OutputNotWritable(output, exc) from exc


def _fallback_output(output: Path) -> Path | None:
    """A free folder name for the adapter under :func:`fallback_folder`, or ``None``."""
    folder = fallback_folder()
    if folder == output.parent:
        return None
    for n in range(1, 100):
        candidate = folder / (output.name if n == 1 else f"{output.name}-{n}")
        if not candidate.exists():
            return candidate
    return None


def _save(peft_model: Any, manifest: dict[str, Any], output: Path, overwrite: bool,
          check: Any) -> None:
    """Write the adapter beside ``output``, then rename it into place; nothing is left
    half-written if that fails."""
    _prepare_output(output, overwrite)
    tmp = Path(tempfile.mkdtemp(prefix=f".{output.name}.partial-", dir=output.parent))
    try:
        peft_model.save_pretrained(str(tmp), safe_serialization=True)
        adapters.write_manifest(tmp, manifest)
        _usual_permissions(tmp)
        check()
        _prepare_output(output, overwrite)
        _move_into_place(tmp, output)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _usual_permissions(folder: Path) -> None:
    """Give ``folder`` and its files the permissions a new folder and file get (the umask's):
    mkdtemp makes the folder 0700 and its files come 0600, which would keep the adapter
    from anyone the user shares the folder with."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(folder, 0o777 & ~umask)
    for path in folder.rglob("*"):
        os.chmod(path, (0o777 if path.is_dir() else 0o666) & ~umask)


def _move_into_place(tmp: Path, output: Path) -> None:
    """Rename the finished adapter over ``output`` (an old one is removed only afterwards)."""
    old = None
    if output.exists():
        old = output.with_name(f".{output.name}.old-{os.getpid()}")
        os.replace(output, old)
    try:
        os.replace(tmp, output)
    except BaseException:
        if old is not None:  # put the old adapter back: nothing the user had is lost
            os.replace(old, output)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def adapt(
    projects: Sequence[str | os.PathLike[str]] | PairSet,
    model: str | Path,
    output: str | Path,
    teacher: str | Path | None = None,
    settings: AdaptSettings | None = None,
    device: str = "auto",
    models_dir: str | os.PathLike[str] | None = None,
    cancel: CancelToken | None = None,
    overwrite: bool = False,
    check_memory: bool = True,
) -> Iterator[AdaptProgress]:
    """Adapt ``model`` to the corrections in ``projects``; yields progress, then a ``done``
    update whose ``result`` names the adapter folder written at ``output``.

    Checks the memory estimate and that ``output``'s folder can be written
    (:class:`OutputNotWritable`) before loading anything (:class:`NotEnoughMemory`). The
    token ``cancel`` is checked between steps and raises
    :class:`~tingxie.core.errors.Cancelled`; nothing is written at ``output`` unless the
    whole run finishes. Should ``output`` fail at the end (a full disk), the adapter goes
    under :func:`fallback_folder` instead and the result's ``save_problem`` says why; only
    if that fails too is :class:`OutputNotWritable` raised. Also raises what
    :func:`find_pairs` raises, OutputExists (:class:`OutputNotAnAdapter` when ``overwrite``
    is given for a folder that is not an adapter: only an adapter is ever replaced),
    TeacherMismatch (:class:`TeacherTooSmall` for a teacher not larger than ``model``),
    MissingAdaptDependency and the engine's loading errors.
    """
    from tingxie.asr.models import find_model, require_model

    settings = settings or AdaptSettings()
    peft = adapters.require_peft()
    output = Path(output).expanduser().resolve()
    _prepare_output(output, overwrite)
    started = time.monotonic()

    def check() -> None:
        if cancel is not None:
            cancel.raise_if_cancelled()

    pairs = projects if isinstance(projects, PairSet) else find_pairs(projects, settings)
    if teacher is not None:
        _check_teacher_size(model, teacher, models_dir)
    forecast = estimate(pairs, model, teacher, device, settings, models_dir)
    if check_memory and not forecast.fits:
        assert forecast.memory_available is not None
        raise NotEnoughMemory(forecast.memory_bytes, forecast.memory_available, forecast.device)

    yield AdaptProgress("loading", 0.0, f"Reading the audio of {pairs.describe()}")
    load_pair_audio(pairs, cancel)
    check()
    dtype = _training_dtype(device)
    folder = require_model(model, models_dir)
    engine = Qwen3ASREngine(folder, device=device, dtype=dtype)
    yield AdaptProgress("loading", 0.02, f"Loading {Path(str(model)).name}",
                        elapsed_seconds=time.monotonic() - started)
    engine.load()
    check()
    teacher_engine = None
    if teacher is not None:
        teacher_engine = Qwen3ASREngine(require_model(teacher, models_dir), device=device,
                                        dtype=dtype)
        yield AdaptProgress("loading", 0.04, f"Loading the teacher {Path(str(teacher)).name}",
                            elapsed_seconds=time.monotonic() - started)
        teacher_engine.load()
        _check_teacher(engine, teacher_engine, str(teacher))
        check()

    references = [p.text for p in pairs.held_out]
    metric = choose_metric(references)
    score = HeldOutScore(metric, None, None, len(pairs.held_out))
    yield AdaptProgress("scoring", 0.05, f"Measuring the {metric} on "
                        f"{len(pairs.held_out)} held-out segments",
                        elapsed_seconds=time.monotonic() - started, held_out=score)
    scoring_started = time.monotonic()
    score.before = error_rate(references, transcribe_pairs(engine, pairs.held_out, settings,
                                                           cancel), metric)
    scoring_seconds = time.monotonic() - scoring_started

    examples: dict[int, tuple[Example, Example | None]] = {}
    try:
        torch.manual_seed(settings.seed)
        config = peft.LoraConfig(
            r=settings.rank, lora_alpha=settings.lora_alpha, lora_dropout=settings.lora_dropout,
            target_modules=TARGET_MODULES, bias="none",
        )
        base = engine.model
        # get_peft_model puts the LoRA layers into ``base`` in place, so the engine transcribes
        # with them; it also freezes every other weight (the audio encoder included).
        with warnings.catch_warnings():
            # peft asks transformers a deprecated question; the user cannot act on the warning.
            warnings.simplefilter("ignore", FutureWarning)
            peft_model = peft.get_peft_model(base, config)
        trainable = [p for p in peft_model.parameters() if p.requires_grad]
        optimiser = torch.optim.AdamW(trainable, lr=settings.learning_rate, weight_decay=0.0)

        order = random.Random(settings.seed)
        total = len(pairs.train) * settings.epochs
        if settings.max_steps is not None:
            total = min(total, settings.max_steps)
        losses: list[float] = []
        running: float | None = None
        step = 0
        train_started = time.monotonic()
        with_reference = teacher_engine is not None or settings.self_kl_weight > 0
        weight = settings.distill_weight if teacher_engine is not None else settings.self_kl_weight
        t = settings.temperature
        yield AdaptProgress(
            "training", 0.1, f"held-out {metric} before adapting: {100 * score.before:.1f}%",
            step=0, total_steps=total, elapsed_seconds=time.monotonic() - started, held_out=score,
        )
        for epoch in range(1, settings.epochs + 1):
            batch = list(pairs.train)
            order.shuffle(batch)
            for pair in batch:
                if step >= total:
                    break
                check()
                if id(pair) not in examples:
                    example = build_example(engine, pair)
                    taught = None
                    if teacher_engine is not None:
                        taught = embed_example(teacher_engine.model,
                                               _teacher_example(teacher_engine, example, pair))
                    examples[id(pair)] = (embed_example(base, example), taught)
                example, taught = examples[id(pair)]
                peft_model.train()
                logits = target_logits(peft_model, example)
                target = example.labels[0, -example.target_length:]
                ce = torch.nn.functional.cross_entropy(logits, target)
                kl = None
                loss = ce
                if with_reference:
                    with torch.no_grad():
                        if teacher_engine is not None and taught is not None:
                            reference = target_logits(teacher_engine.model, taught)
                        else:
                            with peft_model.disable_adapter():
                                reference = target_logits(peft_model, example)
                    kl = kl_divergence(reference, logits, t)
                    loss = ce + weight * t * t * kl
                optimiser.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(trainable, settings.max_grad_norm)
                optimiser.step()
                step += 1
                value = float(loss.detach())
                losses.append(value)
                running = value if running is None else 0.9 * running + 0.1 * value
                per_step = (time.monotonic() - train_started) / step
                eta = per_step * (total - step) + scoring_seconds
                yield AdaptProgress(
                    "training", 0.1 + 0.8 * step / max(1, total),
                    f"step {step}/{total}  loss {running:.3f}", step=step, total_steps=total,
                    epoch=epoch, loss=running, ce=float(ce.detach()),
                    kl=None if kl is None else float(kl.detach()), eta_seconds=eta,
                    elapsed_seconds=time.monotonic() - started, pair=pair, held_out=score,
                )
    except Exception as exc:
        if not is_out_of_memory(exc):
            raise
        examples.clear()
        devices.empty_cache(engine.device)
        where = engine.placement.device_name if engine.placement else device
        longest = max(p.seconds for p in pairs.train)
        raise TrainingOutOfMemory(where, settings.rank, longest,
                                  teacher_engine is not None) from exc
    peft_model.eval()
    examples.clear()

    check()
    yield AdaptProgress("scoring", 0.9, "Measuring the adapted model on the held-out segments",
                        step=step, total_steps=total, loss=running, eta_seconds=scoring_seconds,
                        elapsed_seconds=time.monotonic() - started, held_out=score)
    score.after = error_rate(references, transcribe_pairs(engine, pairs.held_out, settings,
                                                          cancel), metric)
    check()

    yield AdaptProgress("saving", 0.98, f"Saving the adapter to {output}", step=step,
                        total_steps=total, loss=running, held_out=score,
                        elapsed_seconds=time.monotonic() - started)
    spec = find_model(model)
    assert engine.checkpoint is not None
    manifest = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "base_model": {
            "name": spec.name if spec.local_path is None else
            adapters.describe_model(engine.checkpoint),
            "hash": adapters.base_model_hash(engine.checkpoint),
        },
        "teacher": None if teacher is None else {
            "name": str(teacher),
            "hash": adapters.base_model_hash(teacher_engine.checkpoint)  # type: ignore[union-attr]
        },
        "data": {
            "pairs": len(pairs.pairs),
            "train_pairs": len(pairs.train),
            "minutes": round(pairs.minutes, 3),
            "projects": [str(p) for p in pairs.projects],
        },
        "settings": settings.to_dict(),
        "training": {"steps": step, "final_loss": running,
                     "seconds": round(time.monotonic() - started, 1),
                     "device": engine.placement.device_name if engine.placement else device},
        "held_out": score.to_dict(),
    }
    problem: AdaptError | None = None
    try:
        _save(peft_model, manifest, output, overwrite, check)
    except Exception as exc:
        # A full disk comes as OSError or as safetensors' own error.
        failed = write_error(exc)
        if failed is None and not isinstance(exc, (OutputNotWritable, OutputExists)):
            raise
        # The training took long: rather than lose it, save it where it can go, and say so.
        problem = exc if isinstance(exc, AdaptError) else OutputNotWritable(output, failed)
        fallback = _fallback_output(output)
        if fallback is None:
            raise problem from exc
        try:
            _save(peft_model, manifest, fallback, False, check)
        except Exception as again:
            if write_error(again) is None and not isinstance(again, AdaptError):
                raise
            raise problem from exc
        output = fallback
    result = AdaptResult(output, adapters.read_manifest(output).manifest, score, losses,
                         save_problem=problem)
    yield AdaptProgress("done", 1.0, score.summary(), step=step, total_steps=total,
                        loss=running, held_out=score, result=result,
                        elapsed_seconds=time.monotonic() - started)


def _check_teacher_size(model: str | Path, teacher: str | Path,
                        models_dir: str | os.PathLike[str] | None) -> None:
    """:class:`TeacherTooSmall` unless the teacher has more parameters than the student (read
    from the checkpoints' headers). A teacher whose size cannot be read is allowed."""
    from tingxie.asr.models import require_model

    try:
        student = ModelSize.of(require_model(model, models_dir)).parameters
        taught_by = ModelSize.of(require_model(teacher, models_dir)).parameters
    except (TingxieError, OSError, ValueError, KeyError, TypeError):
        return  # the estimate and the loading say what is wrong with either
    if taught_by <= student:
        raise TeacherTooSmall(Path(str(teacher)).name, taught_by, Path(str(model)).name,
                              student)


def _check_teacher(student: Qwen3ASREngine, teacher: Qwen3ASREngine, name: str) -> None:
    if student.processor.tokenizer.get_vocab() != teacher.processor.tokenizer.get_vocab():
        raise TeacherMismatch(name, "its tokenizer is another one")
    size = teacher.model.get_output_embeddings().weight.shape[0]
    if size != student.model.get_output_embeddings().weight.shape[0]:
        raise TeacherMismatch(name, f"its vocabulary has {size} entries")


def _teacher_example(teacher: Qwen3ASREngine, student: Example, pair: TrainingPair) -> Example:
    example = build_example(teacher, pair)
    if not torch.equal(example.inputs["input_ids"].cpu(), student.inputs["input_ids"].cpu()):
        raise TeacherMismatch(str(teacher.model_ref), "its prompt for the same audio differs")
    return example


def run_to_end(updates: Iterator[AdaptProgress]) -> AdaptResult:
    """Drain :func:`adapt`'s updates and return its result (for scripts and tests)."""
    result = None
    for update in updates:
        if update.result is not None:
            result = update.result
    assert result is not None
    return result

