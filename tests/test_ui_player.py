"""The review player, as a person would notice it: it plays, pauses, seeks, replays a segment,
speeds up, and stays harmless when the machine has no sound device.

Playback tests run against a private PulseAudio server with null sinks (no sound card needed).
Qt connects to PulseAudio once per process, at the first use of QtMultimedia, and does not try
again if no server was there; so the server must be up before any test touches QtMultimedia:
``pulse_server`` (tests/conftest.py) is a session-wide autouse fixture for that reason.

Without ``pulseaudio`` installed the playback tests are skipped, except under CI (env ``CI``
set), where they fail: CI installs it.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import itertools
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
import shiboken6
import soundfile as sf
from PySide6.QtCore import QTimer
from PySide6.QtMultimedia import QMediaDevices, QMediaPlayer

from media import multitrack
from pulse import PulseServer
from tingxie.ui.player import Player

RATE = 44100
_sink_names = (f"tingxie_test_{n}" for n in itertools.count())


@pytest.fixture
def audio_device(pulse_server: PulseServer | None, qtbot) -> PulseServer:
    """At least one output device (a null sink), visible to Qt."""
    if pulse_server is None:
        pytest.skip("pulseaudio is not installed")
    if not pulse_server.has_sink():
        pulse_server.add_sink()
    try:
        qtbot.waitUntil(lambda: bool(QMediaDevices.audioOutputs()), timeout=5000)
    except AssertionError:
        message = (
            "Qt sees no audio output although PulseAudio has a sink: QtMultimedia was "
            "probably first used in this process before the server started (Qt connects "
            "once). Start the pulse_server fixture from conftest.py before any Qt test."
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return pulse_server


@pytest.fixture
def no_audio_device(pulse_server: PulseServer | None, monkeypatch) -> Iterator[None]:
    """A machine without output devices.

    Real where it can be: the session's server starts with no sink. Once Qt has seen a device
    it cannot lose it (Qt 6.12's PulseAudio backend never announces a removed sink; see
    player.py), so later on, or where the machine has a sound card, Qt's device list is
    replaced by an empty one instead. Leaving this fixture restores the real list.
    """
    del pulse_server  # requested so the server is up before QtMultimedia's first use
    if QMediaDevices.audioOutputs():
        monkeypatch.setattr(QMediaDevices, "audioOutputs", staticmethod(lambda: []))
    yield
    monkeypatch.undo()


# -- media and players -----------------------------------------------------------------------


def _tone(path: Path, seconds: float) -> Path:
    t = np.arange(int(RATE * seconds)) / RATE
    sf.write(path, (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), RATE)
    return path


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("player-media")
    corrupt = folder / "broken interview.mp3"
    corrupt.write_bytes(np.random.default_rng(0).integers(0, 256, 20000, np.uint8).tobytes())
    return {
        "long": _tone(folder / "tone5.wav", 5.0),
        "short": _tone(folder / "tone1.wav", 1.0),
        "corrupt": corrupt,
    }


def _playback_threads() -> list[str]:
    """Names of the FFmpeg backend's threads alive in this process (Linux)."""
    names = []
    for comm in Path("/proc/self/task").glob("*/comm"):
        try:
            name = comm.read_text().strip()
        except OSError:  # the thread ended meanwhile
            continue
        if name.startswith("QFFmpeg"):
            names.append(name)
    return names


@pytest.fixture
def make_player(qtbot) -> Iterator[Callable[[], Player]]:
    """Players that are closed after the test, leaving no timer or playback thread behind."""
    players: list[Player] = []

    def make() -> Player:
        player = Player()
        players.append(player)
        return player

    yield make
    for player in players:
        backend = player.findChild(QMediaPlayer)
        with qtbot.waitSignal(backend.destroyed, timeout=5000):
            player.close()
        timers = [timer for timer in player.findChildren(QTimer) if timer.isActive()]
        assert not timers, "the player left a timer running after close()"
        shiboken6.delete(player)
    if Path("/proc/self/task").is_dir():
        qtbot.waitUntil(lambda: not _playback_threads(), timeout=5000)


def _loaded(make_player, qtbot, path: Path) -> Player:
    player = make_player()
    with qtbot.waitSignal(player.durationChanged, timeout=5000):
        player.load(path)
    return player


