"""Make docs/screenshot.png: the window with an interview and its transcript, in a real X
window under Xvfb.

    xvfb-run -s "-screen 0 1600x1000x24" python docs/screenshot.py

The recording is made with espeak-ng (two voices); the transcript is its script, split in
sentences at the spoken times, with two named speakers, so the picture shows what a
reviewer sees without needing model weights.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile
import soxr

from tingxie.core import project as projects
from tingxie.core.transcript import Segment, Speaker, Transcript

LINES = [
    ("S1", "en", "Welcome back. Today we are talking about the old harbour."),
    ("S2", "en+f3", "Thank you. My family fished here for three generations."),
    ("S1", "en", "What changed when the new port opened in the south?"),
    ("S2", "en+f3", "The boats left first. Then the shops, and then the young people."),
    ("S1", "en", "Do you think the harbour can come back?"),
    ("S2", "en+f3", "Maybe as a museum. The lighthouse is still the heart of the town."),
]
OUT = Path(__file__).resolve().parent / "screenshot.png"


def speak(text: str, voice: str) -> np.ndarray:
    with tempfile.NamedTemporaryFile(suffix=".wav") as f:
        subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", f.name, text], check=True)
        data, rate = soundfile.read(f.name, dtype="float32")
    return soxr.resample(data, rate, 16000)


def build(folder: Path) -> Path:
    pieces, segments, t = [], [], 0.6
    pieces.append(np.zeros(int(0.6 * 16000), np.float32))
    for i, (speaker, voice, text) in enumerate(LINES, start=1):
        audio = speak(text, voice)
        segments.append(Segment(i, round(t, 3), round(t + len(audio) / 16000, 3), text,
                                speaker, "English", confidence=0.9 - 0.05 * (i % 3)))
        pieces += [audio, np.zeros(int(0.7 * 16000), np.float32)]
        t += len(audio) / 16000 + 0.7
    samples = np.concatenate(pieces)
    media = folder / "harbour-interview.wav"
    soundfile.write(media, samples, 16000)
    transcript = Transcript(segments, [Speaker("S1", "Host", "#1f77b4"),
                                       Speaker("S2", "Li Na", "#d62728")],
                            language="English", duration=round(len(samples) / 16000, 3))
    project = projects.Project(transcript=transcript, options={
        "language": "en", "context": "Interview with Li Na about the old harbour, lighthouse"},
        view={"selected": 3})
    projects.attach_audio(project, media)
    path = folder / "harbour-interview.tingxie"
    projects.save(project, path)
    return path


def main() -> int:
    from PySide6.QtCore import QSettings, QTimer

    from tingxie.ui.app import make_app
    from tingxie.ui.main_window import MainWindow
    from tingxie.ui.settings import Settings

    folder = Path(tempfile.mkdtemp(prefix="tingxie-shot-"))
    path = build(folder)
    app = make_app([])
    settings = Settings(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(settings)
    window.resize(1500, 900)
    window.show()

    def shoot() -> None:
        window.player.seek(9.0)
        window.waveform.set_playhead(9.0)
        window.grab().save(str(OUT))
        print(f"wrote {OUT}")
        window.shutdown()
        app.quit()

    window.mediaLoaded.connect(lambda _p: QTimer.singleShot(1500, shoot))
    window.open_path(path)
    app.exec()
    return 0 if OUT.exists() else 1


if __name__ == "__main__":
    sys.exit(main())
