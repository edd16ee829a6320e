"""Cancel a run of steady speech (no pause, so chunks are cut by force and share a stretch of
audio), then "Transcribe the rest": every word is in the transcript exactly once, with no
fragment of a cut word at the join. The engine finds each chunk in the file by its samples,
so the rest run hears what is really there."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from media import write_wav
from positioned import PositionedAligner, PositionedEngine, unique_audio
from scripted import Script, steady_words
from tingxie.core.audio import to_float
from tingxie.ui import settings as keys
from tingxie.ui.main_window import MainWindow
from tingxie.ui.settings import Settings
from ui_windows import dispose

VOCAB = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
         "juliet", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo",
         "sierra", "tango", "uniform", "victor", "whiskey", "xray", "yankee", "zulu"]
#: 140 words, one every 0.45 s with 50 ms between them: no pause a chunk could end in.
WORDS = steady_words([f"{VOCAB[k % 26]}{k}" for k in range(140)], 0.5, step=0.45, length=0.4)
STEADY = Script(WORDS, WORDS[-1][2] + 1.0, dips=[20.0, 40.0, 55.0])


def steady_window(qtbot, tmp_path, monkeypatch, hook, aligner: bool) -> MainWindow:
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    settings = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    settings.set(keys.BATCH_SIZE, 1)
    engines: list[PositionedEngine] = []

    def factory(_spec):
        engines.append(PositionedEngine(STEADY, to_float(win.session.loaded.audio.samples),
                                        batch=1, hook=hook))
        return engines[-1]

    win = MainWindow(settings, engine_factory=factory)
    if aligner:
        settings.set(keys.ALIGNER, "scripted-aligner")
        win.host.worker.engines._aligner_factory = lambda _n, _s: PositionedAligner(engines[-1])
    win.resize(1200, 800)
    win.show()
    path = write_wav(tmp_path / "steady.wav", unique_audio(STEADY), subtype="FLOAT")
    with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):
        win.open_path(path)
    win.session.speech_regions = STEADY.regions()
    return win


def run(qtbot, win, scope: str) -> bool:
    qtbot.waitUntil(lambda: not win.host.busy, timeout=10_000)
    handle = win.start_transcription(scope)
    assert handle is not None
    failures: list[str] = []
    handle.failed.connect(failures.append)
    with qtbot.waitSignal(handle.finished, timeout=60_000) as done:
        pass
    assert failures == []
    return done.args[0]


@pytest.mark.parametrize("aligner", [False, True], ids=["estimated", "aligned"])
def test_cancel_at_a_forced_cut_then_the_rest_has_every_word_once(qtbot, tmp_path,
                                                                  monkeypatch, aligner):
    cancel_first = [True]

    def hook(_engine, _chunks, cancel):
        if cancel_first[0]:  # Cancel pressed while the first chunk is transcribed
            cancel_first[0] = False
            cancel.cancel()

    win = steady_window(qtbot, tmp_path, monkeypatch, hook, aligner)
    try:
        assert run(qtbot, win, "all") is True, "cancelled"
        kept = win.document.transcript.segments
        assert kept, "the first chunk's words stay"
        assert win.controls.rest_button.isVisibleTo(win)
        assert run(qtbot, win, "rest") is False
        heard = " ".join(s.text for s in win.document.transcript.segments).split()
        assert heard == [t for t, _, _ in WORDS]
        win.document.transcript.check()
    finally:
        dispose(win)
