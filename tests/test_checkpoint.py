"""Checkpoints on disk: the two layouts, conversion, and the errors a user sees for bad folders.

Every error is checked through the engine a user drives (``Qwen3ASREngine.load``), not only
through the helper that raises it.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file, save_file

from tingxie.asr import checkpoint
from tingxie.asr.checkpoint import (
    CONVERTED_DIRNAME,
    MARKER_NAME,
    check_weights,
    convert_original,
    detect_layout,
    locate_model,
    resolve_checkpoint,
)
from tingxie.asr.engine import TranscribeOptions
from tingxie.asr.errors import (
    CorruptWeights,
    ModelNotFound,
    NotAQwen3ASRCheckpoint,
    WeightsDoNotMatch,
)
from tingxie.asr.qwen3 import Qwen3ASREngine
from tingxie.core.errors import TingxieError

AUDIO = [
    (0.1 * np.sin(np.arange(n) * f)).astype(np.float32)
    for n, f in ((32_000, 0.05), (9_000, 0.11), (51_000, 0.03))
]


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """The tiny model is far too small to share among threads: with two, OpenMP's waiting
    costs more than the work, and much more when other processes busy the cores."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def copy_of(folder: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(folder, tmp_path / folder.name))


def load_error(folder) -> TingxieError:
    with pytest.raises(TingxieError) as err:
        Qwen3ASREngine(folder, device="cpu").load()
    return err.value


# -- layouts -----------------------------------------------------------------------------------
def test_detects_both_layouts(tiny_checkpoint, tiny_original_checkpoint):
    assert detect_layout(tiny_checkpoint) == "native"
    assert detect_layout(tiny_original_checkpoint) == "original"
    assert resolve_checkpoint(tiny_checkpoint) == tiny_checkpoint


def test_both_layouts_give_the_same_model(tiny_checkpoint, tiny_original_checkpoint, tmp_path):
    original = copy_of(tiny_original_checkpoint, tmp_path)
    native = Qwen3ASREngine(tiny_checkpoint, device="cpu", dtype="float32")
    converted = Qwen3ASREngine(original, device="cpu", dtype="float32")
    native.load()
    converted.load()
    assert converted.checkpoint == original.resolve() / CONVERTED_DIRNAME

    a, b = native.model.state_dict(), converted.model.state_dict()
    assert a.keys() == b.keys()
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert converted.model.config.text_config.rope_parameters["rope_theta"] == 1_000_000.0

    for options in (TranscribeOptions(context="Zhang Wei"), TranscribeOptions(language="zh")):
        ids_a = native.prepare_inputs(AUDIO, options)["input_ids"]
        ids_b = converted.prepare_inputs(AUDIO, options)["input_ids"]
        assert torch.equal(ids_a, ids_b)
    tokens = []
    for eng in (native, converted):
        inputs = eng.prepare_inputs(AUDIO, TranscribeOptions())
        with torch.inference_mode():
            tokens.append(eng.model.generate(**inputs, max_new_tokens=12, do_sample=False))
    assert torch.equal(tokens[0], tokens[1])


def test_conversion_is_written_once_and_redone_when_the_source_changes(
    tiny_original_checkpoint, tmp_path
):
    source = copy_of(tiny_original_checkpoint, tmp_path)
    seen: list[float] = []
    target = convert_original(source, seen.append)
    assert target == source.resolve() / CONVERTED_DIRNAME
    assert seen[-1] == 1.0
    assert detect_layout(target) == "native"
    config = json.loads((target / "config.json").read_text())
    assert "thinker_config" not in config
    assert config["audio_config"]["max_position_embeddings"] == 13
    names = set()
    for shard in checkpoint.weight_files(target):
        names |= load_file(str(shard)).keys()
    assert all(
        n.startswith(
            (
                "model.audio_tower.",
                "model.language_model.",
                "model.multi_modal_projector.",
                "lm_head.",
            )
        )
        for n in names
    )
    assert "model.multi_modal_projector.linear_1.weight" in names
    assert not [p for p in target.parent.iterdir() if ".tmp-" in p.name]

    marker = (target / MARKER_NAME).stat().st_mtime_ns
    assert convert_original(source) == target
    assert (target / MARKER_NAME).stat().st_mtime_ns == marker  # reused, not rewritten

    config_path = source / "config.json"
    config_path.write_text(config_path.read_text() + "\n")
    os.utime(config_path, ns=(marker + 10**9, marker + 10**9))
    assert convert_original(source) == target
    assert (target / MARKER_NAME).stat().st_mtime_ns != marker


