"""The Qwen3-ASR engine, run for real on a tiny random checkpoint (tests/tiny_model.py).

Random weights say nothing meaningful, so these tests check what a user relies on whatever
the words: one result per chunk in order, a language and a confidence, the prompt carrying
the forced language and the context, cancellation, memory trouble and loops handled.
"""

from __future__ import annotations

import math
import threading
import time

import numpy as np
import pytest
import torch

from tingxie.asr.device import choose_placement, cpu_supports_bf16
from tingxie.asr.engine import Engine, TranscribeOptions
from tingxie.asr.errors import DeviceUnavailable, OutOfMemory, UnsupportedLanguage
from tingxie.asr.qwen3 import CPU_MAX_BATCH_SIZE, Qwen3ASREngine
from tingxie.asr.qwen3_text import looks_degenerate, repeated_runs
from tingxie.core.cancel import CancelToken
from tingxie.core.errors import Cancelled, TingxieError

SR = 16_000


def noise(seconds: float, seed: int) -> np.ndarray:
    """Quiet noise with a tone, different for each seed."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SR)) / SR
    tone = 0.2 * np.sin(2 * np.pi * (200 + 50 * seed) * t)
    return (tone + 0.05 * rng.standard_normal(t.size)).astype(np.float32)


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """The tiny model is far too small to share among threads: with two, OpenMP's waiting
    costs more than the work, and much more when other processes busy the cores."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


CHUNKS = [noise(2.0, 1), noise(0.4, 2), noise(4.5, 3), noise(1.2, 4)]


@pytest.fixture(scope="module")
def engine(tiny_checkpoint):
    """One float32 engine for the module (float32 keeps greedy outputs reproducible)."""
    eng = Qwen3ASREngine(tiny_checkpoint, device="cpu", dtype="float32")
    eng.load()
    return eng


@pytest.fixture
def spy_generate(engine, monkeypatch):
    """Record what the engine hands to (and gets from) the model's generate."""
    calls: list[dict] = []
    real = engine.model.generate

    def generate(**kwargs):
        out = real(**kwargs)
        calls.append({**kwargs, "output": out})
        return out

    monkeypatch.setattr(engine.model, "generate", generate)
    return calls


def test_cancel_during_loading_stops_it_and_keeps_nothing_loaded(tiny_checkpoint):
    cancel = CancelToken()
    seen: list[float] = []

    def progress(fraction: float) -> None:
        seen.append(fraction)
        if fraction >= 0.5:  # the checks are done; the weights come next
            cancel.cancel()

    eng = Qwen3ASREngine(tiny_checkpoint, device="cpu", dtype="float32")
    with pytest.raises(Cancelled):
        eng.load(progress, cancel)
    assert not eng.loaded and max(seen) < 0.7, "stopped before the weights were loaded"
    eng.load(cancel=CancelToken())  # a new try loads as usual
    assert eng.loaded


def test_cancel_while_the_weights_are_read_stops_there_and_a_new_try_loads(tiny_checkpoint,
                                                                           monkeypatch):
    from tingxie.asr import checkpoint

    block = 8 * 1024  # the tiny weights in many blocks, as a real model's are
    monkeypatch.setattr(checkpoint, "_READ_AHEAD_BLOCK", block, raising=False)
    size = sum(p.stat().st_size for p in checkpoint.weight_files(tiny_checkpoint))
    assert size > 10 * block
    cancel = CancelToken()
    seen: list[float] = []

    def progress(fraction: float) -> None:
        seen.append(fraction)
        if 0.05 < fraction < 0.5:  # reading the weights (0.05 to 0.5 of the load)
            cancel.cancel()

    eng = Qwen3ASREngine(tiny_checkpoint, device="cpu", dtype="float32")
    with pytest.raises(Cancelled):
        eng.load(progress, cancel)
    assert not eng.loaded and eng.processor is None
    assert max(seen) < 0.1, "stopped at the first block, not after all the weights"
    eng.load(cancel=CancelToken())
    assert eng.loaded
    assert len(eng.transcribe_batch([CHUNKS[0]], TranscribeOptions(max_new_tokens=4))) == 1


