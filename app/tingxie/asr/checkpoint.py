"""Qwen3-ASR checkpoints on disk: find them, tell the two layouts apart, check, convert,
read their weights ahead of a load (so a cancel can stop it there).

Two layouts exist:

* **native** (transformers' own, the ``-hf`` repositories such as ``Qwen/Qwen3-ASR-0.6B-hf``):
  ``config.json`` has ``audio_config``/``text_config`` and the weights are named ``model.*``.
* **original** (the first release, ``Qwen/Qwen3-ASR-0.6B``, also on ModelScope):
  ``config.json`` has ``thinker_config`` and the weights are named ``thinker.*``.

The forced aligner (Qwen3-ForcedAligner-0.6B) comes in the same two layouts: the same
architecture with a timestamp classifier instead of the language-model head (original
``thinker.lm_head`` with ``classify_num`` in ``thinker_config``; native ``score`` with
``num_labels``, class ``Qwen3ASRForTokenClassification``). Functions that care take
``kind="asr"`` or ``kind="aligner"``.

Both have ``model_type: qwen3_asr``, and transformers' native config class reads an original
config without complaint, silently building the default 1.7B sizes; so the layout is always
detected here first and an original checkpoint is converted once to the native layout (a pure
rename of tensors plus a reshuffled config) before transformers sees it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from tingxie.asr.errors import (
    CorruptWeights,
    ModelNotFound,
    NotAQwen3ASRCheckpoint,
    NotAQwen3ForcedAligner,
)

Layout = Literal["native", "original"]
Kind = Literal["asr", "aligner"]
ProgressCallback = Callable[[float], None]

#: Name of the converted copy, written inside the original checkpoint's folder.
CONVERTED_DIRNAME = ".tingxie-native"
#: Written last into a converted folder: what it was made from, so a stale copy is redone.
MARKER_NAME = "tingxie-conversion.json"
#: Bump when the conversion's output changes, so older copies are converted again.
CONVERTER_VERSION = 1

INDEX_NAME = "model.safetensors.index.json"

# Renames from the original tensor names to the native ones, tried in order; the first
# matching prefix wins.
_RENAMES: tuple[tuple[str, str], ...] = (
    ("thinker.audio_tower.proj1.", "model.multi_modal_projector.linear_1."),
    ("thinker.audio_tower.proj2.", "model.multi_modal_projector.linear_2."),
    ("thinker.audio_tower.", "model.audio_tower."),
    ("thinker.model.", "model.language_model."),
    ("thinker.lm_head.", "lm_head."),
)
# The aligner's: the same, except that its head is the token classifier's ``score``
# (transformers' convert_qwen3_asr_to_hf.py, STATE_DICT_MAPPING_FORCED_ALIGNER).
_ALIGNER_RENAMES: tuple[tuple[str, str], ...] = (*_RENAMES[:-1], ("thinker.lm_head.", "score."))

# The aligner's chat template, as transformers' conversion writes it: the audio, then every
# word followed by two timestamp slots (its start and its end).
FORCED_ALIGNER_CHAT_TEMPLATE = (
    "{%- set ns = namespace(audio_tokens='', words=[]) -%}"
    "{%- for m in messages -%}"
    "{%- if m.content is not string -%}"
    "{%- for c in m.content -%}"
    "{%- if c.type == 'audio' or ('audio' in c) or ('audio_url' in c) -%}"
    "{%- set ns.audio_tokens = ns.audio_tokens + '<|audio_start|><|audio_pad|><|audio_end|>' -%}"
    "{%- endif -%}"
    "{%- if c.type == 'text' and (c.text is defined) -%}"
    "{%- set ns.words = ns.words + [c.text] -%}"
    "{%- endif -%}"
    "{%- endfor -%}"
    "{%- endif -%}"
    "{%- endfor -%}"
    "{{- ns.audio_tokens + ns.words | join('<timestamp><timestamp>') + '<timestamp><timestamp>' -}}"
)
#: What some copies of the original aligner's config call the model.
ALIGNER_MODEL_TYPE = "qwen3_forced_aligner"
#: Milliseconds per timestamp class of the released aligner.
TIMESTAMP_SEGMENT_MS = 80.0
#: Timestamp classes of the released aligner (5000 x 80 ms = 400 s).
ALIGNER_CLASSES = 5000

# The chat template that renders the released prompt,
#   <|im_start|>system\n{context}<|im_end|>\n<|im_start|>user\n
#   <|audio_start|><|audio_pad|><|audio_end|><|im_end|>\n<|im_start|>assistant\n
# plus the assistant turn, which the processor uses to pre-fill "language X<asr_text>" when a
# language is forced (apply_chat_template(..., continue_final_message=True)).
ASR_CHAT_TEMPLATE = (
    "{%- set sys = namespace(text='') -%}"
    "{%- for m in messages if m.role == 'system' -%}"
    "{%- if m.content is string -%}{%- set sys.text = sys.text + m.content -%}"
    "{%- else -%}{%- for c in m.content if c.type == 'text' -%}"
    "{%- set sys.text = sys.text + c.text -%}{%- endfor -%}{%- endif -%}"
    "{%- endfor -%}"
    "{{- '<|im_start|>system\\n' + sys.text + '<|im_end|>\\n<|im_start|>user\\n' -}}"
    "{%- for m in messages if m.role == 'user' and m.content is not string -%}"
    "{%- for c in m.content if c.type == 'audio' or 'audio' in c or 'audio_url' in c -%}"
    "{{- '<|audio_start|><|audio_pad|><|audio_end|>' -}}"
    "{%- endfor -%}{%- endfor -%}"
    "{{- '<|im_end|>\\n' -}}"
    "{%- for m in messages if m.role == 'assistant' -%}"
    "{{- '<|im_start|>assistant\\n' -}}"
    "{%- if m.content is string -%}{{- m.content -}}"
    "{%- else -%}{%- for c in m.content if c.type == 'text' -%}{{- c.text -}}{%- endfor -%}"
    "{%- endif -%}"
    "{{- '<|im_end|>\\n' -}}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\\n' -}}{%- endif -%}"
)

#: Special tokens the processor finds through tokenizer attributes.
AUDIO_TOKEN_ATTRIBUTES = {
    "audio_token": "<|audio_pad|>",
    "audio_bos_token": "<|audio_start|>",
    "audio_eos_token": "<|audio_end|>",
}

# Config keys that only the original classes understand, or that are per-model bookkeeping
# the native sub-configs should not inherit.
_COMMON_DROPPED = (
    "_name_or_path",
    "architectures",
    "dtype",
    "torch_dtype",
    "model_type",
    "use_bfloat16",
    "add_cross_attention",
    "chunk_size_feed_forward",
    "cross_attention_hidden_size",
    "decoder_start_token_id",
    "finetuning_task",
    "id2label",
    "label2id",
    "is_decoder",
    "is_encoder_decoder",
    "output_attentions",
    "output_hidden_states",
    "prefix",
    "problem_type",
    "pruned_heads",
    "return_dict",
    "sep_token_id",
    "task_specific_params",
    "tf_legacy_loss",
    "tie_encoder_decoder",
    "tokenizer_class",
    "torchscript",
    "transformers_version",
)
_AUDIO_DROPPED = (
    "max_source_positions",
    "conv_chunksize",
    "pad_token_id",
    "bos_token_id",
    "eos_token_id",
    "tie_word_embeddings",
)
_TEXT_DROPPED = (
    # Mixture-of-experts fields the original text config inherits from Qwen3-Omni.
    "decoder_sparse_step",
    "moe_intermediate_size",
    "num_experts_per_tok",
    "num_experts",
    "norm_topk_prob",
    "output_router_logits",
    "router_aux_loss_coef",
    "mlp_only_layers",
)
# Multimodal-RoPE settings: with audio and text only, the three position streams are equal
# and M-RoPE is plain RoPE, which is what the native text model (Qwen3) uses.
_MROPE_KEYS = ("mrope_section", "mrope_interleaved", "interleaved", "type")

# The real tokenizer's ids; used only when a checkpoint has no tokenizer to ask.
_DEFAULT_IDS = {"<|endoftext|>": 151643, "<|im_end|>": 151645, "<timestamp>": 151705}


# -- finding a checkpoint ----------------------------------------------------------------------
_HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*/[\w.-]+")


def looks_like_hub_id(model: str | Path) -> bool:
    """Whether ``model`` reads as ``owner/name`` rather than a path."""
    text = str(model)
    return (
        isinstance(model, str)
        and _HUB_ID.fullmatch(text) is not None
        and not text.startswith((".", "~"))
    )


def locate_model(model: str | Path, local_files_only: bool = True) -> Path:
    """The local folder of ``model``: a folder path, or a hub id found in the HF cache.

    Nothing is downloaded unless ``local_files_only`` is false. Raises :class:`ModelNotFound`.
    """
    path = Path(model).expanduser()
    if path.is_dir():
        return path
    if path.exists():
        raise NotAQwen3ASRCheckpoint(path, "it is a file, not a folder")
    if not looks_like_hub_id(model):
        raise ModelNotFound(model, f"there is no folder {path}")

    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HFValidationError, LocalEntryNotFoundError

    try:
        folder = snapshot_download(
            str(model),
            local_files_only=local_files_only,
            allow_patterns=["*.json", "*.safetensors", "*.txt", "*.jinja", "*.model"],
        )
    except LocalEntryNotFoundError as exc:
        raise ModelNotFound(model, "it is not in the Hugging Face cache") from exc
    except HFValidationError as exc:
        raise ModelNotFound(model, f"there is no folder {path}") from exc
    except OSError as exc:  # no network, or the hub refused
        raise ModelNotFound(model, f"it could not be fetched: {exc}") from exc
    return Path(folder)


# -- recognising a layout ----------------------------------------------------------------------
def read_config(folder: str | Path) -> dict[str, Any]:
    """The parsed ``config.json`` of a checkpoint folder."""
    folder = Path(folder)
    path = folder / "config.json"
    if not path.is_file():
        raise NotAQwen3ASRCheckpoint(folder, "it has no config.json")
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NotAQwen3ASRCheckpoint(folder, f"its config.json cannot be read ({exc})") from exc
    if not isinstance(config, dict):
        raise NotAQwen3ASRCheckpoint(folder, "its config.json is not a JSON object")
    return config


def weight_files(folder: str | Path) -> list[Path]:
    """The ``.safetensors`` files a checkpoint's weights are in (some may be missing when the
    index names them); empty when there are none."""
    folder = Path(folder)
    index = folder / INDEX_NAME
    if index.is_file():
        try:
            weight_map = json.loads(index.read_text(encoding="utf-8"))["weight_map"]
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
            raise CorruptWeights(index, f"cannot be read ({exc})") from exc
        return [folder / name for name in sorted(set(weight_map.values()))]
    return sorted(folder.glob("*.safetensors"))


def is_aligner_config(config: dict[str, Any]) -> bool:
    """Whether a parsed config.json (either layout) describes the forced aligner."""
    thinker = config.get("thinker_config")
    if config.get("model_type") == ALIGNER_MODEL_TYPE:
        return True
    if isinstance(thinker, dict):
        return "classify_num" in thinker or thinker.get("model_type") == ALIGNER_MODEL_TYPE
    return "Qwen3ASRForTokenClassification" in (config.get("architectures") or [])


def detect_layout(folder: str | Path, kind: Kind = "asr") -> Layout:
    """``"native"`` or ``"original"`` for a checkpoint of ``kind``; raises
    :class:`NotAQwen3ASRCheckpoint` (:class:`NotAQwen3ForcedAligner` for ``kind="aligner"``)
    for any other folder (no config.json, another kind of model, no safetensors)."""
    folder = Path(folder)
    wrong = NotAQwen3ForcedAligner if kind == "aligner" else NotAQwen3ASRCheckpoint
    if not folder.is_dir():
        raise ModelNotFound(folder, f"there is no folder {folder}")
    try:
        config = read_config(folder)
    except NotAQwen3ForcedAligner:
        raise
    except NotAQwen3ASRCheckpoint as exc:
        raise wrong(folder, exc.reason) from exc
    model_type = config.get("model_type")
    if model_type != "qwen3_asr" and not (kind == "aligner" and model_type == ALIGNER_MODEL_TYPE):
        what = f"a {model_type!r} model" if model_type else "a model of unknown type"
        raise wrong(folder, f"its config.json describes {what}")
    thinker = config.get("thinker_config")
    layout: Layout
    if isinstance(thinker, dict):
        layout = "original"
    elif isinstance(config.get("audio_config"), dict) and isinstance(
        config.get("text_config"), dict
    ):
        layout = "native"
    else:
        raise wrong(
            folder, "its config.json has neither thinker_config nor audio_config/text_config"
        )
    aligner = is_aligner_config(config)
    if kind == "asr" and aligner:
        raise wrong(folder, "it is the Qwen3 forced aligner")
    if kind == "aligner" and not aligner:
        raise wrong(folder, "it is the Qwen3-ASR speech recogniser, not the aligner")
    if not weight_files(folder):
        if any(folder.glob("*.bin")) or any(folder.glob("*.pt")) or any(folder.glob("*.pth")):
            raise wrong(
                folder,
                "it has only PyTorch pickle weights (.bin), which are unsafe (they can run code) "
                "and which Tingxie does not load; convert them to safetensors or download the "
                "safetensors checkpoint",
            )
        raise wrong(folder, "it has no .safetensors weights")
    return layout


def check_weights(folder: str | Path) -> dict[str, Path]:
    """Check every weight file's header against its size; return tensor name -> file.

    Catches truncated downloads and damaged headers cheaply (without reading the tensors).
    Raises :class:`CorruptWeights` naming the file.
    """
    tensors: dict[str, Path] = {}
    for path in weight_files(folder):
        if not path.is_file():
            raise CorruptWeights(path, f"is missing, though {INDEX_NAME} lists it")
        for name in _safetensors_header(path):
            tensors[name] = path
    return tensors


def _safetensors_header(path: Path) -> dict[str, Any]:
    size = path.stat().st_size
    try:
        with path.open("rb") as f:
            head = f.read(8)
            if len(head) < 8:
                raise CorruptWeights(path, "is empty or truncated")
            length = int.from_bytes(head, "little")
            if length <= 0 or 8 + length > size:
                raise CorruptWeights(path, "is truncated (its header is incomplete)")
            header = json.loads(f.read(length))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorruptWeights(path, f"has a damaged header ({exc})") from exc
    if not isinstance(header, dict):
        raise CorruptWeights(path, "has a damaged header")
    header.pop("__metadata__", None)
    try:
        end = max((int(info["data_offsets"][1]) for info in header.values()), default=0)
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise CorruptWeights(path, "has a damaged header") from exc
    if 8 + length + end > size:
        raise CorruptWeights(
            path, f"is truncated ({size:,} bytes, its header describes {8 + length + end:,})"
        )
    return header


# -- converting the original layout ------------------------------------------------------------
def native_tensor_name(name: str, kind: Kind = "asr") -> str:
    """The native name of an original tensor (``thinker.model.x`` -> ``model.language_model.x``;
    the aligner's ``thinker.lm_head`` becomes ``score``)."""
    for old, new in _ALIGNER_RENAMES if kind == "aligner" else _RENAMES:
        if name.startswith(old):
            return new + name[len(old) :]
    return name


def _encoder_positions(n_window: int) -> int:
    """Positions after the encoder's three stride-2 convolutions on one 2*n_window chunk."""
    length = 2 * n_window
    for _ in range(3):
        length = (length - 1) // 2 + 1
    return length


def native_config(
    original: dict[str, Any], token_ids: dict[str, int], kind: Kind = "asr"
) -> dict[str, Any]:
    """The native ``config.json`` for an original one (the aligner's gets the token
    classifier's class and ``num_labels`` from ``classify_num``).

    ``token_ids`` maps ``<|endoftext|>``, ``<|im_end|>`` and ``<timestamp>`` to the
    tokenizer's ids (missing ones fall back to the released tokenizer's).
    """
    thinker = dict(original["thinker_config"])
    audio = {
        k: v
        for k, v in dict(thinker.get("audio_config") or {}).items()
        if k not in _COMMON_DROPPED + _AUDIO_DROPPED
    }
    text = {
        k: v
        for k, v in dict(thinker.get("text_config") or {}).items()
        if k not in _COMMON_DROPPED + _TEXT_DROPPED
    }

    audio["model_type"] = "qwen3_asr_encoder"
    audio["max_position_embeddings"] = _encoder_positions(int(audio.get("n_window", 50)))

    text["model_type"] = "qwen3"
    rope = dict(text.pop("rope_scaling", None) or {})
    for key in _MROPE_KEYS:
        rope.pop(key, None)
    rope.setdefault("rope_type", "default")
    rope["rope_theta"] = float(text.pop("rope_theta", rope.get("rope_theta", 1_000_000.0)))
    text["rope_parameters"] = rope
    # The original text config defaults to untied embeddings; the native top level to tied.
    tie = bool(text.get("tie_word_embeddings", False))
    text["tie_word_embeddings"] = tie

    ids = {**_DEFAULT_IDS, **token_ids}
    config: dict[str, Any] = {
        "architectures": ["Qwen3ASRForConditionalGeneration"],
        "model_type": "qwen3_asr",
        "audio_config": audio,
        "text_config": text,
        "audio_token_id": int(thinker.get("audio_token_id", 151676)),
        "timestamp_token_id": ids["<timestamp>"],
        "eos_token_id": [ids["<|endoftext|>"], ids["<|im_end|>"]],
        "pad_token_id": ids["<|im_end|>"],
        "tie_word_embeddings": tie,
    }
    if kind == "aligner":
        config["architectures"] = ["Qwen3ASRForTokenClassification"]
        config["num_labels"] = int(thinker.get("classify_num", ALIGNER_CLASSES))
        # A bias-free head, as released (thinker.lm_head has no bias).
        config["token_classification_bias"] = False
    if "initializer_range" in thinker:
        config["initializer_range"] = thinker["initializer_range"]
    dtype = original.get("dtype") or original.get("torch_dtype") or thinker.get("dtype")
    if dtype:
        config["dtype"] = dtype
    return config


def _fingerprint(folder: Path) -> dict[str, Any]:
    """What a conversion depends on: the source files' names, sizes and times."""
    names = {"config.json", INDEX_NAME, "preprocessor_config.json"}
    names.update(p.name for p in weight_files(folder))
    names.update(p.name for p in folder.glob("tokenizer*"))
    names.update(p.name for p in folder.glob("vocab*"))
    names.update(p.name for p in folder.glob("merges*"))
    files = {}
    for name in sorted(names):
        path = folder / name
        if path.is_file():
            st = path.stat()
            files[name] = [st.st_size, st.st_mtime_ns]
    # Sizes and times, not the folder's path: a model folder moved with its converted copy
    # inside stays converted.
    return {"converter_version": CONVERTER_VERSION, "files": files}


def _is_up_to_date(target: Path, fingerprint: dict[str, Any]) -> bool:
    try:
        marker = json.loads((target / MARKER_NAME).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    if marker != fingerprint:
        return False
    try:
        return (
            (target / "config.json").is_file()
            and all(p.is_file() for p in weight_files(target))
            and bool(weight_files(target))
        )
    except CorruptWeights:
        return False


def safetensor_error() -> type[Exception]:
    """safetensors' own exception class: it reports a full disk or an unwritable folder
    with it ("Error while serializing: I/O error: ... (os error 28)"), not with OSError."""
    try:
        from safetensors import SafetensorError
    except ImportError:  # a safetensors that names it only in its Rust module
        from safetensors._safetensors_rust import SafetensorError
    return SafetensorError


def write_error(exc: BaseException) -> OSError | None:
    """``exc`` as an OSError when writing failed: itself, or the OSError that safetensors'
    own error stands for (its number read from the message); ``None`` for anything else."""
    if isinstance(exc, OSError):
        return exc
    if not isinstance(exc, safetensor_error()):
        return None
    found = re.search(r"os error (\d+)|code: (\d+)", str(exc))
    if found is None:
        return OSError(str(exc))
    code = int(found.group(1) or found.group(2))
    return OSError(code, os.strerror(code))


def _user_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.environ.get("LOCALAPPDATA")
    return (Path(base) if base else Path.home() / ".cache") / "tingxie" / "converted"


def converted_locations(folder: str | Path) -> list[Path]:
    """Where the converted copy of an original checkpoint goes, in order of preference:
    inside it, else (for a read-only folder) in Tingxie's cache."""
    folder = Path(folder).resolve()
    digest = hashlib.sha1(str(folder).encode("utf-8")).hexdigest()[:12]
    return [folder / CONVERTED_DIRNAME, _user_cache_dir() / f"{folder.name}-{digest}"]


def convert_original(
    folder: str | Path,
    progress: ProgressCallback | None = None,
    target: str | Path | None = None,
    kind: Kind = "asr",
) -> Path:
    """Convert an original-layout checkpoint to the native layout once; return the new folder.

    The copy goes to ``<folder>/.tingxie-native/`` (so deleting the model deletes it too), or,
    when ``folder`` is read-only, to ``~/.cache/tingxie/converted/<name>-<hash>/``; ``target``
    overrides both. Tensors are renamed file by file (one weight file in memory at a time);
    config, tokenizer, processor and generation settings are rewritten for transformers. The
    copy is assembled in a temporary folder and renamed into place, with a marker written last
    recording the sources' sizes and times, so an interrupted conversion is never used and a
    changed source is converted again; an up-to-date copy is reused at once.
    """
    source = Path(folder).resolve()
    if detect_layout(source, kind) != "original":
        raise ValueError(f"{source} is already in the native layout")
    check_weights(source)
    fingerprint = _fingerprint(source)
    candidates = [Path(target)] if target is not None else converted_locations(source)
    for candidate in candidates:
        if _is_up_to_date(candidate, fingerprint):
            if progress:
                progress(1.0)
            return candidate

    last_error: tuple[OSError, Exception] | None = None
    for candidate in candidates:
        try:
            candidate.parent.mkdir(parents=True, exist_ok=True)
            _write_converted(source, candidate, fingerprint, progress, kind)
            return candidate
        except Exception as exc:  # read-only folder, full disk, or a concurrent conversion
            failed = write_error(exc)
            if failed is None:
                raise
            if _is_up_to_date(candidate, fingerprint):
                return candidate
            last_error = (failed, exc)
    assert last_error is not None
    failed, exc = last_error
    if failed is exc:
        raise failed
    raise failed from exc


def _write_converted(
    source: Path,
    target: Path,
    fingerprint: dict[str, Any],
    progress: ProgressCallback | None,
    kind: Kind = "asr",
) -> None:
    tmp = target.parent / f".{target.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        processor = _native_processor(source, kind)
        tokenizer = processor.tokenizer
        token_ids = {
            tok: tokenizer.convert_tokens_to_ids(tok)
            for tok in _DEFAULT_IDS
            if tok in tokenizer.get_vocab()
        }
        config = native_config(read_config(source), token_ids, kind)
        _write_config(tmp, config)
        processor.save_pretrained(str(tmp))
        _rename_weights(source, tmp, progress, kind)
        (tmp / MARKER_NAME).write_text(json.dumps(fingerprint, indent=2), encoding="utf-8")
        _swap_into_place(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _native_processor(source: Path, kind: Kind = "asr") -> Any:
    from transformers import Qwen2Tokenizer, Qwen3ASRFeatureExtractor, Qwen3ASRProcessor

    wrong = NotAQwen3ForcedAligner if kind == "aligner" else NotAQwen3ASRCheckpoint
    try:
        tokenizer = Qwen2Tokenizer.from_pretrained(
            str(source),
            local_files_only=True,
            audio_token=AUDIO_TOKEN_ATTRIBUTES["audio_token"],
            audio_bos_token=AUDIO_TOKEN_ATTRIBUTES["audio_bos_token"],
            audio_eos_token=AUDIO_TOKEN_ATTRIBUTES["audio_eos_token"],
        )
    except (OSError, ValueError, TypeError) as exc:
        raise wrong(source, f"its tokenizer cannot be loaded ({exc})") from exc
    wanted = list(AUDIO_TOKEN_ATTRIBUTES.values())
    if kind == "aligner":
        wanted.append("<timestamp>")
    missing = [t for t in wanted if t not in tokenizer.get_vocab()]
    if missing:
        raise wrong(source, f"its tokenizer lacks {', '.join(missing)}")
    original = read_config(source)
    mel_bins = original["thinker_config"].get("audio_config", {}).get("num_mel_bins", 128)
    extractor = Qwen3ASRFeatureExtractor(feature_size=int(mel_bins))
    if kind != "aligner":
        return Qwen3ASRProcessor(
            feature_extractor=extractor, tokenizer=tokenizer, chat_template=ASR_CHAT_TEMPLATE
        )
    segment_ms = original.get("timestamp_segment_time") or original["thinker_config"].get(
        "timestamp_segment_time", TIMESTAMP_SEGMENT_MS
    )
    return Qwen3ASRProcessor(
        feature_extractor=extractor,
        tokenizer=tokenizer,
        chat_template=FORCED_ALIGNER_CHAT_TEMPLATE,
        timestamp_segment_time=float(segment_ms),
    )


def _write_config(folder: Path, config: dict[str, Any]) -> None:
    from transformers import GenerationConfig, Qwen3ASRConfig

    native = Qwen3ASRConfig(**{k: v for k, v in config.items() if k != "model_type"})
    native.save_pretrained(str(folder))
    # max_new_tokens 512 is the original library's default.
    GenerationConfig(
        eos_token_id=config["eos_token_id"],
        pad_token_id=config["pad_token_id"],
        do_sample=False,
        max_new_tokens=512,
    ).save_pretrained(str(folder))


def _rename_weights(
    source: Path, target: Path, progress: ProgressCallback | None, kind: Kind = "asr"
) -> None:
    from safetensors import SafetensorError, safe_open
    from safetensors.torch import save_file

    files = weight_files(source)
    total = sum(p.stat().st_size for p in files) or 1
    done = 0
    weight_map: dict[str, str] = {}
    for path in files:
        tensors = {}
        try:
            with safe_open(str(path), framework="pt", device="cpu") as f:
                for name in f.keys():  # noqa: SIM118 - safe_open is not a mapping
                    tensors[native_tensor_name(name, kind)] = f.get_tensor(name)
        except (SafetensorError, OSError, RuntimeError) as exc:
            raise CorruptWeights(path, f"cannot be read ({exc})") from exc
        save_file(tensors, str(target / path.name), metadata={"format": "pt"})
        weight_map.update(dict.fromkeys(tensors, path.name))
        del tensors
        done += path.stat().st_size
        if progress:
            progress(min(1.0, done / total))
    if (source / INDEX_NAME).is_file():
        original = json.loads((source / INDEX_NAME).read_text(encoding="utf-8"))
        index = {
            "metadata": original.get("metadata", {}),
            "weight_map": dict(sorted(weight_map.items())),
        }
        (target / INDEX_NAME).write_text(json.dumps(index, indent=2), encoding="utf-8")


def _swap_into_place(tmp: Path, target: Path) -> None:
    old = None
    if target.exists():
        old = target.parent / f".{target.name}.old-{uuid.uuid4().hex[:8]}"
        os.replace(target, old)
    try:
        os.replace(tmp, target)
    except OSError:
        # Another process finished the same conversion first; keep theirs.
        if not target.exists() and old is not None:
            os.replace(old, target)
            old = None
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def resolve_checkpoint(
    folder: str | Path, progress: ProgressCallback | None = None, kind: Kind = "asr"
) -> Path:
    """A native-layout folder for ``folder``: itself, or its (cached) converted copy, with its
    weights read ahead (:func:`read_ahead`). ``progress`` may raise to stop (a cancel)."""
    folder = Path(folder)
    if detect_layout(folder, kind) == "native":
        read_ahead(folder, progress)
        return folder
    native = convert_original(folder, _half(progress, 0.0), kind=kind)
    read_ahead(native, _half(progress, 0.5))
    return native


def _half(progress: ProgressCallback | None, start: float) -> ProgressCallback | None:
    """``progress`` for one half of the work, the one from ``start`` (0 or 0.5)."""
    if progress is None:
        return None
    return lambda fraction: progress(start + 0.5 * fraction)


# -- reading the weights ahead -----------------------------------------------------------------
#: Weights are read ahead in blocks this big: a cancel waits for one block at most.
_READ_AHEAD_BLOCK = 16 << 20
#: Reading ahead stops once the weights come faster than this (bytes a second, over at least
#: _READ_AHEAD_PROBE bytes): they are in the file cache already or on a fast disk, and the
#: load reads the rest in moments anyway.
_FAST_READ = 2e9
_READ_AHEAD_PROBE = 256 << 20


def read_ahead(folder: str | Path, progress: ProgressCallback | None = None) -> None:
    """Read the weight files of ``folder`` once, in blocks, into the operating system's file
    cache, calling ``progress`` (0 to 1) after each block.

    transformers loads the weights in one call that cannot stop midway, and from a slow disk
    most of its time goes into reading them: read here first, a cancel (a ``progress`` that
    raises) stops within a block, and the load then reads from the cache. Skipped when the
    free memory could not hold the files besides the model itself (the cache would drop them
    before the load, which would read them again) or is unknown.
    """
    files = [path for path in weight_files(folder) if path.is_file()]
    total = sum(path.stat().st_size for path in files)
    from tingxie.asr.device import system_memory_free  # only where a model loads: torch

    free = system_memory_free()
    if total and free is not None and free >= 2 * total:
        _read_through(files, total, progress)
    if progress:
        progress(1.0)


def _read_through(files: list[Path], total: int, progress: ProgressCallback | None) -> None:
    block = memoryview(bytearray(min(_READ_AHEAD_BLOCK, total)))
    done = 0
    started = time.monotonic()
    for path in files:
        with path.open("rb", buffering=0) as f:
            while n := f.readinto(block):
                done += n
                if progress:
                    progress(done / total)
                if done >= _READ_AHEAD_PROBE and done > _FAST_READ * (time.monotonic() - started):
                    return
