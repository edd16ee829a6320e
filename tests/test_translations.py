"""Every user-visible string of the window is translatable, and the shipped Chinese
translation is complete and current."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TS = ROOT / "resources" / "i18n" / "tingxie_zh_CN.ts"
QM = ROOT / "app" / "tingxie" / "resources" / "i18n" / "tingxie_zh_CN.qm"


def messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    tree = ET.parse(ts)
    found = {}
    for context in tree.getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            found[(name, message.findtext("source"))] = message.find("translation")
    return found


def test_every_string_has_a_chinese_translation():
    missing = [source for (_ctx, source), tr in messages(TS).items()
               if tr is None or tr.get("type") in ("unfinished", "vanished", "obsolete")
               or not (tr.text or "").strip()]
    assert missing == []
    assert QM.exists() and QM.stat().st_mtime >= TS.stat().st_mtime - 1, "rebuild the .qm"


def test_translations_keep_placeholders_and_accelerators():
    for (_ctx, source), tr in messages(TS).items():
        text = tr.text or ""
        for marker in re.findall(r"\{\w*\}|%\d|%n", source):
            assert marker in text, (source, text)
        if re.search(r"&\w", source):
            assert "&" in text, (source, text)


def test_the_translation_file_is_current_with_the_code(tmp_path):
    lupdate = shutil.which("pyside6-lupdate")
    if lupdate is None:
        pytest.skip("pyside6-lupdate is not installed")
    fresh = tmp_path / "fresh.ts"
    sources = sorted((ROOT / "app" / "tingxie" / "ui").glob("*.py"))
    subprocess.run([lupdate, *map(str, sources), "-ts", str(fresh)], check=True,
                   capture_output=True)
    assert set(messages(fresh)) == set(messages(TS)), (
        "strings changed: run python resources/i18n/update.py and translate the new ones")


def test_every_undo_step_is_named_in_chinese(qapp):
    """Edit > Undo shows core's edit names: each one an edit can carry is translated."""
    import ast

    from PySide6.QtCore import QCoreApplication, QTranslator

    from tingxie.ui.transcript_model import UNDO_LABELS, undo_label

    labels = set()
    for source in (ROOT / "app" / "tingxie" / "core").glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text("utf-8"))):
            if (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
                    and node.target.id == "label" and isinstance(node.value, ast.Constant)
                    and isinstance(node.value.value, str)):
                labels.add(node.value.value)
    labels |= {"Transcribe the whole file", "Transcribe the rest", "Replace word"}
    assert labels <= set(UNDO_LABELS), labels - set(UNDO_LABELS)
    translator = QTranslator()
    assert translator.load(str(QM))
    QCoreApplication.installTranslator(translator)
    try:
        assert undo_label("Split segment") == "拆分片段"
        assert undo_label("Replace 3 × “boat”") == "替换 3 处“boat”"
    finally:
        QCoreApplication.removeTranslator(translator)
