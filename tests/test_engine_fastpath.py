"""The engine's speed and memory measures change nothing a user reads.

Real Qwen3-ASR code on the tiny random checkpoint: int8 quantised one layer at a time gives
the int8 weights torch's whole-model ``quantize_dynamic`` gave, and the same greedy tokens;
the decoder's prefill computes logits for the last position only, with the same tokens as
full logits; the audio encoder reads a batch in passes of bounded length (one for a small
batch) and gives each chunk what it gives that chunk alone, with the same tokens either way;
the dynamic KV cache (the GPU default) gives the static cache's tokens; on a CPU the
decoder attends over the static cache's positions in use (not its unused tail) and hands that
tail's memory back, with the same tokens; the encoder's channels-last convolutions encode the
same.
"""

from __future__ import annotations

import mmap
import sys
import warnings

import numpy as np
import pytest
import torch

from tingxie.asr import qwen3
from tingxie.asr.engine import TranscribeOptions
from tingxie.asr.qwen3 import Int8Linear, Qwen3ASREngine

SR = 16_000
OPTIONS = TranscribeOptions(language="en", max_new_tokens=8, repetition_guard=False)


def noise(seconds: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SR)) / SR
    tone = 0.2 * np.sin(2 * np.pi * (200 + 50 * seed) * t)
    return (tone + 0.05 * rng.standard_normal(t.size)).astype(np.float32)


CHUNKS = [noise(2.0, 1), noise(0.7, 2), noise(3.5, 3)]


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def old_whole_model_int8(model):
    """What the engine did before: the decoder to float32, then quantize_dynamic at once."""
    quantization = torch.ao.quantization
    model.model.language_model.float()
    model.lm_head.float()
    qconfig = quantization.per_channel_dynamic_qconfig
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return quantization.quantize_dynamic(
            model,
            {"model.language_model": qconfig, "lm_head": qconfig},
            dtype=torch.qint8,
            mapping={torch.nn.Linear: torch.ao.nn.quantized.dynamic.Linear},
            inplace=True,
        )


def quantised_layers(model) -> dict[str, torch.nn.Module]:
    found = {}
    for name, module in model.named_modules():
        if isinstance(module, Int8Linear):
            found[name] = module.quantized
        elif type(module) is torch.ao.nn.quantized.dynamic.Linear and not name.endswith(
            ".quantized"
        ):
            found[name] = module
    return found


def texts(engine: Qwen3ASREngine, chunks=CHUNKS, options=OPTIONS) -> list[tuple[str, float]]:
    return [(r.text, r.confidence) for r in engine.transcribe_batch(chunks, options)]


def test_layer_by_layer_int8_gives_the_same_int8_weights(tiny_checkpoint, monkeypatch):
    # Blocks of 5 rows, so every layer is quantised in several (and an uneven last one).
    monkeypatch.setattr(qwen3, "QUANTIZE_ROWS", 5)
    new = Qwen3ASREngine(tiny_checkpoint, device="cpu", dtype="bfloat16", quantize_int8=True)
    new.load()
    reference = Qwen3ASREngine(tiny_checkpoint, device="cpu", dtype="bfloat16")
    reference.load()
    old = quantised_layers(old_whole_model_int8(reference.model))
    layers = quantised_layers(new.model)
    assert set(layers) == set(old) and "lm_head" in layers
    for name, layer in layers.items():
        weight, reference_weight = layer.weight(), old[name].weight()
        assert torch.equal(weight.int_repr(), reference_weight.int_repr()), name
        assert torch.equal(weight.q_per_channel_scales(), reference_weight.q_per_channel_scales())
        if layer.bias() is not None:
            assert torch.equal(layer.bias(), old[name].bias())
    # No float32 copy of the decoder is left: what is not int8 keeps the model's dtype.
    decoder = new.model.model.language_model
    assert {p.dtype for p in decoder.parameters()} == {torch.bfloat16}


def test_int8_gives_the_greedy_tokens_of_the_whole_model_path(tiny_checkpoint):
    # In float32 the int8 layers see exactly the inputs the old path gave them.
    new = Qwen3ASREngine(tiny_checkpoint, device="cpu", dtype="float32", quantize_int8=True)
    new.load()
    old = Qwen3ASREngine(tiny_checkpoint, device="cpu", dtype="float32")
    old.load()
    old.model = old_whole_model_int8(old.model)
    assert texts(new) == texts(old)
    assert any(text for text, _ in texts(new))


@pytest.fixture(scope="module")
def engine(tiny_checkpoint):
    eng = Qwen3ASREngine(tiny_checkpoint, device="cpu", dtype="float32")
    eng.load()
    return eng


