"""Typed errors of the speech-recognition layer.

Each one says what went wrong and what the user can do about it; the window and the CLI show
the message as it is. :class:`UnsupportedLanguage` lives in :mod:`tingxie.core.languages` (the
language menu needs it without torch) and is re-exported here so callers can catch every ASR
error from one module.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tingxie.core.errors import TingxieError
from tingxie.core.languages import UnsupportedLanguage

__all__ = [
    "AlignerLanguageUnsupported",
    "ChunkTooLarge",
    "CorruptWeights",
    "DeviceUnavailable",
    "ModelDoesNotFit",
    "ModelNotFound",
    "ModelNotServed",
    "NotAQwen3ASRCheckpoint",
    "NotAQwen3ForcedAligner",
    "OutOfMemory",
    "ServerAnswerUnreadable",
    "ServerAuthFailed",
    "ServerBusy",
    "ServerConnectionLost",
    "ServerError",
    "ServerRejected",
    "ServerTLSFailed",
    "ServerTimeout",
    "ServerUnreachable",
    "UnsupportedLanguage",
    "WeightsDoNotMatch",
    "is_out_of_memory",
]


def is_out_of_memory(exc: BaseException) -> bool:
    """Whether ``exc`` is the device (or the computer) running out of memory as torch and
    Python raise it: ``torch.OutOfMemoryError``, ``MemoryError`` or a ``RuntimeError`` that
    says so (MPS, a CPU allocation). :class:`OutOfMemory`, already told, is not: it is
    raised after an engine split its batch down to one chunk. Torch is not imported here."""
    if isinstance(exc, MemoryError):
        return True
    torch = sys.modules.get("torch")
    oom = getattr(torch, "OutOfMemoryError", None) if torch is not None else None
    if oom is not None and isinstance(exc, oom):
        return True
    message = str(exc).lower()
    return isinstance(exc, RuntimeError) and (
        "out of memory" in message
        or "can't allocate memory" in message
        or "not enough memory" in message
    )


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


class ModelDoesNotFit(OutOfMemory):
    """The device ran out of memory while loading the model (or quantising it): the model
    itself does not fit, whatever the batch size."""

    def __init__(self, device: str, model: str = "", quantizing: bool = False) -> None:
        self.device = device
        self.batch_size = 0
        gpu = not device.lower().startswith("cpu")
        hints = ["close other programs that use the GPU" if gpu else "close other programs"]
        if quantizing:  # the model itself loaded; its int8 copy did not fit beside it
            hints.append("turn int8 quantisation off")
        if "0.6b" not in model.lower():
            hints.append("use the smaller 0.6B model")
        if gpu:
            hints.append("run on the CPU")
        advice = ", ".join(hints[:-1]) + f" or {hints[-1]}" if len(hints) > 1 else hints[0]
        what = "quantising the model to int8" if quantizing else "loading the model"
        TingxieError.__init__(
            self,
            f"Out of memory on {device} while {what}: it does not fit in the memory that is "
            f"free. {advice[0].upper()}{advice[1:]}.",
        )


class DeviceUnavailable(TingxieError):
    """The user asked for a device this computer does not have."""

    def __init__(self, device: str, reason: str) -> None:
        self.device = device
        super().__init__(
            f"Cannot run on {device!r}: {reason}. Choose 'auto' or 'cpu' as the device."
        )


# -- a transcription server ------------------------------------------------------------------
class ServerError(TingxieError):
    """Something went wrong talking to a transcription server; ``url`` is its address."""

    def __init__(self, url: str, message: str) -> None:
        self.url = url
        super().__init__(message)


class ServerUnreachable(ServerError):
    """No connection: the name does not resolve, or nothing listens at the address."""

    def __init__(self, url: str, reason: str) -> None:
        self.reason = reason
        super().__init__(
            url,
            f"Cannot reach the transcription server at {url}: {reason}. Check the address and "
            "the port, that the server is running, and that this computer can reach it.",
        )


class ServerTLSFailed(ServerError):
    """The secure (https) connection could not be set up."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(
            url,
            f"The secure connection to {url} failed ({reason}). Check that the server speaks "
            "https at this address (use http:// for a plain server on your own network) and "
            "that its certificate is valid for this name.",
        )


