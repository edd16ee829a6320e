"""Tingxie (听写): a desktop transcription studio built on Qwen3-ASR."""

__version__ = "0.1.0"
