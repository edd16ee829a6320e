"""Decoder attention for a CPU: transformers' SDPA without the static KV cache's empty tail.

On a CPU the engine gives ``generate()`` a static KV cache sized for a chunk's whole
new-token budget (for a 30 s chunk, 437 prompt positions and 383 for new tokens, though
speech fills about 120 of them). transformers' SDPA attention hands the kernel the whole
cache with a mask, and torch's CPU kernel reads every position, masked or not: at batch 16 a
decoding step attended over 820 positions where ~460 were in use (3.7 ms a layer instead of
2.1), and the prefill over 820 where 437 were. :func:`trimmed_sdpa` cuts off the trailing
positions that the mask hides from every query before calling SDPA. That is exact: a masked
key adds nothing to the softmax, so the result is the same attention over fewer keys.

In bfloat16 (and float16) it also lets SDPA share each key/value head between its query heads
(``enable_gqa``) instead of copying keys and values or folding heads into positions (a
decoding step at batch 16: 1.8 ms a layer against 2.5). In float32 the folded form measured
faster, so float32 keeps transformers' own path.

:func:`use_trimmed_attention` switches a loaded Qwen3-ASR model's decoder to it.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

#: The name the attention function and its mask are registered under in transformers.
NAME = "tingxie_trimmed_sdpa"


def used_keys(mask: torch.Tensor) -> int:
    """Key positions up to and including the last one that any query may attend to."""
    allowed = mask if mask.dtype == torch.bool else mask > torch.finfo(mask.dtype).min
    columns = allowed.reshape(-1, allowed.shape[-1]).any(dim=0).nonzero()
    return int(columns[-1]) + 1 if len(columns) else allowed.shape[-1]


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
    arguments, same result: ``(batch, queries, heads, head_dim)`` and no weights)."""
    from transformers.integrations.sdpa_attention import sdpa_attention_forward

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
    from transformers import AttentionInterface
    from transformers.masking_utils import ALL_MASK_ATTENTION_FUNCTIONS, sdpa_mask

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