def test_prefill_computes_logits_for_the_last_position_only(engine, monkeypatch):
    positions: list[int] = []
    hook = engine.model.lm_head.register_forward_hook(
        lambda module, args, output: positions.append(output.shape[1])
    )
    try:
        fast = texts(engine)
    finally:
        hook.remove()
    assert positions and set(positions) == {1}  # prefill included: one position, not ~40

    real = engine.model.generate
    monkeypatch.setattr(engine.model, "generate", lambda **kwargs: real(logits_to_keep=0, **kwargs))
    positions.clear()
    hook = engine.model.lm_head.register_forward_hook(
        lambda module, args, output: positions.append(output.shape[1])
    )
    try:
        full = texts(engine)
    finally:
        hook.remove()
    assert max(positions) > 1  # the comparison really computed every position
    assert [t for t, _ in full] == [t for t, _ in fast]
    assert [c for _, c in full] == pytest.approx([c for _, c in fast], rel=1e-5)


def test_the_encoder_reads_a_batch_in_passes_of_whole_windows_that_change_nothing(
        engine, monkeypatch):
    # Longer than a pass (two of the encoder's 8 s attention windows): cut into pieces.
    chunks = [noise(19.3, 4), noise(0.7, 2), noise(9.0, 5)]
    tower = engine.model.model.audio_tower
    calls: list[tuple[int, int, torch.Tensor]] = []

    def record(module, args, kwargs, output):
        features = kwargs["input_features"]
        calls.append((features.shape[0], features.shape[-1],
                      output.last_hidden_state.detach().clone()))

    hook = tower.register_forward_hook(record, with_kwargs=True)
    try:
        monkeypatch.setattr(qwen3, "ENCODER_PASS_SECONDS", 600.0)
        together = texts(engine, chunks)
        assert len(calls) == 1, "a pass long enough: the whole batch at once"
        batched = calls[0][2]
        alone = []
        for chunk in chunks:
            calls.clear()
            engine.transcribe_batch([chunk], OPTIONS)
            alone.append(calls[0][2])
        monkeypatch.undo()
        assert qwen3.ENCODER_PASS_SECONDS == 16.0
        calls.clear()
        in_passes = texts(engine, chunks)
    finally:
        hook.remove()
    # The packed batch is the chunks' own encodings, one after another, and the pieces'
    # encodings put together are the same.
    torch.testing.assert_close(batched, torch.cat(alone), rtol=1e-4, atol=1e-4)
    torch.testing.assert_close(torch.cat([out for _, _, out in calls]), batched,
                               rtol=1e-4, atol=1e-4)
    assert [t for t, _ in in_passes] == [t for t, _ in together]
    assert [c for _, c in in_passes] == pytest.approx([c for _, c in together], rel=1e-5)
    # Two windows (1,600 mel frames) a pass: 2 + 1 + 1 pieces, none longer, each ending with
    # its chunk's last second (20, 1 and 10 s of frames: no batch padding encoded).
    assert len(calls) == 4
    assert all(rows == 1 and frames <= 1600 for rows, frames, _ in calls)
    assert [frames for _, frames, _ in calls] == [1600, 400, 100, 1000]


def test_dynamic_cache_gives_the_static_caches_tokens(engine):
    static = texts(engine)
    engine.cache_implementation = "dynamic"
    try:
        dynamic = texts(engine)
        assert engine.last_stats.first_token_seconds is not None
        assert 0 < engine.last_stats.first_token_seconds <= engine.last_stats.wall_seconds
    finally:
        engine.cache_implementation = None
    assert [t for t, _ in dynamic] == [t for t, _ in static]


# -- attention over the positions in use (asr/cpu_attention.py) ------------------------------
class _Attention(torch.nn.Module):
    """What transformers' attention functions read from a decoder layer's attention."""

    num_key_value_groups = 2
    is_causal = True


def _attention_inputs(queries: int, used: int, cache: int, dtype, seed: int = 0):
    """Query/key/value heads 4/2/2 for a batch of 2, keys in a static cache of ``cache``
    positions of which ``used`` hold tokens (the rest is garbage, as a reused cache holds);
    row 1 is left-padded by 3. The mask is causal over the queries' positions."""
    generator = torch.Generator().manual_seed(seed)
    query = torch.randn(2, 4, queries, 16, generator=generator).to(dtype)
    key = (100 * torch.randn(2, 2, cache, 16, generator=generator)).to(dtype)
    value = (100 * torch.randn(2, 2, cache, 16, generator=generator)).to(dtype)
    key[:, :, :used] /= 100
    value[:, :, :used] /= 100
    positions = torch.arange(used - queries, used)
    mask = torch.arange(cache)[None, :] <= positions[:, None]  # (queries, cache)
    mask = mask[None, None].repeat(2, 1, 1, 1)
    mask[1, :, :, :3] = False
    return query, key, value, mask


