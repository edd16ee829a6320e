"""The background helper: work runs off the UI thread, ``(result, error)`` comes back on it."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sys
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QObject, QThread

from tingxie.ui.background import Background, default_background, run_in_background


def os_threads() -> int | None:
    """Threads of this process as the OS sees them (Linux), or ``None`` elsewhere."""
    tasks = Path("/proc/self/task")
    return len(list(tasks.iterdir())) if sys.platform.startswith("linux") else None


@pytest.fixture
def background(qapp):
    """A pool that must have no job and no thread left when the test ends."""
    before = os_threads()
    bg = Background()
    yield bg
    assert bg.wait(10_000), "a background job was still running"
    assert bg.pool.activeThreadCount() == 0
    assert bg.pending == 0
    if before is not None:
        # The OS takes a moment to reap a thread that Qt has already joined.
        deadline = time.monotonic() + 2
        while os_threads() > before and time.monotonic() < deadline:
            time.sleep(0.01)
        assert os_threads() <= before, "a pool thread outlived the test"
    bg.deleteLater()


def is_ui_thread() -> bool:
    return QThread.currentThread() is QCoreApplication.instance().thread()


def test_result_arrives_on_the_ui_thread(qtbot, background):
    ran_on_ui = []
    got = []

    def work():
        ran_on_ui.append(is_ui_thread())
        return 42

    background.run(work, lambda result, error: got.append((result, error, is_ui_thread())))
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    assert ran_on_ui == [False]
    assert got == [(42, None, True)]


def test_an_exception_arrives_as_the_error_on_the_ui_thread(qtbot, background):
    got = []

    def work():
        raise ValueError("broken file")

    background.run(work, lambda result, error: got.append((result, error, is_ui_thread())))
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    result, error, on_ui = got[0]
    assert result is None
    assert isinstance(error, ValueError) and str(error) == "broken file"
    assert on_ui


def test_progress_arrives_in_order_on_the_ui_thread_before_the_result(qtbot, background):
    events = []

    def work(report):
        for i in range(5):
            report(i / 4)
        return "done"

    background.run(
        work,
        lambda result, error: events.append(("done", result, is_ui_thread())),
        on_progress=lambda value: events.append(("progress", value, is_ui_thread())),
    )
    qtbot.waitUntil(lambda: bool(events) and events[-1][0] == "done", timeout=5000)
    assert events == [("progress", i / 4, True) for i in range(5)] + [("done", "done", True)]


def test_wait_finishes_the_jobs_and_delivers_their_results(background):
    got = []
    gate = threading.Event()
    for n in range(4):
        background.run(lambda n=n: gate.wait(5) and n * n, lambda r, e: got.append(r))
    assert background.pending == 4
    gate.set()
    assert background.wait(5000)
    assert sorted(got) == [0, 1, 4, 9]
    assert background.pending == 0


def test_one_thread_keeps_jobs_in_order(qtbot):
    bg = Background(max_threads=1)
    order = []
    try:
        for n in range(20):
            bg.run(lambda n=n: n, lambda r, e: order.append(r))
        qtbot.waitUntil(lambda: len(order) == 20, timeout=5000)
        assert order == list(range(20))
    finally:
        assert bg.wait(5000)
        bg.deleteLater()


def test_synchronous_mode_runs_the_job_before_run_returns(qapp):
    bg = Background(synchronous=True)
    got = []
    bg.run(lambda: threading.current_thread(), lambda r, e: got.append((r, e, is_ui_thread())))
    assert got == [(threading.current_thread(), None, True)]
    bg.run(lambda: 1 / 0, lambda r, e: got.append(type(e)))
    assert got[-1] is ZeroDivisionError
    assert bg.pending == 0
    bg.deleteLater()


def test_callbacks_are_skipped_once_their_context_is_deleted(qtbot, background):
    context = QObject()
    gate = threading.Event()
    called = []
    background.run(lambda: gate.wait(5), lambda r, e: called.append(r), context=context)
    context.deleteLater()
    qtbot.waitUntil(lambda: not _valid(context), timeout=2000)
    gate.set()
    assert background.wait(5000)
    assert called == []
    assert background.pending == 0


def _valid(obj: QObject) -> bool:
    import shiboken6

    return shiboken6.isValid(obj)


def test_the_application_wide_helper(qtbot):
    got = []
    run_in_background(lambda: "hi", lambda r, e: got.append((r, is_ui_thread())))
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    assert got == [("hi", True)]
    assert default_background().wait(5000)
