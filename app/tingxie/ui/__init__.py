"""Qt widgets and windows: the only layer that imports Qt."""
