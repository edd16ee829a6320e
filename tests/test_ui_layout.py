"""The window at the sizes people use, light and dark: nothing is cut off or elided.

Each size is grabbed as a picture (offscreen) and every visible label and combo box is
measured: its text must fit the room it has. Screenshots land under $TINGXIE_SCREENSHOTS
when it is set (for a person to look at).
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QStyle, QStyleOptionComboBox

from ui_windows import idle_window

SIZES = [(1024, 700), (1366, 768), (1920, 1080)]


def dark_palette() -> QPalette:
    p = QPalette()
    for role, colour in ((QPalette.ColorRole.Window, "#2b2b2b"),
                         (QPalette.ColorRole.WindowText, "#e6e6e6"),
                         (QPalette.ColorRole.Base, "#1e1e1e"),
                         (QPalette.ColorRole.AlternateBase, "#262626"),
                         (QPalette.ColorRole.Text, "#e6e6e6"),
                         (QPalette.ColorRole.Button, "#353535"),
                         (QPalette.ColorRole.ButtonText, "#e6e6e6"),
                         (QPalette.ColorRole.Highlight, "#3d6fb4"),
                         (QPalette.ColorRole.HighlightedText, "#ffffff")):
        p.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                 QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#8a8a8a"))
    return p


def cut_off(window) -> list[str]:
    """Every visible label or combo box whose text does not fit its room."""
    problems = []
    for label in window.findChildren(QLabel):
        if not label.isVisibleTo(window) or not label.text() or label.textFormat() == 1:
            continue
        if not label.window().isVisible() or label.window() is not window:
            continue
        room = label.contentsRect()
        if label.wordWrap():
            needed = label.heightForWidth(room.width())
            if needed > room.height() + 1:
                problems.append(f"label {label.text()!r}: needs {needed} px high, has "
                                f"{room.height()}")
        else:
            needed = label.fontMetrics().horizontalAdvance(label.text())
            if needed > room.width() + 1:
                problems.append(f"label {label.text()!r}: needs {needed} px wide, has "
                                f"{room.width()}")
    for combo in window.findChildren(QComboBox):
        if not combo.isVisibleTo(window) or combo.window() is not window:
            continue
        option = QStyleOptionComboBox()
        combo.initStyleOption(option)
        field = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                             QStyle.SubControl.SC_ComboBoxEditField, combo)
        needed = combo.fontMetrics().horizontalAdvance(combo.currentText())
        if needed > field.width() + 1:
            problems.append(f"combo {combo.currentText()!r}: needs {needed} px, has "
                            f"{field.width()}")
    return problems


@pytest.fixture(params=["light", "dark"])
def palette(request, qapp):
    saved = qapp.palette()
    if request.param == "dark":
        qapp.setPalette(dark_palette())
    yield request.param
    qapp.setPalette(saved)


@pytest.fixture
def win(qtbot, tmp_path, palette):
    w = idle_window(qtbot, tmp_path)
    yield w
    w.shutdown()


def settle(qtbot, w, size):
    w.resize(*size)
    qtbot.wait(30)
    QApplication.processEvents()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_nothing_is_cut_off_at_common_sizes(qtbot, win, size, palette, tmp_path):
    settle(qtbot, win, size)
    picture = win.grab()
    assert (picture.width(), picture.height()) == size
    shots = os.environ.get("TINGXIE_SCREENSHOTS")
    if shots:
        picture.save(os.path.join(shots, f"window-{size[0]}x{size[1]}-{palette}.png"))
    assert cut_off(win) == []
    for button in (win.controls.transcribe_button, win.controls.cancel_button):
        assert not button.visibleRegion().isEmpty(), "Transcribe stays in view"
    win.controls.advanced_toggle.setChecked(True)
    settle(qtbot, win, size)
    assert cut_off(win) == [], "with Advanced open"


def test_the_dialect_note_shows_only_for_chinese_or_auto(qtbot, win, palette):
    if palette == "dark":
        pytest.skip("layout only")
    controls = win.controls
    controls.set_language("en")
    assert not controls.dialect_note.isVisibleTo(controls)
    controls.set_language("zh")
    assert controls.dialect_note.isVisibleTo(controls)
    controls.set_language("auto")
    assert controls.dialect_note.isVisibleTo(controls)


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_folding_advanced_leaves_no_gap_and_a_model_folder_keeps_the_panel_width(
        qtbot, win, palette, tiny_checkpoint, tmp_path, size):
    if palette == "dark":
        pytest.skip("layout only")
    settle(qtbot, win, size)
    controls = win.controls
    def gap():
        toggle = controls.advanced_toggle
        bottom = toggle.mapTo(controls, toggle.rect().bottomLeft()).y()
        if controls.advanced_body.isVisible():
            body = controls.advanced_body
            bottom = body.mapTo(controls, body.rect().bottomLeft()).y()
        return controls.scope_all.y() - bottom

    folded = gap()
    controls.advanced_toggle.setChecked(True)
    settle(qtbot, win, size)
    assert gap() < 40
    controls.advanced_toggle.setChecked(False)
    settle(qtbot, win, size)
    assert gap() == folded < 40, "the buttons follow the options"
    width = win.controls_dock.width()
    import shutil

    deep = tmp_path / "a-rather-long-folder-name-for-models" / "Qwen3-ASR-1.7B-finetuned-tuned"
    shutil.copytree(tiny_checkpoint, deep)
    assert controls.model_picker.choose_local_folder(str(deep), remember=False)
    settle(qtbot, win, size)
    assert win.controls_dock.width() == width
    assert cut_off(win) == []


def test_the_split_and_the_column_widths_are_remembered_across_a_restart(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from tingxie.ui.main_window import MainWindow
    from tingxie.ui.settings import Settings
    from ui_windows import dispose

    def start():
        store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        w = MainWindow(Settings(store), engine_factory=lambda spec: None)
        w.resize(1200, 800)
        w.show()
        qtbot.wait(200)
        return w

    first = start()
    first.splitter.setSizes([150, 600])
    header = first.table.horizontalHeader()
    header.resizeSection(0, header.sectionSize(0) + 80)
    qtbot.wait(100)
    sizes = first.splitter.sizes()
    widths = [header.sectionSize(i) for i in range(header.count())]
    dispose(first)
    second = start()
    try:
        header = second.table.horizontalHeader()
        assert second.splitter.sizes() == sizes
        assert [header.sectionSize(i) for i in range(header.count())] == widths
    finally:
        dispose(second)
