"""The window's menus: every action, its shortcut (from :mod:`tingxie.ui.shortcuts`) and what
it calls. Built once by :class:`WindowMenus`; the actions are kept by name on the window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QWidget

from tingxie.ui import settings as keys
from tingxie.ui.adapt_dialog import open_adapt_dialog
from tingxie.ui.editing import NUDGE
from tingxie.ui.shortcuts import SHORTCUTS

if TYPE_CHECKING:
    from tingxie.ui.main_window import MainWindow


#: The keys that play, seek and look at the recording: a window that lets playback go on
#: while it is in front (Sync by two lines) takes these from the main window.
TRANSPORT_ACTIONS = ("play_pause", "rewind", "forward", "slower", "faster", "replay_segment",
                     "follow", "zoom_in", "zoom_out")


def share_transport_keys(win: MainWindow, dialog: QWidget) -> None:
    """Make the playback keys work while ``dialog`` (a non-modal window of ``win``) is in
    front: the window's shortcuts only fire while the main window is the active one."""
    dialog.addActions([win.actions_by_name[name] for name in TRANSPORT_ACTIONS])


def add_action(win: MainWindow, name: str, text: str, slot, menu=None) -> QAction:
    """An action with the shortcut declared for ``name``, kept in ``win.actions_by_name``."""
    action = QAction(text, win)
    shortcut = SHORTCUTS.get(name)
    if shortcut is not None:
        action.setShortcuts([QKeySequence(k) for k in (shortcut.keys, *shortcut.also)])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.triggered.connect(slot)
    win.addAction(action)
    if menu is not None:
        menu.addAction(action)
    win.actions_by_name[name] = action
    return action