class ServerAuthFailed(ServerError):
    """The server refused the API key (HTTP 401 or 403)."""

    def __init__(self, url: str, status: int, had_key: bool) -> None:
        self.status = status
        what = "refused the API key" if had_key else "needs an API key"
        super().__init__(
            url,
            f"The transcription server at {url} {what} (HTTP {status}). Give it the right "
            "key: type it under API key in the window (kept in the system keyring), or name "
            "an environment variable that holds it (Key variable in the window, --api-key-env "
            f"VAR on the command line), or store it in the system keyring (service 'tingxie', "
            f"user {url!r}).",
        )


class ApiKeyUnusable(ServerError):
    """The API key cannot be sent at all: a character a request header cannot carry."""

    def __init__(self, url: str) -> None:
        super().__init__(
            url,
            f"The API key for {url} holds a character a request header cannot carry (a line "
            "break, a space or a letter outside ASCII): check the key you set (a key pasted "
            "with its neighbours, or with a line end).",
        )


class ModelNotServed(ServerError):
    """The server does not serve the model asked for; ``served`` lists what it serves."""

    def __init__(self, url: str, model: str | None, served: list[str]) -> None:
        self.model = model
        self.served = list(served)
        offered = ", ".join(self.served) if self.served else "no models"
        asked = f"does not serve the model {model!r}" if model else "serves no model"
        super().__init__(
            url, f"The server at {url} {asked}; it offers: {offered}. Choose one of those."
        )


class ServerBusy(ServerError):
    """The server kept answering 429 or 503 after every retry."""

    def __init__(self, url: str, status: int, attempts: int, detail: str = "") -> None:
        self.status = status
        self.attempts = attempts
        self.detail = detail
        detail = detail.strip()
        more = f" {detail}" if detail else ""
        if detail and detail[-1] not in ".!?。！？":
            more += "."  # the server's reason is a sentence of the message
        tries = "1 attempt" if attempts == 1 else f"{attempts} attempts"
        super().__init__(
            url,
            f"The transcription server at {url} is overloaded or unavailable (HTTP {status}, "
            f"{tries}).{more} Try again later, or lower the requests in flight.",
        )


class ServerTimeout(ServerError):
    """No answer within the time allowed."""

    def __init__(self, url: str, seconds: float, phase: str = "answer") -> None:
        self.seconds = seconds
        if phase == "accept the connection":  # nothing answered: the wait is not the cause
            advice = ("Check the address and the port, that the server is running, and that "
                      "no firewall or VPN is in the way.")
        else:
            advice = ("It may be overloaded: lower the requests in flight (--parallel, or In "
                      "flight in the window), allow it longer (--server-timeout, or Answer "
                      "wait in the window), or give it more GPUs.")
        super().__init__(
            url, f"The transcription server at {url} did not {phase} within {seconds:g} s. "
            + advice)


class ServerConnectionLost(ServerError):
    """The connection broke while a chunk was being sent or its answer read."""

    def __init__(self, url: str, attempts: int, reason: str) -> None:
        self.reason = reason
        self.attempts = attempts
        tries = "1 attempt" if attempts == 1 else f"{attempts} attempts"
        super().__init__(
            url,
            f"The connection to {url} kept breaking mid-request ({reason}; {tries}). Check "
            "the network and the server's logs.",
        )


class ChunkTooLarge(ServerError):
    """The server refused even a short piece of audio as too large (HTTP 413)."""

    def __init__(self, url: str, seconds: float) -> None:
        super().__init__(
            url,
            f"The server at {url} refuses requests as too large (HTTP 413) even for "
            f"{seconds:.1f} s of audio. Raise the request size limit of the server or of the "
            "proxy in front of it (nginx: client_max_body_size).",
        )


class ServerRejected(ServerError):
    """Any other refusal; the server's own message is kept."""

    def __init__(self, url: str, status: int, detail: str) -> None:
        self.status = status
        self.detail = detail
        super().__init__(
            url, f"The transcription server at {url} answered HTTP {status}: {detail or '?'}."
        )


class ServerAnswerUnreadable(ServerError):
    """An answer arrived but could not be read (a body that does not decode as its headers
    say), usually from a proxy in front of the server."""

    def __init__(self, url: str, reason: str) -> None:
        self.reason = reason
        super().__init__(
            url,
            f"The answer of the transcription server at {url} could not be read ({reason}). "
            "A proxy in front of it may be changing the answers: check its settings, or "
            "connect to the server itself.",
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
