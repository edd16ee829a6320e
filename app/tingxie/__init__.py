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
