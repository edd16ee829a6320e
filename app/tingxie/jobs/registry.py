"""The engine registry: the only place that knows which class serves an :class:`EngineSpec`.

The worker thread and the command line both ask :class:`EngineCache` for an engine, so a
model is loaded once and reused for every job whose engine part is unchanged; a new engine
(another model family, a server) is one more branch in :func:`make_engine`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from tingxie.asr.engine import Aligner, Engine
from tingxie.core.cancel import CancelToken
from tingxie.core.errors import TingxieError
from tingxie.jobs.spec import AUTO, DEFAULT_ALIGNER, NO_ALIGNER, EngineKind, EngineSpec, JobError

log = logging.getLogger(__name__)

EngineFactory = Callable[[EngineSpec], Engine]
#: Makes an aligner for (aligner name or folder, the job's engine spec).
AlignerFactory = Callable[[str, EngineSpec], "Aligner"]


def make_engine(spec: EngineSpec) -> Engine:
    """A new, not yet loaded engine for ``spec``.

    Raises the model registry's typed errors (model not downloaded, not a model folder)
    before anything heavy is imported or loaded.
    """
    if spec.kind is EngineKind.SERVER:
        from tingxie.asr.remote import RemoteEngine

        return RemoteEngine(spec.server_url, model=spec.server_model or None,
                            api_key=_api_key(spec), parallel=spec.parallel,
                            timeout=spec.server_timeout)
    from tingxie.asr.models import require_model
    from tingxie.asr.qwen3 import Qwen3ASREngine

    folder = require_model(spec.model, models_dir=spec.models_dir or None)
    kwargs = {"adapter": spec.adapter} if spec.adapter else {}
    return Qwen3ASREngine(folder, device=spec.device, quantize_int8=spec.int8, **kwargs)


def make_aligner(name: str, engine: EngineSpec) -> Aligner:
    """A new, not yet loaded forced aligner (a registry name or a folder), on the device the
    engine uses (a server job aligns on this computer, wherever it is fastest)."""
    from tingxie.asr.aligner import Qwen3ForcedAligner
    from tingxie.asr.models import require_model

    folder = require_model(name, models_dir=engine.models_dir or None)
    device = engine.device if engine.kind is EngineKind.LOCAL else "auto"
    return Qwen3ForcedAligner(folder, device=device)


def aligner_on_disk(engine: EngineSpec) -> bool:
    """Whether the default aligner is downloaded (``"auto"`` jobs use it then)."""
    from tingxie.asr.models import is_downloaded

    try:
        return is_downloaded(DEFAULT_ALIGNER, models_dir=engine.models_dir or None)
    except TingxieError:
        return False


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
    """Holds at most one loaded engine, reused while the requested spec stays the same, and
    at most one forced aligner (loaded by the pipeline on first use, then reused)."""

    def __init__(self, factory: EngineFactory = make_engine,
                 aligner_factory: AlignerFactory = make_aligner) -> None:
        self._factory = factory
        self._aligner_factory = aligner_factory
        self.engine: Engine | None = None
        self.spec: EngineSpec | None = None
        self.aligner: Aligner | None = None
        self._aligner_key: tuple[str, EngineSpec] | None = None

    def aligner_for(self, name: str, engine: EngineSpec) -> Aligner | None:
        """The aligner a job asks for: ``"none"`` gives ``None``; ``"auto"`` the default
        aligner when it is on disk, else ``None`` (the job's times are then estimated);
        a name or folder must be usable (typed errors otherwise)."""
        if name == NO_ALIGNER:
            return None
        if name == AUTO:
            if not aligner_on_disk(engine):
                return None
            name = DEFAULT_ALIGNER
        key = (name, replace(engine, int8=False, adapter=""))
        if self.aligner is None or self._aligner_key != key:
            self.unload_aligner()
            self.aligner = self._aligner_factory(name, engine)
            self._aligner_key = key
        return self.aligner

    def unload_aligner(self) -> None:
        """Free the aligner's memory."""
        if self.aligner is not None:
            try:
                self.aligner.unload()
            except Exception:
                log.warning("unloading the aligner failed", exc_info=True)
        self.aligner, self._aligner_key = None, None

    def is_loaded(self, spec: EngineSpec) -> bool:
        """Whether :meth:`get` would return at once for ``spec``."""
        return self.engine is not None and self.spec == spec

    def get(self, spec: EngineSpec, cancel: CancelToken | None = None) -> Engine:
        """The loaded engine for ``spec``: the current one if the spec is unchanged, else the
        old one is unloaded first and a new one made and loaded (``cancel`` stops the
        loading: Cancelled, and nothing is kept)."""
        if self.engine is not None and self.spec == spec:
            return self.engine
        self.unload()
        engine = self._factory(spec)
        engine.load(cancel=cancel)
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
        self.unload_aligner()
