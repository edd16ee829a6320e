"""Every keyboard shortcut, declared once: the window binds them, Help lists them, and the
README's table is checked against this list by a test.

They avoid keys a typist needs while correcting text: Ctrl+Space switches the input method
on Chinese systems, Ctrl+Left/Right move by word, Esc cancels an edit, Ctrl+F is Find.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Shortcut:
    """A key sequence (Qt's portable text: Ctrl is Cmd on macOS) and what it does."""

    keys: str
    description: str


SHORTCUTS: dict[str, Shortcut] = {
    "open": Shortcut("Ctrl+O", "Open media or a project"),
    "save": Shortcut("Ctrl+S", "Save the project"),
    "save_as": Shortcut("Ctrl+Shift+S", "Save the project as…"),
    "quit": Shortcut("Ctrl+Q", "Quit"),
    "play_pause": Shortcut("Ctrl+P", "Play / pause"),
    "rewind": Shortcut("Alt+Left", "Rewind a few seconds"),
    "forward": Shortcut("Alt+Right", "Forward a few seconds"),
    "slower": Shortcut("Ctrl+-", "Play slower"),
    "faster": Shortcut("Ctrl+=", "Play faster"),
    "replay_segment": Shortcut("Ctrl+Shift+P", "Replay the current segment"),
    "find": Shortcut("Ctrl+F", "Find and replace"),
    "split": Shortcut("Ctrl+Return", "Split the segment at the cursor"),
    "merge_next": Shortcut("Ctrl+M", "Merge with the next segment"),
    "merge_previous": Shortcut("Ctrl+Shift+M", "Merge with the previous segment"),
    "start_earlier": Shortcut("Ctrl+[", "Segment start 0.1 s earlier"),
    "start_later": Shortcut("Ctrl+]", "Segment start 0.1 s later"),
    "end_earlier": Shortcut("Alt+[", "Segment end 0.1 s earlier"),
    "end_later": Shortcut("Alt+]", "Segment end 0.1 s later"),
    "insert_segment": Shortcut("Ctrl+I", "Insert a segment at the playhead"),
    "delete_segment": Shortcut("Ctrl+Shift+Delete", "Delete the segment"),
    "next_uncertain": Shortcut("Ctrl+U", "Go to the next uncertain segment"),
    **{f"speaker_{n}": Shortcut(f"Ctrl+{n}", f"Give the segment speaker {n}")
       for n in range(1, 10)},
    "speaker_0": Shortcut("Ctrl+0", "Clear the segment's speaker"),
    "zoom_in": Shortcut("Ctrl+Shift+=", "Zoom the waveform in"),
    "zoom_out": Shortcut("Ctrl+Shift+-", "Zoom the waveform out"),
    "follow": Shortcut("Ctrl+L", "Follow playback on/off"),
    "transcribe": Shortcut("Ctrl+R", "Transcribe the whole file"),
    "transcribe_selection": Shortcut("Ctrl+Shift+R", "Transcribe the selected range"),
    "cancel": Shortcut("Ctrl+.", "Cancel the transcription"),
    "shortcuts": Shortcut("F1", "Show the keyboard shortcuts"),
}

#: Shortcuts Qt gives the standard actions (listed for completeness).
STANDARD = {
    "undo": Shortcut("Ctrl+Z", "Undo (the menu names the step)"),
    "redo": Shortcut("Ctrl+Shift+Z", "Redo"),
}


def all_shortcuts() -> dict[str, Shortcut]:
    """Declared and standard shortcuts together, in menu order."""
    return {**SHORTCUTS, **STANDARD}


def shortcuts_html(tr: Callable[[str], str] = str) -> str:
    """The shortcuts as an HTML table for Help > Keyboard shortcuts."""
    rows = "".join(f"<tr><td><b>{s.keys}</b></td><td>&nbsp;{tr(s.description)}</td></tr>"
                   for s in all_shortcuts().values())
    return f"<table>{rows}</table>"


def shortcuts_markdown() -> str:
    """The shortcuts as the Markdown table the README shows (kept in sync by a test)."""
    lines = ["| Keys | Action |", "|---|---|"]
    lines += [f"| {s.keys} | {s.description} |" for s in all_shortcuts().values()]
    return "\n".join(lines)
