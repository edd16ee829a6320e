"""Make docs/export-dialog.png and docs/video-subtitles.png: the export dialog, and a video
with its subtitle drawn over it and the subtitle check on, in a real X window under Xvfb.

    xvfb-run -s "-screen 0 1600x1000x24" python docs/screenshot_export.py

The interview is the one docs/screenshot.py speaks with espeak-ng; ffmpeg puts it under a
test picture to make the video.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from screenshot import build

from tingxie.core import project as projects
from tingxie.core.subtitles import NETFLIX
from tingxie.ui import settings as keys

DOCS = Path(__file__).resolve().parent
DIALOG_OUT = DOCS / "export-dialog.png"
VIDEO_OUT = DOCS / "video-subtitles.png"


def make_video(folder: Path, audio: Path) -> Path:
    video = folder / "harbour-interview.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                    "testsrc2=size=960x540:rate=25", "-i", str(audio), "-shortest",
                    "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", str(video)],
                   check=True)
    return video


def main() -> int:
    from PySide6.QtCore import QSettings, QTimer

    from tingxie.ui.app import make_app
    from tingxie.ui.main_window import MainWindow
    from tingxie.ui.settings import Settings

    folder = Path(tempfile.mkdtemp(prefix="tingxie-shot-"))
    project = projects.load(build(folder))
    video = make_video(folder, project.audio_path)
    app = make_app([])
    settings = Settings(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(settings)
    window.resize(1500, 950)
    window.show()

    def dialog() -> None:
        dlg = window.exporter.open_dialog()
        dlg.set_format("srt")
        dlg.preset_combo.setCurrentIndex(dlg.preset_combo.findData("custom"))
        dlg.speaker_names.setChecked(True)
        QTimer.singleShot(500, lambda: (dlg.grab().save(str(DIALOG_OUT)), dlg.reject(),
                                        print(f"wrote {DIALOG_OUT}"), video_shot()))

    def video_shot() -> None:
        # A stricter reading speed than Netflix's, so that the check has something to show.
        window.settings.set(keys.CUSTOM_PRESET, {**NETFLIX.to_dict(), "name": "Custom",
                                                 "max_chars_per_second": 11.0})
        window.subtitle_check.set_key("custom")
        window.player.seek(9.0)
        window.waveform.set_playhead(9.0)
        window.select_segment(2)
        QTimer.singleShot(2500, shoot)

    def shoot() -> None:
        window.video.poll_frame()
        window.grab().save(str(VIDEO_OUT))
        print(f"wrote {VIDEO_OUT}")
        window.shutdown()
        app.quit()

    def loaded(_path: str) -> None:
        window.document.set_transcript(project.transcript)
        QTimer.singleShot(1500, dialog)

    window.mediaLoaded.connect(loaded)
    window.open_path(video)
    app.exec()
    return 0 if DIALOG_OUT.exists() and VIDEO_OUT.exists() else 1


if __name__ == "__main__":
    sys.exit(main())
