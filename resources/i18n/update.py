"""Refresh the translation sources and rebuild the compiled translations.

    python resources/i18n/update.py

1. ``pyside6-lupdate`` collects every ``self.tr(...)`` string of app/tingxie/ui into
   ``resources/i18n/tingxie_<lang>.ts`` (Qt Linguist files: translators edit these).
2. A string that moved to another class keeps its translation: an untranslated message whose
   source text was translated in any context before is filled in from there.
3. ``pyside6-lrelease`` compiles them into ``app/tingxie/resources/i18n/tingxie_<lang>.qm``,
   which the app loads at start-up (by the system locale or the UI-language setting).
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "app" / "tingxie" / "ui").glob("*.py"))
LANGUAGES = ("zh_CN",)


def known_translations(ts: Path) -> dict[str, str]:
    """Every finished translation in ``ts``, by source text (whatever its context)."""
    if not ts.exists():
        return {}
    found: dict[str, str] = {}
    for message in ET.parse(ts).getroot().iter("message"):
        tr = message.find("translation")
        if tr is not None and tr.text and tr.get("type") is None:
            found.setdefault(message.findtext("source") or "", tr.text)
    return found


def carry_over(ts: Path, known: dict[str, str]) -> int:
    """Fill untranslated messages of ``ts`` from ``known``; returns how many."""
    tree = ET.parse(ts)
    filled = 0
    for message in tree.getroot().iter("message"):
        tr = message.find("translation")
        source = message.findtext("source") or ""
        if tr is not None and tr.get("type") == "unfinished" and source in known:
            tr.text = known[source]
            del tr.attrib["type"]
            filled += 1
    if filled:
        tree.write(ts, encoding="utf-8", xml_declaration=True)
    return filled


def main() -> int:
    out_dir = ROOT / "app" / "tingxie" / "resources" / "i18n"
    out_dir.mkdir(parents=True, exist_ok=True)
    for lang in LANGUAGES:
        ts = ROOT / "resources" / "i18n" / f"tingxie_{lang}.ts"
        known = known_translations(ts)
        subprocess.run(["pyside6-lupdate", *map(str, SOURCES), "-ts", str(ts), "-no-obsolete"],
                       check=True)
        carry_over(ts, known)
        subprocess.run(["pyside6-lrelease", str(ts), "-qm", str(out_dir / f"tingxie_{lang}.qm")],
                       check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
