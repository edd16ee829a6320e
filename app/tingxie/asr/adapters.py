"""LoRA adapters made by :mod:`tingxie.asr.adapt`: their manifest, finding them, using them.

An adapter is a folder in peft's format (``adapter_config.json``,
``adapter_model.safetensors``) plus Tingxie's ``manifest.json``: the base model's name and a
hash of its config and weights, the training data's size, the settings and the held-out
error before and after. The engine merges an adapter into the base weights when it loads
(:func:`merge_adapter`), so transcription runs as fast as without one; an adapter made for
another base model is refused (:class:`AdapterMismatch`).

Nothing here imports torch at module level: ``tingxie models list`` reads manifests only.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tingxie.asr.checkpoint import CONVERTED_DIRNAME, _safetensors_header, weight_files
from tingxie.core.errors import TingxieError

MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = "tingxie-adapter"
MANIFEST_VERSION = 1
ADAPTER_CONFIG = "adapter_config.json"
ADAPTER_WEIGHTS = "adapter_model.safetensors"
#: Folder, under the models folder or the Hugging Face cache, where adapters are looked for.
ADAPTERS_DIRNAME = "tingxie-adapters"
#: Bytes of the first tensor's data that go into the base model's hash.
HASH_SAMPLE = 1 << 16
#: config.json keys that change with the tool that wrote the file, not with the model.
_VOLATILE_CONFIG_KEYS = ("transformers_version", "_name_or_path", "dtype", "torch_dtype")


class MissingAdaptDependency(TingxieError):
    """peft (or jiwer) is not installed: adapting, and loading an adapter, need it."""

    def __init__(self, package: str) -> None:
        self.package = package
        super().__init__(
            f"Adapting the model needs the Python package {package!r}, which is not installed. "
            "Install it with `pip install 'tingxie[adapt]'` (or `pip install peft jiwer`)."
        )


class InvalidAdapter(TingxieError):
    """A folder given as an adapter is not one Tingxie made (or is damaged)."""

    def __init__(self, folder: str | Path, reason: str) -> None:
        self.folder = Path(folder)
        self.reason = reason
        super().__init__(
            f"{self.folder} is not a Tingxie adapter: {reason}. Choose a folder written by "
            "`tingxie adapt` (it holds manifest.json, adapter_config.json and "
            "adapter_model.safetensors)."
        )


class AdapterMissing(InvalidAdapter):
    """The adapter folder is not there any more (moved or deleted since it was chosen)."""

    def __init__(self, folder: str | Path) -> None:
        TingxieError.__init__(
            self,
            f"The adapter {Path(folder).name} ({folder}) no longer exists (moved or deleted): "
            "choose another adapter, or None.",
        )
        self.folder = Path(folder)
        self.reason = "it no longer exists"


class DamagedAdapter(InvalidAdapter):
    """The folder is a Tingxie adapter, but its weights cannot be used (a copy that did not
    finish, a full disk, a file from elsewhere)."""

    def __init__(self, folder: str | Path, reason: str) -> None:
        TingxieError.__init__(
            self,
            f"The adapter {Path(folder).name} ({folder}) cannot be used: {reason}. Train it "
            "again with `tingxie adapt` (Model > Adapt to my corrections…), or choose another "
            "adapter.",
        )
        self.folder = Path(folder)
        self.reason = reason


class AdapterMismatch(TingxieError):
    """The adapter was made for another base model than the one being loaded."""

    def __init__(self, adapter: str | Path, made_for: str, this_model: str) -> None:
        self.adapter = Path(adapter)
        self.made_for = made_for
        self.this_model = this_model
        super().__init__(
            f"The adapter {self.adapter.name} was made for the model {made_for}, not for "
            f"{this_model}. Load it with {made_for}, or adapt {this_model} to your "
            "corrections with `tingxie adapt`."
        )


def require_peft() -> Any:
    """The ``peft`` module; :class:`MissingAdaptDependency` when it is not installed."""
    try:
        import peft
    except ImportError as exc:
        raise MissingAdaptDependency("peft") from exc
    return peft


# -- the base model's identity ---------------------------------------------------------------
def base_model_hash(folder: str | Path) -> str:
    """``sha256:<hex>`` of a native checkpoint's config, weight index and first weights.

    Covers config.json (less the keys that only name the writing tool), every tensor's name,
    dtype and shape (not how they are split into shards), and the first 64 KiB of the first
    tensor's data, so two checkpoints with the same shapes but other weights differ. Reads a
    few kilobytes, not the weights.
    """
    folder = Path(folder)
    digest = hashlib.sha256()
    try:
        config = json.loads((folder / "config.json").read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidAdapter(folder, f"its base model's config.json is unreadable ({exc})") from exc
    for key in _VOLATILE_CONFIG_KEYS:
        config.pop(key, None)
    digest.update(json.dumps(config, sort_keys=True).encode())
    tensors: dict[str, tuple[str, list[int]]] = {}
    first: tuple[str, Path, int, int] | None = None
    for path in weight_files(folder):
        header = _safetensors_header(path)
        with path.open("rb") as f:
            start = 8 + int.from_bytes(f.read(8), "little")
        for name, info in header.items():
            if name == "__metadata__":
                continue
            tensors[name] = (str(info["dtype"]), list(info["shape"]))
            if first is None or name < first[0]:
                begin, end = info["data_offsets"]
                first = (name, path, start + int(begin), int(end) - int(begin))
    digest.update(json.dumps(sorted(tensors.items())).encode())
    if first is not None:
        _name, path, offset, size = first
        with path.open("rb") as f:
            f.seek(offset)
            digest.update(f.read(min(size, HASH_SAMPLE)))
    return "sha256:" + digest.hexdigest()


def describe_model(folder: str | Path) -> str:
    """A readable name for a checkpoint folder: ``Qwen/Qwen3-ASR-0.6B-hf`` for a snapshot in
    the Hugging Face cache, else the folder's name (a converted original-layout checkpoint
    is named after the folder it was converted from)."""
    folder = Path(folder)
    for part in folder.parts:
        if part.startswith("models--"):
            return "/".join(part[len("models--") :].split("--"))
    if folder.name == CONVERTED_DIRNAME:
        return folder.parent.name
    return folder.name


# -- manifests --------------------------------------------------------------------------------
@dataclass(frozen=True)
class AdapterInfo:
    """What ``manifest.json`` says about one adapter folder."""

    path: Path
    base_name: str
    base_hash: str
    pairs: int
    minutes: float
    held_out: dict[str, Any]
    manifest: dict[str, Any]

    @property
    def name(self) -> str:
        """The adapter's folder name."""
        return self.path.name

    def held_out_summary(self) -> str:
        """``held-out WER 14.2% → 9.8% on 38 segments`` (or what is known of it)."""
        return held_out_summary(self.held_out)


