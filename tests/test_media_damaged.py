"""Opening what a user really has: a damaged recording is transcribed as far as it can be
read in the window, the batch queue and the command line alike, and a project whose audio
had to be located opens with that audio from then on."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from media import drop_packets, speak, write_wav
from tingxie import cli
from tingxie.asr.qwen3 import Qwen3ASREngine
from tingxie.core import project as projects
from tingxie.core.audio import CorruptAudioFile, TruncatedAudioFile, load
from tingxie.jobs.media import AudioMissing, load_media
from tingxie.ui.queue import Status
from tingxie.ui.queue_panel import QueuePanel
from tingxie.ui.session import stored_regions
from tingxie.ui.worker import TranscriptionHost
from ui_windows import dispose, idle_window, queue_panel

needs_ffmpeg = pytest.mark.skipif(
    shutil.which("ffmpeg") is None and not os.environ.get("CI"), reason="needs ffmpeg")

RUN_TIMEOUT_MS = 60_000


def tone_wav(path: Path, seconds: float, freq: float = 440.0) -> Path:
    t = np.arange(round(seconds * 16000)) / 16000
    return write_wav(path, (0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32))


def cut_in_half(source: Path, target: Path) -> Path:
    data = source.read_bytes()
    target.write_bytes(data[: len(data) // 2])
    return target


def with_dropped_packets(source: Path, target: Path) -> Path:
    """``source`` as opus in mkv, less two 100 ms runs of packets (a recorder that dropped
    them): a damaged file whose readable part is nearly all of it."""
    opus = target.with_name(target.stem + " intact.mkv")
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-i", str(source),
                    "-c:a", "libopus", str(opus)], check=True)
    drop_packets(opus, target, [(1.0, 1.1), (2.0, 2.1)])
    opus.unlink()
    return target


@pytest.fixture
def damaged(tmp_path: Path) -> Path:
    if shutil.which("ffmpeg") is None and not os.environ.get("CI"):
        pytest.skip("needs ffmpeg")
    path = with_dropped_packets(tone_wav(tmp_path / "tone.wav", 4.0), tmp_path / "damaged.mkv")
    with pytest.raises(CorruptAudioFile):
        load(path)
    return path


@pytest.fixture
def damaged_speech(tmp_path: Path) -> Path:
    if shutil.which("ffmpeg") is None and not os.environ.get("CI"):
        pytest.skip("needs ffmpeg")
    speech = speak("Hello, this recording lost two short passages on the way.")
    wav = write_wav(tmp_path / "speech.wav", np.concatenate([np.zeros(8000), speech]))
    return with_dropped_packets(wav, tmp_path / "interview damaged.mkv")


# --- a located audio file -------------------------------------------------------------


def project_of(audio: Path, target: Path) -> Path:
    """A project made with ``audio``, with the speech regions found in it."""
    project = projects.Project()
    projects.attach_audio(project, audio)
    project.options["speech_regions"] = {"audio_fingerprint": project.audio_fingerprint,
                                         "regions": [[0.2, 1.4]]}
    projects.save(project, target)
    return target


def test_a_located_other_copy_becomes_the_projects_audio(tmp_path: Path) -> None:
    old = tone_wav(tmp_path / "interview.wav", 2.0, 440)
    path = project_of(old, tmp_path / "interview.tingxie")
    old.unlink()  # the card was wiped; another export of the recording is elsewhere
    (tmp_path / "elsewhere").mkdir()
    other = tone_wav(tmp_path / "elsewhere" / "interview export.wav", 3.0, 660)
    with pytest.raises(AudioMissing):
        load_media(path)

    loaded = load_media(path, media_path=other)

    assert loaded.project.audio_fingerprint == projects.fingerprint(other)
    assert loaded.relinked, "the project file names the old audio until it is saved"
    # The regions found in the old audio are not used on the new one.
    assert stored_regions(loaded.project) is None
    assert "speech_regions" not in loaded.project.options
    projects.save(loaded.project, path)
    again = load_media(path)  # no "audio not found" on the next open
    assert again.media_path == other.resolve()
    assert again.audio.duration == pytest.approx(3.0, abs=0.01)


def test_a_located_moved_file_keeps_its_speech_regions(tmp_path: Path) -> None:
    old = tone_wav(tmp_path / "interview.wav", 2.0)
    path = project_of(old, tmp_path / "interview.tingxie")
    (tmp_path / "moved").mkdir()
    moved = old.rename(tmp_path / "moved" / "interview.wav")

    loaded = load_media(path, media_path=moved)

    assert loaded.project.audio_path == moved.resolve()
    assert stored_regions(loaded.project) == [(0.2, 1.4)]


# --- a damaged recording, as far as it can be read ------------------------------------


def test_the_readable_part_of_a_recording_with_holes_opens_when_asked(damaged: Path) -> None:
    with pytest.raises(CorruptAudioFile):
        load_media(damaged)

    loaded = load_media(damaged, accept_partial=True)

    assert "is damaged" in loaded.truncated
    assert loaded.audio.duration == pytest.approx(4.0, abs=0.02)  # the holes are silence


@needs_ffmpeg
def test_a_video_copied_halfway_opens_its_first_half_only_when_asked(tmp_path: Path) -> None:
    # A film (picture and sound) whose download stopped halfway: it opened as complete,
    # and the user got half a transcript without a word.
    film = tmp_path / "lecture.mkv"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i",
                    "testsrc=size=64x48:rate=10:duration=12", "-f", "lavfi", "-i",
                    "sine=frequency=440:duration=12", "-map", "0", "-map", "1", str(film)],
                   check=True)
    half = cut_in_half(film, tmp_path / "lecture part.mkv")
    with pytest.raises(TruncatedAudioFile, match="ends early"):
        load_media(half)

    loaded = load_media(half, accept_partial=True)

    assert "ends early: only 0:0" in loaded.truncated
    assert "of its 0:12 could be read" in loaded.truncated
    assert 3.0 < loaded.audio.duration < 9.0


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    asked: list[str] = []

    def question(parent, title, text, *args, **kwargs):
        asked.append(title)
        # Yes, as a user would; a dialog that keeps coming back gets No in the end.
        return (QMessageBox.StandardButton.Yes if len(asked) <= 6
                else QMessageBox.StandardButton.No)

    monkeypatch.setattr(QMessageBox, "question", question)
    win = idle_window(qtbot, tmp_path)
    win.asked = asked
    yield win
    dispose(win)


def test_the_window_offers_the_readable_part_of_a_file_with_holes(qtbot, window,
                                                                   damaged: Path) -> None:
    with qtbot.waitSignal(window.mediaLoaded, timeout=30_000):
        window.open_path(damaged)

    assert window.asked == ["Damaged file"]
    assert window.session.loaded.audio.duration == pytest.approx(4.0, abs=0.02)
    assert window.statusBar().currentMessage() == "Opened the readable part only."


def test_a_truncated_file_that_had_to_be_located_opens(qtbot, window, tmp_path: Path,
                                                       monkeypatch) -> None:
    old = tone_wav(tmp_path / "interview.wav", 6.0)
    path = project_of(old, tmp_path / "interview.tingxie")
    copy = cut_in_half(old, tmp_path / "interview copy.wav")
    old.unlink()
    with pytest.raises(TruncatedAudioFile):
        load(copy)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(copy), ""))

    with qtbot.waitSignal(window.mediaLoaded, timeout=30_000):
        window.open_path(path)

    assert window.asked == ["Audio not found", "Damaged file"]  # and never again
    assert window.session.loaded.media_path == copy
    # The project file still names the old recording: the new link is unsaved work.
    assert window.session.dirty and window.session.has_unsaved_work
    assert window.session.loaded.audio.duration == pytest.approx(3.0, abs=0.05)


# --- nobody there to ask: the queue and the command line ------------------------------


@pytest.fixture
def host(qapp, tiny_checkpoint: Path):
    h = TranscriptionHost(engine_factory=lambda spec: Qwen3ASREngine(spec.model, device="cpu"))
    yield h
    assert h.shutdown(20_000), "the transcription thread did not stop"


@pytest.fixture
def panel(qtbot, host, background, settings, tiny_checkpoint: Path) -> QueuePanel:
    p = queue_panel(qtbot, host, background, settings, tiny_checkpoint)
    yield p
    p.controller.stop()
    qtbot.waitUntil(lambda: not p.controller.busy, timeout=RUN_TIMEOUT_MS)


def test_the_queue_transcribes_the_readable_part_and_says_so(qtbot, panel,
                                                             damaged_speech: Path) -> None:
    controller = panel.controller
    controller.add_files([damaged_speech])

    with qtbot.waitSignal(controller.busyChanged, timeout=RUN_TIMEOUT_MS,
                          check_params_cb=lambda busy: not busy):
        panel.start_button.click()

    item = controller.items[0]
    assert item.status is Status.DONE, item.error
    model = controller.model
    status = model.data(model.index(0, model.STATUS))
    assert status.startswith("done — ")
    assert "The recording is damaged: 2 passage(s)" in status
    assert "The part that could be read was transcribed." in status
    saved = projects.load(item.output)
    assert saved.transcript.duration == pytest.approx(
        load_media(damaged_speech, accept_partial=True).audio.duration, abs=0.01)


def test_the_command_line_transcribes_the_readable_part_with_a_warning(
        damaged_speech: Path, tiny_checkpoint: Path, tmp_path: Path, capsys) -> None:
    status = cli.main(["transcribe", str(damaged_speech), "--model", str(tiny_checkpoint),
                       "--device", "cpu", "--max-new-tokens", "8", "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err

    assert status == 0, err
    assert (f"{damaged_speech.name}: warning: the recording is damaged: 2 passage(s)"
            in err)
    assert "that could be read" in err
    assert (tmp_path / "out" / f"{damaged_speech.stem}.json").exists()


# --- what a hunt for lost work found ----------------------------------------------------


def test_the_complete_copy_of_a_half_read_recording_is_transcribed_and_saved_whole(
        tmp_path: Path) -> None:
    from tingxie.core.edits import ReplaceRange
    from tingxie.core.transcript import Segment

    whole = tone_wav(tmp_path / "whole.wav", 6.0)
    talk = cut_in_half(whole, tmp_path / "talk.wav")  # the copy was still syncing
    first = load_media(talk, accept_partial=True)
    assert first.truncated
    first.project.transcript.segments.append(Segment(1, 0.5, 1.0, "first words"))
    project = tmp_path / "talk.tingxie"
    projects.save(first.project, project)
    shutil.copy(whole, talk)  # now complete; "Audio not found" > Locate

    located = load_media(project, media_path=talk)

    transcript = located.project.transcript
    assert transcript.duration == pytest.approx(located.audio.duration, abs=0.001)
    assert any("longer than" in n for n in located.notices), located.notices
    # "Transcribe the whole file"
    ReplaceRange(0.0, located.audio.duration + 1.0,
                 [Segment(0, 0.5, 1.0, "first words"), Segment(0, 4.0, 5.0, "later words")]
                 ).do(transcript)
    projects.save(located.project, project)
    reopened = load_media(project)
    assert [s.text for s in reopened.project.transcript.segments] == ["first words",
                                                                      "later words"]
    assert reopened.notices == []


@needs_ffmpeg
def test_a_project_of_track_two_opens_with_a_copy_of_that_track_alone(tmp_path: Path) -> None:
    from media import multitrack

    film = multitrack(tmp_path / "film.mkv", [440.0, 880.0], seconds=2.0)
    made = load_media(film, track=2)
    assert made.audio.track == 2
    project = tmp_path / "film.tingxie"
    projects.save(made.project, project)
    # the commentary extracted as a wav, the video left behind
    commentary = tmp_path / "film-commentary.wav"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(film), "-map", "0:a:1",
                    str(commentary)], check=True)
    film.unlink()

    located = load_media(project, media_path=commentary)

    assert located.audio.track == 1 and located.audio.duration == pytest.approx(2.0, abs=0.1)
    assert any("track 2 no longer exists in film-commentary.wav" in n.lower()
               for n in located.notices), located.notices
    assert "audio_track" not in located.project.options
    projects.save(located.project, project)
    assert load_media(project).notices == [], "saved, it opens with its one track"
