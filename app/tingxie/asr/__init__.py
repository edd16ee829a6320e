"""Speech recognition: engine protocol, Qwen3-ASR engine, models, pipeline. Never imports Qt."""
