"""File > Import subtitles or transcript: an SRT, WebVTT or JSON transcript put in place of the
open recording's transcript, to be corrected against its audio.

The file is read on the background pool (:func:`tingxie.core.importers.import_document`);
the result goes on the undo stack as one step (:class:`tingxie.core.edits.ReplaceTranscript`),
so Undo brings back the transcript that was there. Subtitles after the end of the audio are
left out and counted; a file that cannot be read leaves everything as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog

from tingxie.core.edits import ReplaceTranscript
from tingxie.core.importers import IMPORT_SUFFIXES, Imported, fit_to_audio, import_document
from tingxie.core.project import SUFFIX as PROJECT_SUFFIX
from tingxie.core.timefmt import format_time

if TYPE_CHECKING:
    from tingxie.ui.main_window import MainWindow

#: What the import takes from a drop (a dropped project opens as a project).
DROPPED_SUFFIXES = tuple(s for s in IMPORT_SUFFIXES if s != PROJECT_SUFFIX)


class TranscriptImporter(QObject):
    """Imports a transcript file into the open document."""

    #: A file's transcript took the place of the old one (its path).
    imported = Signal(str)

    def __init__(self, win: MainWindow) -> None:
        super().__init__(win)
        self.win = win
        #: Set when the window shuts down: a file still being read is not put in then.
        self.stopped = False

    def stop(self) -> None:
        """The window is closing: drop the result of any file still being read."""
        self.stopped = True

    def file_filter(self) -> str:
        patterns = " ".join(f"*{ext}" for ext in IMPORT_SUFFIXES)
        return self.tr("Subtitles and transcripts ({patterns});;All files (*)").format(
            patterns=patterns)

    def _refusal(self) -> str | None:
        """Why nothing can be imported now, or ``None``."""
        session = self.win.session
        if session.loaded is None:
            return self.tr("Open the recording the subtitles belong to first, then import "
                           "them: their times are read against its audio.")
        if session.busy:
            return self.tr("A transcription is writing into this transcript: wait for it to "
                           "finish, or cancel it, then import.")
        return None

    def import_dialog(self) -> None:
        """File > Import subtitles or transcript…"""
        refusal = self._refusal()
        if refusal is not None:
            self.win.show_error(self.tr("Nothing to import into"), refusal)
            return
        loaded = self.win.session.loaded
        start = str(loaded.media_path.parent) if loaded is not None else ""
        path, _ = QFileDialog.getOpenFileName(
            self.win, self.tr("Import subtitles or transcript"), start, self.file_filter())
        if path:
            self.import_path(path)

    def import_path(self, path: str | Path) -> None:
        """Read ``path`` in the background and put it in place of the transcript."""
        path = Path(path)
        refusal = self._refusal()
        if refusal is not None:
            self.win.show_error(self.tr("Could not import {name}").format(name=path.name),
                                refusal)
            return
        loaded = self.win.session.loaded
        self.win.statusBar().showMessage(self.tr("Reading {name}…").format(name=path.name))

        def done(result: Imported | None, error: BaseException | None) -> None:
            if self.stopped or self.win.session.loaded is not loaded:
                return  # closing, or another recording opened: the file was not meant for it
            self.win.statusBar().clearMessage()
            if error is not None:
                self.win.show_error(self.tr("Could not import {name}").format(name=path.name),
                                    self.win.opener.explain(error))
                return
            assert result is not None
            self._apply(path, result)

        self.win.background.run(lambda: import_document(path), done, context=self)

    def _apply(self, path: Path, imported: Imported) -> None:
        win = self.win
        refusal = self._refusal()  # a transcription may have started while the file was read
        if refusal is not None:
            win.show_error(self.tr("Could not import {name}").format(name=path.name), refusal)
            return
        assert win.session.loaded is not None
        # The transcript's own length (the audio's, to the millisecond) is what it is
        # checked against.
        duration = win.document.transcript.duration or win.session.loaded.audio.duration
        transcript = imported.transcript
        left_out = fit_to_audio(transcript, duration)
        if not transcript.segments and not left_out:
            win.show_error(self.tr("Could not import {name}").format(name=path.name),
                           self.tr("It has no lines with text. Nothing was changed."))
            return
        if not transcript.segments:
            win.show_error(
                self.tr("Could not import {name}").format(name=path.name),
                self.tr("Every line of it starts after the end of the audio ({end}): is it "
                        "for another recording? Nothing was changed.").format(
                            end=format_time(duration)))
            return
        win.table.commit_editor()  # a line being typed is kept, as its own undo step
        win.find_bar.call_off()  # a Replace all being worked out was for the lines before
        try:
            win.document.apply(ReplaceTranscript(transcript))
        except ValueError as exc:
            win.show_error(self.tr("Could not import {name}").format(name=path.name), str(exc))
            return
        win.session.forget_stopped_run()  # "the rest" was of the transcript replaced
        win.controls.set_rest_available(False)
        said = self.tr("Imported {name} (lines: {n}); Undo brings back the transcript "
                       "before.").format(n=len(transcript.segments), name=path.name)
        if imported.encoding_guessed:
            said += " " + self.tr(
                "Read as {encoding} text, a guess: the file does not say its encoding. If "
                "letters look wrong, save it as UTF-8 in a text editor and import it "
                "again.").format(encoding=imported.encoding)
        elif imported.encoding != "utf-8":
            said += " " + self.tr("Read as {encoding} text.").format(encoding=imported.encoding)
        win.statusBar().showMessage(said, 15000)
        if left_out:
            win.show_notice(
                self.tr("Imported {name}").format(name=path.name),
                self.tr("Lines that start after the end of the audio ({end}) were left "
                        "out (lines: {n}); the first is at {first}: “{text}”. Are the "
                        "subtitles for a longer version of this recording?").format(
                            n=len(left_out), end=format_time(duration),
                            first=format_time(left_out[0].start), text=left_out[0].text))
        self.imported.emit(str(path))
