"""Hypothesis helpers shared by the fuzz tests of JSON documents (projects, checkpoints)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st


def draw_place(draw: Any, doc: Any, max_depth: int) -> tuple[Any, Any]:
    """Walk 1 to ``max_depth`` steps down ``doc`` through drawn keys and indexes; return the
    container reached last and the key in it (``(None, None)`` when ``doc`` has no inside)."""
    node, parent, key = doc, None, None
    for _ in range(draw(st.integers(1, max_depth))):
        if isinstance(node, dict) and node:
            key = draw(st.sampled_from(sorted(node)))
        elif isinstance(node, list) and node:
            key = draw(st.integers(0, len(node) - 1))
        else:
            break
        parent, node = node, node[key]
    return parent, key
