"""The main window as a journalist uses it: open a recording, transcribe, watch it fill in."""

from __future__ import annotations

import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
from PySide6.QtCore import QElapsedTimer, QSettings, QTimer
from PySide6.QtWidgets import QMessageBox

from media import build_speech, multitrack, require, write_wav
from tingxie.asr.qwen3 import Qwen3ASREngine
from tingxie.core import project as projects
from tingxie.ui import settings as keys
from tingxie.ui.main_window import MainWindow
from tingxie.ui.settings import Settings
from ui_windows import dispose

SENTENCES = ["The harbour opened in nineteen twenty.", 0.8,
             "Boats came from every town on the coast.", 0.8,
             "Today it is quiet.", 0.8,
             "The last fishing family left in the spring.", 0.8,
             "Tourists take pictures of the lighthouse."]


@pytest.fixture
def speech_file(tmp_path):
    require("espeak-ng")
    samples, _truth = build_speech([1.0, *SENTENCES, 1.0])
    path = tmp_path / "harbour interview 采访.wav"
    write_wav(path, samples)
    return path, len(samples) / 16000


@pytest.fixture
def window(qtbot, tmp_path, tiny_checkpoint, monkeypatch):
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings = Settings(store)
    settings.set(keys.BATCH_SIZE, 1)
    settings.set(keys.MAX_CHUNK, 5.0)
    # Random weights rarely stop on their own: cap the tokens so each chunk stays quick.
    settings.set(keys.MAX_NEW_TOKENS, 8)
    # Dialogs asking a question answer "Yes" (tests cannot click a modal dialog).
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)

    def engine_factory(spec):
        assert spec.model == "qwen3-asr-0.6b", "the panel's model reaches the job"
        return Qwen3ASREngine(tiny_checkpoint, device="cpu")

    win = MainWindow(settings, engine_factory=engine_factory)
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    yield win
    dispose(win)
    assert not win.host.thread.isRunning(), "the worker thread must stop with the window"


def open_and_wait(qtbot, win, path):
    with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):
        win.open_path(path)


def test_opening_a_file_shows_its_waveform_and_duration(qtbot, window, speech_file):
    path, seconds = speech_file
    open_and_wait(qtbot, window, path)
    xs, ys = window.waveform.curve_data()
    assert len(xs) > 100 and np.abs(ys).max() > 0.05, "the waveform shows the speech"
    assert window.waveform.duration == pytest.approx(seconds, abs=0.02)
    minutes, secs = divmod(seconds, 60)
    assert window.transport.position_label.text().endswith(f"0:{int(minutes):02d}:{secs:06.3f}")
    assert path.name in window.windowTitle()


def test_a_corrupt_file_shows_an_error_and_the_window_stays_usable(qtbot, window, tmp_path,
                                                                    speech_file):
    bad = tmp_path / "notes.wav"
    bad.write_text("these are my notes, not audio")
    with qtbot.waitSignal(window.errorShown, timeout=10_000) as shown:
        window.open_path(bad)
    title, message = shown.args
    assert "notes.wav" in title and "notes.wav" in message
    assert window.last_message is not None and window.last_message.isVisible()
    window.last_message.close()
    open_and_wait(qtbot, window, speech_file[0])  # still works afterwards


def transcribe(qtbot, window, scope="all"):
    """Start the window's job; returns its handle (its signals arrive on the UI thread)."""
    qtbot.waitUntil(lambda: not window.host.busy, timeout=10_000)
    handle = window.start_transcription(scope)
    assert handle is not None, "the job started"
    handle.failed.connect(lambda message: pytest.fail(message))
    return handle


def transcribe_all_of(qtbot, window, scope="all"):
    """Run a job to its end, as the UI thread sees it; returns whether it was cancelled."""
    handle = transcribe(qtbot, window, scope)
    with qtbot.waitSignal(handle.finished, timeout=120_000) as done:
        pass
    return done.args[0]