def _play_until_moving(player: Player, qtbot) -> None:
    """Start playback and wait until the backend has really started (its first position)."""
    start = player.position()
    player.play()
    qtbot.waitUntil(lambda: player.position() > start + 0.05, timeout=5000)


# -- without a device ------------------------------------------------------------------------


def test_without_a_device_the_player_says_why_and_ignores_transport(
    no_audio_device, make_player, media, qtbot
):
    player = make_player()
    assert not player.available
    assert "No audio output device" in player.unavailable_reason
    assert "Transcription still works" in player.unavailable_reason

    # Everything is safe before a file is loaded...
    player.play()
    player.toggle()
    player.pause()
    player.skip(5)
    player.play_range(1, 2)
    assert not player.is_playing()

    # ...and after.
    player.load(media["long"])
    player.play()
    player.toggle()
    player.play_range(1.0, 2.0)
    qtbot.wait(300)
    assert not player.is_playing()

    player.set_speed(3)
    assert player.speed() == 2.0
    player.set_volume(-1)
    assert player.volume() == 0.0
    player.rewind_on_resume = 1.5
    assert player.rewind_on_resume == 1.5

    # Seeking still moves the playhead, so a click on the waveform shows where it would play.
    with qtbot.waitSignal(player.positionChanged, check_params_cb=lambda s: s == 3.25):
        player.seek(3.25)
    assert player.position() == pytest.approx(3.25)
    player.skip(-10)
    assert player.position() == 0.0


# -- with the null sink ----------------------------------------------------------------------


def test_plugging_in_a_device_turns_playback_on(
    pulse_server, no_audio_device, make_player, media, qtbot, monkeypatch
):
    if pulse_server is None:
        pytest.skip("pulseaudio is not installed")
    player = make_player()
    player.load(media["long"])
    assert not player.available

    monkeypatch.undo()  # Qt's own device list from here on
    with qtbot.waitSignal(player.availabilityChanged, timeout=5000) as plugged:
        pulse_server.add_sink()
    assert plugged.args == [True, ""]
    assert player.available and player.unavailable_reason == ""
    _play_until_moving(player, qtbot)


def test_losing_the_device_pauses_and_turns_playback_off(
    audio_device, make_player, media, qtbot, monkeypatch
):
    player = _loaded(make_player, qtbot, media["long"])
    _play_until_moving(player, qtbot)

    # Qt 6.12 does not announce a removed PulseAudio sink, so the removal is staged: the list
    # Qt reports becomes empty, and a real device event tells the player to look at it.
    monkeypatch.setattr(QMediaDevices, "audioOutputs", staticmethod(lambda: []))
    with qtbot.waitSignal(player.availabilityChanged, timeout=5000) as lost:
        audio_device.add_sink()
    assert lost.args[0] is False
    assert "No audio output device" in lost.args[1]
    assert not player.is_playing()  # paused, rather than running on silently
    player.play()
    assert not player.is_playing()


def test_play_advances_smoothly_and_pause_stops(audio_device, make_player, media, qtbot):
    player = _loaded(make_player, qtbot, media["long"])
    assert player.duration() == pytest.approx(5.0, abs=0.05)
    with qtbot.waitSignal(player.playingChanged, check_params_cb=lambda p: p is True):
        _play_until_moving(player, qtbot)
    assert player.is_playing()

    seen: list[float] = []
    player.positionChanged.connect(seen.append)
    qtbot.wait(1000)
    # ~30 Hz from the interpolating timer (the backend alone reports ~10 Hz), never backwards.
    assert len(seen) >= 20
    assert seen == sorted(seen)
    assert 0.6 < seen[-1] - seen[0] < 1.4

    with qtbot.waitSignal(player.playingChanged, check_params_cb=lambda p: p is False):
        player.pause()
    paused_at = player.position()
    qtbot.wait(400)
    assert not player.is_playing()
    assert player.position() == pytest.approx(paused_at, abs=0.15)


def test_seek_while_paused_and_while_playing(audio_device, make_player, media, qtbot):
    player = _loaded(make_player, qtbot, media["long"])
    player.seek(2.0)
    assert player.position() == pytest.approx(2.0)
    _play_until_moving(player, qtbot)
    assert 2.0 <= player.position() < 3.0

    player.seek(0.5)  # backwards while playing: the playhead follows
    assert player.position() == pytest.approx(0.5, abs=0.05)
    assert player.is_playing()
    # Playing goes on from there (the backend takes 0.2-2 s to restart after a seek).
    qtbot.waitUntil(lambda: player.position() > 0.7, timeout=5000)
    assert player.position() < 2.0

    player.seek(99)  # clamped to the end
    assert player.position() <= player.duration()