def test_loads_once_from_a_saved_folder(tiny_checkpoint):
    eng = Qwen3ASREngine(tiny_checkpoint, device="auto")
    assert isinstance(eng, Engine)
    seen: list[float] = []
    eng.load(seen.append)
    assert seen[-1] == 1.0 and seen == sorted(seen)
    model = eng.model
    eng.load()
    assert eng.model is model

    info = eng.device_info()
    assert info.device == "cpu"
    assert info.dtype in ("bfloat16", "float32")
    assert info.memory_used > 0 and info.memory_free > 0
    assert "CPU" in info.description
    assert 1 <= eng.suggested_batch_size(30.0) <= CPU_MAX_BATCH_SIZE

    eng.unload()
    assert not eng.loaded
    eng.load()
    assert len(eng.transcribe_batch([CHUNKS[0]], TranscribeOptions(max_new_tokens=4))) == 1


def test_device_and_dtype_choice(tiny_checkpoint):
    cpu = choose_placement("cpu")
    assert cpu.device_name == "cpu"
    assert cpu.dtype == (torch.bfloat16 if cpu_supports_bf16() else torch.float32)
    assert choose_placement("cpu", "fp32").dtype == torch.float32
    assert choose_placement("cpu", "bf16").dtype == torch.bfloat16
    with pytest.raises(ValueError):
        choose_placement("cpu", "int4")
    if not torch.cuda.is_available():
        with pytest.raises(DeviceUnavailable, match="no CUDA GPU"):
            Qwen3ASREngine(tiny_checkpoint, device="cuda").load()
    with pytest.raises(DeviceUnavailable, match="unknown device"):
        choose_placement("tpu")


def test_a_batch_gives_one_result_per_chunk_in_order(engine):
    options = TranscribeOptions(max_new_tokens=12, repetition_guard=False)
    results = engine.transcribe_batch(CHUNKS, options)
    assert len(results) == len(CHUNKS)
    for r in results:
        assert isinstance(r.text, str)
        assert 0 < r.min_confidence <= r.confidence <= 1
    # Each result is its own chunk's: transcribed alone, every chunk gives the same result
    # (a chunk's transcript does not depend on what else is in its batch).
    alone = [engine.transcribe_batch([c], options)[0] for c in CHUNKS]
    assert [r.text for r in results] == [r.text for r in alone]
    assert [r.confidence for r in results] == pytest.approx([r.confidence for r in alone])
    backwards = engine.transcribe_batch(CHUNKS[::-1], options)
    assert [r.text for r in backwards] == [r.text for r in results][::-1]


def test_forced_language_is_prefilled_and_reported(engine, spy_generate):
    options = TranscribeOptions(language="en", max_new_tokens=8)
    prompts = engine.build_prompt_texts(CHUNKS[:2], options)
    assert all(p.endswith("<|im_start|>assistant\nlanguage English<asr_text>") for p in prompts)

    results = engine.transcribe_batch(CHUNKS[:2], options)
    assert [r.language for r in results] == ["English", "English"]
    sent = engine.processor.tokenizer.batch_decode(spy_generate[0]["input_ids"])
    assert all(s.endswith("assistant\nlanguage English<asr_text>") for s in sent)

    by_name = TranscribeOptions(language="中文", max_new_tokens=4)
    assert engine.transcribe_batch(CHUNKS[:1], by_name)[0].language == "Chinese"


def test_auto_language_leaves_the_answer_to_the_model(engine):
    options = TranscribeOptions(language=None, max_new_tokens=8)
    prompts = engine.build_prompt_texts(CHUNKS[:2], options)
    assert all(p.endswith("<|im_start|>assistant\n") for p in prompts)
    assert all(
        p.startswith("<|im_start|>system\n<|im_end|>\n<|im_start|>user\n<|audio_start|>")
        for p in prompts
    )
    # A random model names no language: the result says so rather than guessing.
    assert [r.language for r in engine.transcribe_batch(CHUNKS[:2], options)] == [None, None]


