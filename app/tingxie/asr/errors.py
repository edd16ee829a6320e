"""Typed errors of the speech-recognition layer.

Each one says what went wrong and what the user can do about it; the window and the CLI show
the message as it is. :class:`UnsupportedLanguage` lives in :mod:`tingxie.core.languages` (the
language menu needs it without torch) and is re-exported here so callers can catch every ASR
error from one module.
"""

from __future__ import annotations

from pathlib import Path

from tingxie.core.errors import TingxieError
from tingxie.core.languages import UnsupportedLanguage

__all__ = [
    "AlignerLanguageUnsupported",
    "CorruptWeights",
    "DeviceUnavailable",
    "ModelNotFound",
    "NotAQwen3ASRCheckpoint",
    "NotAQwen3ForcedAligner",
    "OutOfMemory",
    "UnsupportedLanguage",
]


class ModelNotFound(TingxieError):
    """The model is neither a local folder nor downloaded to the Hugging Face cache."""

    def __init__(self, model: str | Path, detail: str = "") -> None:
        self.model = str(model)
        message = f"The model {self.model!r} is not on this computer"
        message += f" ({detail})." if detail else "."
        message += (
            f" Run `tingxie models download {self.model}` while online, or choose a local folder "
            "that holds a Qwen3-ASR checkpoint."
        )
        super().__init__(message)


class NotAQwen3ASRCheckpoint(TingxieError):
    """A folder that exists but does not hold a Qwen3-ASR speech-recognition checkpoint."""

    def __init__(self, folder: str | Path, reason: str) -> None:
        self.folder = Path(folder)
        self.reason = reason
        super().__init__(
            f"{self.folder} is not a Qwen3-ASR checkpoint: {reason}. Choose the folder that holds "
            "config.json and the .safetensors weights of Qwen3-ASR-0.6B or Qwen3-ASR-1.7B (either "
            "the original release or the transformers '-hf' version)."
        )


class NotAQwen3ForcedAligner(NotAQwen3ASRCheckpoint):
    """A folder that exists but does not hold the Qwen3 forced aligner (word timing model)."""

    def __init__(self, folder: str | Path, reason: str) -> None:
        self.folder = Path(folder)
        self.reason = reason
        TingxieError.__init__(
            self,
            f"{self.folder} is not a Qwen3-ForcedAligner checkpoint: {reason}. Choose the folder "
            "that holds config.json and the .safetensors weights of Qwen3-ForcedAligner-0.6B "
            "(the original release or the transformers '-hf' version), or download it with "
            "`tingxie models download qwen3-forcedaligner-0.6b`.",
        )


class CorruptWeights(TingxieError):
    """The checkpoint's weight files are truncated, unreadable or incomplete."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(
            f"{self.path}: {problem}. The download was probably interrupted or the file was "
            "damaged: delete the model and download it again (`tingxie models download NAME`)."
        )


class OutOfMemory(TingxieError):
    """The device ran out of memory even for a single chunk."""

    def __init__(self, device: str, batch_size: int = 1) -> None:
        self.device = device
        self.batch_size = batch_size
        hint = (
            "Close other programs that use the GPU, choose a smaller batch size or shorter "
            "chunks, or run on the CPU."
            if not device.startswith("cpu")
            else "Close other programs, choose a smaller batch size or shorter chunks, or use "
            "the smaller 0.6B model."
        )
        super().__init__(
            f"Out of memory on {device} while transcribing {batch_size} chunk(s) at once. {hint}"
        )


class DeviceUnavailable(TingxieError):
    """The user asked for a device this computer does not have."""

    def __init__(self, device: str, reason: str) -> None:
        self.device = device
        super().__init__(
            f"Cannot run on {device!r}: {reason}. Choose 'auto' or 'cpu' as the device."
        )


class AlignerLanguageUnsupported(UnsupportedLanguage):
    """A language the forced aligner cannot place words in (or whose word splitter is not
    installed); its segments keep estimated word times."""

    def __init__(self, value: str | None, supported: str, advice: str = "") -> None:
        self.value = "" if value is None else str(value)
        self.supported = supported
        what = "an unknown language" if not value else f"the language {value!r}"
        message = f"The forced aligner cannot time words in {what}"
        message += f": {advice}" if advice else f"; it supports {supported}."
        TingxieError.__init__(self, message)
