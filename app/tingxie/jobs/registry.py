"""The engine registry: the only place that knows which class serves an :class:`EngineSpec`.

The worker thread and the command line both ask :class:`EngineCache` for an engine, so a
model is loaded once and reused for every job whose engine part is unchanged; a new engine
(another model family, a server) is one more branch in :func:`make_engine`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from tingxie.asr.engine import Engine
from tingxie.jobs.spec import EngineKind, EngineSpec, JobError

log = logging.getLogger(__name__)

EngineFactory = Callable[[EngineSpec], Engine]


def make_engine(spec: EngineSpec) -> Engine:
    """A new, not yet loaded engine for ``spec``.

    Raises the model registry's typed errors (model not downloaded, not a model folder)
    before anything heavy is imported or loaded.
    """
    if spec.kind is EngineKind.SERVER:
        from tingxie.asr.remote import RemoteEngine

        return RemoteEngine(spec.server_url, model=spec.server_model or None,
                            api_key=_api_key(spec), parallel=spec.parallel)
    from tingxie.asr.models import require_model
    from tingxie.asr.qwen3 import Qwen3ASREngine

    folder = require_model(spec.model, models_dir=spec.models_dir or None)
    kwargs = {"adapter": spec.adapter} if spec.adapter else {}
    return Qwen3ASREngine(folder, device=spec.device, quantize_int8=spec.int8, **kwargs)


def _api_key(spec: EngineSpec) -> str | None:
    """The server's key from the named environment variable or the system keyring; never
    from settings or a project."""
    from tingxie.asr.remote import find_api_key

    try:
        return find_api_key(spec.server_url, spec.api_key_env or None)
    except KeyError:
        raise JobError(f"The environment variable {spec.api_key_env} (given for the server's "
                       "API key) is not set: set it to the server's API key.") from None


class EngineCache:
    """Holds at most one loaded engine, reused while the requested spec stays the same."""

    def __init__(self, factory: EngineFactory = make_engine) -> None:
        self._factory = factory
        self.engine: Engine | None = None
        self.spec: EngineSpec | None = None

    def is_loaded(self, spec: EngineSpec) -> bool:
        """Whether :meth:`get` would return at once for ``spec``."""
        return self.engine is not None and self.spec == spec

    def get(self, spec: EngineSpec) -> Engine:
        """The loaded engine for ``spec``: the current one if the spec is unchanged, else the
        old one is unloaded first and a new one made and loaded."""
        if self.engine is not None and self.spec == spec:
            return self.engine
        self.unload()
        engine = self._factory(spec)
        engine.load()
        self.engine, self.spec = engine, spec
        return engine

    def unload(self) -> None:
        """Free the loaded engine's memory (the next :meth:`get` loads again)."""
        if self.engine is not None:
            try:
                self.engine.unload()
            except Exception:  # freeing must never fail a job
                log.warning("unloading %s failed", self.engine.name, exc_info=True)
        self.engine, self.spec = None, None
