"""The window's menus: every action, its shortcut (from :mod:`tingxie.ui.shortcuts`) and what
it calls. Built once by :class:`WindowMenus`; the actions are kept by name on the window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence

from tingxie.ui import settings as keys
from tingxie.ui.editing import NUDGE
from tingxie.ui.shortcuts import SHORTCUTS

if TYPE_CHECKING:
    from tingxie.ui.main_window import MainWindow


def add_action(win: MainWindow, name: str, text: str, slot, menu=None) -> QAction:
    """An action with the shortcut declared for ``name``, kept in ``win.actions_by_name``."""
    action = QAction(text, win)
    shortcut = SHORTCUTS.get(name)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut.keys))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.triggered.connect(slot)
    win.addAction(action)
    if menu is not None:
        menu.addAction(action)
    win.actions_by_name[name] = action
    return action


class WindowMenus(QObject):
    """Builds the window's menu bar (its strings are translated in this class's context)."""

    def __init__(self, win: MainWindow) -> None:
        super().__init__(win)
        win.actions_by_name = {}
        self.build(win)

    def build(self, win: MainWindow) -> None:
        """File, Edit, Playback, View, Transcribe and Help."""
        bar = win.menuBar()

        def act(name, text, slot, menu=None):
            return add_action(win, name, text, slot, menu)

        file_menu = bar.addMenu(self.tr("&File"))
        act("open", self.tr("&Open…"), win.open_dialog, file_menu)
        win.recent_menu = file_menu.addMenu(self.tr("Open &recent"))
        win.fill_recent_menu()
        file_menu.addSeparator()
        act("save", self.tr("&Save project"), win.save, file_menu)
        act("save_as", self.tr("Save project &as…"), win.save_as, file_menu)
        file_menu.addSeparator()
        act("quit", self.tr("&Quit"), win.close, file_menu)
        win.file_menu = file_menu

        edit_menu = bar.addMenu(self.tr("&Edit"))
        undo = win.document.undo_stack.createUndoAction(win, self.tr("&Undo"))
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = win.document.undo_stack.createRedoAction(win, self.tr("&Redo"))
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)
        win.undo_action, win.redo_action = undo, redo
        edit_menu.addSeparator()
        commands = win.commands
        act("find", self.tr("&Find and replace…"), win.find_bar.open, edit_menu)
        edit_menu.addSeparator()
        act("split", self.tr("S&plit at the cursor"), commands.split, edit_menu)
        act("merge_next", self.tr("&Merge with next"), commands.merge_next, edit_menu)
        act("merge_previous", self.tr("Merge with p&revious"), commands.merge_previous, edit_menu)
        act("insert_segment", self.tr("&Insert segment at the playhead"),
            lambda: commands.insert_at(win.player.position()), edit_menu)
        act("delete_segment", self.tr("&Delete segment"), commands.delete, edit_menu)
        timing = edit_menu.addMenu(self.tr("&Timing"))
        for name, text, edge, delta in (
                ("start_earlier", self.tr("Start 0.1 s earlier"), "start", -NUDGE),
                ("start_later", self.tr("Start 0.1 s later"), "start", NUDGE),
                ("end_earlier", self.tr("End 0.1 s earlier"), "end", -NUDGE),
                ("end_later", self.tr("End 0.1 s later"), "end", NUDGE)):
            act(name, text, lambda _c=False, e=edge, d=delta: commands.nudge(e, d), timing)
        speaker_menu = edit_menu.addMenu(self.tr("S&peaker"))
        for n in range(1, 10):
            act(f"speaker_{n}", self.tr("Speaker {n}").format(n=n),
                lambda _c=False, n=n: commands.set_speaker_number(n), speaker_menu)
        act("speaker_0", self.tr("No speaker"), lambda: commands.set_speaker_number(0),
            speaker_menu)
        edit_menu.addSeparator()
        act("next_uncertain", self.tr("Next &uncertain segment"),
            lambda: commands.next_uncertain(float(win.settings.get(keys.UNCERTAIN_BELOW))),
            edit_menu)
        act("review_words", self.tr("Re&view uncertain words"), win.word_review.start, edit_menu)
        win.edit_menu = edit_menu

        review = win.review
        play_menu = bar.addMenu(self.tr("&Playback"))
        act("play_pause", self.tr("Play / pause"), win.player.toggle, play_menu)
        act("rewind", self.tr("Rewind"), lambda: win.player.skip(
            -float(win.settings.get(keys.REWIND_SECONDS))), play_menu)
        act("forward", self.tr("Forward"), lambda: win.player.skip(
            float(win.settings.get(keys.REWIND_SECONDS))), play_menu)
        act("slower", self.tr("Slower"), lambda: win.transport.step_speed(-1), play_menu)
        act("faster", self.tr("Faster"), lambda: win.transport.step_speed(1), play_menu)
        act("replay_segment", self.tr("Replay the segment"), review.replay_segment, play_menu)
        play_menu.addSeparator()
        act("rewind_step", self.tr("Rewind step…"), lambda: review.ask_number(
            keys.REWIND_SECONDS, self.tr("Rewind and forward by (seconds)"), 0.5, 30.0), play_menu)
        act("resume_rewind", self.tr("Rewind on resume…"), review.ask_resume_rewind, play_menu)
        win.play_menu = play_menu

        view_menu = bar.addMenu(self.tr("&View"))
        act("zoom_in", self.tr("Zoom in"), lambda: win.waveform.zoom(0.5), view_menu)
        act("zoom_out", self.tr("Zoom out"), lambda: win.waveform.zoom(2.0), view_menu)
        follow = act("follow", self.tr("Follow playback"), review.toggle_follow, view_menu)
        follow.setCheckable(True)
        follow.setChecked(bool(win.settings.get(keys.FOLLOW_PLAYBACK)))
        win.waveform.follow = follow.isChecked()
        tint = act("tint", self.tr("Tint uncertain words"), review.toggle_tint, view_menu)
        tint.setCheckable(True)
        tint.setChecked(bool(win.settings.get(keys.TINT_UNCERTAIN)))
        act("tint_threshold", self.tr("Uncertainty threshold…"), review.ask_tint_threshold,
            view_menu)
        view_menu.addSeparator()
        view_menu.addAction(win.controls_dock.toggleViewAction())
        view_menu.addAction(win.queue_dock.toggleViewAction())
        view_menu.addAction(win.speaker_dock.toggleViewAction())
        win.view_menu = view_menu

        runs = win.runs
        run_menu = bar.addMenu(self.tr("&Transcribe"))
        act("transcribe", self.tr("&Transcribe"), lambda: runs.start("all"), run_menu)
        act("transcribe_selection", self.tr("Transcribe &selection"),
            lambda: runs.start("selection"), run_menu)
        act("cancel", self.tr("&Cancel transcription"), runs.cancel, run_menu)
        win.run_menu = run_menu

        help_menu = bar.addMenu(self.tr("&Help"))
        act("shortcuts", self.tr("&Keyboard shortcuts"), win.show_shortcuts, help_menu)
        act("about", self.tr("&About Tingxie"), win.show_about, help_menu)
        win.help_menu = help_menu