def held_out_summary(held_out: dict[str, Any]) -> str:
    """The held-out score as a person reads it: ``held-out error 14.2% → 9.8% on 38 segments``
    (``error`` is ``WER`` or ``CER``)."""
    metric = held_out.get("metric") or "error"
    before, after = held_out.get("before"), held_out.get("after")
    count = held_out.get("segments", 0)
    if before is None or after is None:
        return f"held-out {metric}: not measured"
    return f"held-out {metric} {100 * before:.1f}% → {100 * after:.1f}% on {count} segments"


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_amount(value: Any) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value) and value >= 0)


def _manifest_problem(doc: dict[str, Any]) -> str | None:
    """What is wrong with the types of a manifest's values (a hand edit), or ``None``."""
    if "version" in doc and not _is_count(doc["version"]):
        return "the version in its manifest.json is not a whole number"
    base = doc.get("base_model")
    if not isinstance(base, dict) or not isinstance(base.get("hash"), str) or not base["hash"]:
        return "its manifest names no base model"
    if base.get("name") is not None and not isinstance(base["name"], str):
        return "the base model's name in its manifest.json is not text"
    data = doc.get("data", {})
    if not isinstance(data, dict):
        return "the data in its manifest.json is not a table of values"
    if "pairs" in data and not _is_count(data["pairs"]):
        return "the number of segments (data.pairs) in its manifest.json is not a whole number"
    if "minutes" in data and not _is_amount(data["minutes"]):
        return "the minutes (data.minutes) in its manifest.json are not a number"
    held = doc.get("held_out", {})
    if not isinstance(held, dict):
        return "the held-out score in its manifest.json is not a table of values"
    if held.get("metric") is not None and not isinstance(held["metric"], str):
        return "the held-out metric in its manifest.json is not text"
    for key in ("before", "after"):
        if held.get(key) is not None and not _is_amount(held[key]):
            return f"the held-out error (held_out.{key}) in its manifest.json is not a number"
    if "segments" in held and not _is_count(held["segments"]):
        return "the held-out segments (held_out.segments) in its manifest.json are not a " \
            "whole number"
    return None


