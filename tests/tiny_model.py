"""A tiny, randomly initialised Qwen3-ASR checkpoint with the real architecture, built offline.

Real weights cannot be downloaded where the tests run, so the tests load this instead through
exactly the same ``from_pretrained`` path as ``Qwen/Qwen3-ASR-0.6B-hf``: the real config class
with small sizes, a ~400-token byte-level BPE tokenizer with the real special tokens, the
released chat template and the real feature extractor, saved with ``save_pretrained``.

``build_tiny_checkpoint(folder, layout="original")`` writes the same model in the original
release's layout (``thinker_config``, ``thinker.*`` tensors, a tokenizer without the audio
token attributes, a Whisper-style preprocessor config) by renaming independently of the
product's converter, so a test can check that converting it gives the same model.

``build_tiny_aligner(folder)`` writes a tiny Qwen3-ForcedAligner the same way: the same
tokenizer (with ``<timestamp>``) and feature extractor, ``Qwen3ASRForTokenClassification``
with a few hundred timestamp classes, untied embeddings (tied ones would replace the
classifier by the embeddings, and every timestamp would come out equal), and the aligner's
chat template; ``layout="original"`` writes it as first released (``thinker.lm_head`` with
``classify_num`` classes).

``real_size_config()`` gives the 0.6B shapes (random weights cost what real ones cost) for
benchmarks.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import save_file

from tingxie.asr.checkpoint import ASR_CHAT_TEMPLATE, FORCED_ALIGNER_CHAT_TEMPLATE

SPECIAL_TOKENS = (
    "<|endoftext|>",
    "<|im_start|>",
    "<|im_end|>",
    "<|audio_start|>",
    "<|audio_end|>",
    "<|audio_pad|>",
)
#: Added tokens that decoding keeps: the processor's parser looks for "<asr_text>" in the text
#: decoded with skip_special_tokens=True, as with the released tokenizer.
PLAIN_ADDED_TOKENS = ("<asr_text>", "<timestamp>")
AUDIO_TOKENS = {
    "audio_token": "<|audio_pad|>",
    "audio_bos_token": "<|audio_start|>",
    "audio_eos_token": "<|audio_end|>",
}
# The pre-tokenizer of Qwen2Tokenizer, which rebuilds its pipeline from vocab and merges when
# loaded: training with the same one keeps the tokenizer identical across save and load.
PRETOKENIZE_REGEX = (
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"""
    r"""|\s*[\r\n]+|\s+(?!\S)|\s+"""
)

TRAINING_TEXT = """\
language English<asr_text>The quick brown fox jumps over the lazy dog.
language Chinese<asr_text>今天天气很好，我们去公园散步。
Good morning, and welcome to the evening news. Here are the headlines.
The minister said the new railway line would open next spring, connecting the two cities.
Scientists have found water on a distant planet; the discovery surprised many people.
我们的记者在北京报道。这是一个非常重要的问题，大家都很关心。
他说：“我们明天在上海见面，然后一起去机场。”
Thank you very much for listening. Please send your questions to the programme.
language French language German language Japanese language Cantonese language None
中文 英文 粤语 日本 德国 法国 新闻 记者 政府 经济 学校 老师 学生 医院 医生
one two three four five six seven eight nine ten hundred thousand million
Zhang Wei, Li Na and Wang Fang met the reporters at the station on Tuesday afternoon.
"""

#: Sizes of the tiny model (keyword arguments of build_tiny_checkpoint).
TINY_SIZES: dict[str, int] = {
    "encoder_layers": 2,
    "encoder_heads": 2,
    "encoder_ffn": 64,
    "d_model": 32,
    "downsample": 8,
    "text_layers": 2,
    "hidden": 32,
    "heads": 4,
    "kv_heads": 2,
    "head_dim": 8,
    "intermediate": 64,
}

