"""Qt-free core: audio, envelope, segmentation, transcript, project files.

Nothing here imports Qt, and nothing imports torch at module level.
"""
