"""Audio playback for review: QMediaPlayer + QAudioOutput behind a small, always-safe API.

The player plays the user's original media file (mp3, m4a, mp4...); Qt's FFmpeg backend decodes
it in its own threads, so ``load()`` returns at once.

What Qt's FFmpeg backend does, measured on PulseAudio with PySide6 6.12.0 (FFmpeg 9.0) and
6.11.3 (FFmpeg 7.1):

- ``QMediaPlayer.positionChanged`` fires every 50–200 ms of wall time and the value moves in
  steps of one decoded audio buffer (about 93 ms for 44.1 kHz PCM), so a playhead drawn from it
  stutters. While playing, :class:`Player` emits its own ``positionChanged`` at ~30 Hz,
  extrapolated from the last reported position by the wall clock times the rate.
- The first ``play()`` straight after ``setSource()`` can take 0.5–2 s before the position
  moves, and it can stall for a second after its first report; with 6.11.3 a seek while
  playing stalls for 0.2–2 s too. Extrapolation therefore waits for a report after each play
  or seek, and never runs more than :data:`_MAX_EXTRAPOLATION` seconds ahead of the last one.
- Pitch is preserved at other rates: the backend time-stretches (``pitchCompensation``, on by
  default; a 440 Hz tone stays 440 Hz at 0.5×, 1.5× and 2×, and goes to 660 Hz at 1.5× with it
  off). We turn it on explicitly.
- With no output device the backend still "plays": the position advances silently with a
  clock and Qt logs "No audio device detected". :class:`Player` does not start playback then;
  it reports itself unavailable instead.
- Qt connects to PulseAudio once, at its first use in the process, and does not retry if no
  server answered: a sound server started later is seen only after a restart. A sink added to a
  running server is announced (``audioOutputsChanged``); a removed one is not (6.12.0 and 6.11.3:
  Qt drops it from its map without telling anyone), so unplugging the last device goes
  unnoticed.

Why every call into QMediaPlayer is queued: PySide keeps the GIL while a Python call runs C++
code. ``QMediaPlayer.play()`` (and seek, stop, destruction...) can wait on a lock held by the
backend's audio thread, while that thread, tearing down its previous renderer, waits for the
GIL to ask PySide whether Python overrides ``QAudioOutput.disconnectNotify``. That deadlock
froze the UI in about one test run in ten (seen with 6.12.0, in ``play()`` after the end).
Calls posted with ``QMetaObject.invokeMethod`` run from the event loop, which has released the
GIL, so the audio thread can always finish.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    Q_ARG,
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QElapsedTimer,
    QMetaObject,
    QObject,
    Qt,
    QTimer,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtMultimedia import (
    QAudioDevice,
    QAudioOutput,
    QMediaDevices,
    QMediaPlayer,
    QtAudio,
    QVideoSink,
)

MIN_SPEED = 0.5
MAX_SPEED = 2.0
TICK_MS = 33  # ~30 Hz playhead updates while playing
# The furthest the playhead may run ahead of the backend's last report, in media seconds: more
# than one report interval (~0.1 s of media), small enough that a stall shows within a frame.
_MAX_EXTRAPOLATION = 0.3
# A play range counts as finished this close to its end (seconds).
_RANGE_TOLERANCE = 0.005
# A finished play range leaves the playhead this far before its end (seconds): inside the
# range, so that the segment that ends there is still the one under the playhead (the next
# one starts at that very time), and a replay replays it.
_RANGE_REST = 0.001

_QUEUED = Qt.ConnectionType.QueuedConnection


# -- user-facing text ------------------------------------------------------------------------


def _tr(text: str) -> str:
    # For texts marked with QT_TRANSLATE_NOOP("Player", ...) elsewhere; literal texts call
    # QCoreApplication.translate directly so that lupdate collects them.
    return QCoreApplication.translate("Player", text)


def no_device_reason() -> str:
    """What the user reads when there is no output device."""
    return QCoreApplication.translate(
        "Player",
        "No audio output device was found, so playback is off. Transcription still works.")


def backend_reason() -> str:
    """What the user reads when Qt's media backend could not start."""
    return QCoreApplication.translate(
        "Player",
        "Audio playback could not start (Qt's media backend is not available), "
        "so playback is off. Transcription still works."
    )


