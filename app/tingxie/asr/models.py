"""The Qwen3-ASR checkpoints Tingxie knows, where they live on disk, and how to fetch them.

Nothing here downloads on its own: :func:`model_path`, :func:`is_downloaded` and
:func:`download_state` only look at the disk, and :func:`tingxie.asr.download.download` runs
only when a user asks for it.

Models live in the Hugging Face cache by default (``HF_HUB_CACHE``, ``HF_HOME``; the same
layout ``huggingface_hub`` writes, so other tools share the files), or in a models folder
the user picks (one sub-folder per model, named after the repository). An installed (frozen)
app also looks in a ``models`` folder beside itself, for machines without internet
(:func:`app_models_dirs`).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tingxie.core.errors import FileProblem, TingxieError

ModelKind = Literal["asr", "aligner"]
Source = Literal["huggingface", "modelscope"]

SOURCES: tuple[Source, ...] = ("huggingface", "modelscope")
DEFAULT_ENDPOINT = "https://huggingface.co"
#: A public mirror of the Hugging Face hub, suggested when the hub cannot be reached.
MIRROR_ENDPOINT = "https://hf-mirror.com"


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class ModelSpec:
    """One checkpoint: where to get it and what it is good for.

    ``size_bytes`` and ``params`` are approximate (bf16 weights plus tokenizer files); the exact
    sizes come from the hub when a download starts. ``local_path`` is set only for a folder the
    user chose (see :func:`find_model`); ``repo_id`` is then empty.
    """

    name: str
    repo_id: str
    modelscope_id: str | None
    size_bytes: int
    params: str
    languages: str
    good_for: str
    kind: ModelKind = "asr"
    local_path: Path | None = None


MODELS: tuple[ModelSpec, ...] = (
    ModelSpec(
        name="qwen3-asr-0.6b",
        repo_id="Qwen/Qwen3-ASR-0.6B-hf",
        modelscope_id="Qwen/Qwen3-ASR-0.6B",
        size_bytes=1_880_000_000,  # ~0.9B params (0.6B decoder + audio encoder) in bf16
        params="0.9B",
        languages="30 languages + 22 Chinese dialects",
        good_for="default: fast, distilled from 1.7B, context biasing; runs well on CPU",
    ),
    ModelSpec(
        name="qwen3-asr-1.7b",
        repo_id="Qwen/Qwen3-ASR-1.7B-hf",
        modelscope_id="Qwen/Qwen3-ASR-1.7B",
        size_bytes=4_100_000_000,  # ~2.0B params (1.7B decoder + audio encoder) in bf16
        params="2.0B",
        languages="30 languages + 22 Chinese dialects",
        good_for="most accurate; noisy, accented or otherwise hard audio (wants a GPU)",
    ),
    ModelSpec(
        name="qwen3-forcedaligner-0.6b",
        repo_id="Qwen/Qwen3-ForcedAligner-0.6B-hf",
        modelscope_id="Qwen/Qwen3-ForcedAligner-0.6B",
        size_bytes=1_850_000_000,
        params="0.9B",
        languages="11 languages: zh en yue fr de it ja ko pt ru es",
        good_for="word timings for a transcript (subtitles, click-to-seek)",
        kind="aligner",
    ),
)

DEFAULT_MODEL = "qwen3-asr-0.6b"
#: One half of a hub repository id (the hub's own rule): it names folders, so never "..".
_REPO_PART = re.compile(r"[A-Za-z0-9](?:[\w.-]*[A-Za-z0-9_])?")
#: Weight files in Python's pickle format, which can run code when loaded: never loaded.
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl")
#: The forced aligner that gives word times (``kind == "aligner"``).
DEFAULT_ALIGNER = "qwen3-forcedaligner-0.6b"


class UnknownModel(TingxieError):
    """A name that is neither a known model, a repository id nor an existing folder."""


class ModelNotDownloaded(TingxieError):
    """A model was asked for that is not (completely) on disk yet."""

    def __init__(self, spec: ModelSpec, incomplete: tuple[Path, str] | None = None) -> None:
        self.spec = spec
        #: The folder that holds part of the model and what it lacks (see
        #: :func:`incomplete_folder`), or None.
        self.incomplete = incomplete
        if spec.local_path is not None:
            message = f"{spec.local_path} does not hold a complete model."
        elif incomplete is not None:
            folder, reason = incomplete
            message = (
                f"Model {spec.name} in {folder} is incomplete: {reason}. "
                f"Run `tingxie models download {spec.name}` to fetch what is missing "
                "(the files already there are kept), or choose a folder that holds the "
                "whole model."
            )
        else:
            message = (
                f"Model {spec.name} is not downloaded yet. "
                f"Download it with `tingxie models download {spec.name}`, "
                "or choose a folder that already holds it."
            )
        super().__init__(message)


class InvalidModelFolder(FileProblem):
    """A folder a user picked does not look like a model checkpoint."""


class NotEnoughDiskSpace(TingxieError):
    """The target folder's disk cannot hold the rest of a download."""

    def __init__(self, folder: Path, needed: int, free: int) -> None:
        self.folder = folder
        self.needed = needed
        self.free = free
        super().__init__(
            f"Not enough disk space in {folder}: the download needs {format_size(needed)} "
            f"and only {format_size(free)} is free. Free some space or choose another models "
            "folder."
        )


