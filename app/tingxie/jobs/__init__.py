"""Jobs: what the window, the batch queue and the command line share to transcribe a file.

A :class:`~tingxie.jobs.spec.JobSpec` is a frozen value saying everything a job needs; the
registry (:mod:`tingxie.jobs.registry`) turns its engine part into a loaded engine; and
:func:`tingxie.jobs.run.run` runs it, yielding updates. Nothing here imports Qt.
"""