_ERROR_DETAILS = {
    QMediaPlayer.Error.ResourceError: QT_TRANSLATE_NOOP(
        "Player", "the file could not be opened. Check that it still exists and that you can "
        "read it."),
    QMediaPlayer.Error.FormatError: QT_TRANSLATE_NOOP(
        "Player", "the file is damaged or its format is not supported."),
    QMediaPlayer.Error.AccessDeniedError: QT_TRANSLATE_NOOP(
        "Player", "you do not have permission to read the file."),
    QMediaPlayer.Error.NetworkError: QT_TRANSLATE_NOOP(
        "Player", "the file could not be read over the network."),
}


class Player(QObject):
    """Plays one media file for review, with a smooth playhead and safe no-device behaviour.

    Every method may be called at any time and returns at once: without a file, or while
    :attr:`available` is false, calls do nothing, except that ``seek``, ``skip`` and
    ``play_range`` still move the reported position so the playhead follows clicks. Times are
    in seconds. ``is_playing()`` and ``position()`` answer what was asked for at once; the
    backend catches up in the background.

    Call :meth:`close` when done (before the application quits); it stops playback and timers
    and lets the backend shut down from the event loop.
    """

    positionChanged = Signal(float)
    playingChanged = Signal(bool)
    durationChanged = Signal(float)
    errorOccurred = Signal(str)
    availabilityChanged = Signal(bool, str)
    #: Whether the loaded file has a picture (a video track), once the backend knows.
    hasVideoChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._path: Path | None = None
        self._speed = 1.0
        self._volume = 1.0
        self._rewind_on_resume = 0.0
        self._playing = False  # what was asked for; the backend follows
        self._closed = False
        self._duration = 0.0
        self._known_duration = 0.0  # the decoded audio's, until the backend reports its own
        self._status = QMediaPlayer.MediaStatus.NoMedia
        self._audio_track: int | None = None  # the track to play, from 1; None: the backend's

        # Playhead model: the last position the backend reported (or we sought to), and when.
        self._anchor = 0.0
        self._anchor_clock = QElapsedTimer()
        self._anchor_clock.start()
        self._confirmed = False  # the backend has reported since the last play or seek
        self._last_emitted = 0.0
        self._seeks_in_flight = 0  # backend reports are stale until our seek reached it
        self._range_start = 0.0
        self._range_end: float | None = None
        self._rewind_pending = False  # paused by playing; cleared by an explicit seek

        self._devices = QMediaDevices(self)
        self._media = QMediaPlayer(self)
        self._output = QAudioOutput(self._media)
        # Safe to call directly here: no playback thread exists yet.
        self._media.setAudioOutput(self._output)
        # The picture goes to a sink that the video pane polls from the UI thread: no Python
        # slot ever runs on the backend's render thread (see the module docstring).
        self._video_sink = QVideoSink(self._media)
        self._media.setVideoSink(self._video_sink)
        self._media.setPitchCompensation(True)
        self._output.setVolume(self._volume)
        self._backend_ok = self._media.isAvailable()

        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self._on_tick)
        self._range_timer = QTimer(self)
        self._range_timer.setSingleShot(True)
        self._range_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._range_timer.timeout.connect(self._check_range_end)

        self._media.positionChanged.connect(self._on_backend_position)
        self._media.durationChanged.connect(self._on_backend_duration)
        self._media.playbackStateChanged.connect(self._on_backend_state)
        self._media.mediaStatusChanged.connect(self._on_backend_status)
        self._media.errorOccurred.connect(self._on_backend_error)
        self._media.hasVideoChanged.connect(self._on_backend_has_video)
        self._devices.audioOutputsChanged.connect(self._on_outputs_changed)

        self._available, self._reason = self._probe_availability()

    # -- availability ------------------------------------------------------------------------

    @property
    def available(self) -> bool:
        """Whether sound can be played now."""
        return self._available

    @property
    def unavailable_reason(self) -> str:
        """Why playback is off, in words for the user; empty while available."""
        return self._reason

    def _probe_availability(self) -> tuple[bool, str]:
        if not self._backend_ok:
            return False, backend_reason()
        if not QMediaDevices.audioOutputs():
            return False, no_device_reason()
        return True, ""

    def _on_outputs_changed(self) -> None:
        if self._closed:
            return
        outputs = QMediaDevices.audioOutputs()
        current = self._output.device()
        if outputs and (current.isNull() or current not in outputs):
            default = QMediaDevices.defaultAudioOutput()
            self._call(self._output, "setDevice", Q_ARG(QAudioDevice, default))
        available, reason = self._probe_availability()
        if available == self._available and reason == self._reason:
            return
        if not available:
            self.pause()
        self._available, self._reason = available, reason
        self.availabilityChanged.emit(available, reason)

    # -- loading -----------------------------------------------------------------------------

    def load(self, path: str | Path, *, audio_track: int | None = None) -> None:
        """Open ``path`` for playback; returns at once, the backend opens it in the background.

        ``audio_track`` (counting from 1, as :func:`tingxie.core.audio.load` does) is the track
        to play in a file with several: the one being transcribed. Without it the backend
        plays the track it prefers (the file's default).

        Problems with the file arrive later as ``errorOccurred``. The file is opened even while
        no device is available, so its duration is known and playback can start once one is.
        """
        if self._closed:
            return
        self._set_playing(False)
        self._path = Path(path)
        self._audio_track = audio_track
        self._range_end = None
        self._range_timer.stop()
        self._rewind_pending = False
        self._duration = 0.0
        self._known_duration = 0.0
        self._status = QMediaPlayer.MediaStatus.LoadingMedia
        self._seek_to(0.0, tell_backend=False)
        if self._backend_ok:
            self._call(self._media, "stop")
            self._call(self._media, "setSource", Q_ARG(QUrl, QUrl.fromLocalFile(str(self._path))))
            self._call(self, "_source_reached_backend")  # runs right after setSource

    def video_sink(self) -> QVideoSink:
        """Where the backend puts the current video frame (poll ``videoFrame()``)."""
        return self._video_sink

    def backend_available(self) -> bool:
        """Whether Qt's media backend started (without it there is no sound or picture)."""
        return self._backend_ok

    def has_video(self) -> bool:
        """Whether the loaded file has a video track (known once the backend opened it)."""
        return not self._closed and self._media.hasVideo()

    def path(self) -> Path | None:
        """The file last given to :meth:`load`."""
        return self._path

    def duration(self) -> float:
        """Length of the loaded media in seconds; 0 until the backend knows it."""
        return self._duration

    def set_known_duration(self, seconds: float) -> None:
        """The length of the loaded file as decoded for the transcript (call after
        :meth:`load`): seeks are clamped to it while the backend has not reported its own,
        just after loading or when there is no media backend at all."""
        self._known_duration = max(0.0, float(seconds))

    # -- transport ---------------------------------------------------------------------------

    def is_playing(self) -> bool:
        return self._playing

    def play(self) -> None:
        """Start or resume playback (cancels a pending :meth:`play_range` end)."""
        self._range_end = None
        self._range_timer.stop()
        self._start()

    def pause(self) -> None:
        self._range_end = None
        self._range_timer.stop()
        if not self._playing:
            return
        self._anchor = self._estimate()
        self._set_playing(False)
        self._call(self._media, "pause")
        self._rewind_pending = True

    def toggle(self) -> None:
        if self._playing:
            self.pause()
        else:
            self.play()

    def seek(self, seconds: float) -> None:
        """Move to ``seconds`` (clamped to the media); works without a device too."""
        if self._closed:
            return
        self._rewind_pending = False
        self._range_end = None
        self._range_timer.stop()
        self._seek_to(self._clamp(seconds))

    def skip(self, delta_seconds: float) -> None:
        """Jump forward (positive) or back (negative) from the current position, clamped."""
        self.seek(self.position() + delta_seconds)

    def play_range(self, start: float, end: float) -> None:
        """Play from ``start`` and pause at ``end`` (e.g. replay the current segment)."""
        if self._closed:
            return
        start = self._clamp(start)
        end = max(start, self._clamp(end))
        self._rewind_pending = False
        self._seek_to(start)
        if not self._can_play() or end - start <= _RANGE_TOLERANCE:
            return
        self._start(rewind=False)
        self._range_start = start
        self._range_end = end
        self._schedule_range_check()

    def position(self) -> float:
        """The playhead position in seconds, extrapolated between backend reports."""
        return self._estimate()

    # -- settings ----------------------------------------------------------------------------

    def set_speed(self, rate: float) -> None:
        """Playback rate, clamped to 0.5–2.0; pitch is preserved by the backend."""
        rate = min(MAX_SPEED, max(MIN_SPEED, float(rate)))
        if rate == self._speed:
            return
        self._set_anchor(self._estimate(), confirmed=self._confirmed)
        self._speed = rate
        self._call(self._media, "setPlaybackRate", Q_ARG(float, rate))
        self._schedule_range_check()

    def speed(self) -> float:
        return self._speed

    def set_volume(self, volume: float) -> None:
        """Volume from 0 (silent) to 1 (full), on a perceptual (logarithmic) scale.

        A slider at half sounds about half as loud: the value is converted to the linear gain
        Qt wants, as Qt's documentation advises for volume controls.
        """
        self._volume = min(1.0, max(0.0, float(volume)))
        gain = QtAudio.convertVolume(
            self._volume,
            QtAudio.VolumeScale.LogarithmicVolumeScale,
            QtAudio.VolumeScale.LinearVolumeScale,
        )
        self._call(self._output, "setVolume", Q_ARG("float", gain))

    def volume(self) -> float:
        return self._volume

    @property
    def rewind_on_resume(self) -> float:
        """Seconds to jump back when playback resumes after a pause (0 = off).

        Applies to :meth:`play` after :meth:`pause` (or after a play range ended), unless the
        user moved the playhead in between.
        """
        return self._rewind_on_resume

    @rewind_on_resume.setter
    def rewind_on_resume(self, seconds: float) -> None:
        self._rewind_on_resume = max(0.0, float(seconds))

    def close(self) -> None:
        """Stop playback and timers; the backend is stopped and deleted from the event loop.

        The player is inert afterwards. Its QMediaPlayer is handed to the application object
        and deleted with ``deleteLater()``, so that it is never destroyed while Python holds
        the GIL (see the module docstring), even if this object is deleted right away.
        """
        if self._closed:
            return
        self._set_playing(False)
        self._closed = True
        self._tick.stop()
        self._range_timer.stop()
        self._devices.audioOutputsChanged.disconnect(self._on_outputs_changed)
        self._media.positionChanged.disconnect(self._on_backend_position)
        self._media.durationChanged.disconnect(self._on_backend_duration)
        self._media.playbackStateChanged.disconnect(self._on_backend_state)
        self._media.mediaStatusChanged.disconnect(self._on_backend_status)
        self._media.errorOccurred.disconnect(self._on_backend_error)
        self._media.hasVideoChanged.disconnect(self._on_backend_has_video)
        self._call(self._media, "stop")
        app = QCoreApplication.instance()
        if app is not None:
            self._media.setParent(app)
            self._media.deleteLater()

    # -- internals ---------------------------------------------------------------------------

    @staticmethod
    def _call(target: QObject, method: str, *args: Any) -> None:
        """Run a slot of the backend from the event loop, where the GIL is released."""
        QMetaObject.invokeMethod(target, method, _QUEUED, *args)

    def _can_play(self) -> bool:
        return (
            self._available
            and not self._closed
            and self._path is not None
            and self._status != QMediaPlayer.MediaStatus.InvalidMedia
        )

    def _set_playing(self, playing: bool) -> None:
        if playing == self._playing:
            return
        self._playing = playing
        if playing:
            self._tick.start()
        else:
            self._tick.stop()
            self._range_timer.stop()
        self.playingChanged.emit(playing)

    def _start(self, rewind: bool = True) -> None:
        if not self._can_play() or self._playing:
            return
        length = self._length()
        if self._status == QMediaPlayer.MediaStatus.EndOfMedia:
            self._seek_to(0.0)  # the backend restarts from 0; keep the playhead in step
        elif rewind and self._rewind_pending and self._rewind_on_resume > 0:
            # A pause (or a replayed range that ended at the recording's end): step back.
            self._seek_to(max(0.0, self._estimate() - self._rewind_on_resume))
        elif length > 0 and self._estimate() >= length - _RANGE_TOLERANCE:
            # A seek onto the last position, which the backend "plays" without ever
            # reporting the end: nothing left to play, so start again from 0.
            self._seek_to(0.0)
        self._rewind_pending = False
        self._set_anchor(self._anchor, confirmed=False)
        self._set_playing(True)
        self._call(self._media, "play")

    def _length(self) -> float:
        """The media's length: the backend's, else the decoded one; 0 when neither is known."""
        return self._duration if self._duration > 0 else self._known_duration

    def _clamp(self, seconds: float) -> float:
        if self._path is None:
            return 0.0  # no file open: there is nowhere to go
        seconds = max(0.0, float(seconds))
        length = self._length()
        return min(seconds, length) if length > 0 else seconds

    def _seek_to(self, target: float, tell_backend: bool = True) -> None:
        self._set_anchor(target, confirmed=False)
        self._last_emitted = target
        if tell_backend and self._backend_ok and self._path is not None:
            if self._status == QMediaPlayer.MediaStatus.EndOfMedia:
                self._status = QMediaPlayer.MediaStatus.LoadedMedia  # play goes on from here
            self._seeks_in_flight += 1
            self._call(self._media, "setPosition", Q_ARG("qint64", round(target * 1000)))
            self._call(self, "_seek_reached_backend")  # runs right after setPosition
        self.positionChanged.emit(target)

    @Slot()
    def _source_reached_backend(self) -> None:
        # The same file again (another of its audio tracks was chosen): the backend keeps it
        # loaded and says nothing, so what it would have said on loading is taken from it.
        status = self._media.mediaStatus()
        if self._closed or status == QMediaPlayer.MediaStatus.LoadingMedia:
            return  # a new file: its LoadedMedia (or an error) follows
        self._status = status
        if status != QMediaPlayer.MediaStatus.InvalidMedia:
            self._on_backend_duration(self._media.duration())
            self._choose_audio_track()

    @Slot()
    def _seek_reached_backend(self) -> None:
        self._seeks_in_flight -= 1

    def _set_anchor(self, seconds: float, confirmed: bool) -> None:
        self._anchor = seconds
        self._anchor_clock.restart()
        self._confirmed = confirmed

    def _estimate(self) -> float:
        if not (self._playing and self._confirmed):
            return self._anchor
        ahead = self._anchor_clock.elapsed() / 1000.0 * self._speed
        estimate = self._anchor + min(ahead, _MAX_EXTRAPOLATION)
        if self._length() > 0:
            estimate = min(estimate, self._length())
        # Backend reports trail the extrapolation a little; never draw the playhead backwards.
        return max(estimate, self._last_emitted)

    def _emit_position(self) -> None:
        position = self._estimate()
        if position != self._last_emitted:
            self._last_emitted = position
            self.positionChanged.emit(position)

    def _on_tick(self) -> None:
        if self._range_end is not None and self._estimate() >= self._range_end - _RANGE_TOLERANCE:
            self._finish_range()  # before drawing: the playhead never shows past the range
            return
        self._emit_position()

    def _schedule_range_check(self) -> None:
        if self._range_end is None or not self._playing or not self._confirmed:
            return
        remaining = (self._range_end - self._estimate()) / self._speed
        self._range_timer.start(max(0, round(remaining * 1000)))

    def _check_range_end(self) -> None:
        if self._range_end is None:
            return
        if self._estimate() >= self._range_end - _RANGE_TOLERANCE:
            self._finish_range()
        else:
            self._schedule_range_check()

    def _finish_range(self) -> None:
        end = self._range_end
        assert end is not None
        self.pause()
        self._seek_to(max(self._range_start, end - _RANGE_REST))
        self._rewind_pending = True  # resuming after a replayed segment rewinds like a pause

    # -- backend reports (queued or direct, always on this thread) ---------------------------

    def _on_backend_position(self, ms: int) -> None:
        if self._seeks_in_flight > 0:
            return  # from before our seek reached the backend
        seconds = ms / 1000.0
        if self._playing:
            if seconds < self._last_emitted - _MAX_EXTRAPOLATION:
                self._last_emitted = seconds  # a real jump back (a loop, a restart): follow it
            self._set_anchor(seconds, confirmed=True)
            self._schedule_range_check()
        else:
            self._set_anchor(seconds, confirmed=False)
            if seconds != self._last_emitted:
                self._last_emitted = seconds
                self.positionChanged.emit(seconds)

    def _on_backend_has_video(self, has_video: bool) -> None:
        if has_video and not self._playing:
            # A stopped backend renders no frame; a paused one shows the frame at each seek.
            self._call(self._media, "pause")
        self.hasVideoChanged.emit(has_video)

    def _on_backend_duration(self, ms: int) -> None:
        self._duration = max(0.0, ms / 1000.0)
        self.durationChanged.emit(self._duration)

    def _on_backend_state(self, state: QMediaPlayer.PlaybackState) -> None:
        # Playing and paused are echoes of our own requests; stopping is the backend's doing
        # (end of media, an error) and ends playback here too.
        if state == QMediaPlayer.PlaybackState.StoppedState:
            self._set_playing(False)

    def _on_backend_status(self, status: QMediaPlayer.MediaStatus) -> None:
        self._status = status
        if status == QMediaPlayer.MediaStatus.LoadedMedia:
            self._choose_audio_track()
        if status == QMediaPlayer.MediaStatus.LoadedMedia and self._media.hasVideo():
            # One video after another: hasVideo stays true and sends no change, so say it
            # again for the new file (and show its first frame).
            self._on_backend_has_video(True)
        if status == QMediaPlayer.MediaStatus.EndOfMedia:
            # The playhead rests at the end (the backend restarts from 0 on the next play).
            self._range_end = None
            self._set_playing(False)
            self._set_anchor(self._duration, confirmed=False)
            self._last_emitted = self._anchor
            self.positionChanged.emit(self._anchor)
        elif status == QMediaPlayer.MediaStatus.InvalidMedia:
            self._set_playing(False)

    def _choose_audio_track(self) -> None:
        # Qt's backend plays the track the file marks as default (FFmpeg's best stream); the
        # transcript may be of another one, and the reviewer must hear what they correct.
        # Qt lists the audio tracks in the file's order, as PyAV does.
        if self._audio_track is None:
            return
        # setActiveAudioTrack is no slot, so it cannot be queued like the other calls; it is
        # safe to make directly here, where the media has just loaded and nothing plays: the
        # backend swaps its demuxer and renderers without waiting on its threads (old ones
        # are killed and deleted later from the event loop).
        index = self._audio_track - 1
        if 0 <= index < len(self._media.audioTracks()) and self._media.activeAudioTrack() != index:
            self._media.setActiveAudioTrack(index)

    def active_audio_track(self) -> int | None:
        """The audio track the backend plays, counting from 1; ``None`` before it knows."""
        if self._closed or not self._media.audioTracks():
            return None
        return self._media.activeAudioTrack() + 1

    def _on_backend_error(self, error: QMediaPlayer.Error, message: str) -> None:
        if error == QMediaPlayer.Error.NoError:
            return
        self._set_playing(False)
        name = (self._path.name if self._path is not None
                else QCoreApplication.translate("Player", "the file"))
        detail = _ERROR_DETAILS.get(error, message or "unknown error.")
        message = QCoreApplication.translate("Player", "Could not play “{name}”: {detail}")
        message = message.format(name=name, detail=_tr(detail))
        self.errorOccurred.emit(message)