def test_transcription_fills_in_batch_by_batch_and_reaches_100_percent(qtbot, window,
                                                                       speech_file):
    path, _ = speech_file
    open_and_wait(qtbot, window, path)
    window.controls.set_context("harbour, lighthouse")
    arrivals, fractions, late = [], [], []
    window.document.appended.connect(lambda first, n: arrivals.append(n))

    # A heartbeat on the UI thread: it must never be held up for long.
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]

    def beat():
        now = clock.elapsed()
        late.append(now - last[0] - 20)
        last[0] = now

    heartbeat = QTimer()
    heartbeat.timeout.connect(beat)
    handle = transcribe(qtbot, window)
    handle.progress.connect(lambda u: fractions.append((u.stage, u.fraction)))
    last[0] = clock.elapsed()
    heartbeat.start(20)
    with qtbot.waitSignal(handle.finished, timeout=120_000) as done:
        pass
    heartbeat.stop()
    assert done.args[0] is False, "not cancelled"
    assert len(arrivals) >= 2, "segments arrive batch by batch, not all at the end"
    assert fractions and fractions[-1] == ("transcribe", 1.0)
    t = window.document.transcript
    t.check()
    assert t.segments and all(0 <= s.start < s.end <= t.duration + 1e-6 for s in t.segments)
    assert window.table_model.rowCount() == len(t.segments)
    # The worker's Python (model loading, decoding steps) shares the GIL with the UI thread,
    # so a loaded machine delays single beats; a wait on the work itself would show as a
    # long stall or many late beats.
    late.sort()
    assert late[int(0.95 * (len(late) - 1))] < 50, f"UI beats late: {late[-10:]} ms"
    assert late[-1] < 500, f"the UI thread was blocked for {late[-1]} ms"
    assert window.dirty and window.windowTitle().startswith("*")


def test_cancel_keeps_the_finished_part_and_leaves_no_thread(qtbot, window, speech_file):
    path, _ = speech_file
    open_and_wait(qtbot, window, path)
    first = []
    window.document.appended.connect(lambda *_: (first.append(1), window.cancel_transcription())
                                     if not first else None)
    handle = transcribe(qtbot, window)
    with qtbot.waitSignal(handle.finished, timeout=120_000) as done:
        pass
    assert done.args[0] is True, "the job reports it was cancelled"
    kept = window.document.transcript.segments
    assert kept, "what was transcribed before the cancel is kept"
    assert not window.host.busy
    assert window.controls.is_busy() is False
    # It can transcribe again right away, reusing the loaded model.
    transcribe_all_of(qtbot, window)


def test_save_and_reopen_restores_transcript_options_and_view(qtbot, window, speech_file,
                                                              tmp_path):
    path, _ = speech_file
    open_and_wait(qtbot, window, path)
    transcribe_all_of(qtbot, window)
    window.controls.set_context("Interview with 张伟 about 新能源汽车")
    window.waveform.set_view_range(1.0, 4.0)
    target = tmp_path / "harbour.tingxie"
    errors = []
    window.errorShown.connect(lambda title, message: errors.append(message))
    window._save_to(target)
    window.saver.wait()
    assert errors == [] and not window.dirty
    saved = projects.load(target)
    assert [s.text for s in saved.transcript.segments] == [
        s.text for s in window.document.transcript.segments]
    assert saved.options["context"] == "Interview with 张伟 about 新能源汽车"
    window.controls.set_context("")
    open_and_wait(qtbot, window, target)
    assert window.controls.context() == "Interview with 张伟 about 新能源汽车"
    assert window.waveform.view_range() == pytest.approx((1.0, 4.0), abs=0.01)
    assert len(window.document.transcript.segments) == len(saved.transcript.segments)


def test_selected_range_is_retranscribed_as_one_undoable_step(qtbot, window, speech_file):
    path, _ = speech_file
    open_and_wait(qtbot, window, path)
    transcribe_all_of(qtbot, window)
    segs = window.document.transcript.segments
    assert len(segs) >= 2
    keep = segs[0].id
    from tingxie.core.edits import EditText

    window.document.apply(EditText(keep, "An edit a person made."))
    window.table.select_row(len(segs) - 1)  # just that row, whatever keys a test left held
    before = window.document.undo_stack.count()
    transcribe_all_of(qtbot, window, "selection")
    qtbot.waitUntil(lambda: window.document.undo_stack.count() == before + 1, timeout=5000)
    assert window.document.transcript.segment(keep).text == "An edit a person made."
    window.document.undo_stack.undo()
    window.document.transcript.check()