def test_context_reaches_the_prompt_the_model_reads(engine, spy_generate):
    context = "Names: Zhang Wei, Li Na. 新闻 记者"
    options = TranscribeOptions(context=context, max_new_tokens=4)
    engine.transcribe_batch(CHUNKS[:2], options)
    (call,) = spy_generate
    sent = engine.processor.tokenizer.batch_decode(call["input_ids"])
    assert all(f"<|im_start|>system\n{context}<|im_end|>\n<|im_start|>user\n" in s for s in sent)
    # One audio placeholder per audio token the encoder makes (13 per second of audio).
    pads = (call["input_ids"] == engine.model.config.audio_token_id).sum(dim=1).tolist()
    assert pads == [39, 13]  # 2.0 s and 0.4 s, padded to whole encoder windows


def test_audio_model_reads_features_in_the_model_dtype(engine, spy_generate):
    engine.transcribe_batch(CHUNKS[:1], TranscribeOptions(max_new_tokens=2))
    dtype = engine.model.model.audio_tower.conv2d1.weight.dtype
    assert spy_generate[0]["input_features"].dtype == dtype == torch.float32


def test_new_token_budget_scales_with_the_chunk(engine, spy_generate):
    auto, forced = TranscribeOptions(), TranscribeOptions(language="en")
    assert engine.max_new_tokens(10.0, forced) == 12 * 10 + 16
    assert engine.max_new_tokens(10.0, auto) == 12 * 10 + 16 + 8
    assert engine.max_new_tokens(10.0, TranscribeOptions(max_new_tokens=7)) == 7

    # min_new_tokens = max_new_tokens forces an exact length (benchmarks).
    exact = TranscribeOptions(max_new_tokens=10, min_new_tokens=10, repetition_guard=False)
    engine.transcribe_batch(CHUNKS[:3], exact)
    call = spy_generate[0]
    assert call["output"].sequences.shape[1] - call["input_ids"].shape[1] == 10
    assert engine.last_stats.new_tokens == 30
    assert engine.last_stats.decode_steps == 9


def test_int8_quantisation_on_the_cpu(tiny_checkpoint):
    eng = Qwen3ASREngine(tiny_checkpoint, device="cpu", quantize_int8=True)
    eng.load()
    assert eng.device_info().dtype == "int8"
    quantized = "torch.ao.nn.quantized"
    assert type(eng.model.lm_head.quantized).__module__.startswith(quantized)
    mlp = eng.model.model.language_model.layers[0].mlp
    assert type(mlp.down_proj.quantized).__module__.startswith(quantized)
    # The audio encoder keeps the CPU's dtype, and so do the decoder's other layers.
    encoder = eng.model.model.audio_tower
    assert type(encoder.layers[0].fc1) is torch.nn.Linear
    assert encoder.conv2d1.weight.dtype == choose_placement("cpu").dtype
    results = eng.transcribe_batch(CHUNKS[:2], TranscribeOptions(max_new_tokens=6))
    assert len(results) == 2 and all(0 < r.confidence <= 1 for r in results)



def test_an_original_checkpoint_on_a_full_disk_is_converted_into_the_user_cache(
        tiny_original_checkpoint, tmp_path, monkeypatch):
    import shutil
    from pathlib import Path

    import safetensors.torch
    from safetensors import SafetensorError

    from tingxie.asr.checkpoint import CONVERTED_DIRNAME

    source = Path(shutil.copytree(tiny_original_checkpoint, tmp_path / "Qwen3-ASR-0.6B",
                                  ignore=shutil.ignore_patterns(CONVERTED_DIRNAME)))
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    real = safetensors.torch.serialize_file
    full = [source]  # the disks that are full

    def serialize_file(tensors, filename, metadata=None):
        if any(Path(filename).is_relative_to(disk) for disk in full):
            raise SafetensorError(  # what safetensors says then, not an OSError
                "Error while serializing: I/O error: No space left on device (os error 28)")
        return real(tensors, filename, metadata=metadata)

    monkeypatch.setattr(safetensors.torch, "serialize_file", serialize_file)
    engine = Qwen3ASREngine(source, device="cpu", dtype="float32")
    engine.load()
    assert engine.checkpoint.is_relative_to(cache / "tingxie" / "converted")
    assert engine.transcribe_batch([CHUNKS[0]], TranscribeOptions(max_new_tokens=4))
    assert not (source / CONVERTED_DIRNAME).exists()
    assert [p.name for p in source.iterdir() if p.name.startswith(".")] == []
    # Both full: the error a user sees says so, as for any full disk.
    shutil.rmtree(cache)
    full.append(cache)
    with pytest.raises(OSError, match="No space left on device"):
        Qwen3ASREngine(source, device="cpu").load()