#: The 0.6B model's sizes.
REAL_06B_SIZES: dict[str, int] = {
    "encoder_layers": 18,
    "encoder_heads": 14,
    "encoder_ffn": 3584,
    "d_model": 896,
    "downsample": 480,
    "text_layers": 28,
    "hidden": 1024,
    "heads": 16,
    "kv_heads": 8,
    "head_dim": 128,
    "intermediate": 3072,
    "vocab": 151_936,
}


@lru_cache(maxsize=1)
def _trained_tokenizer_json() -> str:
    from tokenizers import (
        AddedToken,
        Regex,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        trainers,
    )

    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(PRETOKENIZE_REGEX), behavior="isolated"),
            pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
        ]
    )
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400 - len(PLAIN_ADDED_TOKENS),
        special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    lines = TRAINING_TEXT.replace("<asr_text>", " ").splitlines()
    tok.train_from_iterator(lines * 3, trainer)
    tok.add_tokens([AddedToken(t, special=False, normalized=False) for t in PLAIN_ADDED_TOKENS])
    return tok.to_str()


def build_tokenizer() -> Any:
    """A ~400-token byte-level BPE in Qwen2TokenizerFast, with Qwen3-ASR's special tokens."""
    from tokenizers import Tokenizer
    from transformers import Qwen2TokenizerFast

    return Qwen2TokenizerFast(
        tokenizer_object=Tokenizer.from_str(_trained_tokenizer_json()),
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        unk_token=None,
        extra_special_tokens=dict(AUDIO_TOKENS),
    )


def _ids(tokenizer: Any) -> dict[str, int]:
    names = (*SPECIAL_TOKENS, *PLAIN_ADDED_TOKENS)
    return {name: tokenizer.convert_tokens_to_ids(name) for name in names}


def build_config(tokenizer: Any, initializer_range: float = 0.2, **sizes: int) -> Any:
    """A Qwen3ASRConfig with the given sizes (TINY_SIZES by default) and the tokenizer's ids."""
    from transformers import Qwen3ASRConfig

    s = {**TINY_SIZES, **sizes}
    ids = _ids(tokenizer)
    return Qwen3ASRConfig(
        audio_config={
            "num_mel_bins": 128,
            "encoder_layers": s["encoder_layers"],
            "encoder_attention_heads": s["encoder_heads"],
            "encoder_ffn_dim": s["encoder_ffn"],
            "d_model": s["d_model"],
            "output_dim": s["hidden"],
            "downsample_hidden_size": s["downsample"],
            "n_window": 50,
            "n_window_infer": 800,
            "max_position_embeddings": 13,
            "initializer_range": initializer_range,
        },
        text_config={
            "vocab_size": s.get("vocab", len(tokenizer)),
            "hidden_size": s["hidden"],
            "intermediate_size": s["intermediate"],
            "num_hidden_layers": s["text_layers"],
            "num_attention_heads": s["heads"],
            "num_key_value_heads": s["kv_heads"],
            "head_dim": s["head_dim"],
            "max_position_embeddings": 65536,
            "rms_norm_eps": 1e-6,
            "rope_parameters": {"rope_type": "default", "rope_theta": 1_000_000.0},
            "tie_word_embeddings": True,
            "initializer_range": initializer_range,
        },
        audio_token_id=ids["<|audio_pad|>"],
        timestamp_token_id=ids["<timestamp>"],
        pad_token_id=ids["<|im_end|>"],
        eos_token_id=[ids["<|endoftext|>"], ids["<|im_end|>"]],
        initializer_range=initializer_range,
        tie_word_embeddings=True,
    )


def real_size_config(tokenizer: Any | None = None) -> Any:
    """The config of Qwen3-ASR-0.6B (real shapes, vocabulary 151,936) with the tiny
    tokenizer's special-token ids, for benchmarks with random weights."""
    return build_config(tokenizer or build_tokenizer(), initializer_range=0.02, **REAL_06B_SIZES)


