"""Refresh the translation sources and rebuild the compiled translations.

    python resources/i18n/update.py

1. ``pyside6-lupdate`` collects every ``self.tr(...)`` string of app/tingxie/ui into
   ``resources/i18n/tingxie_<lang>.ts`` (Qt Linguist files: translators edit these).
2. ``pyside6-lrelease`` compiles them into ``app/tingxie/resources/i18n/tingxie_<lang>.qm``,
   which the app loads at start-up (by the system locale or the UI-language setting).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "app" / "tingxie" / "ui").glob("*.py"))
LANGUAGES = ("zh_CN",)


def main() -> int:
    out_dir = ROOT / "app" / "tingxie" / "resources" / "i18n"
    out_dir.mkdir(parents=True, exist_ok=True)
    for lang in LANGUAGES:
        ts = ROOT / "resources" / "i18n" / f"tingxie_{lang}.ts"
        subprocess.run(["pyside6-lupdate", *map(str, SOURCES), "-ts", str(ts), "-no-obsolete"],
                       check=True)
        subprocess.run(["pyside6-lrelease", str(ts), "-qm", str(out_dir / f"tingxie_{lang}.qm")],
                       check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