def test_an_interrupted_conversion_leaves_nothing_half_written(
    tiny_original_checkpoint, tmp_path, monkeypatch
):
    source = copy_of(tiny_original_checkpoint, tmp_path)
    import safetensors.torch

    real = safetensors.torch.save_file
    written = []

    def failing_save(tensors, path, metadata=None):
        if written:
            raise OSError(28, "No space left on device")
        written.append(path)
        real(tensors, path, metadata=metadata)

    monkeypatch.setattr(safetensors.torch, "save_file", failing_save)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with pytest.raises(OSError):
        convert_original(source)
    assert not (source / CONVERTED_DIRNAME).exists()
    assert [p.name for p in source.iterdir() if p.name.startswith(".")] == []
    monkeypatch.setattr(safetensors.torch, "save_file", real)
    assert detect_layout(convert_original(source)) == "native"


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes into read-only folders"
)
def test_a_read_only_original_is_converted_into_the_user_cache(
    tiny_original_checkpoint, tmp_path, monkeypatch
):
    source = copy_of(tiny_original_checkpoint, tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    source.chmod(0o555)
    try:
        target = convert_original(source)
    finally:
        source.chmod(0o755)
    assert target.is_relative_to(tmp_path / "cache" / "tingxie")
    assert detect_layout(target) == "native"


# -- errors ------------------------------------------------------------------------------------
def test_a_missing_model_says_how_to_get_it(tmp_path, monkeypatch):
    import huggingface_hub.constants

    err = load_error(tmp_path / "no-such-folder")
    assert isinstance(err, ModelNotFound)
    assert "tingxie models download" in str(err)

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    err = load_error("Qwen/Qwen3-ASR-0.6B-hf")
    assert isinstance(err, ModelNotFound)
    assert "tingxie models download Qwen/Qwen3-ASR-0.6B-hf" in str(err)


def test_a_hub_id_resolves_from_the_local_cache(tiny_checkpoint, tmp_path, monkeypatch):
    import huggingface_hub.constants

    hub = tmp_path / "hub"
    repo = hub / "models--Qwen--Qwen3-ASR-0.6B-hf"
    snapshot = repo / "snapshots" / ("0" * 40)
    shutil.copytree(tiny_checkpoint, snapshot)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("0" * 40)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(hub))
    assert locate_model("Qwen/Qwen3-ASR-0.6B-hf") == snapshot
    eng = Qwen3ASREngine("Qwen/Qwen3-ASR-0.6B-hf", device="cpu")
    eng.load()
    assert eng.checkpoint == snapshot


def test_folders_that_are_not_qwen3_asr(tiny_checkpoint, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    err = load_error(empty)
    assert isinstance(err, NotAQwen3ASRCheckpoint) and "config.json" in str(err)

    whisper = copy_of(tiny_checkpoint, tmp_path)
    (whisper / "config.json").write_text(json.dumps({"model_type": "whisper"}))
    err = load_error(whisper)
    assert isinstance(err, NotAQwen3ASRCheckpoint) and "'whisper'" in str(err)

    pickled = tmp_path / "pickled"
    pickled.mkdir()
    shutil.copy(tiny_checkpoint / "config.json", pickled)
    (pickled / "pytorch_model.bin").write_bytes(b"\x80\x04")
    err = load_error(pickled)
    assert isinstance(err, NotAQwen3ASRCheckpoint) and "safetensors" in str(err)
    assert "pickle" in str(err) and "unsafe" in str(err)

    aligner = tmp_path / "aligner"
    shutil.copytree(tiny_checkpoint, aligner)
    config = json.loads((aligner / "config.json").read_text())
    config["architectures"] = ["Qwen3ASRForTokenClassification"]
    (aligner / "config.json").write_text(json.dumps(config))
    err = load_error(aligner)
    assert isinstance(err, NotAQwen3ASRCheckpoint) and "forced aligner" in str(err)


def test_truncated_weights(tiny_checkpoint, tmp_path):
    folder = copy_of(tiny_checkpoint, tmp_path)
    weights = folder / "model.safetensors"
    data = weights.read_bytes()
    weights.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptWeights, match="truncated"):
        check_weights(folder)
    err = load_error(folder)
    assert isinstance(err, CorruptWeights) and not isinstance(err, WeightsDoNotMatch)
    assert "model.safetensors" in str(err) and "download it again" in str(err)
    assert "interrupted" in str(err)

    weights.write_bytes(b"\xff" * 64)  # a damaged header
    assert isinstance(load_error(folder), CorruptWeights)