def build_processor(tokenizer: Any, chat_template: str = ASR_CHAT_TEMPLATE) -> Any:
    """The Qwen3-ASR processor: real feature extractor, the tokenizer, the released template
    (or ``chat_template``)."""
    from transformers import Qwen3ASRFeatureExtractor, Qwen3ASRProcessor

    return Qwen3ASRProcessor(
        feature_extractor=Qwen3ASRFeatureExtractor(),
        tokenizer=tokenizer,
        chat_template=chat_template,
    )


def build_model(config: Any, seed: int = 0, dtype: torch.dtype = torch.float32) -> Any:
    """A randomly initialised Qwen3ASRForConditionalGeneration (seeded) with a generation
    config that stops at the end-of-text tokens."""
    from transformers import GenerationConfig, Qwen3ASRForConditionalGeneration

    torch.manual_seed(seed)
    model = Qwen3ASRForConditionalGeneration(config).to(dtype).eval()
    model.generation_config = GenerationConfig(
        eos_token_id=config.eos_token_id,
        pad_token_id=config.pad_token_id,
        do_sample=False,
        max_new_tokens=64,
    )
    return model


def build_tiny_checkpoint(
    folder: str | Path, layout: str = "native", seed: int = 0, **sizes: int
) -> Path:
    """Write a tiny random Qwen3-ASR checkpoint to ``folder``; return it.

    ``layout`` is ``"native"`` (transformers' ``-hf`` layout) or ``"original"`` (the first
    release's). The same ``seed`` and sizes give the same weights in either layout.
    """
    folder = Path(folder)
    tokenizer = build_tokenizer()
    config = build_config(tokenizer, **sizes)
    model = build_model(config, seed)
    return _save_checkpoint(folder, layout, tokenizer, config, model, build_processor(tokenizer))


def _save_checkpoint(
    folder: Path, layout: str, tokenizer: Any, config: Any, model: Any, processor: Any,
    aligner: bool = False,
) -> Path:
    """Write ``model`` (and its processor) to ``folder`` in ``layout``; return the folder."""
    if layout == "native":
        from transformers.utils import logging as hf_logging

        folder.mkdir(parents=True, exist_ok=True)
        bars = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()
        try:
            model.save_pretrained(str(folder))
        finally:
            if bars:
                hf_logging.enable_progress_bar()
        processor.save_pretrained(str(folder))
        return folder
    if layout != "original":
        raise ValueError(f"unknown layout {layout!r}")
    write_original_layout(folder, tokenizer, config, model, aligner=aligner)
    return folder


# -- the original release's layout ---------------------------------------------------------
_TO_ORIGINAL = (
    ("model.multi_modal_projector.linear_1.", "thinker.audio_tower.proj1."),
    ("model.multi_modal_projector.linear_2.", "thinker.audio_tower.proj2."),
    ("model.audio_tower.", "thinker.audio_tower."),
    ("model.language_model.", "thinker.model."),
    ("lm_head.", "thinker.lm_head."),
)


def original_name(native: str, aligner: bool = False) -> str:
    """The original release's name for a native tensor name (the aligner's head ``score``
    was ``thinker.lm_head``)."""
    if aligner and native.startswith("score."):
        return "thinker.lm_head." + native[len("score.") :]
    for new, old in _TO_ORIGINAL:
        if native.startswith(new):
            return old + native[len(new) :]
    raise ValueError(f"unexpected tensor {native}")


