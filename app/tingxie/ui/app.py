"""Application start-up: QApplication, translations, icon, the main window."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from tingxie import __version__
from tingxie.ui import settings as keys

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
I18N = RESOURCES / "i18n"
#: UI languages shipped, besides English (the source language).
UI_LANGUAGES = ("zh_CN",)


def ui_language(settings: keys.Settings) -> str:
    """The UI language to use: the setting, else the system's, else English."""
    chosen = settings.get(keys.UI_LANGUAGE)
    if chosen:
        return chosen
    system = QLocale.system().name()  # "zh_CN", "en_GB", ...
    if system in UI_LANGUAGES:
        return system
    if system.startswith("zh"):
        return "zh_CN"
    return "en"


def install_translations(app: QApplication, language: str) -> list[QTranslator]:
    """Load Tingxie's and Qt's own translations for ``language``; returns the translators
    (keep them alive)."""
    translators = []
    if language == "en":
        return translators
    ours = QTranslator(app)
    if ours.load(str(I18N / f"tingxie_{language}.qm")):
        app.installTranslator(ours)
        translators.append(ours)
    qt = QTranslator(app)
    if qt.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        translators.append(qt)
    return translators


def make_app(argv: list[str] | None = None) -> QApplication:
    """The QApplication with Tingxie's names, icon and style; reuses an existing one."""
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setOrganizationName(keys.ORGANIZATION)
    app.setApplicationName(keys.APPLICATION)
    app.setApplicationDisplayName("Tingxie 听写")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("tingxie")
    icon = RESOURCES / "icons" / "tingxie.svg"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    # Fusion follows the system's light or dark colour scheme on every platform (Qt >= 6.5).
    app.setStyle("Fusion")
    return app


def run(files: list[str], quit_when_loaded: bool = False) -> int:
    """Open the window (and ``files``), run the event loop; returns the exit status.

    ``quit_when_loaded`` (``tingxie --quit-when-loaded``) is for smoke tests of a build: see
    :func:`quit_when_loaded`.
    """
    from tingxie.ui.main_window import MainWindow

    app = make_app()
    settings = keys.Settings()
    app._translators = install_translations(app, ui_language(settings))  # type: ignore[attr-defined]
    window = MainWindow(settings)
    # Quitting without the window closing (the session ends, Dock > Quit, while a question
    # such as "Save the changes?" is up) still stops its threads, writes the layout and
    # leaves the unsaved work in the recovery file; after a close this does nothing.
    app.aboutToQuit.connect(window.shutdown)
    window.show()
    # What start-up made (the modules of Qt, numpy, the window) lives as long as the app:
    # moved out of the collector's sight, a full collection, which may come in the middle of
    # any long edit, no longer walks it on the UI thread (measured: a 240 ms stall of a
    # Replace all across 3,000 lines, 166 ms with this).
    gc.collect()
    gc.freeze()
    if quit_when_loaded:
        _quit_when_loaded(app, window, bool(files))
    window.open_files([str(f) for f in files])
    status = app.exec()
    # Short jobs still running (a device probe, a model-state check) end before Python tears
    # the objects they report to down; what they report is dropped.
    from tingxie.ui.background import default_background

    default_background().wait(5000)
    return status


#: How long ``--quit-when-loaded`` waits for the file before it gives up.
QUIT_WHEN_LOADED_TIMEOUT_S = 120


def _quit_when_loaded(app: QApplication, window, has_file: bool) -> None:
    """Close the window as a user would once the file is open (or at once without one): exit
    status 0. An error dialog exits with 3 and prints the error, no file after
    :data:`QUIT_WHEN_LOADED_TIMEOUT_S` exits with 4."""
    from PySide6.QtCore import QTimer

    def leave(status: int) -> None:
        # Close first, as a user would, so the window stops its threads; then the status.
        app.setQuitOnLastWindowClosed(False)
        window.close()
        app.exit(status)

    def failed(title: str, message: str) -> None:
        print(f"tingxie: {title}: {message}", file=sys.stderr)
        leave(3)

    def timed_out() -> None:
        print(f"tingxie: nothing opened within {QUIT_WHEN_LOADED_TIMEOUT_S} s", file=sys.stderr)
        leave(4)

    window.errorShown.connect(failed)
    if has_file:
        window.mediaLoaded.connect(lambda _path: QTimer.singleShot(0, window.close))
        QTimer.singleShot(QUIT_WHEN_LOADED_TIMEOUT_S * 1000, timed_out)
    else:
        QTimer.singleShot(0, window.close)