def test_closing_during_a_job_cancels_it_cleanly(qtbot, window, speech_file):
    path, _ = speech_file
    open_and_wait(qtbot, window, path)
    transcribe(qtbot, window)
    qtbot.waitUntil(lambda: window.host.busy, timeout=5000)
    started = time.monotonic()
    window.shutdown()
    assert time.monotonic() - started < 20
    assert not window.host.thread.isRunning()
    assert window.background.pool.activeThreadCount() == 0


def test_a_batch_queue_run_never_touches_the_open_document(qtbot, window, speech_file,
                                                           tmp_path):
    path, _ = speech_file
    open_and_wait(qtbot, window, path)
    transcribe_all_of(qtbot, window)
    from tingxie.core.edits import EditText

    first = window.document.transcript.segments[0]
    window.document.apply(EditText(first.id, "A reviewer's correction."))
    texts = [s.text for s in window.document.transcript.segments]
    undo_count = window.document.undo_stack.count()
    title, progress = window.windowTitle(), window.controls.progress_text()
    dialogs, appended = [], []
    window.errorShown.connect(lambda t, m: dialogs.append((t, m)))
    window.document.appended.connect(lambda *a: appended.append(a))

    folder = tmp_path / "batch"
    folder.mkdir()
    good = write_wav(folder / "other.wav", build_speech([0.5, SENTENCES[0], 0.5])[0])
    bad = folder / "broken.wav"
    bad.write_text("not audio at all")
    controller = window.queue.controller
    controller.add_files([good, bad])
    assert controller.start()
    qtbot.waitUntil(lambda: not controller.busy, timeout=120_000)

    assert [s.text for s in window.document.transcript.segments] == texts
    assert window.document.undo_stack.count() == undo_count
    assert window.windowTitle() == title
    assert window.controls.progress_text() == progress
    assert appended == [] and dialogs == []
    done, failed = controller.items
    assert done.output == good.with_suffix(projects.SUFFIX) and done.output.is_file()
    assert failed.error and "broken.wav" not in [d[0] for d in dialogs]
    status = controller.model.data(controller.model.index(1, 1))
    assert status.startswith("failed")


def test_a_file_with_several_audio_tracks_says_which_and_another_can_be_chosen(
        qtbot, window, tmp_path):
    # The file marks its second track as default (as a film's original language often is):
    # that one is transcribed and played, and choosing another changes both.
    path = multitrack(tmp_path / "film.mkv", (300, 700, 1500), seconds=2,
                      languages=("eng", "fra", "deu"), default=2)
    open_and_wait(qtbot, window, path)
    assert "3 audio tracks; track 2 is used" in window.statusBar().currentMessage()
    menu = window.menus.track_menu
    assert menu.isEnabled() and len(menu.actions()) == 3
    assert [a.isChecked() for a in menu.actions()] == [False, True, False]
    assert "fra" in menu.actions()[1].text()
    qtbot.waitUntil(lambda: window.player.active_audio_track() == 2, timeout=10_000)
    with qtbot.waitSignal(window.mediaLoaded, timeout=30_000):
        menu.actions()[0].trigger()
    assert window.loaded.audio.track == 1
    assert [a.isChecked() for a in window.menus.track_menu.actions()] == [True, False, False]
    assert window.loaded.project.options["audio_track"] == 1
    qtbot.waitUntil(lambda: window.player.active_audio_track() == 1, timeout=10_000)


def test_a_damaged_recovery_file_is_reported_and_the_project_opens(qtbot, window, speech_file):
    path, _ = speech_file
    open_and_wait(qtbot, window, path)
    target = path.with_suffix(".tingxie")
    window._save_to(target)
    window.saver.wait()
    projects.recovery_path(target).write_text('{"format": "tingxie-pro')  # truncated
    os.utime(projects.recovery_path(target), None)
    open_and_wait(qtbot, window, target)
    assert window.project_path == target
    assert window.last_message is not None and "recovery" in window.last_message.text()
    kept = list(target.parent.glob(target.name + ".recovery.damaged-*"))
    assert kept, "the damaged recovery file is kept aside, never deleted"


# -- what the user has is never lost to a save that fails or a file opened mid-job ------------

def answers(monkeypatch, **by_title):
    """Answer each question dialog by its title ("Unsaved changes": Save, ...); others Yes."""
    button = QMessageBox.StandardButton

    def question(_parent, title, *_args, **_kwargs):
        return getattr(button, by_title.get(title.replace(" ", "_"), "Yes"))

    monkeypatch.setattr(QMessageBox, "question", question)