class DownloadFailed(TingxieError):
    """A download could not finish; the message names the model, the server and what to try."""

    NETWORK_ADVICE = (
        "Check the connection and try again (finished files are kept), or use a mirror "
        f"(endpoint {MIRROR_ENDPOINT}, or HF_ENDPOINT), the ModelScope source, "
        "or a folder that already holds the model."
    )

    def __init__(self, spec: ModelSpec, where: str, reason: str, advice: str | None = None) -> None:
        self.spec = spec
        self.where = where
        self.reason = reason
        advice = self.NETWORK_ADVICE if advice is None else advice
        super().__init__(f"Could not download {spec.name} from {where}: {reason}. {advice}".strip())


def find_model(name_or_path: str | os.PathLike[str] | ModelSpec) -> ModelSpec:
    """Find a model by registry name, repository id (Hugging Face or ModelScope) or folder.

    A folder that exists on disk gives a spec with ``local_path`` set (its shape is not
    checked here; see :func:`use_local_folder`). An ``org/name`` id outside the registry gives
    an ad-hoc spec of unknown size. Raises :class:`InvalidModelFolder` for a path that is a
    file (not a folder), :class:`UnknownModel` otherwise (saying so for an absolute path that
    is not there: a disk unplugged, a folder moved).
    """
    if isinstance(name_or_path, ModelSpec):
        return name_or_path
    text = os.fspath(name_or_path).strip()
    lowered = text.lower()
    for spec in MODELS:
        ids = {spec.name, spec.repo_id.lower(), (spec.modelscope_id or "").lower()}
        if lowered in ids:
            return spec
    path = Path(text).expanduser()
    if path.is_dir():
        return _spec_for_folder(path)
    if text and path.exists():  # `sub/afile` would otherwise read as a repository id
        raise InvalidModelFolder(
            path,
            "is a file, not a model folder.",
            "Give the folder that holds config.json and the *.safetensors weights.",
        )
    parts = text.split("/")
    if len(parts) == 2 and all(_REPO_PART.fullmatch(p) and ".." not in p for p in parts):
        return ModelSpec(
            name=text,
            repo_id=text,
            modelscope_id=text,
            size_bytes=0,
            params="?",
            languages="?",
            good_for="custom repository",
            kind="aligner" if "aligner" in lowered else "asr",
        )
    known = ", ".join(spec.name for spec in MODELS)
    if path.is_absolute():
        raise UnknownModel(
            f"There is no model folder {path} (a disk that is not plugged in, or a folder "
            f"that was moved or renamed?). Choose another folder, or one of the known "
            f"models: {known}."
        )
    raise UnknownModel(
        f"Unknown model {text!r}. Known models: {known}; "
        "or give a Hugging Face repository id (org/name) or a folder that holds a model."
    )


def _spec_for_folder(path: Path) -> ModelSpec:
    path = path.resolve()
    kind: ModelKind = "asr"
    with contextlib.suppress(OSError, ValueError):
        if "aligner" in (path / "config.json").read_text(encoding="utf-8").lower():
            kind = "aligner"
    if "aligner" in path.name.lower():
        kind = "aligner"
    size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return ModelSpec(
        name=path.name,
        repo_id="",
        modelscope_id=None,
        size_bytes=size,
        params="?",
        languages="?",
        good_for="local folder",
        kind=kind,
        local_path=path,
    )


# --------------------------------------------------------------------------- on disk


def hf_cache_dir() -> Path:
    """The Hugging Face hub cache, read from the environment on every call.

    Honours ``HF_HUB_CACHE`` (and the older ``HUGGINGFACE_HUB_CACHE``), then ``HF_HOME``, then
    ``XDG_CACHE_HOME``, like huggingface_hub does (which reads them only once, at import).
    """
    for var in ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"):
        if os.environ.get(var):
            return Path(os.path.expandvars(os.environ[var])).expanduser()
    if os.environ.get("HF_HOME"):
        return Path(os.path.expandvars(os.environ["HF_HOME"])).expanduser() / "hub"
    xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join("~", ".cache")
    return Path(xdg).expanduser() / "huggingface" / "hub"