def test_speed_one_and_a_half_plays_faster(audio_device, make_player, media, qtbot):
    player = _loaded(make_player, qtbot, media["long"])
    player.set_speed(1.5)
    assert player.speed() == 1.5
    _play_until_moving(player, qtbot)
    start_pos, start_time = player.position(), time.monotonic()
    qtbot.wait(1200)
    rate = (player.position() - start_pos) / (time.monotonic() - start_time)
    assert 1.2 < rate < 1.8

    player.set_speed(0.1)
    assert player.speed() == 0.5


def test_play_range_pauses_near_its_end(audio_device, make_player, media, qtbot):
    player = _loaded(make_player, qtbot, media["long"])
    with qtbot.waitSignal(player.playingChanged, timeout=5000, check_params_cb=lambda p: not p):
        player.play_range(1.0, 1.8)
    assert player.position() == pytest.approx(1.8, abs=0.05)

    # Replaying the same segment works again and again.
    with qtbot.waitSignal(player.playingChanged, timeout=5000, check_params_cb=lambda p: not p):
        player.play_range(1.0, 1.8)
    assert player.position() == pytest.approx(1.8, abs=0.05)


def test_skip_is_clamped_to_the_media(audio_device, make_player, media, qtbot):
    player = _loaded(make_player, qtbot, media["long"])
    player.seek(1.0)
    player.skip(2.5)
    assert player.position() == pytest.approx(3.5)
    player.skip(-10)
    assert player.position() == 0.0
    player.skip(60)
    assert player.position() == pytest.approx(5.0, abs=0.05)


def test_rewind_on_resume_jumps_back_after_a_pause(audio_device, make_player, media, qtbot):
    player = _loaded(make_player, qtbot, media["long"])
    player.rewind_on_resume = 1.0
    player.seek(2.0)
    player.play()  # a first play, not a resume: no rewind
    qtbot.waitUntil(lambda: player.position() > 2.3, timeout=5000)
    player.pause()
    paused_at = player.position()

    jumps: list[float] = []
    player.positionChanged.connect(jumps.append)
    player.play()
    assert jumps[0] == pytest.approx(paused_at - 1.0, abs=0.05)
    player.pause()

    # A seek in between means the user chose where to resume: no rewind then.
    player.seek(4.0)
    player.play()
    assert player.position() == pytest.approx(4.0, abs=0.05)


def test_end_of_media_stops_at_the_end_and_play_restarts(audio_device, make_player, media, qtbot):
    player = _loaded(make_player, qtbot, media["short"])
    player.seek(0.6)
    with qtbot.waitSignal(player.playingChanged, timeout=5000, check_params_cb=lambda p: not p):
        player.play()
    assert player.position() == pytest.approx(1.0, abs=0.05)
    player.play()  # from the start again
    assert player.position() == 0.0
    qtbot.waitUntil(lambda: 0.1 < player.position() < 0.9, timeout=5000)


def test_play_from_the_very_end_starts_again_from_the_start(audio_device, make_player, media,
                                                             qtbot):
    """Alt+Right that stops at the end, or a click past it, then Play: the backend has
    nothing left and never reports the end, so the player would say it plays, frozen."""
    player = _loaded(make_player, qtbot, media["short"])
    player.skip(60)
    assert player.position() == pytest.approx(1.0)
    qtbot.wait(200)
    player.play()
    assert player.position() == 0.0
    qtbot.waitUntil(lambda: 0.1 < player.position() < 0.9, timeout=5000)
    qtbot.waitUntil(lambda: not player.is_playing(), timeout=5000)  # and it ends again


def test_play_after_a_range_replayed_to_the_end_steps_back_rather_than_restarting(
        audio_device, make_player, media, qtbot):
    """Replay the last segment (its range ends at the recording's end), then Play: the
    resume rewind goes back a second, as after any pause, instead of jumping to 0:00."""
    player = _loaded(make_player, qtbot, media["long"])
    player.rewind_on_resume = 1.0
    with qtbot.waitSignal(player.playingChanged, timeout=5000, check_params_cb=lambda p: not p):
        player.play_range(4.0, 4.997)
    if player._status == QMediaPlayer.MediaStatus.EndOfMedia:
        pytest.skip("the backend reported the end first: Play restarts from 0 then, rightly")
    rest = player.position()
    player.play()
    assert player.position() == pytest.approx(rest - 1.0, abs=0.05)
    player.pause()