def check_adapter_weights(folder: str | Path) -> None:
    """Read the header of the adapter's ``adapter_model.safetensors`` (a few kilobytes):
    :class:`DamagedAdapter` when it is truncated, damaged or holds no LoRA weights."""
    from tingxie.asr.errors import CorruptWeights

    path = Path(folder) / ADAPTER_WEIGHTS
    try:
        header = _safetensors_header(path)
    except CorruptWeights as exc:
        raise DamagedAdapter(folder, f"its {ADAPTER_WEIGHTS} {exc.problem}") from exc
    except OSError as exc:
        raise DamagedAdapter(folder, f"its {ADAPTER_WEIGHTS} cannot be read ({exc})") from exc
    if not any("lora_" in name for name in header):
        raise DamagedAdapter(folder, f"its {ADAPTER_WEIGHTS} holds no LoRA weights")


def read_manifest(folder: str | Path, check_weights: bool = True) -> AdapterInfo:
    """The manifest of an adapter folder; :class:`InvalidAdapter` naming what is wrong
    (:class:`AdapterMissing` when the folder is gone).

    Every value is checked for its type (a hand-edited manifest), and, with
    ``check_weights``, the weights' header (:class:`DamagedAdapter`), so an adapter listed
    is one that can be loaded.
    """
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        if not folder.exists():
            raise AdapterMissing(folder)
        raise InvalidAdapter(folder, "it is not a folder")
    for name in (MANIFEST_NAME, ADAPTER_CONFIG, ADAPTER_WEIGHTS):
        if not (folder / name).is_file():
            raise InvalidAdapter(folder, f"it has no {name}")
    try:
        doc = json.loads((folder / MANIFEST_NAME).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidAdapter(folder, f"its manifest.json cannot be read ({exc})") from exc
    if not isinstance(doc, dict) or doc.get("format") != MANIFEST_FORMAT:
        raise InvalidAdapter(folder, "its manifest.json is not a Tingxie adapter manifest")
    problem = _manifest_problem(doc)
    if problem is not None:
        raise InvalidAdapter(folder, problem)
    if doc.get("version", 0) > MANIFEST_VERSION:
        raise InvalidAdapter(folder, "it was made by a newer Tingxie; update Tingxie to use it")
    if check_weights:
        check_adapter_weights(folder)
    base = doc["base_model"]
    data = doc.get("data", {})
    held = doc.get("held_out", {})
    return AdapterInfo(
        path=folder.resolve(),
        base_name=str(base.get("name") or "?"),
        base_hash=base["hash"],
        pairs=int(data.get("pairs", 0)),
        minutes=float(data.get("minutes", 0.0)),
        held_out=held,
        manifest=doc,
    )


def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    """Write ``manifest.json`` (with the format and version stamped) into ``folder``."""
    doc = {"format": MANIFEST_FORMAT, "version": MANIFEST_VERSION, **manifest}
    (folder / MANIFEST_NAME).write_text(json.dumps(doc, ensure_ascii=False, indent=1), "utf-8")


def default_adapters_dir(models_dir: str | os.PathLike[str] | None = None) -> Path:
    """``<models dir>/tingxie-adapters``, or ``<Hugging Face cache>/tingxie-adapters``."""
    from tingxie.asr.models import hf_cache_dir

    root = Path(models_dir).expanduser() if models_dir is not None else hf_cache_dir()
    return root / ADAPTERS_DIRNAME


def find_adapters(folders: list[Path] | tuple[Path, ...]) -> list[AdapterInfo]:
    """Every valid adapter directly inside ``folders`` (or one of them itself), by name.

    Folders that do not exist, hidden ones (the leftovers of an interrupted save) and
    sub-folders that are not adapters (a half-written, hand-damaged or truncated one
    included) are skipped: the good ones are still listed.
    """
    found: dict[Path, AdapterInfo] = {}
    for folder in folders:
        folder = Path(folder).expanduser()
        if not folder.is_dir():
            continue
        try:
            # A hidden folder is the leftover of an interrupted save (.NAME.partial-…,
            # .NAME.old-PID), never an adapter of its own.
            candidates = [folder, *sorted(p for p in folder.iterdir()
                                          if not p.name.startswith(".") and p.is_dir())]
        except OSError:
            continue
        for candidate in candidates:
            try:
                if not (candidate / MANIFEST_NAME).is_file():
                    continue
                info = read_manifest(candidate)
            except (InvalidAdapter, OSError):
                continue
            found.setdefault(info.path, info)
    return sorted(found.values(), key=lambda a: (a.base_name, a.name))


# -- using one --------------------------------------------------------------------------------
def check_adapter(adapter: str | Path, base_folder: str | Path) -> AdapterInfo:
    """The adapter's manifest, once it is known to fit the checkpoint in ``base_folder``.

    Raises :class:`InvalidAdapter` or :class:`AdapterMismatch` (naming both models).
    """
    info = read_manifest(adapter, check_weights=False)
    if base_model_hash(base_folder) != info.base_hash:
        raise AdapterMismatch(info.path, info.base_name, describe_model(base_folder))
    check_adapter_weights(info.path)  # after the model's name: "made for another model" says more
    return info


def merge_adapter(model: Any, adapter: str | Path) -> Any:
    """``model`` with the adapter's LoRA weights merged into its own (same speed as without).

    Call :func:`check_adapter` first. Raises :class:`DamagedAdapter` when peft cannot read
    the adapter's files, or when their tensors do not fit the model's LoRA layers (peft
    would only warn, and the adapter would change nothing). An out-of-memory error comes
    as the ``__cause__`` of that error.
    """
    peft = require_peft()
    from safetensors import SafetensorError

    adapter = Path(adapter)
    try:
        saved = set(_safetensors_header(adapter / ADAPTER_WEIGHTS))
        with warnings.catch_warnings():
            # peft asks transformers a deprecated question; the user cannot act on it.
            warnings.simplefilter("ignore", FutureWarning)
            # peft warns of the keys it did not find; they are compared below instead.
            warnings.simplefilter("ignore", UserWarning)
            wrapped = peft.PeftModel.from_pretrained(model, str(adapter), is_trainable=False)
        expected = set(peft.utils.get_peft_model_state_dict(wrapped))
    except TingxieError as exc:  # the weights' header (CorruptWeights)
        raise DamagedAdapter(adapter, f"its {ADAPTER_WEIGHTS} "
                             f"{getattr(exc, 'problem', exc)}") from exc
    except (OSError, ValueError, KeyError, RuntimeError, TypeError, AttributeError,
            SafetensorError) as exc:
        first = (str(exc).strip().splitlines() or [""])[0][:200]
        raise DamagedAdapter(adapter, f"its files cannot be loaded "
                             f"({type(exc).__name__}: {first})") from exc
    missing = expected - saved
    if missing or not expected:
        example = min(missing) if missing else "any LoRA layer"
        raise DamagedAdapter(
            adapter, f"its weights do not fit the model's LoRA layers ({len(missing)} of "
            f"{len(expected)} missing, such as {example}): it was written by another program "
            "or another version")
    try:
        return wrapped.merge_and_unload()
    except (RuntimeError, ValueError) as exc:
        raise DamagedAdapter(adapter, f"its weights cannot be merged ({exc})") from exc


# -- which adapters fit which model ------------------------------------------------------------
def _native_folders(folder: Path) -> list[Path]:
    """``folder`` and the native copies made of it if it is in the original layout."""
    from tingxie.asr.checkpoint import converted_locations

    return [folder, *(p for p in converted_locations(folder) if p.is_dir())]


def made_for(
    info: AdapterInfo, model: str | os.PathLike[str], models_dir: str | os.PathLike[str] | None
) -> bool:
    """Whether the adapter ``info`` was made for ``model`` (a registry name or a folder).

    A registry model matches by the name in the manifest, or (once downloaded) by the base
    model's hash; a folder by the hash of its weights (or of the native copy Tingxie made of
    an original-layout checkpoint). Reads a few kilobytes, never the weights.
    """
    from tingxie.asr.models import InvalidModelFolder, UnknownModel, find_model, model_path

    try:
        spec = find_model(model)
    except (UnknownModel, InvalidModelFolder):
        return False
    if spec.local_path is None:
        names = {spec.name.lower(), spec.repo_id.lower(), (spec.modelscope_id or "").lower()}
        if info.base_name.lower() in names - {""}:
            return True
        folder = model_path(spec, models_dir)
    else:
        folder = spec.local_path
    if folder is None:
        return False
    for candidate in _native_folders(Path(folder)):
        try:
            if base_model_hash(candidate) == info.base_hash:
                return True
        except (InvalidAdapter, OSError, ValueError, KeyError):
            continue
    return False


def adapters_for(
    model: str | os.PathLike[str],
    models_dir: str | os.PathLike[str] | None = None,
    folders: list[Path] | tuple[Path, ...] = (),
) -> list[AdapterInfo]:
    """The adapters in :func:`default_adapters_dir` (and ``folders``) made for ``model``."""
    found = find_adapters([default_adapters_dir(models_dir), *folders])
    return [info for info in found if made_for(info, model, models_dir)]