def modelscope_cache_dir() -> Path:
    """The ModelScope cache (``MODELSCOPE_CACHE``, else ``~/.cache/modelscope/hub``)."""
    if os.environ.get("MODELSCOPE_CACHE"):
        return Path(os.environ["MODELSCOPE_CACHE"]).expanduser()
    return Path("~/.cache/modelscope/hub").expanduser()


#: What a download leaves in a models folder: which hash each finished file has. Every name in
#: it belongs to the model (see :func:`missing_model_files`).
DOWNLOAD_RECORD = ".tingxie-download.json"
#: The tokenizer's vocabulary: transformers' single file, or the older pair.
_TOKENIZER_DATA = (("tokenizer.json",), ("vocab.json", "merges.txt"))
#: The feature extractor's settings in a transformers ("-hf") checkpoint: the processor file
#: of transformers 5, or the older preprocessor file.
_PROCESSOR_FILES = ("processor_config.json", "preprocessor_config.json")
_CHAT_TEMPLATE_FILES = ("chat_template.jinja", "chat_template.json")


def is_complete_model_folder(folder: Path) -> bool:
    """Whether ``folder`` holds a whole checkpoint (see :func:`missing_model_files`) and no
    ``*.incomplete`` file left by an unfinished download.

    Downloads write ``config.json`` last, so a cancelled one never looks complete.
    """
    return incomplete_reason(folder) is None


def incomplete_reason(folder: Path) -> str | None:
    """Why ``folder`` is not a whole checkpoint, in words that name the files (``"tokenizer.json
    is missing"``, ``"a download did not finish (model.safetensors.incomplete)"``), or None
    when it is one."""
    unfinished = next(iter(folder.rglob("*.incomplete")), None)
    if unfinished is not None:
        return f"a download did not finish ({unfinished.relative_to(folder).as_posix()})"
    missing = missing_model_files(folder)
    if not missing:
        return None
    if len(missing) == 1:
        return f"{missing[0]} is missing"
    return f"{', '.join(missing[:-1])} and {missing[-1]} are missing"


def missing_model_files(folder: Path) -> list[str]:
    """The files ``folder`` lacks to be a whole checkpoint, by name; ``[]`` when none.

    Always ``config.json`` and the weights: every file named in ``model.safetensors.index.json``,
    else a ``model.safetensors``. A config.json of a Qwen3-ASR checkpoint (either layout) also
    asks for the tokenizer (``tokenizer_config.json`` and ``tokenizer.json``, or
    ``vocab.json`` and ``merges.txt``); the transformers ("-hf") layout for the processor
    (``processor_config.json`` or ``preprocessor_config.json``) and a chat template too (the
    original layout's processor is made from its config.json). A folder a download wrote
    (with a :data:`DOWNLOAD_RECORD`) also lacks any file the record names that is gone.
    """
    if not (folder / "config.json").is_file():
        return ["config.json"]
    missing: list[str] = []
    index = folder / "model.safetensors.index.json"
    if index.is_file():
        try:
            shards = set(json.loads(index.read_text(encoding="utf-8"))["weight_map"].values())
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            shards = set()
        if not shards or not all(isinstance(shard, str) for shard in shards):
            missing.append("a readable model.safetensors.index.json")
        else:
            missing += sorted(s for s in shards if not (folder / s).is_file())
    elif not (folder / "model.safetensors").is_file():
        missing.append("model.safetensors")
    layout = _config_layout(folder)
    if layout is not None:
        if not (folder / "tokenizer_config.json").is_file():
            missing.append("tokenizer_config.json")
        if not any(all((folder / n).is_file() for n in names) for names in _TOKENIZER_DATA):
            missing.append("tokenizer.json")
    if layout == "native":
        if not any((folder / n).is_file() for n in _PROCESSOR_FILES):
            missing.append("processor_config.json")
        if not _has_chat_template(folder):
            missing.append("chat_template.jinja")
    missing += [name for name in _recorded_names(folder)
                if name not in missing and not (folder / name).is_file()]
    return missing


def _config_layout(folder: Path) -> Literal["native", "original"] | None:
    """The layout ``folder``'s config.json describes (as :func:`checkpoint.detect_layout`
    tells them apart), or None for a config.json that describes no Qwen3-ASR checkpoint."""
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(config, dict):
        return None
    if isinstance(config.get("thinker_config"), dict):
        return "original"
    if isinstance(config.get("audio_config"), dict) and isinstance(config.get("text_config"), dict):
        return "native"
    return None