def test_a_model_that_does_not_fit_while_loading_says_so_not_batch_size(tiny_checkpoint,
                                                                        monkeypatch):
    from tingxie.asr import qwen3
    from tingxie.asr.errors import ModelDoesNotFit

    real = qwen3.quantize_linear_int8
    done = []

    def quantize_linear_int8(linear):
        done.append(linear)
        if len(done) > 3:  # memory runs out part way through the decoder
            raise MemoryError()
        return real(linear)

    monkeypatch.setattr(qwen3, "quantize_linear_int8", quantize_linear_int8)
    eng = Qwen3ASREngine(tiny_checkpoint, device="cpu", quantize_int8=True)
    with pytest.raises(OutOfMemory) as err:
        eng.load()
    message = str(err.value)
    assert isinstance(err.value, ModelDoesNotFit) and not eng.loaded
    assert message.startswith("Out of memory on cpu while quantising the model to int8")
    assert "turn int8 quantisation off" in message and "Close other programs" in message
    assert "chunk" not in message and "batch size" not in message
    monkeypatch.undo()

    def to(self, *args, **kwargs):
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 3.20 GiB")

    monkeypatch.setattr(torch.nn.Module, "to", to)
    with pytest.raises(ModelDoesNotFit) as err:
        Qwen3ASREngine(tiny_checkpoint, device="cpu").load()
    message = str(err.value)
    assert message.startswith("Out of memory on cpu while loading the model: it does not fit")
    assert "use the smaller 0.6B model" in message and "int8" not in message
    assert "chunk" not in message and "batch size" not in message

def test_sampling_when_temperature_is_set(engine):
    options = TranscribeOptions(temperature=0.8, top_p=0.9, max_new_tokens=8)
    results = engine.transcribe_batch(CHUNKS[:2], options)
    assert all(0 < r.confidence <= 1 for r in results)


def test_silence_gives_a_result_without_inventing_a_language(engine):
    silent = [np.zeros(SR, dtype=np.float32), np.zeros(0, dtype=np.float32)]
    results = engine.transcribe_batch(silent, TranscribeOptions(max_new_tokens=6))
    assert len(results) == 2 and all(isinstance(r.text, str) for r in results)

    # When the model says there is no speech ("language None<asr_text>" then end of text),
    # the result is empty text and no language.
    tok = engine.processor.tokenizer
    said = [*tok.encode("language None<asr_text>"), tok.convert_tokens_to_ids("<|im_end|>")]
    decoded, _used = engine._decode_row(said, torch.full((len(said),), -0.1), None, 50)
    assert decoded.result.text == "" and decoded.result.language is None
    assert decoded.result.confidence == pytest.approx(math.exp(-0.1))


def test_unsupported_language_is_a_typed_error(engine):
    with pytest.raises(UnsupportedLanguage) as err:
        engine.transcribe_batch(CHUNKS[:1], TranscribeOptions(language="Klingon"))
    assert isinstance(err.value, TingxieError)
    assert "auto-detect" in str(err.value)


