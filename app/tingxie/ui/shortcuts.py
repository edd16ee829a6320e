"""Every keyboard shortcut, declared once: the window binds them, Help lists them, and the
README's table is checked against this list by a test.

They avoid keys a typist needs while correcting text: Ctrl+Space switches the input method
on Chinese systems, Ctrl+Left/Right move by word, Esc cancels an edit, Ctrl+F is Find.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication


@dataclass(frozen=True)
class Shortcut:
    """A key sequence (Qt's portable text: Ctrl is Cmd on macOS) and what it does."""

    keys: str
    #: English text, marked for translation; may hold ``{n}`` (filled from ``number``).
    description: str
    number: int | None = None
    #: Other key sequences that do the same: what a keyboard really sends for a shifted key
    #: (Shift+= arrives as "+" on a US layout).
    also: tuple[str, ...] = ()

    def text(self, translated: bool = True) -> str:
        """What the shortcut does, in the UI language (or in English)."""
        text = (QCoreApplication.translate("Shortcuts", self.description) if translated
                else self.description)
        return text.format(n=self.number) if self.number is not None else text


SPEAKER_N = QT_TRANSLATE_NOOP("Shortcuts", "Give the segment speaker {n}")

SHORTCUTS: dict[str, Shortcut] = {
    "open": Shortcut("Ctrl+O", QT_TRANSLATE_NOOP("Shortcuts", "Open media or a project")),
    "import": Shortcut("Ctrl+Shift+O", QT_TRANSLATE_NOOP("Shortcuts", "Import subtitles or a transcript into the open recording")),
    "save": Shortcut("Ctrl+S", QT_TRANSLATE_NOOP("Shortcuts", "Save the project")),
    "save_as": Shortcut("Ctrl+Shift+S", QT_TRANSLATE_NOOP("Shortcuts", "Save the project as…")),
    "export": Shortcut("Ctrl+E", QT_TRANSLATE_NOOP("Shortcuts", "Export…")),
    "export_again": Shortcut("Ctrl+Shift+E", QT_TRANSLATE_NOOP("Shortcuts", "Export again (same file and options)")),
    "quit": Shortcut("Ctrl+Q", QT_TRANSLATE_NOOP("Shortcuts", "Quit")),
    "play_pause": Shortcut("Ctrl+P", QT_TRANSLATE_NOOP("Shortcuts", "Play / pause")),
    "rewind": Shortcut("Alt+Left", QT_TRANSLATE_NOOP("Shortcuts", "Rewind a few seconds")),
    "forward": Shortcut("Alt+Right", QT_TRANSLATE_NOOP("Shortcuts", "Forward a few seconds")),
    "slower": Shortcut("Ctrl+-", QT_TRANSLATE_NOOP("Shortcuts", "Play slower")),
    "faster": Shortcut("Ctrl+=", QT_TRANSLATE_NOOP("Shortcuts", "Play faster")),
    "go_to": Shortcut("Ctrl+G", QT_TRANSLATE_NOOP("Shortcuts", "Go to a time or a line number")),
    "replay_segment": Shortcut("Ctrl+Shift+P", QT_TRANSLATE_NOOP("Shortcuts", "Replay the current segment")),
    "find": Shortcut("Ctrl+F", QT_TRANSLATE_NOOP("Shortcuts", "Find and replace")),
    "split": Shortcut("Ctrl+Return", QT_TRANSLATE_NOOP("Shortcuts", "Split the segment at the cursor")),
    "merge_next": Shortcut("Ctrl+M", QT_TRANSLATE_NOOP("Shortcuts", "Merge with the next segment")),
    "merge_previous": Shortcut("Ctrl+Shift+M", QT_TRANSLATE_NOOP("Shortcuts", "Merge with the previous segment")),
    "start_earlier": Shortcut("Ctrl+[", QT_TRANSLATE_NOOP("Shortcuts", "Segment start 0.1 s earlier")),
    "start_later": Shortcut("Ctrl+]", QT_TRANSLATE_NOOP("Shortcuts", "Segment start 0.1 s later")),
    "end_earlier": Shortcut("Alt+[", QT_TRANSLATE_NOOP("Shortcuts", "Segment end 0.1 s earlier")),
    "end_later": Shortcut("Alt+]", QT_TRANSLATE_NOOP("Shortcuts", "Segment end 0.1 s later")),
    "start_here": Shortcut("F9", QT_TRANSLATE_NOOP("Shortcuts", "Start the segment at the playhead")),
    "end_here": Shortcut("F10", QT_TRANSLATE_NOOP("Shortcuts", "End the segment at the playhead")),
    "end_start_next": Shortcut("Ctrl+Shift+Return", QT_TRANSLATE_NOOP("Shortcuts", "End the segment at the playhead, start the next one there and go to it")),
    "shift_times": Shortcut("Ctrl+Shift+T", QT_TRANSLATE_NOOP("Shortcuts", "Shift the times of all, the selected or the following lines")),
    "insert_segment": Shortcut("Ctrl+I", QT_TRANSLATE_NOOP("Shortcuts", "Insert a segment at the playhead")),
    "delete_segment": Shortcut("Ctrl+Shift+Delete", QT_TRANSLATE_NOOP("Shortcuts", "Delete the segment")),
    "next_uncertain": Shortcut("Ctrl+U", QT_TRANSLATE_NOOP("Shortcuts", "Go to the next uncertain segment")),
    "review_words": Shortcut("F8", QT_TRANSLATE_NOOP("Shortcuts", "Review uncertain words one by one")),
    **{f"speaker_{n}": Shortcut(f"Ctrl+{n}", SPEAKER_N, n) for n in range(1, 10)},
    "speaker_0": Shortcut("Ctrl+0", QT_TRANSLATE_NOOP("Shortcuts", "Clear the segment's speaker")),
    "zoom_in": Shortcut("Ctrl+Shift+=", QT_TRANSLATE_NOOP("Shortcuts", "Zoom the waveform in"),
                        also=("Ctrl+Shift++", "Ctrl++")),
    "zoom_out": Shortcut("Ctrl+Shift+-", QT_TRANSLATE_NOOP("Shortcuts", "Zoom the waveform out"),
                         also=("Ctrl+Shift+_",)),
    "follow": Shortcut("Ctrl+L", QT_TRANSLATE_NOOP("Shortcuts", "Follow playback on/off")),
    "transcribe": Shortcut("Ctrl+R", QT_TRANSLATE_NOOP("Shortcuts", "Transcribe the whole file")),
    "transcribe_selection": Shortcut("Ctrl+Shift+R", QT_TRANSLATE_NOOP("Shortcuts", "Transcribe the selected range")),
    "cancel": Shortcut("Ctrl+.", QT_TRANSLATE_NOOP("Shortcuts", "Cancel the transcription (or the word alignment)")),
    "shortcuts": Shortcut("F1", QT_TRANSLATE_NOOP("Shortcuts", "Show the keyboard shortcuts")),
}

#: Shortcuts Qt gives the standard actions (listed for completeness).
STANDARD = {
    "undo": Shortcut("Ctrl+Z", QT_TRANSLATE_NOOP("Shortcuts", "Undo (the menu names the step)")),
    "redo": Shortcut("Ctrl+Shift+Z", QT_TRANSLATE_NOOP("Shortcuts",
                                                      "Redo (also Ctrl+Y on Windows)")),
}


def all_shortcuts() -> dict[str, Shortcut]:
    """Declared and standard shortcuts together, in menu order."""
    return {**SHORTCUTS, **STANDARD}


def shortcuts_html() -> str:
    """The shortcuts as an HTML table for Help > Keyboard shortcuts, in the UI language."""
    rows = "".join(
        f"<tr><td><b>{s.keys}</b></td><td>&nbsp;"
        f"{s.text()}</td></tr>"
        for s in all_shortcuts().values())
    return f"<table>{rows}</table>"


def shortcuts_markdown() -> str:
    """The shortcuts as the Markdown table the README shows (kept in sync by a test)."""
    lines = ["| Keys | Action |", "|---|---|"]
    lines += [f"| {s.keys} | {s.text(translated=False)} |" for s in all_shortcuts().values()]
    return "\n".join(lines)
