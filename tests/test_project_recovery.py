"""Recovery files and saves of the same project by several windows: a window's save removes
only its own autosave, in the same step, and another window's save never makes an autosave
look outdated; one an older Tingxie wrote is still judged by its time."""

from __future__ import annotations

import json
import os
import time

import numpy as np

from media import write_wav
from tingxie.core import project as proj
from tingxie.core.transcript import Segment, Transcript


def saved(tmp_path, text="As saved."):
    wav = write_wav(tmp_path / "interview.wav", np.zeros(16000 * 6, np.float32))
    p = proj.Project(transcript=Transcript(segments=[Segment(1, 0.5, 2.0, text)],
                                           duration=6.0))
    proj.attach_audio(p, wav)
    path = tmp_path / "interview.tingxie"
    proj.save(p, path)
    return p, path


def state(path):
    st = os.stat(path)
    return st.st_mtime_ns, st.st_size


def with_text(p, text):
    p.transcript.segments[0].text = text
    return p


def test_another_windows_save_never_outdates_an_autosave_and_its_own_save_removes_it(
        tmp_path):
    p, path = saved(tmp_path)
    base = state(path)
    doc = proj.snapshot(with_text(p, "Window A's work."), path)
    proj.write_recovery(doc, path, "window-a", base)
    time.sleep(0.01)
    proj.write_document(proj.snapshot(with_text(p, "Window B's save."), path), path,
                        drop_recovery="window-b")

    assert proj.recovery_path(path).exists(), "window B's save removed A's autosave"
    assert proj.recovery_outdated(path) is False
    assert proj.recovery_conflict(path), "the project was saved since, elsewhere"
    opened = proj.open_project(path)
    assert opened.recovered.transcript.segments[0].text == "Window A's work."
    assert "recovery_of" not in opened.recovered.extra, "never saved into the project"

    proj.write_document(proj.snapshot(with_text(p, "Window A's save."), path), path,
                        drop_recovery="window-a")
    assert not proj.recovery_path(path).exists(), "A's own save takes its autosave along"


def test_an_older_tingxies_autosave_is_judged_by_its_time_and_read_from_its_end(tmp_path):
    p, path = saved(tmp_path)
    p.transcript = Transcript(segments=[Segment(i + 1, i * 0.005, i * 0.005 + 0.004,
                                                f"Line {i}.") for i in range(1000)],
                              duration=6.0)
    # As an older Tingxie wrote it: the record last, no project state.
    doc = {**proj.snapshot(p, path), "recovery_of": {
        "project": path.name, "audio_fingerprint": p.audio_fingerprint, "writer": "old"}}
    rec = proj.recovery_path(path)
    rec.write_text(json.dumps(doc, indent=1), "utf-8")
    assert rec.stat().st_size > 1 << 17
    assert proj.recovery_tie(path)["writer"] == "old"
    assert proj.recovery_outdated(path) is False
    an_hour_ago = time.time() - 3600
    os.utime(rec, (an_hour_ago, an_hour_ago))
    assert proj.recovery_outdated(path) is True, "saved since: nothing newer in it"
    assert not proj.recovery_conflict(path)
