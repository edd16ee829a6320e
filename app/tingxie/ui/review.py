"""Reviewing against the audio: follow the playhead, replay a segment, the uncertainty tint,
and the small prompts for the review settings."""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QInputDialog

from tingxie.core.timefmt import format_time, parse_time
from tingxie.core.transcript import Segment, Transcript
from tingxie.ui import settings as keys
from tingxie.ui.editor import word_at_time

if TYPE_CHECKING:
    from tingxie.ui.main_window import MainWindow


def _end(seg: Segment) -> float:
    return seg.end


def playing_at(transcript: Transcript, t: float) -> tuple[int, int | None]:
    """The row and the word sounding at ``t`` (``-1, None`` between lines), by binary
    search: cheap enough for every keystroke of a 2,000-line transcript."""
    segments = transcript.segments
    row = bisect_right(segments, t, key=_end)  # the first line that ends after t
    if row < len(segments) and segments[row].start <= t:
        return row, word_at_time(segments[row], t)
    return -1, None


class ReviewControls(QObject):
    """The window's review behaviour: it reads the session's document and drives the table,
    the waveform and the player."""

    def __init__(self, win: MainWindow) -> None:
        super().__init__(win)
        self.win = win
        #: The line following playback last came to, by id (rows move with edits); None
        #: between lines and in a new transcript.
        self._followed_id: int | None = None
        win.document.reset.connect(self._transcript_replaced)

    def playhead_moved(self, t: float) -> None:
        """Highlight the segment and word under the playhead; when following, select the
        segment and keep it in view (never while the user is typing in a segment or
        reviewing words)."""
        win = self.win
        win.commands.playhead_at(t)
        transcript = win.document.transcript
        row, word = playing_at(transcript, t)
        win.table.set_playing(row, word)
        seg_id = None if row < 0 else transcript.segments[row].id
        if seg_id == self._followed_id:
            return
        self._followed_id = seg_id
        if row < 0 or not win.actions_by_name["follow"].isChecked():
            return
        if win.table.editor() is not None:
            return
        review = getattr(win, "word_review", None)
        if review is not None and review.active:
            return  # the pass selects the word's segment; its context may reach a neighbour
        if win.commands.keeps_selected(row):
            return  # a line being timed by ear stays the one the timing keys act on
        win.table.select_row(row)

    def transcript_changed(self) -> None:
        """An edit, an undo or new lines: the playing line and word are marked again where
        they are now (rows and words move), the selection left alone."""
        win = self.win
        win.table.set_playing(*playing_at(win.document.transcript, win.player.position()))

    def _transcript_replaced(self) -> None:
        self._followed_id = None  # another transcript's ids: follow from scratch

    def replay_segment(self) -> None:
        """Play the current segment (being edited, selected, or under the playhead) again."""
        win = self.win
        seg = win.commands.target() or win.document.transcript.segment_at(win.player.position())
        if seg is None:
            win.status(self.tr("Select a segment first."))
            return
        win.player.play_range(seg.start, seg.end)

    def ask_go_to(self) -> None:
        """Playback > Go to…: a time (``34:12``, as in a journalist's notes) or a line
        number (``#42``), asked without blocking the window."""
        dialog = QInputDialog(self.win)
        dialog.setWindowTitle(self.tr("Go to"))
        dialog.setLabelText(self.tr("A time (1:02:03.5, 34:12 or seconds) or a line number "
                                    "(#42):"))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.textValueSelected.connect(self.go_to)
        dialog.open()
        self.go_to_dialog = dialog

    def go_to(self, text: str) -> None:
        """Seek to the time or line ``text`` names, and select the line there (or the next
        one after a time between lines)."""
        win = self.win
        segments = win.document.transcript.segments
        typed = text.strip()
        if typed.startswith("#"):
            try:
                number = int(typed[1:])
            except ValueError:
                number = 0
            if not segments:
                win.status(self.tr("There are no lines yet."))
                return
            if not 1 <= number <= len(segments):
                win.status(self.tr("There is no line {text}: the lines go from #1 to "
                                   "#{n}.").format(text=typed, n=len(segments)))
                return
            win.table.select_row(number - 1)
            win._seek(segments[number - 1].start)
            return
        try:
            t = parse_time(typed)
        except ValueError:
            win.status(self.tr("Not a time or a line number: {text}").format(text=typed))
            return
        loaded = win.session.loaded
        if loaded is None:
            win.status(self.tr("Open a recording first."))
            return
        end = loaded.audio.duration
        if t > end:
            win.status(self.tr("The recording ends at {end}.").format(
                end=format_time(end, ms=True)))
            t = end
        win._seek(t)
        row = next((k for k, seg in enumerate(segments) if seg.end > t), -1)
        if row >= 0:
            win.table.select_row(row)

    def ask_number(self, key: str, label: str, low: float, high: float) -> None:
        """Ask for a number setting in a small dialog."""
        settings = self.win.settings
        value, ok = QInputDialog.getDouble(self.win, self.tr("Tingxie"), label,
                                           float(settings.get(key)), low, high, 2)
        if ok:
            settings.set(key, value)

    def ask_resume_rewind(self) -> None:
        """Playback > Rewind on resume…"""
        self.ask_number(keys.RESUME_REWIND_SECONDS,
                        self.tr("Rewind when playback resumes (seconds, 0 = off)"), 0.0, 5.0)
        self.win.player.rewind_on_resume = float(
            self.win.settings.get(keys.RESUME_REWIND_SECONDS))

    def ask_tint_threshold(self) -> None:
        """View > Uncertainty threshold…"""
        self.ask_number(keys.UNCERTAIN_BELOW, self.tr("Tint below confidence (0–1)"), 0.0, 1.0)
        self.apply_tint()

    def toggle_tint(self) -> None:
        """View > Tint uncertain words."""
        self.win.settings.set(keys.TINT_UNCERTAIN,
                              self.win.actions_by_name["tint"].isChecked())
        self.apply_tint()

    def apply_tint(self) -> None:
        """Tint the rows below the confidence threshold, when the tint is on."""
        win = self.win
        on = bool(win.settings.get(keys.TINT_UNCERTAIN))
        win.table_model.tint_below = float(win.settings.get(keys.UNCERTAIN_BELOW)) if on else None
        win.table.viewport().update()

    def toggle_follow(self) -> None:
        """View > Follow playback."""
        on = self.win.actions_by_name["follow"].isChecked()
        self.win.commands.release()  # a line held for timing: following starts afresh
        self.win.waveform.follow = on
        self.win.settings.set(keys.FOLLOW_PLAYBACK, on)
