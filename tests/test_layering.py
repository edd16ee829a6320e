"""The layers stay apart: core/ and asr/ never import Qt; core/ never imports torch at load.

Checked two ways: statically over every module's import statements (so a lazy import inside a
function is caught too), and by importing every core module in a fresh interpreter and
looking at what got loaded.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import tingxie

PACKAGE = Path(tingxie.__file__).parent
QT = ("PySide6", "PyQt5", "PyQt6", "pyqtgraph", "shiboken6", "qtpy")
HEAVY = ("torch", "transformers")


def imported_modules(path: Path, top_level_only: bool) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_core_and_asr_never_import_qt():
    offenders = {
        str(p.relative_to(PACKAGE)): sorted(imported_modules(p, False) & set(QT))
        for layer in ("core", "asr")
        for p in (PACKAGE / layer).rglob("*.py")
        if imported_modules(p, False) & set(QT)
    }
    assert offenders == {}


def test_core_does_not_import_torch_at_module_level():
    offenders = {
        str(p.relative_to(PACKAGE)): sorted(imported_modules(p, True) & set(HEAVY))
        for p in (PACKAGE / "core").rglob("*.py")
        if imported_modules(p, True) & set(HEAVY)
    }
    assert offenders == {}


def test_importing_all_of_core_loads_neither_qt_nor_torch():
    modules = sorted(f"tingxie.core.{p.stem}" for p in (PACKAGE / "core").glob("*.py"))
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {QT + HEAVY!r})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# -- import-linter: the whole layer order, as declared in pyproject.toml -------------------

def _lint_imports(package_parent: Path, config: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    code = "from importlinter.cli import lint_imports_command; lint_imports_command()"
    return subprocess.run([sys.executable, "-c", code, "--config", str(config), "--no-cache"],
                          capture_output=True, text=True, env=env, timeout=300)


def test_import_linter_contracts_are_kept():
    root = PACKAGE.parents[1]
    result = _lint_imports(PACKAGE.parent, root / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_wrong_import_breaks_the_contracts(tmp_path):
    import shutil

    root = PACKAGE.parents[1]
    copy = tmp_path / "tingxie"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "resources"))
    (copy / "core" / "_upward.py").write_text("from tingxie.jobs import spec  # wrong way\n")
    result = _lint_imports(tmp_path, root / "pyproject.toml")
    assert result.returncode != 0
    assert "tingxie.core._upward -> tingxie.jobs" in result.stdout


def test_the_minimum_dependency_run_uses_the_lower_bounds():
    """.ci/run tests the lowest versions pyproject.toml allows; they must stay the same."""
    import re

    import pytest

    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    root = PACKAGE.parents[1]
    deps = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))["project"]["dependencies"]
    lower = {}
    for dep in deps:
        m = re.match(r"([A-Za-z0-9_.-]+)\s*>=\s*([0-9.]+)", dep)
        if m:
            lower[m.group(1).lower().replace("_", "-")] = m.group(2)
    pins = {}
    for line in (root / ".ci" / "lowest-versions.txt").read_text("utf-8").splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.strip().lower().replace("_", "-")] = version.strip()
    for name, version in pins.items():
        want = [int(x) for x in lower[name].split(".")]
        got = [int(x) for x in version.split(".")][:len(want)]
        assert got == want, f"{name}: pyproject allows >={lower[name]}, CI tests {version}"