class WindowMenus(QObject):
    """Builds the window's menu bar (its strings are translated in this class's context)."""

    #: Actions that need an audio output; off, with the reason, while there is none. (Rewind,
    #: forward and replay still move the playhead, and the speed is kept for later.)
    PLAYBACK_ACTIONS = ("play_pause",)

    def __init__(self, win: MainWindow) -> None:
        super().__init__(win)
        self.win = win
        win.actions_by_name = {}
        self.build(win)
        self._tips = {n: win.actions_by_name[n].toolTip() for n in self.PLAYBACK_ACTIONS}
        win.player.availabilityChanged.connect(self.show_playback_availability)
        self.show_playback_availability(win.player.available, win.player.unavailable_reason)

    def choose_ui_language(self, code: str) -> None:
        """Remember the interface language (``""``: the system's); it applies at the next
        start, as Qt builds every text once."""
        self.win.settings.set(keys.UI_LANGUAGE, code)
        self.win.statusBar().showMessage(
            self.tr("The interface language changes when Tingxie is restarted."), 10000)

    def show_playback_availability(self, available: bool, reason: str) -> None:
        """Turn the Playback actions on or off; when off, their tooltip and the status bar
        (once per change) say why."""
        for name in self.PLAYBACK_ACTIONS:
            action = self.win.actions_by_name[name]
            action.setEnabled(available)
            action.setToolTip(self._tips[name] if available else reason)
            action.setStatusTip("" if available else reason)
        self.playback_note.setText(self.tr("Playback is off: no audio output"))
        self.playback_note.setToolTip(reason)
        self.playback_note.setVisible(not available)
        if not available and reason:
            self.win.statusBar().showMessage(reason, 15000)

    def build(self, win: MainWindow) -> None:
        """File, Edit, Playback, View, Transcribe, Model and Help."""
        bar = win.menuBar()

        def act(name, text, slot, menu=None):
            return add_action(win, name, text, slot, menu)

        file_menu = bar.addMenu(self.tr("&File"))
        act("open", self.tr("&Open…"), win.open_dialog, file_menu)
        win.recent_menu = file_menu.addMenu(self.tr("Open &recent"))
        win.fill_recent_menu()
        self.track_menu = file_menu.addMenu(self.tr("Audio &track"))
        self.track_menu.setEnabled(False)
        self.track_menu.setToolTip(self.tr("For files with several audio tracks"))
        self._win = win
        act("import", self.tr("&Import subtitles or transcript…"), win.importer.import_dialog,
            file_menu)
        file_menu.addSeparator()
        act("save", self.tr("&Save project"), win.save, file_menu)
        act("save_as", self.tr("Save project &as…"), win.save_as, file_menu)
        file_menu.addSeparator()
        act("export", self.tr("&Export…"), win.exporter.open_dialog, file_menu)
        act("export_again", self.tr("Export a&gain"), win.exporter.export_again, file_menu)
        file_menu.addSeparator()
        act("quit", self.tr("&Quit"), win.close, file_menu)
        win.file_menu = file_menu

        edit_menu = bar.addMenu(self.tr("&Edit"))
        undo = win.document.undo_stack.createUndoAction(win, self.tr("&Undo"))
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        # The stack's action names the step and follows canUndo; what it runs minds the line
        # being typed (EditCommands.undo).
        undo.triggered.disconnect()
        undo.triggered.connect(win.commands.undo)
        redo = win.document.undo_stack.createRedoAction(win, self.tr("&Redo"))
        redo.triggered.disconnect()  # as Undo: what it runs minds the line being typed
        redo.triggered.connect(win.commands.redo)
        # Every key the platform gives Redo (Ctrl+Y on Windows), and Ctrl+Shift+Z everywhere,
        # as the shortcut list says.
        bindings = QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)
        shift_z = QKeySequence("Ctrl+Shift+Z")
        redo.setShortcuts([*bindings, *([] if shift_z in bindings else [shift_z])])
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
        timing.addSeparator()
        act("start_here", self.tr("Start at the &playhead"),
            lambda: commands.edge_to("start", win.player.position()), timing)
        act("end_here", self.tr("&End at the playhead"),
            lambda: commands.edge_to("end", win.player.position()), timing)
        act("end_start_next", self.tr("End here, start the &next line"),
            lambda: commands.boundary_to(win.player.position()), timing)
        timing.addSeparator()
        act("shift_times", self.tr("&Shift times…"), win.open_shift_dialog, timing)
        act("sync_times", self.tr("S&ync by two lines…"), win.open_sync_dialog, timing)
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
        # Shown, greyed, at the top of the menu while there is no audio output.
        self.playback_note = play_menu.addAction("")
        self.playback_note.setEnabled(False)
        self.playback_note.setVisible(False)
        act("play_pause", self.tr("Play / pause"), win.player.toggle, play_menu)
        act("rewind", self.tr("Rewind"), lambda: win.player.skip(
            -float(win.settings.get(keys.REWIND_SECONDS))), play_menu)
        act("forward", self.tr("Forward"), lambda: win.player.skip(
            float(win.settings.get(keys.REWIND_SECONDS))), play_menu)
        act("slower", self.tr("Slower"), lambda: win.transport.step_speed(-1), play_menu)
        act("faster", self.tr("Faster"), lambda: win.transport.step_speed(1), play_menu)
        act("replay_segment", self.tr("Replay the segment"), review.replay_segment, play_menu)
        act("go_to", self.tr("&Go to…"), review.ask_go_to, play_menu)
        play_menu.addSeparator()
        act("rewind_step", self.tr("Rewind step…"), lambda: review.ask_number(
            keys.REWIND_SECONDS, self.tr("Rewind and forward by (seconds)"), 0.5, 30.0), play_menu)
        act("resume_rewind", self.tr("Rewind on resume…"), review.ask_resume_rewind, play_menu)
        play_menu.setToolTipsVisible(True)  # a greyed action says why it is off
        win.play_menu = play_menu

        view_menu = bar.addMenu(self.tr("&View"))
        act("zoom_in", self.tr("Zoom in"), lambda: win.waveform.zoom(2.0), view_menu)
        act("zoom_out", self.tr("Zoom out"), lambda: win.waveform.zoom(0.5), view_menu)
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
        self.language_menu = view_menu.addMenu(self.tr("Interface &language"))
        chosen = str(win.settings.get(keys.UI_LANGUAGE) or "")
        group = QActionGroup(self.language_menu)
        # Each language in its own script, so it can be found whatever the interface is in.
        for code, text in (("", self.tr("As the system")), ("en", "English"),
                           ("zh_CN", "简体中文")):
            action = self.language_menu.addAction(text)
            action.setCheckable(True)
            action.setChecked(code == chosen)
            action.setData(code)
            group.addAction(action)
            action.triggered.connect(lambda _c=False, c=code: self.choose_ui_language(c))
        view_menu.addSeparator()
        view_menu.addAction(win.controls_dock.toggleViewAction())
        view_menu.addAction(win.queue_dock.toggleViewAction())
        view_menu.addAction(win.speaker_dock.toggleViewAction())
        view_menu.addSeparator()
        check = act("subtitle_check", self.tr("&Subtitle check"), lambda: None, view_menu)
        win.subtitle_check.bind_action(check, win.check_dock)
        win.view_menu = view_menu

        runs = win.runs
        run_menu = bar.addMenu(self.tr("&Transcribe"))
        act("transcribe", self.tr("&Transcribe"), lambda: runs.start("all"), run_menu)
        act("transcribe_selection", self.tr("Transcribe &selection"),
            lambda: runs.start("selection"), run_menu)
        act("transcribe_rest", self.tr("Transcribe the &rest"), lambda: runs.start("rest"),
            run_menu)
        act("cancel", self.tr("&Cancel transcription"), win.cancel_transcription, run_menu)
        run_menu.addSeparator()
        act("align_words", self.tr("&Align words of lines without word times"),
            win.align_missing_words, run_menu)
        win.run_menu = run_menu

        model_menu = bar.addMenu(self.tr("&Model"))
        act("adapt", self.tr("&Adapt to my corrections…"), lambda: open_adapt_dialog(win),
            model_menu)
        win.model_menu = model_menu

        help_menu = bar.addMenu(self.tr("&Help"))
        act("shortcuts", self.tr("&Keyboard shortcuts"), win.show_shortcuts, help_menu)
        act("about", self.tr("&About Tingxie"), win.show_about, help_menu)
        win.help_menu = help_menu

    def fill_track_menu(self, loaded) -> None:
        """File > Audio track: the tracks of the open file, the one in use checked; choosing
        another opens the file again with it (asking to save first, as any open does)."""
        menu = self.track_menu
        menu.clear()
        audio = loaded.audio
        for number, label in enumerate(audio.tracks or (), start=1):
            action = menu.addAction(label)
            action.setCheckable(True)
            action.setChecked(number == audio.track)
            path = loaded.project_path or loaded.media_path
            action.triggered.connect(
                lambda _c=False, n=number, p=path: self._win.open_path(p, track=n))
        menu.setEnabled(audio.track_count > 1)