def save_dialog_gives(monkeypatch, path):
    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))


def test_a_save_that_fails_before_opening_another_file_keeps_the_work(
        qtbot, window, speech_file, tmp_path, monkeypatch):
    path, _ = speech_file
    other = write_wav(tmp_path / "other.wav", np.zeros(16000 * 2, np.float32))
    open_and_wait(qtbot, window, path)
    transcribe_all_of(qtbot, window)
    texts = [s.text for s in window.document.transcript.segments]
    assert texts
    with qtbot.waitSignal(window.autosave.saved, timeout=5000) as autosaved:
        window.autosave.save_now()
    recovery = autosaved.args[0]
    (tmp_path / "a file").write_text("not a folder")
    save_dialog_gives(monkeypatch, tmp_path / "a file" / "harbour.tingxie")
    answers(monkeypatch, Unsaved_changes="Save")
    errors = []
    window.errorShown.connect(lambda title, message: errors.append(title))
    opened = []
    window.mediaLoaded.connect(opened.append)
    window.open_path(other)
    qtbot.waitUntil(lambda: errors == ["Could not save"], timeout=10_000)
    qtbot.wait(300)
    assert opened == [], "the other file must not open over work that was not saved"
    assert window.loaded.media_path == path
    assert [s.text for s in window.document.transcript.segments] == texts
    assert window.dirty and window.project_path is None, "a failed Save as names nothing"
    assert os.path.exists(recovery), "the autosave still protects the work"
    # Saved somewhere writable, the open then goes on.
    target = tmp_path / "harbour.tingxie"
    save_dialog_gives(monkeypatch, target)
    with qtbot.waitSignal(window.mediaLoaded, timeout=30_000):
        window.open_path(other)
    assert [s.text for s in projects.load(target).transcript.segments] == texts
    assert window.loaded.media_path == other


def test_closing_with_a_save_that_fails_keeps_the_window_open(qtbot, window, speech_file,
                                                               tmp_path, monkeypatch):
    path, _ = speech_file
    open_and_wait(qtbot, window, path)
    transcribe_all_of(qtbot, window)
    (tmp_path / "a file").write_text("not a folder")
    save_dialog_gives(monkeypatch, tmp_path / "a file" / "harbour.tingxie")
    answers(monkeypatch, Unsaved_changes="Save")
    errors = []
    window.errorShown.connect(lambda title, message: errors.append(title))
    window.close()
    qtbot.waitUntil(lambda: errors == ["Could not save"], timeout=10_000)
    qtbot.wait(300)
    assert window.isVisible() and window.dirty and window.host.thread.isRunning()
    target = tmp_path / "harbour.tingxie"
    save_dialog_gives(monkeypatch, target)
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=10_000)
    assert projects.load(target).transcript.segments


def test_opening_another_file_mid_transcription_stops_the_job_and_keeps_it_apart(
        qtbot, window, speech_file, tmp_path, monkeypatch):
    path, _ = speech_file
    other = write_wav(tmp_path / "other.wav", np.zeros(16000 * 2, np.float32))
    open_and_wait(qtbot, window, path)
    first = []
    window.document.appended.connect(lambda *_: first.append(1))
    transcribe(qtbot, window)
    qtbot.waitUntil(lambda: bool(first), timeout=60_000)
    target = tmp_path / "harbour.tingxie"
    save_dialog_gives(monkeypatch, target)
    asked = []
    button = QMessageBox.StandardButton

    def question(_parent, title, *_args, **_kwargs):
        asked.append(title)
        return button.Save if title == "Unsaved changes" else button.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    with qtbot.waitSignal(window.mediaLoaded, timeout=60_000):
        window.open_path(other)
    assert asked == ["Transcription running", "Unsaved changes"]
    assert window.loaded.media_path == other
    assert not window.host.busy
    qtbot.wait(300)  # nothing of the stopped job may arrive late
    assert window.document.transcript.segments == [], "the new file's transcript is its own"
    saved = projects.load(target)
    assert saved.transcript.segments, "what the stopped job transcribed stays with its file"
    assert saved.audio_path == path


