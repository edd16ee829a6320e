"""Render the app icon (SVG) into what installers need, with Qt (no other image library):

    python installers/make_icons.py build/icons

writes ``png/tingxie-<size>.png`` (16 to 1024 px), ``tingxie.ico`` (Windows; one 256 px image,
which Windows scales) and ``tingxie.iconset/`` (macOS: ``iconutil -c icns`` turns it into
``tingxie.icns``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "app" / "tingxie" / "resources" / "icons" / "tingxie.svg"
SIZES = (16, 32, 48, 64, 128, 256, 512, 1024)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    """The icon drawn at ``size`` x ``size`` pixels on a transparent background."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def main(out: Path) -> int:
    """Write every icon file under ``out``; exit status 1 when one cannot be written."""
    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        print(f"make_icons: cannot read {SVG}", file=sys.stderr)
        return 1
    (out / "png").mkdir(parents=True, exist_ok=True)
    iconset = out / "tingxie.iconset"
    iconset.mkdir(exist_ok=True)
    images = {size: render(renderer, size) for size in SIZES}
    ok = all(images[s].save(str(out / "png" / f"tingxie-{s}.png")) for s in SIZES)
    ok &= images[256].save(str(out / "tingxie.ico"))
    for size in (16, 32, 128, 256, 512):  # the names iconutil expects
        ok &= images[size].save(str(iconset / f"icon_{size}x{size}.png"))
        ok &= images[size * 2].save(str(iconset / f"icon_{size}x{size}@2x.png"))
    if not ok:
        print(f"make_icons: could not write every file under {out}", file=sys.stderr)
        return 1
    print(f"make_icons: icons written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "build/icons")))
