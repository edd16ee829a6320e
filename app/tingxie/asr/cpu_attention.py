"""Decoder attention for a CPU: transformers' SDPA without the static KV cache's empty tail.

On a CPU the engine gives ``generate()`` a static KV cache sized for a chunk's whole
new-token budget (for a 30 s chunk, 437 prompt positions and 376 for new tokens, though
speech fills about 120 of them; the budget with the language set, 8 more when the model
detects it). transformers' SDPA attention hands the kernel the whole
cache with a mask, and torch's CPU kernel reads every position, masked or not: at batch 16 a
decoding step attended over 820 positions where ~460 were in use (3.7 ms a layer instead of
2.1), and the prefill over 820 where 437 were. :func:`trimmed_sdpa` cuts off the trailing
positions that the mask hides from every query before calling SDPA: a masked key adds
nothing to the softmax, so it is the same attention over fewer keys (equal up to rounding).

In bfloat16 (and float16) it also lets SDPA share each key/value head between its query heads
(``enable_gqa``) instead of copying keys and values or folding heads into positions (a
decoding step at batch 16: 1.8 ms a layer against 2.5). In float32 the folded form measured
faster, so float32 keeps transformers' own path.

:func:`use_trimmed_attention` switches a loaded Qwen3-ASR model's decoder to it.

The cache's unused tail also costs memory: transformers allocates the cache whole and fills
it with zeros. :func:`release_unused_cache` hands each layer's tail pages back to the system
after the prefill (they read back as zeros, so nothing changes for any reader; a decoding
step's write brings back the page it lands in): batch 16, 40 tokens a chunk within the real
budget, peak 3,469 MB against 4,055, the same text. The prefill's activations, freed layer by
layer in between the cache's tensors, leave glibc's heaps fragmented: it also hands their
free pages back every :data:`TRIM_EVERY_LAYERS` layers and after the last (batch 4, 30 s
chunks: the prefill's peak ~695 MB of anonymous memory against 850).
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from transformers import AttentionInterface
from transformers.cache_utils import Cache, StaticLayer
from transformers.integrations.sdpa_attention import sdpa_attention_forward
from transformers.masking_utils import ALL_MASK_ATTENTION_FUNCTIONS, sdpa_mask

from tingxie.asr.device import drop_pages, release_free_memory

#: How often the prefill hands the heaps' free pages back (``malloc_trim``): every 7th of
#: the 0.6B's 28 layers (each call walks the heaps; every layer cost ~1 s of system time a
#: batch of 4 for no lower peak than every 7th).
TRIM_EVERY_LAYERS = 7

#: The name the attention function and its mask are registered under in transformers.
NAME = "tingxie_trimmed_sdpa"


#: The last mask :func:`used_keys` read and its answer: every layer of one forward pass gets
#: the same mask object (a prefill's holds batch x 437 x 813 entries).
_last_mask: tuple[torch.Tensor, int] | None = None


def used_keys(mask: torch.Tensor) -> int:
    """Key positions up to and including the last one that any query may attend to.

    A float mask counts a position as hidden where it holds the dtype's lowest value, as
    transformers' masks do (SDPA gets boolean ones).
    """
    global _last_mask
    last = _last_mask
    if last is not None and last[0] is mask:
        return last[1]
    allowed = mask if mask.dtype == torch.bool else mask > torch.finfo(mask.dtype).min
    if allowed.dim() > 1:
        allowed = allowed.any(dim=-2)  # over the queries first: the biggest dimension
    columns = allowed.reshape(-1, allowed.shape[-1]).any(dim=0).nonzero()
    used = int(columns[-1]) + 1 if len(columns) else allowed.shape[-1]
    _last_mask = (mask, used)
    return used


def trimmed_sdpa(
    module: torch.nn.Module,
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    attention_mask: torch.Tensor | None,
    dropout: float = 0.0,
    scaling: float | None = None,
    **kwargs: Any,
) -> tuple[torch.Tensor, None]:
    """transformers' ``sdpa`` attention over the keys the mask leaves any query (same
    arguments, the same attention up to rounding: ``(batch, queries, heads, head_dim)`` and
    no weights). Query rows the mask hides everything from (padding) may come out
    differently; nothing reads them."""
    if attention_mask is not None and attention_mask.dim() == 4 \
            and attention_mask.shape[-1] == key.shape[2]:  # fmt: skip
        used = used_keys(attention_mask)
        if used < key.shape[2]:
            key, value = key[:, :, :used], value[:, :, :used]
            attention_mask = attention_mask[..., :used]
    groups = getattr(module, "num_key_value_groups", 1)
    plain = module.training or kwargs.get("output_attentions") or attention_mask is None
    if not plain and groups > 1 and query.dtype != torch.float32:
        output = F.scaled_dot_product_attention(
            query, key, value, attn_mask=attention_mask, scale=scaling, enable_gqa=True
        )
        return output.transpose(1, 2).contiguous(), None
    return sdpa_attention_forward(
        module, query, key, value, attention_mask, dropout=dropout, scaling=scaling, **kwargs
    )


def register() -> None:
    """Make :data:`NAME` known to transformers (its attention and, as for SDPA, its mask)."""
    AttentionInterface.register(NAME, trimmed_sdpa)
    ALL_MASK_ATTENTION_FUNCTIONS.register(NAME, sdpa_mask)


def use_trimmed_attention(model: Any) -> bool:
    """Switch ``model``'s decoder (a ``Qwen3ASRForConditionalGeneration`` using SDPA) to
    :func:`trimmed_sdpa`; the audio encoder keeps its own. Returns whether it was switched
    (a model on another attention implementation is left as it is)."""
    text = getattr(model.config, "text_config", None)
    if text is None or text._attn_implementation != "sdpa":
        return False
    register()
    model.set_attn_implementation({"text_config": NAME})
    return text._attn_implementation == NAME


def release_unused_cache(model: Any) -> None:
    """After each decoder layer's prefill into a static KV cache, hand the pages of its keys
    and values beyond the positions written back to the system, and every
    :data:`TRIM_EVERY_LAYERS` layers the heaps' free pages (Linux; in place: forward hooks on
    ``model``'s decoder layers, a Qwen3-ASR model on a CPU)."""
    for layer in model.model.language_model.layers:
        layer.register_forward_hook(_release_after_prefill, with_kwargs=True)


