"""The README stays true: its shortcut table and quick start match the code and CI."""

from __future__ import annotations

import re
from pathlib import Path

from tingxie.ui.shortcuts import shortcuts_markdown

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text("utf-8")


def test_readme_shortcut_table_matches_the_code():
    table = README.split("<!-- shortcuts:start -->")[1].split("<!-- shortcuts:end -->")[0]
    assert table.strip() == shortcuts_markdown(), (
        "README's shortcut table is stale: paste tingxie.ui.shortcuts.shortcuts_markdown()")


def test_ci_runs_the_readme_test_command():
    quick = README.split("## Quick start")[1].split("##")[0]
    commands = re.findall(r"^(python -m pip install .+)$", quick, flags=re.M)
    assert len(commands) == 2, "two quick-start commands: run the app, run the tests"
    test_command = next(c for c in commands if "pytest" in c)
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert test_command in ci.splitlines()