def test_a_corrupt_file_reports_an_error_naming_it(audio_device, make_player, media, qtbot):
    player = make_player()
    with qtbot.waitSignal(player.errorOccurred, timeout=5000) as error:
        player.load(media["corrupt"])
    assert "broken interview.mp3" in error.args[0]
    player.play()  # still harmless
    qtbot.wait(100)
    assert not player.is_playing()


def test_a_missing_file_reports_an_error_naming_it(make_player, tmp_path, qtbot):
    player = make_player()
    with qtbot.waitSignal(player.errorOccurred, timeout=5000) as error:
        player.load(tmp_path / "gone.m4a")
    assert "gone.m4a" in error.args[0]


def test_load_returns_without_waiting_for_the_backend(make_player, media):
    player = make_player()
    started = time.perf_counter()
    player.load(media["long"])
    assert time.perf_counter() - started < 0.05


# -- which audio track is heard --------------------------------------------------------------


def _heard_pitch(player: Player, qtbot, seconds: float = 1.0) -> float:
    """Play from the start and record what reaches the output device (its sink's monitor,
    with parec): the dominant frequency heard, in Hz."""
    parec = shutil.which("parec")
    if parec is None:
        if os.environ.get("CI"):
            pytest.fail("parec (pulseaudio-utils) is missing; CI installs it with pulseaudio")
        pytest.skip("parec (pulseaudio-utils) is not installed")
    sink = bytes(player._output.device().id()).decode()
    rate = 16000
    recorder = subprocess.Popen(
        [parec, f"--device={sink}.monitor", "--raw", "--format=s16le", f"--rate={rate}",
         "--channels=1", "--latency-msec=20"], stdout=subprocess.PIPE)
    try:
        _play_until_moving(player, qtbot)
        start = player.position()
        qtbot.waitUntil(lambda: player.position() > start + seconds, timeout=10_000)
        player.pause()
    finally:
        recorder.send_signal(signal.SIGINT)  # parec hands over what it holds on SIGINT
        recorded, _ = recorder.communicate(timeout=5)
    samples = np.frombuffer(recorded[: len(recorded) // 2 * 2], np.int16).astype(np.float32)
    assert samples.size > rate // 2 and np.abs(samples).max() > 300, "nothing was heard"
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.argmax(spectrum) * rate / len(samples))


@pytest.mark.parametrize("track, freq", [(None, 700), (1, 300), (2, 700), (3, 1500)])
def test_the_audio_track_asked_for_is_the_one_heard(
        audio_device, make_player, tmp_path, qtbot, track, freq):
    # The file marks track 2 as default, which Qt's backend plays unless told otherwise; a
    # reviewer correcting a transcript of track 1 must hear track 1.
    path = multitrack(tmp_path / "film.mkv", (300, 700, 1500), seconds=6.0,
                      languages=("eng", "fra", "deu"), default=2)
    player = make_player()
    with qtbot.waitSignal(player.durationChanged, timeout=5000):
        player.load(path, audio_track=track)
    qtbot.waitUntil(lambda: player.active_audio_track() == (track or 2), timeout=5000)
    assert _heard_pitch(player, qtbot) == pytest.approx(freq, abs=15)


def test_choosing_another_track_of_the_open_file_plays_it(
        audio_device, make_player, tmp_path, qtbot):
    # File > Audio track opens the same file again: the backend keeps it loaded and says
    # nothing, yet the new track is heard and the length is still known.
    path = multitrack(tmp_path / "film.mkv", (300, 700, 1500), seconds=6.0, default=2)
    player = make_player()
    with qtbot.waitSignal(player.durationChanged, timeout=5000):
        player.load(path, audio_track=1)
    qtbot.waitUntil(lambda: player.active_audio_track() == 1, timeout=5000)
    player.load(path, audio_track=3)
    qtbot.waitUntil(lambda: player.active_audio_track() == 3, timeout=5000)
    assert player.duration() == pytest.approx(6.0, abs=0.1)
    assert _heard_pitch(player, qtbot) == pytest.approx(1500, abs=15)