def test_a_project_whose_view_and_options_are_out_of_range_still_opens(
        qtbot, window, speech_file, monkeypatch):
    import json

    path, _ = speech_file
    open_and_wait(qtbot, window, path)
    target = path.with_suffix(".tingxie")
    window._save_to(target)
    window.saver.wait()
    doc = json.loads(target.read_text("utf-8"))
    doc["view"] = {"range": [5, 1], "selected": "x"}
    doc["options"] = {**doc["options"], "batch_size": 1e10}
    target.write_text(json.dumps(doc), "utf-8")
    open_and_wait(qtbot, window, target)
    assert window.project_path == target
    assert window.controls.transcribe_button.isEnabled()
    assert window.controls.batch_spin.value() == window.controls.batch_spin.maximum()
    assert window.loaded.project.notices, "the unusable view is mentioned"


def test_an_autosave_that_cannot_be_written_is_reported_once(qtbot, window, speech_file,
                                                              tmp_path):
    path, _ = speech_file
    open_and_wait(qtbot, window, path)
    # Something in the way of the recovery file: a folder of that name.
    projects.recovery_path(projects.recording_project_path(path)).mkdir()
    errors = []
    window.errorShown.connect(lambda title, message: errors.append(title))
    transcribe_all_of(qtbot, window)
    for _ in range(2):
        with qtbot.waitSignal(window.autosave.failed, timeout=5000):
            window.autosave.save_now()
    qtbot.wait(100)
    assert errors == ["Autosave failed"], "said once, not every few seconds"
    assert "Autosave failed" in window.statusBar().currentMessage()


def test_segments_arriving_after_a_save_mid_run_are_unsaved_again(qtbot, window, speech_file,
                                                                  tmp_path):
    path, _ = speech_file
    open_and_wait(qtbot, window, path)
    target = tmp_path / "harbour.tingxie"
    saved = []

    def save_once(*_args):
        if not saved:
            saved.append(1)
            window._save_to(target)

    window.document.appended.connect(save_once)
    handle = transcribe(qtbot, window)
    with qtbot.waitSignal(handle.finished, timeout=120_000):
        pass
    window.saver.wait()
    on_disk = len(projects.load(target).transcript.segments)
    assert on_disk < len(window.document.transcript.segments), "more came after the save"
    assert window.dirty and window.windowTitle().startswith("*"), (
        "segments after the save must count as unsaved work")
    assert window.session.has_unsaved_work


@pytest.mark.parametrize("other", [True, False], ids=["another-recording", "moved-copy"])
def test_locating_another_recording_for_a_project_says_so(qtbot, tmp_path, monkeypatch, other):
    from PySide6.QtWidgets import QFileDialog

    t = np.arange(16000 * 3) / 16000
    audio = write_wav(tmp_path / "interview.wav",
                      (0.2 * np.sin(2 * np.pi * 220 * t)).astype(np.float32))
    project = projects.Project()
    projects.attach_audio(project, audio)
    path = tmp_path / "interview.tingxie"
    projects.save(project, path)
    located = tmp_path / "archive" / "2024" / "june" / "interview.wav"  # too far to be found
    located.parent.mkdir(parents=True)
    if other:  # another day's recording of the same length, under the same name
        write_wav(located, (0.2 * np.sin(2 * np.pi * 330 * t)).astype(np.float32))
        audio.unlink()
    else:
        audio.rename(located)
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, title, *a, **k: (
        asked.append(title), QMessageBox.StandardButton.Yes)[1])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(located), ""))
    win = MainWindow(Settings(QSettings(str(tmp_path / "settings.ini"),
                                        QSettings.Format.IniFormat)),
                     engine_factory=lambda spec: None)
    win.show()
    try:
        with qtbot.waitSignal(win.mediaLoaded, timeout=30_000):
            win.open_path(path)
        assert asked == ["Audio not found"]
        assert win.loaded.media_path == located
        said = win.statusBar().currentMessage()
        if other:
            assert said.startswith("interview.wav is not the recording the project was made "
                                   "on (its contents differ)"), said
            # And in a notice, not only for 10 s in the status bar.
            assert "is not the recording the project was made on" in win.last_message.text()
        else:
            assert "not the recording" not in said, said
            assert win.last_message is None or "not the recording" not in (
                win.last_message.text())
    finally:
        dispose(win)