def original_config(config: Any, tokenizer: Any) -> dict[str, Any]:
    """The original release's config.json for a native Qwen3ASRConfig."""
    audio, text = config.audio_config, config.text_config
    ids = _ids(tokenizer)
    half = text.head_dim // 2
    section = [half - 2 * (half // 3), half // 3, half // 3]
    return {
        "architectures": ["Qwen3ASRForConditionalGeneration"],
        "model_type": "qwen3_asr",
        "support_languages": ["Chinese", "English", "Cantonese"],
        "dtype": "float32",
        "thinker_config": {
            "model_type": "qwen3_asr_thinker",
            "audio_token_id": ids["<|audio_pad|>"],
            "audio_start_token_id": ids["<|audio_start|>"],
            "audio_end_token_id": ids["<|audio_end|>"],
            "user_token_id": 872,
            "initializer_range": config.initializer_range,
            "audio_config": {
                "model_type": "qwen3_asr_audio_encoder",
                "num_mel_bins": audio.num_mel_bins,
                "encoder_layers": audio.encoder_layers,
                "encoder_attention_heads": audio.encoder_attention_heads,
                "encoder_ffn_dim": audio.encoder_ffn_dim,
                "d_model": audio.d_model,
                "output_dim": audio.output_dim,
                "downsample_hidden_size": audio.downsample_hidden_size,
                "n_window": audio.n_window,
                "n_window_infer": audio.n_window_infer,
                "max_source_positions": 1500,
                "conv_chunksize": 500,
                "activation_function": "gelu",
                "dropout": 0,
                "attention_dropout": 0,
                "activation_dropout": 0,
                "scale_embedding": False,
                "initializer_range": audio.initializer_range,
            },
            "text_config": {
                "model_type": "qwen3_asr_text",
                "vocab_size": text.vocab_size,
                "hidden_size": text.hidden_size,
                "intermediate_size": text.intermediate_size,
                "num_hidden_layers": text.num_hidden_layers,
                "num_attention_heads": text.num_attention_heads,
                "num_key_value_heads": text.num_key_value_heads,
                "head_dim": text.head_dim,
                "hidden_act": "silu",
                "max_position_embeddings": text.max_position_embeddings,
                "rms_norm_eps": text.rms_norm_eps,
                "rope_theta": text.rope_parameters["rope_theta"],
                "rope_scaling": {
                    "rope_type": "default",
                    "mrope_section": section,
                    "interleaved": True,
                    "mrope_interleaved": True,
                },
                "attention_bias": False,
                "attention_dropout": 0.0,
                "use_cache": True,
                "tie_word_embeddings": True,
                "initializer_range": text.initializer_range,
            },
        },
    }


def write_original_layout(
    folder: Path, tokenizer: Any, config: Any, model: Any, aligner: bool = False
) -> None:
    """Write ``model`` to ``folder`` in the original layout.

    Weights go in two shards with an index (as the larger releases ship), including
    ``thinker.lm_head.weight`` although it is tied to the embeddings.
    """
    folder.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().clone().contiguous() for k, v in model.state_dict().items()}
    names = sorted(tensors)
    shards = {
        "model-00001-of-00002.safetensors": names[: len(names) // 2],
        "model-00002-of-00002.safetensors": names[len(names) // 2 :],
    }
    weight_map = {}
    for shard, members in shards.items():
        renamed = {original_name(n, aligner): tensors[n].contiguous() for n in members}
        save_file(renamed, str(folder / shard), metadata={"format": "pt"})
        weight_map.update(dict.fromkeys(renamed, shard))
    index = {"metadata": {"total_size": 0}, "weight_map": weight_map}
    (folder / "model.safetensors.index.json").write_text(json.dumps(index, indent=2))
    written = original_config(config, tokenizer)
    if aligner:
        written["thinker_config"]["classify_num"] = config.num_labels
        written["thinker_config"]["text_config"]["tie_word_embeddings"] = False
        written["timestamp_token_id"] = _ids(tokenizer)["<timestamp>"]
        written["timestamp_segment_time"] = 80
    (folder / "config.json").write_text(json.dumps(written, indent=2))

    # The released tokenizer config does not name the audio tokens as attributes.
    tokenizer.save_pretrained(str(folder))
    tok_config_path = folder / "tokenizer_config.json"
    tok_config = json.loads(tok_config_path.read_text())
    for key in AUDIO_TOKENS:
        tok_config.pop(key, None)
    tok_config_path.write_text(json.dumps(tok_config, indent=2))
    (folder / "preprocessor_config.json").write_text(
        json.dumps(
            {
                "feature_extractor_type": "WhisperFeatureExtractor",
                "feature_size": 128,
                "sampling_rate": 16000,
                "hop_length": 160,
                "n_fft": 400,
                "chunk_length": 30,
                "padding_value": 0.0,
                "return_attention_mask": True,
                "processor_class": "Qwen3ASRProcessor",
            },
            indent=2,
        )
    )
    (folder / "generation_config.json").write_text(
        json.dumps({"eos_token_id": config.eos_token_id, "pad_token_id": config.pad_token_id})
    )


# -- the forced aligner ----------------------------------------------------------------------
#: Timestamp classes of the tiny aligner: 400 x 80 ms = 32 s, just over one 30 s chunk.
TINY_ALIGNER_CLASSES = 400

#: Qwen3-ForcedAligner-0.6B: the 1.7B model's audio encoder (24 layers, width 1024) with the
#: 0.6B decoder (28 layers, hidden 1024), and 5000 classes of 80 ms.
REAL_ALIGNER_SIZES: dict[str, int] = {
    **REAL_06B_SIZES,
    "encoder_layers": 24,
    "encoder_heads": 16,
    "encoder_ffn": 4096,
    "d_model": 1024,
}


def build_aligner_config(
    tokenizer: Any, num_labels: int = TINY_ALIGNER_CLASSES, initializer_range: float = 0.02,
    **sizes: int,
) -> Any:
    """A Qwen3ASRConfig for the token-classification aligner, embeddings untied.

    The default initializer range (0.02) makes the tiny model predict several different
    timestamps, some out of order, so both placed and estimated words occur; at 0.2 every
    slot gets the same class.
    """
    config = build_config(tokenizer, initializer_range=initializer_range, **sizes)
    config.tie_word_embeddings = False
    config.text_config.tie_word_embeddings = False
    config.num_labels = num_labels
    config.token_classification_bias = False
    config.architectures = ["Qwen3ASRForTokenClassification"]
    return config


def real_aligner_config(tokenizer: Any | None = None) -> Any:
    """Qwen3-ForcedAligner-0.6B's config (real shapes) with the tiny tokenizer's ids."""
    return build_aligner_config(
        tokenizer or build_tokenizer(), num_labels=5000, initializer_range=0.02,
        **REAL_ALIGNER_SIZES,
    )


def build_aligner_processor(tokenizer: Any) -> Any:
    """The aligner's processor: real feature extractor, the tokenizer, its chat template."""
    return build_processor(tokenizer, FORCED_ALIGNER_CHAT_TEMPLATE)


def build_aligner_model(config: Any, seed: int = 0, dtype: torch.dtype = torch.float32) -> Any:
    """A randomly initialised Qwen3ASRForTokenClassification (seeded)."""
    from transformers import Qwen3ASRForTokenClassification

    torch.manual_seed(seed)
    return Qwen3ASRForTokenClassification(config).to(dtype).eval()


def build_tiny_aligner(
    folder: str | Path, layout: str = "native", seed: int = 0,
    num_labels: int = TINY_ALIGNER_CLASSES, **sizes: int,
) -> Path:
    """Write a tiny random Qwen3-ForcedAligner checkpoint to ``folder``; return it.

    ``layout`` is ``"native"`` (the ``-hf`` layout) or ``"original"``.
    """
    folder = Path(folder)
    tokenizer = build_tokenizer()
    config = build_aligner_config(tokenizer, num_labels=num_labels, **sizes)
    model = build_aligner_model(config, seed)
    return _save_checkpoint(
        folder, layout, tokenizer, config, model, build_aligner_processor(tokenizer),
        aligner=True,
    )