def _has_chat_template(folder: Path) -> bool:
    if any((folder / name).is_file() for name in _CHAT_TEMPLATE_FILES):
        return True
    for name in ("tokenizer_config.json", "processor_config.json"):
        with contextlib.suppress(OSError, ValueError):
            found = json.loads((folder / name).read_text(encoding="utf-8"))
            if isinstance(found, dict) and found.get("chat_template"):
                return True
    return False


def _recorded_names(folder: Path) -> list[str]:
    """The files a download into ``folder`` finished, from its :data:`DOWNLOAD_RECORD`."""
    try:
        found = json.loads((folder / DOWNLOAD_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(found, dict):
        return []
    return sorted(name for name in found if isinstance(name, str) and name
                  and ".." not in name.split("/") and not name.startswith("/"))


def _repo_folder_name(repo_id: str) -> str:
    return repo_id.rsplit("/", 1)[-1]


def _hf_storage(cache_dir: Path, repo_id: str) -> Path:
    # The layout huggingface_hub uses: models--{org}--{name}/{blobs,refs,snapshots}
    return cache_dir / ("models--" + repo_id.replace("/", "--"))


def _hf_snapshots(storage: Path) -> Iterator[Path]:
    """Snapshot folders of one cached repo, the one ``refs/main`` names first."""
    seen: set[Path] = set()
    with contextlib.suppress(OSError):
        commit = (storage / "refs" / "main").read_text(encoding="utf-8").strip()
        if commit:
            seen.add(storage / "snapshots" / commit)
            yield storage / "snapshots" / commit
    snapshots = storage / "snapshots"
    if snapshots.is_dir():
        others = [p for p in snapshots.iterdir() if p.is_dir() and p not in seen]
        yield from sorted(others, key=lambda p: p.stat().st_mtime, reverse=True)


def _candidate_folders(spec: ModelSpec, models_dir: Path | None) -> Iterator[Path]:
    """Folders that may hold ``spec``, in the order they are preferred."""
    if spec.local_path is not None:
        yield spec.local_path
        return
    names = [_repo_folder_name(spec.repo_id)]
    if spec.modelscope_id:
        names.append(_repo_folder_name(spec.modelscope_id))
    if models_dir is not None:
        for name in dict.fromkeys(names):
            yield Path(models_dir).expanduser() / name
    for folder in app_models_dirs():
        for name in dict.fromkeys(names):
            yield folder / name
    yield from _hf_snapshots(_hf_storage(hf_cache_dir(), spec.repo_id))
    if spec.modelscope_id:
        ms = modelscope_cache_dir()
        yield ms / "models" / spec.modelscope_id
        yield ms / spec.modelscope_id


def app_models_dirs() -> list[Path]:
    """The ``models`` folders beside an installed app, for offline machines; ``[]`` when
    running from a Python environment.

    An administrator copies ``Qwen3-ASR-0.6B-hf/`` (etc.) into ``models/`` next to the
    ``tingxie`` program (Windows, Linux), or next to ``Tingxie.app`` (macOS), and every user of
    that installation finds the model without a download. Only frozen builds (PyInstaller sets
    ``sys.frozen``) look there: a source checkout has no such folder.
    """
    if not getattr(sys, "frozen", False):
        return []
    program = Path(sys.executable).resolve().parent
    folders = [program / "models"]
    if program.name == "MacOS" and program.parent.name == "Contents":
        folders.append(program.parent.parent.parent / "models")  # beside Tingxie.app
    return folders


def model_path(
    spec_or_name: ModelSpec | str, models_dir: str | os.PathLike[str] | None = None
) -> Path | None:
    """The local folder of a completely downloaded model, or ``None``.

    Looks in ``models_dir`` (if given), the ``models`` folder beside an installed app
    (:func:`app_models_dirs`), the Hugging Face cache and the ModelScope cache. Never touches
    the network.
    """
    spec = find_model(spec_or_name)
    root = Path(models_dir) if models_dir is not None else None
    for folder in _candidate_folders(spec, root):
        if is_complete_model_folder(folder):
            return folder
    return None


def incomplete_folder(
    spec_or_name: ModelSpec | str, models_dir: str | os.PathLike[str] | None = None
) -> tuple[Path, str] | None:
    """The first folder where ``spec`` would be found that holds part of it but not all,
    with what it lacks (:func:`incomplete_reason`); None when there is none. Tells
    "incomplete" apart from "not downloaded" in messages."""
    spec = find_model(spec_or_name)
    root = Path(models_dir) if models_dir is not None else None
    for folder in _candidate_folders(spec, root):
        if not folder.is_dir():
            continue
        reason = incomplete_reason(folder)
        if reason is None:
            return None
        with contextlib.suppress(OSError):
            if any(folder.iterdir()):  # an empty folder holds nothing of it
                return folder, reason
    return None


def require_model(
    spec_or_name: ModelSpec | str, models_dir: str | os.PathLike[str] | None = None
) -> Path:
    """Like :func:`model_path` but raises instead of returning ``None``.

    For a folder the user gave, :class:`InvalidModelFolder` says what is wrong with it (no
    config.json, only pickle weights, an unfinished download...); for a known model or a
    repository id, :class:`ModelNotDownloaded` says how to download it.
    """
    spec = find_model(spec_or_name)
    path = model_path(spec, models_dir)
    if path is None:
        if spec.local_path is not None:
            use_local_folder(spec.local_path)  # raises with the specific problem
        raise ModelNotDownloaded(spec, incomplete_folder(spec, models_dir))
    return path


def is_downloaded(
    spec_or_name: ModelSpec | str, models_dir: str | os.PathLike[str] | None = None
) -> bool:
    """Whether the model is completely on disk (see :func:`model_path`)."""
    return model_path(spec_or_name, models_dir) is not None


def download_state(
    spec_or_name: ModelSpec | str, models_dir: str | os.PathLike[str] | None = None
) -> str:
    """``"downloaded"``, ``"partial (412 MB of ~1.9 GB)"`` or ``"not downloaded"``.

    The partial figure counts what an unfinished download left where :func:`download` would
    resume it; the total is the registry's approximate size.
    """
    spec = find_model(spec_or_name)
    if model_path(spec, models_dir) is not None:
        return "downloaded"
    if spec.local_path is not None:
        return "incomplete folder"
    if models_dir is not None:
        where = Path(models_dir).expanduser() / _repo_folder_name(spec.repo_id)
    else:
        where = _hf_storage(hf_cache_dir(), spec.repo_id) / "blobs"
    have = _bytes_under(where)
    if have == 0:
        return "not downloaded"
    if spec.size_bytes:
        return f"partial ({format_size(have)} of ~{format_size(spec.size_bytes)})"
    return f"partial ({format_size(have)})"


def _bytes_under(folder: Path) -> int:
    if not folder.is_dir():
        return 0
    total = 0
    for path in folder.rglob("*"):
        with contextlib.suppress(OSError):
            if path.is_file() and not path.is_symlink():
                total += path.stat().st_size
    return total


def use_local_folder(path: str | os.PathLike[str]) -> Path:
    """Check that a folder the user picked looks like a checkpoint; return it resolved.

    Only the shape is checked (``config.json`` and safetensors weights present, no unfinished
    download); the engine validates the contents when it loads. Raises
    :class:`InvalidModelFolder` with a message saying what is missing.
    """
    folder = Path(path).expanduser()
    hint = "Choose the folder that holds config.json and the *.safetensors weights."
    if not folder.is_dir():
        raise InvalidModelFolder(folder, "is not a folder.", hint)
    if not (folder / "config.json").is_file():
        raise InvalidModelFolder(folder, "has no config.json.", hint)
    if not any(folder.glob("*.safetensors")):
        pickles = sorted(p.name for p in folder.iterdir() if p.suffix in PICKLE_SUFFIXES)
        if pickles:
            raise InvalidModelFolder(
                folder,
                f"holds only PyTorch pickle weights ({', '.join(pickles[:3])}), which are "
                "unsafe (loading them can run code) and which Tingxie does not load.",
                "Convert them to safetensors, or download the safetensors checkpoint "
                f"(`tingxie models download {DEFAULT_MODEL}`, or the model's -hf repository).",
            )
        raise InvalidModelFolder(folder, "has no *.safetensors weights.", hint)
    reason = incomplete_reason(folder)
    if reason is not None:
        raise InvalidModelFolder(
            folder,
            f"is incomplete: {reason}.",
            "Finish or repeat the download, or copy the missing files into the folder.",
        )
    return folder.resolve()


def format_size(num_bytes: float) -> str:
    """A short human size: ``"850 KB"``, ``"4.2 MB"``, ``"1.9 GB"`` (powers of 1000)."""
    value = float(num_bytes)
    for unit in ("B", "KB", "MB"):
        if abs(value) < 999.5:
            decimals = 1 if unit != "B" and abs(value) < 9.95 else 0
            return f"{value:.{decimals}f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"