def _reference(query, key, value, mask, used):
    """Attention in float64 over the first ``used`` keys, heads shared as in GQA."""
    key = key[:, :, :used].double().repeat_interleave(2, dim=1)
    value = value[:, :, :used].double().repeat_interleave(2, dim=1)
    scores = query.double() @ key.transpose(-1, -2) / 4.0  # head_dim 16
    scores = scores.masked_fill(~mask[..., :used], float("-inf"))
    return (torch.softmax(scores, dim=-1) @ value).transpose(1, 2)


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
@pytest.mark.parametrize("queries, used", [(1, 9), (9, 9)], ids=["decoding step", "prefill"])
def test_trimmed_attention_is_attention_over_the_positions_in_use(dtype, queries, used,
                                                                  monkeypatch):
    from transformers.integrations.sdpa_attention import sdpa_attention_forward

    from tingxie.asr.cpu_attention import trimmed_sdpa

    query, key, value, mask = _attention_inputs(queries, used, cache=30, dtype=dtype)
    module = _Attention().eval()
    seen: list[int] = []
    shared: list[bool] = []
    real = torch.nn.functional.scaled_dot_product_attention

    def spy(q, k, v, **kwargs):
        seen.append(k.shape[2])
        shared.append(bool(kwargs.get("enable_gqa")) and k.shape[1] < q.shape[1])
        return real(q, k, v, **kwargs)

    monkeypatch.setattr(torch.nn.functional, "scaled_dot_product_attention", spy)
    trimmed, _ = trimmed_sdpa(module, query, key, value, mask, scaling=0.25)
    assert seen == [used]  # the kernel read the 9 positions in use, not the cache's 30
    # In bf16 the kernel shares each key/value head between 2 query heads.
    assert shared == [dtype == torch.bfloat16]
    seen.clear()
    whole, _ = sdpa_attention_forward(module, query, key, value, mask, scaling=0.25)
    assert seen == [30]
    expected = _reference(query, key, value, mask, used)
    attends = mask.any(dim=-1).transpose(1, 2)  # (batch, queries, 1): padding sees nothing
    tolerance = 1e-5 if dtype == torch.float32 else 2e-2
    for output in (trimmed, whole):
        torch.testing.assert_close(output.double()[attends.expand(-1, -1, 4)],
                                   expected[attends.expand(-1, -1, 4)], rtol=tolerance,
                                   atol=tolerance)


@pytest.fixture(scope="module")
def bf16_engine(tiny_checkpoint):
    eng = Qwen3ASREngine(tiny_checkpoint, device="cpu", dtype="bfloat16")
    eng.load()
    return eng


@pytest.mark.parametrize("which", ["engine", "bf16_engine"])
def test_the_decoder_attends_over_the_positions_in_use_with_the_same_tokens(which, request,
                                                                           monkeypatch):
    from tingxie.asr.cpu_attention import NAME

    engine = request.getfixturevalue(which)
    text = engine.model.config.text_config
    assert text._attn_implementation == NAME
    assert engine.model.config.audio_config._attn_implementation == "sdpa"
    calls: list[tuple[int, int, bool]] = []
    real = torch.nn.functional.scaled_dot_product_attention

    def spy(q, k, v, **kwargs):
        if k.shape[-1] == text.head_dim:  # the decoder's (the encoder's heads are wider)
            calls.append((q.shape[2], k.shape[2], bool(kwargs.get("enable_gqa"))))
        return real(q, k, v, **kwargs)

    monkeypatch.setattr(torch.nn.functional, "scaled_dot_product_attention", spy)
    trimmed = texts(engine)  # three chunks of 2, 0.7 and 3.5 s: two rows are left-padded
    layers = text.num_hidden_layers
    # The prefill attends over the prompt, not the cache; a step's one query per head may be
    # folded into key/value heads x groups of 2 (float32) or share them (bf16).
    prompt = calls[0][0]
    assert [keys for queries, keys, _ in calls[:layers]] == [prompt] * layers
    steps = [keys for queries, keys, _ in calls[layers:]]
    assert steps == [k for k in range(prompt + 1, prompt + len(steps) // layers + 1)
                     for _ in range(layers)]
    assert {gqa for _, _, gqa in calls} == {engine.model.dtype == torch.bfloat16}
    calls.clear()
    engine.trim_attention = False
    try:
        whole = texts(engine)
        assert text._attn_implementation == "sdpa"
    finally:
        engine.trim_attention = True
    # transformers' SDPA reads the whole static cache (prompt + budget) at every step.
    cache = max(keys for _, keys, _ in calls)
    assert cache >= prompt + OPTIONS.max_new_tokens - 1
    assert {keys for _, keys, _ in calls} == {cache}
    assert [t for t, _ in trimmed] == [t for t, _ in whole] and any(t for t, _ in trimmed)
    assert [c for _, c in trimmed] == pytest.approx([c for _, c in whole], rel=1e-3)


def _rss_anon_kb() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("RssAnon:"))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="madvise: Linux")
def test_a_caches_unused_tail_goes_back_to_the_system_and_reads_as_zeros():
    from tingxie.asr.cpu_attention import release_tail

    cache = torch.zeros(2, 4, 4096, 64)  # 8 MiB, every page touched by the zeros
    cache[:, :, :100] = torch.arange(1, 101, dtype=torch.float32)[:, None]
    before = _rss_anon_kb()
    released = release_tail(cache, 100)
    after = _rss_anon_kb()
    tail = 2 * 4 * (4096 - 100) * 64 * 4
    # Whole pages only: each of the 8 heads' tails may lose part of a page at either end.
    assert tail - 8 * 2 * mmap.PAGESIZE <= released <= tail
    assert before - after >= 0.8 * released / 1024  # the process holds that much less
    assert torch.equal(cache[:, :, :100], torch.arange(1, 101, dtype=torch.float32)[:, None]
                       .expand(2, 4, 100, 64))
    assert not cache[:, :, 100:].any()  # the tail reads back as the zeros it held
    cache[:, :, 100] = 7.0  # a decoding step's write lands as usual
    assert torch.equal(cache[:, :, 100], torch.full((2, 4, 64), 7.0))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="madvise: Linux")