def test_missing_tensors(tiny_checkpoint, tmp_path):
    folder = copy_of(tiny_checkpoint, tmp_path)
    tensors = load_file(str(folder / "model.safetensors"))
    del tensors["model.language_model.layers.1.mlp.down_proj.weight"]
    save_file(tensors, str(folder / "model.safetensors"), metadata={"format": "pt"})
    err = load_error(folder)
    assert isinstance(err, WeightsDoNotMatch)
    assert "layers.1.mlp.down_proj.weight" in str(err) and "missing" in str(err)
    assert "do not match the configuration" in str(err) and "interrupted" not in str(err)


def test_weights_of_another_size_are_not_blamed_on_the_download(tiny_checkpoint, tmp_path):
    folder = copy_of(tiny_checkpoint, tmp_path)
    config = json.loads((folder / "config.json").read_text())
    config["text_config"]["intermediate_size"] *= 2  # a config.json of another model size
    (folder / "config.json").write_text(json.dumps(config))
    err = load_error(folder)
    assert isinstance(err, WeightsDoNotMatch)
    message = str(err)
    assert str(folder) in message
    assert "do not match the configuration" in message and "not a Qwen3-ASR checkpoint" in message
    assert "interrupted" not in message
    assert "mlp.down_proj.weight is [32, 64], config.json wants [32, 128]" in message


# How each breaks a working template (the released one, given as the argument).
BROKEN_TEMPLATES = {
    "syntax": lambda good: "{% for %}" + good,
    "sandbox": lambda good: "{{ ''.__class__.__mro__[1].__subclasses__() }}" + good,
    "range": lambda good: "{% for i in range(10 ** 9) %}{% endfor %}" + good,
    "no-audio": lambda good: good.replace("<|audio_start|><|audio_pad|><|audio_end|>", ""),
    "no-content": lambda good: "{{ '<|im_start|>user\\n' }}",
}
EXPECTED_CAUSE = {
    "syntax": "TemplateSyntaxError",
    "sandbox": "SecurityError",
    "range": "OverflowError",
    "no-audio": "does not put the audio into the prompt",
    "no-content": "does not put the audio into the prompt",
}


@pytest.mark.parametrize("kind", BROKEN_TEMPLATES)
def test_a_broken_or_refused_chat_template_fails_the_load_naming_the_folder(
    tiny_checkpoint, tmp_path, kind
):
    folder = copy_of(tiny_checkpoint, tmp_path)
    template = folder / "chat_template.jinja"
    broken = BROKEN_TEMPLATES[kind](template.read_text())
    assert broken != template.read_text()
    template.write_text(broken)
    err = load_error(folder)
    assert isinstance(err, NotAQwen3ASRCheckpoint)
    assert str(folder) in str(err) and "chat template" in str(err)
    assert EXPECTED_CAUSE[kind] in str(err)


def test_a_template_that_fails_only_for_one_language_fails_that_transcription(
    tiny_checkpoint, tmp_path
):
    folder = copy_of(tiny_checkpoint, tmp_path)
    template = (folder / "chat_template.jinja").read_text()
    trap = (
        "{% if 'language Chinese' in (messages | string) %}"
        "{{ raise_exception('no') }}{% endif %}"
    )
    (folder / "chat_template.jinja").write_text(trap + template)
    engine = Qwen3ASREngine(folder, device="cpu")
    engine.load()
    with pytest.raises(NotAQwen3ASRCheckpoint, match="chat template") as err:
        engine.transcribe_batch(AUDIO[:1], TranscribeOptions(language="zh"))
    assert str(folder) in str(err.value)


def test_a_shard_listed_in_the_index_but_missing(tiny_original_checkpoint, tmp_path):
    folder = copy_of(tiny_original_checkpoint, tmp_path)
    (folder / "model-00002-of-00002.safetensors").unlink()
    err = load_error(folder)
    assert isinstance(err, CorruptWeights) and "model-00002-of-00002" in str(err)