def _release_after_prefill(module: torch.nn.Module, args: tuple, kwargs: dict, output: Any
                           ) -> None:
    hidden = args[0] if args else kwargs.get("hidden_states")
    if hidden is None or hidden.dim() != 3 or hidden.shape[1] <= 1:
        return  # a decoding step: it writes one position, in a page it brings back itself
    cache = next((value for value in kwargs.values() if isinstance(value, Cache)), None)
    index = getattr(getattr(module, "self_attn", None), "layer_idx", None)
    if cache is None or index is None or index >= len(getattr(cache, "layers", ())):
        return
    layer = cache.layers[index]
    written = getattr(layer, "cumulative_length", None)
    if not isinstance(layer, StaticLayer) or written is None or not layer.is_initialized:
        return
    for tensor in (layer.keys, layer.values):
        release_tail(tensor, int(written))
    if (index + 1) % TRIM_EVERY_LAYERS == 0 or index == len(cache.layers) - 1:
        release_free_memory(layer.keys.device)


def release_tail(tensor: torch.Tensor, used: int) -> int:
    """Hand back the pages of ``tensor`` (batch, heads, positions, head_dim; contiguous, on
    the CPU) beyond the first ``used`` positions of each head; returns the bytes handed back.
    What was there must be zeros (it reads back as zeros)."""
    if tensor.device.type != "cpu" or tensor.dim() != 4 or not tensor.is_contiguous():
        return 0
    batch, heads, positions, width = tensor.shape
    if used >= positions:
        return 0
    row = width * tensor.element_size()
    block = positions * row
    base = tensor.data_ptr()
    return sum(drop_pages(base + i * block + used * row, base + (i + 1) * block)
               for i in range(batch * heads))