def test_cancel_before_start_and_mid_generation(engine):
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        engine.transcribe_batch(CHUNKS[:1], TranscribeOptions(), token)

    # Thousands of forced tokens would take a long time; cancelling stops within a step.
    long_job = TranscribeOptions(max_new_tokens=3000, min_new_tokens=3000, repetition_guard=False)
    token = CancelToken()
    timer = threading.Timer(0.3, token.cancel)
    started = time.perf_counter()
    timer.start()
    try:
        with pytest.raises(Cancelled):
            engine.transcribe_batch(CHUNKS[:2], long_job, token)
    finally:
        timer.cancel()
    assert time.perf_counter() - started < 3.0
    assert engine.last_stats.decode_steps < 2999


@pytest.fixture
def oom_engine(tiny_checkpoint, monkeypatch):
    """An engine whose model's generate runs out of memory for batches above a size."""
    eng = Qwen3ASREngine(tiny_checkpoint, device="cpu", dtype="float32")
    eng.load()
    real = eng.model.generate
    eng.batches = []
    eng.limit = 1
    eng.error = torch.OutOfMemoryError

    def generate(**kwargs):
        size = kwargs["input_ids"].shape[0]
        eng.batches.append(size)
        if size > eng.limit:
            raise eng.error("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real(**kwargs)

    monkeypatch.setattr(eng.model, "generate", generate)
    return eng


def test_out_of_memory_splits_the_batch_and_still_succeeds(oom_engine, engine):
    options = TranscribeOptions(max_new_tokens=6, repetition_guard=False)
    results = oom_engine.transcribe_batch(CHUNKS[:3], options)
    assert len(results) == 3
    assert oom_engine.batches == [3, 2, 1, 1, 1]
    expected = engine.transcribe_batch(CHUNKS[:3], options)
    assert [r.text for r in results] == [r.text for r in expected]
    # It remembers: later batches start small, and the suggestion shrinks.
    oom_engine.batches.clear()
    oom_engine.transcribe_batch(CHUNKS[:3], options)
    assert max(oom_engine.batches) == 1
    assert oom_engine.suggested_batch_size(10.0) == 1


def test_out_of_memory_on_one_chunk_is_a_typed_error(oom_engine):
    oom_engine.limit = 0
    oom_engine.error = MemoryError  # what a CPU allocation failure looks like
    with pytest.raises(OutOfMemory) as err:
        oom_engine.transcribe_batch(CHUNKS[:2], TranscribeOptions(max_new_tokens=4))
    assert "smaller batch" in str(err.value)


def test_repetition_guard_retries_looping_chunks(engine, spy_generate):
    # Random weights loop readily when given room: many rows run into max_new_tokens
    # repeating themselves.
    options = TranscribeOptions(max_new_tokens=48)
    results = engine.transcribe_batch(CHUNKS, options)
    retried = [i for i, r in enumerate(results) if r.retried]
    assert retried, "expected at least one looping output from the random model"
    first, again = spy_generate
    assert "repetition_penalty" not in first
    assert again["repetition_penalty"] == options.repetition_penalty
    assert again["input_ids"].shape[0] == len(retried)

    spy_generate.clear()
    unguarded = engine.transcribe_batch(
        CHUNKS, TranscribeOptions(max_new_tokens=48, repetition_guard=False)
    )
    assert len(spy_generate) == 1 and not any(r.retried for r in unguarded)


def test_what_counts_as_a_loop():
    assert repeated_runs([1, 2, 3, 1, 2, 3, 1, 2, 3]) == ((3, 9), (3, 9))
    speech = list(range(100, 160))
    assert not looks_degenerate(speech, hit_limit=True)
    assert not looks_degenerate([5, 6, 5, 6], hit_limit=True)  # too short to judge
    assert looks_degenerate(speech[:10] + [7, 8] * 15, hit_limit=False)
    # A short repetition is speech ("no, no, no") unless generation ran out of room in it.
    tail = speech[:20] + [7, 8, 9] * 4
    assert not looks_degenerate(tail, hit_limit=False)
    assert looks_degenerate(tail, hit_limit=True)
    assert looks_degenerate([1, 2, 3] + [4] * 40, hit_limit=False)
