"""Adapter folders as a user finds them later: hand-edited manifests, damaged or foreign
weights, leftovers of an interrupted save. Listings skip what cannot be used and still show
the good adapters; loading one says which adapter is wrong and what to do.

The adapter is made here without training (peft's LoRA layers on the tiny checkpoint, saved
as ``tingxie adapt`` saves them): only its files matter.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch

from media import speak
from tingxie.asr import adapters
from tingxie.asr.qwen3 import Qwen3ASREngine
from tingxie.core.audio import save_wav

peft = pytest.importorskip("peft")

WEIGHTS = adapters.ADAPTER_WEIGHTS


@pytest.fixture(scope="module")
def made(tiny_checkpoint, tmp_path_factory) -> Path:
    """A whole adapter for the tiny checkpoint, with a manifest as `tingxie adapt` writes."""
    from tingxie.asr.adapt import TARGET_MODULES

    folder = tmp_path_factory.mktemp("made") / "interview-adapter"
    engine = Qwen3ASREngine(tiny_checkpoint, device="cpu", dtype="float32")
    engine.load()
    torch.manual_seed(0)
    model = peft.get_peft_model(engine.model, peft.LoraConfig(
        r=2, lora_alpha=4, target_modules=TARGET_MODULES, init_lora_weights=False))
    model.save_pretrained(str(folder), safe_serialization=True)
    adapters.write_manifest(folder, {
        "base_model": {"name": tiny_checkpoint.name,
                       "hash": adapters.base_model_hash(tiny_checkpoint)},
        "data": {"pairs": 12, "train_pairs": 9, "minutes": 1.5},
        "held_out": {"metric": "WER", "before": 0.25, "after": 0.125, "segments": 3},
    })
    return folder


def copy(made: Path, folder: Path) -> Path:
    shutil.copytree(made, folder)
    return folder


def edit_manifest(folder: Path, change) -> None:
    doc = json.loads((folder / "manifest.json").read_text())
    change(doc)
    (folder / "manifest.json").write_text(json.dumps(doc))


def load(checkpoint: Path, adapter: Path) -> None:
    Qwen3ASREngine(checkpoint, device="cpu", dtype="float32", adapter=adapter).load()


HAND_EDITS = {
    "version-text": lambda d: d.update(version="1.1"),
    "version-null": lambda d: d.update(version=None),
    "pairs-null": lambda d: d["data"].update(pairs=None),
    "minutes-words": lambda d: d["data"].update(minutes="about 10"),
    "held-out-text": lambda d: d["held_out"].update(before="0.5"),
    "held-out-list": lambda d: d.update(held_out=[0.5]),
}


def test_a_hand_edited_manifest_is_skipped_and_the_good_adapters_are_still_listed(
        made, tmp_path, capsys):
    from tingxie.cli import main

    root = tmp_path / "models" / adapters.ADAPTERS_DIRNAME
    good = copy(made, root / "good")
    for name, change in HAND_EDITS.items():
        edit_manifest(copy(made, root / name), change)
        with pytest.raises(adapters.InvalidAdapter, match="manifest"):
            adapters.read_manifest(root / name)
    assert [a.name for a in adapters.find_adapters([root])] == ["good"]
    assert adapters.read_manifest(good).held_out_summary() == \
        "held-out WER 25.0% → 12.5% on 3 segments"

    assert main(["models", "list", "--models-dir", str(tmp_path / "models")]) == 0
    listing = capsys.readouterr().out
    assert "adapter good for" in listing and "12 segments, 1.5 min" in listing
    assert not any(name in listing for name in HAND_EDITS)


@pytest.mark.parametrize("damage", ["truncated", "zero-bytes", "garbage"])
def test_damaged_weights_are_not_listed_and_loading_says_to_train_the_adapter_again(
        made, tiny_checkpoint, tmp_path, damage):
    folder = copy(made, tmp_path / "adapters" / "copied-adapter")
    weights = folder / WEIGHTS
    data = weights.read_bytes()
    weights.write_bytes({"truncated": data[: len(data) // 3], "zero-bytes": b"",
                         "garbage": b"\xff" * 64}[damage])
    assert adapters.find_adapters([tmp_path / "adapters"]) == []
    with pytest.raises(adapters.InvalidAdapter) as info:
        adapters.read_manifest(folder)
    with pytest.raises(adapters.InvalidAdapter) as info:
        load(tiny_checkpoint, folder)
    message = str(info.value)
    assert "The adapter copied-adapter" in message and WEIGHTS in message
    assert "Train it again" in message and "choose another adapter" in message
    assert "checkpoint" not in message and "SafetensorError" not in type(info.value).__name__


def test_tingxie_transcribe_with_a_truncated_adapter_blames_the_adapter_not_the_model(
        made, tiny_checkpoint, tmp_path, capsys):
    from tingxie.cli import main

    folder = copy(made, tmp_path / "half-copied")
    (folder / WEIGHTS).write_bytes((made / WEIGHTS).read_bytes()[:5000])
    wav = tmp_path / "a.wav"
    save_wav(wav, speak("Hello there."))
    code = main(["transcribe", str(wav), "--model", str(tiny_checkpoint), "--adapter",
                 str(folder), "--device", "cpu"])
    err = capsys.readouterr().err
    assert code != 0
    assert "tingxie: The adapter half-copied" in err and "Train it again" in err
    assert "cannot be used: SafetensorError" not in err and "unmodified Qwen3-ASR" not in err


def test_weights_safetensors_cannot_read_are_an_adapter_error(made, tiny_checkpoint, tmp_path):
    # The header's sizes are whole, its contents are not (a tensor of an unknown dtype).
    folder = copy(made, tmp_path / "odd-dtype")
    data = (folder / WEIGHTS).read_bytes()
    length = int.from_bytes(data[:8], "little")
    header = json.loads(data[8: 8 + length])
    for name, info in header.items():
        if name != "__metadata__":
            info["dtype"] = "Q9"
    text = json.dumps(header, separators=(",", ":")).encode()
    (folder / WEIGHTS).write_bytes(data[:8] + text.ljust(length) + data[8 + length:])
    with pytest.raises(adapters.InvalidAdapter, match=r"The adapter odd-dtype .*Train it again"):
        load(tiny_checkpoint, folder)


def test_an_adapter_whose_tensor_names_do_not_fit_is_refused_rather_than_changing_nothing(
        made, tiny_checkpoint, tmp_path):
    from safetensors.torch import load_file, save_file

    load(tiny_checkpoint, made)  # the adapter as made loads
    folder = copy(made, tmp_path / "renamed")
    tensors = load_file(str(folder / WEIGHTS))
    save_file({k.replace("base_model.model.", "base_model.model.model_v2."): v
               for k, v in tensors.items()}, str(folder / WEIGHTS))
    with pytest.raises(adapters.InvalidAdapter, match="do not fit the model's LoRA layers"):
        load(tiny_checkpoint, folder)


def test_the_leftovers_of_an_interrupted_save_are_not_listed(made, tiny_checkpoint, tmp_path):
    root = tmp_path / adapters.ADAPTERS_DIRNAME
    copy(made, root / "interview-adapter")
    copy(made, root / ".interview-adapter.old-4242")
    copy(made, root / ".interview-adapter.partial-k2j3h4")
    assert [a.name for a in adapters.find_adapters([root])] == ["interview-adapter"]


def test_a_deleted_adapter_is_said_to_be_gone_not_to_be_no_adapter(made, tiny_checkpoint,
                                                                   tmp_path):
    folder = copy(made, tmp_path / "beat-adapter")
    shutil.rmtree(folder)  # deleted (or moved) after it was chosen
    with pytest.raises(adapters.AdapterMissing) as info:
        load(tiny_checkpoint, folder)
    assert str(info.value) == (
        f"The adapter beat-adapter ({folder}) no longer exists (moved or deleted): choose "
        "another adapter, or None.")
    assert "not a Tingxie adapter" not in str(info.value)
    # Something else in its place is still not an adapter.
    folder.write_text("notes")
    with pytest.raises(adapters.InvalidAdapter, match="is not a Tingxie adapter: it is not a "
                       "folder"):
        adapters.read_manifest(folder)
