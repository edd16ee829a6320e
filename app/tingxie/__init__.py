"""Tingxie (听写): a desktop transcription studio built on Qwen3-ASR."""

import os as _os

__version__ = "0.1.0"

#: oneDNN, torch's CPU kernels, keeps a compiled kernel for every matrix shape it meets, up
#: to 1024 of them (about 1 MB each). Chunk lengths vary, so nearly every batch brings new
#: shapes, and a long job's resident size crept up by ~1.4 MB a chunk (330 MB over a 2-hour
#: file). 64 holds every shape one batch uses (the decoding steps reuse theirs). oneDNN reads
#: this once, at its first kernel, so it is set here, before any of Tingxie imports torch;
#: a value in the environment wins.
ONEDNN_PRIMITIVE_CACHE = "64"
_os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", ONEDNN_PRIMITIVE_CACHE)
#: The same for ideep, the layer between torch and oneDNN that bf16 matrix products go
#: through: it keeps its own cache of prepared products per shape (``LRU_CACHE_CAPACITY``,
#: 1024 by default, about 0.26 MB each on an AMD EPYC), which the cap above does not bound;
#: it too is read at the first product. 0 is not allowed (torch 2.13 crashes at the first
#: bf16 product), so only a value in the environment other than 0 wins.
IDEEP_CACHE = "64"
if _os.environ.get("LRU_CACHE_CAPACITY", "").strip() in ("", "0"):
    _os.environ["LRU_CACHE_CAPACITY"] = IDEEP_CACHE
