"""The speaker list: a colour swatch and a name per speaker, renamed in place.

A rename is :class:`~tingxie.core.edits.RenameSpeaker` (every segment shows the new name, one
undo step); "Add" is :class:`~tingxie.core.edits.AddSpeaker`. The list rebuilds itself from
the transcript when the document changes, so undo shows up here too.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tingxie.core.edits import AddSpeaker, NoChange, RenameSpeaker
from tingxie.ui.transcript_model import TranscriptDocument


def swatch(colour: str, size: int = 12) -> QIcon:
    """A square of ``colour`` for a list item."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


class SpeakerPanel(QWidget):
    """Lists the transcript's speakers (Ctrl+1..9 follow this order)."""

    #: "Assign" was pressed: the speaker's number in the list (1-based).
    assignRequested = Signal(int)
    #: A message for the status bar.
    message = Signal(str)

    def __init__(self, document: TranscriptDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.list = QListWidget(self)
        self.list.setEditTriggers(
            QListWidget.EditTrigger.DoubleClicked | QListWidget.EditTrigger.EditKeyPressed
        )
        self.list.itemChanged.connect(self._renamed)
        add = QPushButton(self.tr("Add"), self)
        add.setToolTip(self.tr("Add a speaker"))
        add.clicked.connect(self.add_speaker)
        assign = QPushButton(self.tr("Assign"), self)
        assign.setToolTip(self.tr("Give the selected segments this speaker (or Ctrl+1…9)"))
        assign.clicked.connect(self._assign)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(assign)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        document.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """Rebuild the list from the transcript (cheap: a handful of speakers)."""
        speakers = self.document.transcript.speakers
        current = [
            (self.list.item(i).data(Qt.ItemDataRole.UserRole), self.list.item(i).text())
            for i in range(self.list.count())
        ]
        if current == [(s.id, s.name) for s in speakers]:
            return
        self.list.blockSignals(True)
        self.list.clear()
        for n, spk in enumerate(speakers, start=1):
            item = QListWidgetItem(swatch(spk.colour), spk.name)
            item.setData(Qt.ItemDataRole.UserRole, spk.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            item.setToolTip(self.tr("Ctrl+{n}").format(n=n) if n <= 9 else "")
            self.list.addItem(item)
        self.list.blockSignals(False)

    def names(self) -> list[str]:
        """The names shown, in order."""
        return [self.list.item(i).text() for i in range(self.list.count())]

    def _holder_of(self, name: str, other_than: str | None = None) -> str | None:
        """The name of the speaker (other than ``other_than``) already called ``name``, the
        case and the spaces around it aside; ``None`` when the name is free."""
        wanted = name.strip().casefold()
        return next((s.name for s in self.document.transcript.speakers
                     if s.id != other_than and s.name.strip().casefold() == wanted), None)

    def add_speaker(self) -> None:
        """Add "Speaker N", N its place in the list (as Ctrl+N names it), or the first
        later number whose name nobody has; then start renaming it."""
        n = len(self.document.transcript.speakers) + 1
        while self._holder_of(self.tr("Speaker {n}").format(n=n)) is not None:
            n += 1
        op = AddSpeaker(self.tr("Speaker {n}").format(n=n))
        self.document.apply(op)
        item = self.list.item(self.list.count() - 1)
        if item is not None:
            self.list.setCurrentItem(item)
            self.list.editItem(item)

    def rename(self, speaker_id: str, name: str) -> None:
        """Rename a speaker everywhere (one undo step). A name another speaker has is
        refused with a message; a name that changes nothing is no step."""
        clash = self._holder_of(name, other_than=speaker_id)
        if clash is not None:
            self.message.emit(self.tr("“{name}” is already the name of another speaker. "
                                      "Choose another name.").format(name=clash))
            self.refresh()
            return
        try:
            self.document.apply(RenameSpeaker(speaker_id, name))
        except NoChange:
            self.refresh()  # "Li " shows as "Li" again
        except ValueError as exc:
            self.message.emit(str(exc))
            self.refresh()

    def _renamed(self, item: QListWidgetItem) -> None:
        speaker = self.document.transcript.speaker(item.data(Qt.ItemDataRole.UserRole))
        if speaker is not None and item.text() != speaker.name:
            self.rename(speaker.id, item.text())

    def _assign(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.assignRequested.emit(row + 1)
