"""The job as a value: which engine, which options, how to cut the audio, which stages.

Every default a transcription job has is defined here once; the window's settings, a
project's saved options and the command line's arguments are all translated to and from a
:class:`JobSpec`, so the three front ends can never drift apart again.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from tingxie.asr.engine import TranscribeOptions
from tingxie.asr.models import DEFAULT_ALIGNER as DEFAULT_ALIGNER  # the registry's defaults
from tingxie.asr.models import DEFAULT_MODEL as DEFAULT_MODEL
from tingxie.asr.pipeline import Stage
from tingxie.core.errors import TingxieError
from tingxie.core.languages import find_language
from tingxie.core.segmentation import MAX_MAX_LENGTH, MIN_MAX_LENGTH

#: The longest stretch of audio given to the model at once, in seconds.
DEFAULT_MAX_CHUNK = 30.0
#: "auto" as the language everywhere a person picks one (the engine takes ``None``).
AUTO = "auto"
#: "none" as the aligner turns word alignment off.
NO_ALIGNER = "none"
#: How long a server may take to answer one chunk (seconds), and the most one may allow.
DEFAULT_SERVER_TIMEOUT, MAX_SERVER_TIMEOUT = 300.0, 3600.0


class JobError(TingxieError):
    """A job spec that cannot run (a value out of range); the message says which and why."""


class EngineKind(str, enum.Enum):
    """Where the recogniser runs."""

    LOCAL = "local"  # Qwen3-ASR on this computer
    SERVER = "server"  # an OpenAI-compatible server (vLLM)


@dataclass(frozen=True)
class EngineSpec:
    """Which engine a job uses. Two jobs with equal specs share one loaded engine."""

    kind: EngineKind = EngineKind.LOCAL
    #: A model name from the registry or a checkpoint folder.
    model: str = DEFAULT_MODEL
    #: Folder holding downloaded models; "" means the Hugging Face cache.
    models_dir: str = ""
    device: str = "auto"
    int8: bool = False
    #: A LoRA adapter folder made by ``tingxie adapt``; "" for none.
    adapter: str = ""
    server_url: str = ""
    #: The served model's name; "" picks what the server serves.
    server_model: str = ""
    #: The environment variable holding the server's API key ("" for none/the keyring).
    api_key_env: str = ""
    #: Requests in flight at once against a server.
    parallel: int = 8
    #: How long a server may take to answer one chunk, in seconds.
    server_timeout: float = DEFAULT_SERVER_TIMEOUT

    @property
    def label(self) -> str:
        """What the user picked, for a status line: a model name or a server address
        (without a ``user:password@`` part: a label is printed, logged and saved)."""
        if self.kind is EngineKind.SERVER:
            return f"{self.server_model or 'server'} @ {without_credentials(self.server_url)}"
        return self.model


@dataclass(frozen=True)
class Chunking:
    """How the audio is cut and batched."""

    max_chunk: float = DEFAULT_MAX_CHUNK
    #: Chunks per batch; ``None`` lets the engine choose from free memory.
    batch_size: int | None = None


#: What a job runs when nothing else is said.
DEFAULT_STAGES: tuple[Stage, ...] = (Stage.SPEECH, Stage.TRANSCRIBE, Stage.ALIGN)


@dataclass(frozen=True)
class JobSpec:
    """Everything a transcription job needs except the audio itself."""

    engine: EngineSpec = field(default_factory=EngineSpec)
    options: TranscribeOptions = field(default_factory=TranscribeOptions)
    chunking: Chunking = field(default_factory=Chunking)
    #: ``(start, end)`` seconds to re-transcribe; ``None`` for the whole file.
    time_range: tuple[float, float] | None = None
    stages: tuple[Stage, ...] = DEFAULT_STAGES
    #: The id the first new segment gets (so a range fits into an existing transcript).
    first_id: int = 1
    #: Word times: ``"auto"`` (the Qwen3 aligner when it is on disk, else estimated times
    #: with a note), ``"none"``, or an aligner model name or folder (then it must load).
    aligner: str = AUTO
    #: Pauses between words of at least this many seconds end a segment.
    pause: float = 0.6
    #: Segments are cut before they grow longer than this, in seconds.
    max_segment: float = 15.0

    def validate(self) -> JobSpec:
        """Raise :class:`JobError` naming the first value out of range; returns ``self``."""
        c, o = self.chunking, self.options
        if not (isinstance(c.max_chunk, (int, float)) and math.isfinite(c.max_chunk)
                and MIN_MAX_LENGTH < c.max_chunk <= MAX_MAX_LENGTH):
            raise JobError(f"The chunk length must be more than {MIN_MAX_LENGTH:g} s and at "
                           f"most {MAX_MAX_LENGTH:g} s; got {c.max_chunk!r}.")
        if c.batch_size is not None and c.batch_size < 1:
            raise JobError(f"The batch size must be at least 1; got {c.batch_size}.")
        if not (math.isfinite(o.temperature) and 0.0 <= o.temperature <= 2.0):
            raise JobError(f"The temperature must be between 0 and 2; got {o.temperature!r}.")
        if o.max_new_tokens is not None and o.max_new_tokens < 1:
            raise JobError(f"The token limit must be at least 1; got {o.max_new_tokens}.")
        if self.engine.parallel < 1:
            raise JobError(f"Requests in flight must be at least 1; got {self.engine.parallel}.")
        wait = self.engine.server_timeout
        if not server_timeout_ok(wait):
            raise JobError(f"The wait for a server's answer must be 1 to "
                           f"{MAX_SERVER_TIMEOUT:g} s; got {wait!r}.")
        if not (math.isfinite(self.pause) and self.pause > 0):
            raise JobError(f"The pause that ends a segment must be above 0 s; got {self.pause}.")
        if not (math.isfinite(self.max_segment) and self.max_segment >= 1.0):
            raise JobError(f"The longest segment must be at least 1 s; got {self.max_segment}.")
        if self.engine.kind is EngineKind.SERVER and not self.engine.server_url:
            raise JobError("A server job needs the server's address.")
        if self.time_range is not None:
            t0, t1 = self.time_range
            if not (math.isfinite(t0) and math.isfinite(t1) and t1 > t0 >= 0):
                raise JobError(f"The time range must be a start before an end; got "
                               f"{self.time_range!r}.")
        find_language(self.options.language)  # an unsupported language fails here
        return self

    @property
    def aligns(self) -> bool:
        """Whether the job asks for word times from an aligner."""
        return self.aligner != NO_ALIGNER and Stage.ALIGN in self.stages

    @property
    def language_choice(self) -> str:
        """The language as a person picked it: ``"auto"`` or a language code."""
        return language_choice(self.options.language)

    def with_range(self, time_range: tuple[float, float] | None, first_id: int = 1) -> JobSpec:
        """The same job over another stretch of the audio."""
        return replace(self, time_range=time_range, first_id=first_id)

    # -- projects ------------------------------------------------------------------------
    def to_project_options(self) -> dict[str, Any]:
        """The options saved with a project (what the job was run with)."""
        e, o, c = self.engine, self.options, self.chunking
        out: dict[str, Any] = {
            "language": self.language_choice,
            "context": o.context,
            "model": e.model,
            "device": e.device,
            "int8": e.int8,
            "temperature": float(o.temperature),
            "batch_size": int(c.batch_size or 0),
            "max_chunk": float(c.max_chunk),
        }
        if e.kind is EngineKind.SERVER:
            # The address and model only: a key never goes into a project.
            out.update(engine="server", server_url=without_credentials(e.server_url),
                       server_model=e.server_model,
                       parallel=e.parallel)
        if e.adapter:
            out["adapter"] = e.adapter
        if self.aligner != AUTO:
            out["aligner"] = self.aligner
        return out

    @classmethod
    def from_project_options(cls, options: Mapping[str, Any] | None,
                             base: JobSpec | None = None) -> JobSpec:
        """The job a project's saved options describe, over ``base`` for what they omit.

        Reads every version's keys: 0.1 saved the language as ``"auto"`` (the window) or as a
        code or ``null`` (the batch queue), the chunk length as ``max_chunk`` (or
        ``max_length``), and ``batch_size`` 0 for automatic. Unusable values keep the base's.
        """
        base = base or cls()
        o = dict(options or {})
        engine, opts, chunking = base.engine, base.options, base.chunking
        if "language" in o:
            opts = replace(opts, language=_engine_language(o["language"], opts.language))
        if isinstance(o.get("context"), str):
            opts = replace(opts, context=o["context"])
        temperature = _number(o.get("temperature"), None)
        if temperature is not None and 0.0 <= temperature <= 2.0:
            opts = replace(opts, temperature=temperature)
        if isinstance(o.get("model"), str) and o["model"]:
            engine = replace(engine, model=o["model"])
        if isinstance(o.get("device"), str) and o["device"]:
            engine = replace(engine, device=o["device"])
        if isinstance(o.get("int8"), bool):
            engine = replace(engine, int8=o["int8"])
        if isinstance(o.get("adapter"), str):
            engine = replace(engine, adapter=o["adapter"])
        if o.get("engine") == "server" and isinstance(o.get("server_url"), str):
            engine = replace(engine, kind=EngineKind.SERVER, server_url=o["server_url"],
                             server_model=str(o.get("server_model") or ""))
            parallel = _number(o.get("parallel"), None)
            if parallel is not None and parallel >= 1:
                engine = replace(engine, parallel=int(parallel))
        aligner = base.aligner
        if isinstance(o.get("aligner"), str) and o["aligner"]:
            aligner = o["aligner"]
        max_chunk = _number(o.get("max_chunk", o.get("max_length")), None)
        if max_chunk is not None and MIN_MAX_LENGTH < max_chunk <= MAX_MAX_LENGTH:
            chunking = replace(chunking, max_chunk=max_chunk)
        if "batch_size" in o:
            batch = _number(o["batch_size"], None)
            if batch is not None and batch >= 0:
                chunking = replace(chunking, batch_size=int(batch) or None)
        return replace(base, engine=engine, options=opts, chunking=chunking, aligner=aligner)

    # -- settings ------------------------------------------------------------------------
    def to_settings(self) -> dict[str, Any]:
        """The settings values (keys of :data:`SETTINGS`) that make this job next time."""
        e, o, c = self.engine, self.options, self.chunking
        return {
            SETTINGS.language: self.language_choice,
            SETTINGS.model: e.model,
            SETTINGS.models_dir: e.models_dir,
            SETTINGS.device: e.device,
            SETTINGS.int8: e.int8,
            SETTINGS.batch_size: int(c.batch_size or 0),
            SETTINGS.temperature: float(o.temperature),
            SETTINGS.max_chunk: float(c.max_chunk),
            SETTINGS.max_new_tokens: int(o.max_new_tokens or 0),
            SETTINGS.engine_kind: e.kind.value,
            SETTINGS.server_url: without_credentials(e.server_url),
            SETTINGS.server_model: e.server_model,
            SETTINGS.api_key_env: e.api_key_env,
            SETTINGS.parallel: e.parallel,
            SETTINGS.server_timeout: float(e.server_timeout),
            SETTINGS.adapter: e.adapter,
            SETTINGS.aligner: self.aligner,
        }

    @classmethod
    def from_settings(cls, values: Mapping[str, Any], context: str = "") -> JobSpec:
        """The job the settings describe (missing keys take the defaults)."""
        d = cls().to_settings()
        d.update({k: v for k, v in values.items() if k in d})
        kind = EngineKind.SERVER if d[SETTINGS.engine_kind] == "server" else EngineKind.LOCAL
        engine = EngineSpec(kind=kind, model=str(d[SETTINGS.model] or DEFAULT_MODEL),
                            models_dir=str(d[SETTINGS.models_dir] or ""),
                            device=str(d[SETTINGS.device] or "auto"),
                            int8=bool(d[SETTINGS.int8]), adapter=str(d[SETTINGS.adapter] or ""),
                            server_url=str(d[SETTINGS.server_url] or ""),
                            server_model=str(d[SETTINGS.server_model] or ""),
                            api_key_env=str(d[SETTINGS.api_key_env] or ""),
                            parallel=max(1, int(d[SETTINGS.parallel] or 8)),
                            server_timeout=stored_server_timeout(d[SETTINGS.server_timeout]))
        options = TranscribeOptions(language=_engine_language(d[SETTINGS.language], None),
                                    context=context, temperature=float(d[SETTINGS.temperature]),
                                    max_new_tokens=int(d[SETTINGS.max_new_tokens]) or None)
        chunking = Chunking(max_chunk=float(d[SETTINGS.max_chunk]),
                            batch_size=int(d[SETTINGS.batch_size]) or None)
        return cls(engine=engine, options=options, chunking=chunking,
                   aligner=str(d[SETTINGS.aligner] or AUTO))

    def describe(self) -> dict[str, Any]:
        """Every field as plain data (for logs and the JSON output's metadata)."""
        data = asdict(self)
        data["engine"]["kind"] = self.engine.kind.value
        data["stages"] = [s.value for s in self.stages]
        return data


@dataclass(frozen=True)
class _SettingsKeys:
    """The settings keys a job is stored under (declared, with their defaults, by the
    window's settings module from :meth:`JobSpec.to_settings`)."""

    language: str = "transcribe/language"
    model: str = "transcribe/model"
    models_dir: str = "transcribe/models_dir"
    device: str = "transcribe/device"
    int8: str = "transcribe/int8_on_cpu"
    batch_size: str = "transcribe/batch_size"
    temperature: str = "transcribe/temperature"
    max_chunk: str = "transcribe/max_chunk_seconds"
    max_new_tokens: str = "transcribe/max_new_tokens"
    engine_kind: str = "transcribe/engine"
    server_url: str = "server/url"
    server_model: str = "server/model"
    api_key_env: str = "server/api_key_env"
    parallel: str = "server/parallel"
    server_timeout: str = "server/timeout_seconds"
    adapter: str = "transcribe/adapter"
    aligner: str = "transcribe/aligner"


SETTINGS = _SettingsKeys()


def language_choice(language: str | None) -> str:
    """``"auto"`` for ``None``, else the language's code (a name is turned into its code)."""
    if language is None or language == AUTO:
        return AUTO
    try:
        found = find_language(language)
    except TingxieError:
        return str(language)
    return found.code if found else AUTO


def _engine_language(value: Any, fallback: str | None) -> str | None:
    """A saved or typed language for the engine: ``None`` for auto; unknown keeps
    ``fallback``."""
    if value is None or value == "" or value == AUTO:
        return None
    if not isinstance(value, str):
        return fallback
    try:
        found = find_language(value)
    except TingxieError:
        return fallback
    return found.code if found else None


def without_credentials(url: str) -> str:
    """``url`` without a ``user:password@`` part (refused by the engine; never written to
    settings or a project); any other text unchanged."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def server_timeout_ok(seconds: Any) -> bool:
    """Whether ``seconds`` is a wait for a server's answer a job may have: 1 s to
    :data:`MAX_SERVER_TIMEOUT`."""
    return (isinstance(seconds, (int, float)) and not isinstance(seconds, bool)
            and math.isfinite(seconds) and 1.0 <= seconds <= MAX_SERVER_TIMEOUT)


def stored_server_timeout(value: Any) -> float:
    """A stored wait for a server's answer (QSettings may give a string); out of range or
    unreadable, the default."""
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return DEFAULT_SERVER_TIMEOUT
    return seconds if server_timeout_ok(seconds) else DEFAULT_SERVER_TIMEOUT


def _number(value: Any, fallback: float | None) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return fallback
    value = float(value)
    return value if math.isfinite(value) else fallback


def spec_from_args(args: Any, context: str = "") -> JobSpec:
    """The job ``tingxie transcribe``'s parsed arguments describe (``context`` already read
    from ``--context`` or ``--context-file``). Missing arguments take the defaults."""
    default = JobSpec()

    def arg(name: str, fallback: Any) -> Any:
        value = getattr(args, name, None)
        return fallback if value is None else value

    server_url = str(arg("server", "") or "")
    engine = EngineSpec(
        kind=EngineKind.SERVER if server_url else EngineKind.LOCAL,
        model=str(arg("model", default.engine.model)),
        models_dir=str(arg("models_dir", "") or ""),
        device=str(arg("device", default.engine.device)),
        int8=bool(arg("int8", False)),
        adapter=str(arg("adapter", "") or ""),
        server_url=server_url,
        server_model=str(arg("server_model", "") or ""),
        api_key_env=str(arg("api_key_env", "") or ""),
        parallel=int(arg("parallel", default.engine.parallel)),
        server_timeout=float(arg("server_timeout", default.engine.server_timeout)),
    )
    language = arg("language", AUTO)
    options = TranscribeOptions(
        language=None if language == AUTO else language,
        context=context,
        temperature=float(arg("temperature", default.options.temperature)),
        max_new_tokens=getattr(args, "max_new_tokens", None),
    )
    chunking = Chunking(max_chunk=float(arg("max_chunk", default.chunking.max_chunk)),
                        batch_size=getattr(args, "batch_size", None))
    aligner = NO_ALIGNER if getattr(args, "no_align", False) else str(arg("aligner", AUTO))
    return JobSpec(engine=engine, options=options, chunking=chunking, aligner=aligner)