def test_the_engine_releases_the_static_caches_tail_after_the_prefill_same_tokens(
        engine, monkeypatch):
    from tingxie.asr import cpu_attention

    released: list[int] = []
    real = cpu_attention.release_tail
    monkeypatch.setattr(cpu_attention, "release_tail",
                        lambda tensor, used: released.append(real(tensor, used)) or 0)
    # A budget of 3000 tokens: each head's cache is long enough to hold whole pages.
    options = TranscribeOptions(language="en", max_new_tokens=3000, min_new_tokens=12,
                                repetition_guard=False)
    with_release = [(r.text, r.confidence) for r in engine.transcribe_batch(CHUNKS, options)]
    layers = engine.model.config.text_config.num_hidden_layers
    assert len(released) == 2 * layers and all(n > 0 for n in released)  # keys and values
    monkeypatch.setattr(cpu_attention, "release_tail", lambda tensor, used: 0)
    without = [(r.text, r.confidence) for r in engine.transcribe_batch(CHUNKS, options)]
    assert with_release == without


def test_the_prefill_hands_the_heaps_free_pages_back_between_layers(engine, monkeypatch):
    from tingxie.asr import cpu_attention

    layers = engine.model.config.text_config.num_hidden_layers
    trims: list[int] = []  # the layer whose prefill each trim came in
    started: list[int] = []

    def trimmed(device):
        assert device.type == "cpu"
        trims.append(started[-1])

    monkeypatch.setattr(cpu_attention, "release_free_memory", trimmed)
    hooks = [layer.register_forward_pre_hook(
        lambda module, args, kwargs, i=i: started.append(i), with_kwargs=True)
        for i, layer in enumerate(engine.model.model.language_model.layers)]
    try:
        monkeypatch.setattr(cpu_attention, "TRIM_EVERY_LAYERS", 1)
        every = texts(engine)
        # One trim after each layer's prefill, none in the decoding steps.
        assert trims == list(range(layers))
        assert len(started) > 2 * layers, "the decoding steps ran the layers too"
        trims.clear()
        monkeypatch.setattr(cpu_attention, "TRIM_EVERY_LAYERS", 100)
        assert texts(engine) == every
        assert trims == [layers - 1], "the last layer's prefill always ends with one"
    finally:
        for hook in hooks:
            hook.remove()


def test_channels_last_convolutions_change_no_encoding(engine):
    tower = engine.model.model.audio_tower
    assert tower.conv2d2.weight.is_contiguous(memory_format=torch.channels_last)
    inputs = engine.prepare_inputs(CHUNKS, OPTIONS)
    features, mask = inputs["input_features"], inputs["input_features_mask"]
    with torch.inference_mode():
        fast = tower(features, mask).last_hidden_state
        for name in ("conv2d1", "conv2d2", "conv2d3"):
            conv = getattr(tower, name)
            conv.weight.data = conv.weight.data.contiguous()
        try:
            plain = tower(features, mask).last_hidden_state
        finally:
            qwen3._channels_last_convolutions(tower)
    torch.testing.assert_close(fast, plain, rtol=1e-5, atol=1e-5)
