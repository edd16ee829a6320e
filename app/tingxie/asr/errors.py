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
    "CorruptWeights",
    "DeviceUnavailable",
    "ModelNotFound",
    "NotAQwen3ASRCheckpoint",
    "OutOfMemory",
    "UnsupportedLanguage",
    "WeightsDoNotMatch",
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


class CorruptWeights(TingxieError):
    """The checkpoint's weight files are truncated, unreadable or incomplete."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(
            f"{self.path}: {problem}. The download was probably interrupted or the file was "
            "damaged: delete the model and download it again (`tingxie models download NAME`)."
        )


class WeightsDoNotMatch(CorruptWeights):
    """The weight files are whole but do not fit the folder's config.json: another size of
    model, or files from different checkpoints mixed in one folder (not a broken download)."""

    def __init__(self, folder: str | Path, detail: str) -> None:
        self.path = Path(folder)
        self.problem = detail
        TingxieError.__init__(
            self,
            f"{self.path}: the weights do not match the configuration in config.json "
            f"({detail}). This is not a Qwen3-ASR checkpoint of this size, or its files come "
            "from different models. Put one checkpoint's files, all of them, in a folder of "
            "their own, or download the model again into an empty folder "
            "(`tingxie models download NAME`).",
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
