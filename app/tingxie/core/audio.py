"""Decode any common audio or video file to 16 kHz mono 16-bit PCM, the ASR models' input.

PyAV demuxes and decodes one audio track (the file's default unless told which) frame by frame;
each batch of frames is downmixed to mono and fed to a streaming soxr resampler, so memory
stays bounded by the 16 kHz result whatever the original rate, channel count or file length.
The result is kept as 16-bit integers (half of float32: a 2-hour interview holds 230 MB
instead of 460, in the window and in a job alike); :func:`to_float` gives any part of it as
the float32 in [-1, 1] that the models and silero-vad read.

Damage is reported with typed errors a user can act on. A file that ends early or has
unreadable passages still yields what could be read (``DamagedAudioFile.partial``), so
the UI can offer to transcribe it anyway.
"""

from __future__ import annotations

import dataclasses
import math
import os
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import soundfile
import soxr

from tingxie.core.cancel import CancelToken, ProgressCallback
from tingxie.core.errors import FileProblem, not_regular_problem
from tingxie.core.timefmt import format_duration

#: The only sample rate silero-vad and the ASR models are fed here.
SAMPLE_RATE = 16000
#: Decoded samples are 16-bit PCM: full scale is 32768.
PCM_DTYPE = np.dtype(np.int16)
PCM_SCALE = 1.0 / 32768

#: Extensions of the media people open (the decoder reads more; these are the usual).
MEDIA_EXTENSIONS = (".wav", ".flac", ".ogg", ".opus", ".mp3", ".m4a", ".aac", ".wma", ".aiff",
                    ".mp4", ".mkv", ".mov", ".webm", ".avi")

#: Original-rate samples gathered before one resampler call: fewer Python round trips
#: than one call per codec frame (mp3 frames hold only 1152 samples).
_BATCH_SAMPLES = 1 << 15
_PROGRESS_INTERVAL_S = 0.5
_MAX_PREALLOCATED_S = 4 * 3600.0
#: A jump in timestamps larger than this is a hole left by a damaged passage.
_GAP_TOLERANCE_S = 0.05
#: One short bad spot is common (a recorder stopped mid-frame) and hardly audible; only
#: more than that is reported as damage.
_TOLERATED_DAMAGE_S = 0.25
#: Less sound than this (a fraction of a syllable) holds nothing to transcribe.
_MIN_AUDIO_S = 0.02
#: Unreadable bytes after the last frame of an mp3 or aac without a frame count, tags left
#: aside, up to this many are junk that a tagger or a download appended (or padding); more
#: are the end of the recording, overwritten or never written (a download preallocated
#: with zeros), and reported.
_JUNK_TAIL_BYTES = 64 * 1024
#: ... and never more than this much of the recording's time, nor less than this many bytes:
#: 64 KiB are 20 s of a 24 kbit/s voice memo.
_JUNK_TAIL_S = 2.0
_JUNK_TAIL_MIN_BYTES = 8 * 1024
#: How far decoding may stop short of an mp3's frame count and still have reached its end:
#: the count includes the encoder's delay and padding, which FFmpeg trims.
_MP3_COUNT_SLACK_S = 0.5
#: Files with a known media signature that FFmpeg cannot open are damaged, not foreign.
_MEDIA_MAGIC = (
    b"RIFF",
    b"RF64",
    b"FORM",
    b"fLaC",
    b"OggS",
    b"ID3",
    b"\x1aE\xdf\xa3",
    b"0&\xb2u",
    b"caff",
    b"#!AMR",
    b"wvpk",
    b"MAC ",
)
_ISO_BOX_TYPES = (b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip")


# --- errors ---------------------------------------------------------------------------


class AudioError(FileProblem):
    """A file could not be turned into audio for transcription."""


class AudioFileNotFound(AudioError):
    """The file does not exist."""


class EmptyAudioFile(AudioError):
    """The file is empty or holds no audio samples."""


class UnsupportedAudioFile(AudioError):
    """The file is not an audio or video file FFmpeg can read (or is a folder)."""


class NoAudioTrack(AudioError):
    """A video (or other media) file without any audio track."""


class NoSuchAudioTrack(AudioError):
    """The audio track asked for does not exist; ``tracks`` describes those that do."""

    def __init__(self, path: str | Path, problem: str, hint: str = "",
                 tracks: tuple[str, ...] = ()) -> None:
        super().__init__(path, problem, hint)
        self.tracks = tracks


class DamagedAudioFile(AudioError):
    """Part of the file could be read; ``partial`` holds it, or is None if nothing could."""

    def __init__(
        self, path: str | Path, problem: str, hint: str = "", partial: Audio | None = None
    ) -> None:
        super().__init__(path, problem, hint)
        self.partial = partial


class CorruptAudioFile(DamagedAudioFile):
    """Decoding failed in places.

    In ``partial`` an unreadable passage is silence as long as the file's timestamps tell
    (flac, ogg, opus, mp4, mkv) or, in mp3, as the unreadable bytes would have played, so
    later words keep their times; where nothing tells (bytes a raw aac stream skips
    unseen) it is left out.
    """


class TruncatedAudioFile(DamagedAudioFile):
    """The file ends well before the duration its header declares."""

    partial: Audio


# --- data -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AudioInfo:
    """What a file holds, before any conversion."""

    path: Path
    #: Seconds: declared by the container for ``probe()``, as decoded for ``load()``;
    #: 0.0 when the file declares none.
    duration: float
    #: The original sample rate in Hz.
    sample_rate: int
    #: The original number of channels.
    channels: int
    #: FFmpeg's codec name, e.g. "mp3", "aac", "pcm_s16le".
    codec: str
    #: FFmpeg's container format name, e.g. "wav", "mov,mp4,m4a,3gp,3g2,mj2".
    container: str


@dataclass(frozen=True, eq=False)
class Audio:
    """Decoded audio: mono 16-bit PCM samples (``int16``) at ``sample_rate`` (16 kHz);
    :func:`to_float` turns (a slice of) them into float32."""

    samples: np.ndarray
    info: AudioInfo
    sample_rate: int = SAMPLE_RATE
    #: Which audio track was decoded, counting from 1, and how many the file has.
    track: int = 1
    track_count: int = 1
    #: One line per audio track of the file ("1: eng, Commentary (aac, 2 ch)").
    tracks: tuple[str, ...] = ()

    @property
    def duration(self) -> float:
        """Seconds of audio in ``samples``."""
        return len(self.samples) / self.sample_rate


# --- public functions -----------------------------------------------------------------


def probe(path: str | Path, *, track: int | None = None) -> AudioInfo:
    """Describe an audio track of ``path`` (the default one, or ``track`` counting from 1)
    without decoding it.

    Raises the same :class:`AudioError` subclasses as :func:`load` for files that
    cannot be opened or have no such audio track.
    """
    path = _checked_path(path)
    with _open(path) as container:
        stream = _audio_stream(container, path, track)
        return _info(path, container, stream, _declared_duration(path, container, stream))


def load(
    path: str | Path,
    *,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    track: int | None = None,
) -> Audio:
    """Decode an audio track of ``path`` to 16 kHz mono 16-bit PCM: the one the file marks as
    its default (the first when none is marked), or ``track`` counting from 1 as users do
    (``Audio.track_count`` and ``Audio.tracks`` say what else the file holds, so a caller
    can tell the user which track was used).

    Works for wav, flac, ogg/opus, mp3, m4a/aac and the audio of mp4, mkv, mov and webm
    videos. ``progress`` receives the fraction of the declared duration decoded so far
    (at most about twice a second, and 1.0 at the end); ``cancel`` is checked after each
    batch of frames and raises :class:`~tingxie.core.errors.Cancelled`.

    Raises :class:`AudioFileNotFound`, :class:`EmptyAudioFile`,
    :class:`UnsupportedAudioFile`, :class:`NoAudioTrack`, :class:`NoSuchAudioTrack`,
    :class:`TruncatedAudioFile` or :class:`CorruptAudioFile`; the last two carry what could
    be decoded in ``.partial``.
    """
    path = _checked_path(path)
    with _open(path) as container:
        stream = _audio_stream(container, path, track)
        tracks = _track_descriptions(container)
        number = list(container.streams.audio).index(stream) + 1
        declared = _declared_duration(path, container, stream)
        info = _info(path, container, stream, declared)
        trusted = _trusted_declared_duration(path, container, stream, declared)
        decoder = _Decoder(info.sample_rate, declared, progress, cancel)
        decoder.origin, decoder.audio_start = _timeline(container, stream)
        # Raw mp3 and aac have no index: their demuxer skips unreadable bytes and goes
        # on numbering frames as if nothing were lost, so skipped bytes are the only clue.
        if container.format.name in ("mp3", "aac") and len(container.streams) == 1:
            decoder.bytes_per_second = (container.bit_rate or 0) / 8
            # An ADTS (aac) header gives its frame's length: a bad packet is one frame.
            decoder.sized_bad_packets = container.format.name == "mp3"
        try:
            for packet in container.demux(stream):
                decoder.add_packet(packet)
        except av.error.FFmpegError:
            # The demuxer gave up (e.g. a damaged cluster in mkv): keep what was read and
            # let the duration check say what is missing.
            decoder.damage_at(decoder.seconds_in, None)
        samples = decoder.finish(_lost_tail_seconds(path, decoder, trusted))

    audio = Audio(samples, dataclasses.replace(info, duration=decoder.seconds_in),
                  track=number, track_count=len(tracks), tracks=tracks)
    _raise_if_damaged(path, audio, decoder, trusted)
    if progress is not None:
        progress(1.0)
    return audio


def _raise_if_damaged(path: Path, audio: Audio, decoder: _Decoder, declared: float) -> None:
    decoded = decoder.track_seconds
    if len(audio.samples) == 0:
        if decoder.damaged_spots:
            raise CorruptAudioFile(
                path,
                "is damaged: no audio in it could be decoded.",
                "Try another copy of the recording.",
            )
        if decoder.samples_in == 0 and decoder.declared <= 0:
            raise EmptyAudioFile(path, "holds no audio.", "Choose a file with sound in it.")
    if declared and declared - decoded > 1.0 and decoded < 0.95 * declared:
        raise TruncatedAudioFile(
            path,
            f"ends early: only {format_duration(decoded)} of its {format_duration(declared)} "
            "could be read.",
            "The file was probably not recorded or copied completely. You can transcribe "
            "the part that is there, or get a complete copy.",
            partial=audio,
        )
    if audio.duration < _MIN_AUDIO_S:
        raise EmptyAudioFile(
            path,
            f"holds no audio long enough to transcribe: it lasts less than "
            f"{_MIN_AUDIO_S * 1000:.0f} ms.",
            "Choose a longer recording.",
        )
    if decoder.damaged_spots > 1 or decoder.lost_seconds > _TOLERATED_DAMAGE_S:
        raise CorruptAudioFile(
            path,
            f"is damaged: {decoder.damaged_spots} passage(s) could not be decoded, the "
            f"first at {format_duration(decoder.first_damage_at)}, about "
            f"{decoder.lost_seconds:.1f} s in all.",
            "You can transcribe the rest anyway, or export the file again from the "
            "original recording.",
            partial=audio,
        )


def save_wav(path: str | Path, samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> None:
    """Write mono samples (float, or 16-bit PCM as :func:`load` gives) to ``path`` as a 16-bit
    PCM wav file."""
    samples = np.asarray(samples)
    if samples.dtype != PCM_DTYPE:
        samples = to_float(samples)
    soundfile.write(str(path), samples, sample_rate, subtype="PCM_16")


def to_float(samples: np.ndarray) -> np.ndarray:
    """``samples`` as float32 in [-1, 1]: 16-bit PCM scaled (a new array), float samples as
    they are (float32 ones without a copy). Other integer types are refused: they would reach
    a model unscaled."""
    samples = np.asarray(samples)
    if samples.dtype == PCM_DTYPE:
        return np.multiply(samples, np.float32(PCM_SCALE), dtype=np.float32)
    if not np.issubdtype(samples.dtype, np.floating):
        raise ValueError(
            f"Expected float samples in [-1, 1] or 16-bit PCM; got {samples.dtype} samples. "
            "Convert other PCM to float first (e.g. 32-bit: samples / 2**31)."
        )
    return samples.astype(np.float32, copy=False)


def to_pcm16(samples: np.ndarray) -> np.ndarray:
    """Float samples in [-1, 1] as 16-bit PCM (rounded; beyond full scale clipped)."""
    scaled = np.rint(np.asarray(samples, dtype=np.float32) * np.float32(32768.0))
    return np.clip(scaled, -32768, 32767, out=scaled).astype(PCM_DTYPE)


# --- decoding -------------------------------------------------------------------------


class _Decoder:
    """Turns packets into 16 kHz mono samples, tracking progress and damage."""

    def __init__(
        self,
        rate: int,
        declared: float,
        progress: ProgressCallback | None,
        cancel: CancelToken | None,
    ) -> None:
        #: The stream's own rate; 0 until the first frame if the header did not say.
        self.rate = rate
        self.declared = declared
        self.progress = progress
        self.cancel = cancel
        #: Original-rate samples fed so far, silence for holes included.
        self.samples_in = 0
        #: The file's time zero, which players count from; None: the first frame's time.
        self.origin: float | None = None
        #: Where the audio track starts after ``origin``; None: at its first frame. Silence
        #: before it is the file's layout, not damage; holes after it count.
        self.audio_start: float | None = None
        #: Seconds of silence put before the audio track's start to line it up with ``origin``.
        self.lead = 0.0
        #: Set for formats whose packets lie back to back, to notice skipped bytes.
        self.bytes_per_second = 0.0
        #: Whether a packet that fails to decode may hold more than one frame's worth.
        self.sized_bad_packets = False
        self.damaged_spots = 0
        self.lost_seconds = 0.0
        self.first_damage_at = 0.0
        #: Seconds of a passage lost between frames that the timestamps do not show and
        #: that are not yet silence (too short to be worth it so far).
        self._unstamped_gap = 0.0
        #: Losses seen in raw mp3 or aac since the last decoded frame, counted once another
        #: frame decodes: bytes after the last frame may be a tag or junk that a download
        #: or a tagger appended, which only their size and the frame count tell apart from
        #: a lost end of the recording (load() weighs them: _lost_tail_seconds()).
        self._losses_since_frame: list[tuple[Callable[..., None], tuple]] = []
        self._next_pos: int | None = None
        #: Where in the file the last packet that decoded ends (raw mp3 and aac).
        self.decoded_end: int | None = None
        self._pending: list[np.ndarray] = []
        self._pending_len = 0
        self._converter: av.AudioResampler | None = None
        self._converter_key: tuple[str, str, int] | None = None
        self._soxr: soxr.ResampleStream | None = None
        self._downmix = _Downmix()
        # Preallocate the 16 kHz result so decoding never holds more than it; a broken
        # header may declare days, so trust it only so far and grow beyond that.
        expected = min(declared * 1.01 + 1.0, _MAX_PREALLOCATED_S) if declared > 0 else 60.0
        self._out = np.zeros(int(expected * SAMPLE_RATE), dtype=PCM_DTYPE)
        self._out_len = 0
        self._last_report = -math.inf
        self._reported = 0.0
        self._report(0.0, force=True)

    @property
    def seconds_in(self) -> float:
        """Seconds fed so far on the file's timeline (the lead included)."""
        return self.samples_in / self.rate if self.rate else 0.0

    @property
    def track_seconds(self) -> float:
        """Seconds of the audio track itself fed so far, what its declared duration counts."""
        return max(0.0, self.seconds_in - self.lead)

    def add_packet(self, packet: av.Packet) -> None:
        if self.bytes_per_second and packet.pos is not None and packet.size:
            if self._next_pos is not None and packet.pos > self._next_pos:
                skipped = packet.pos - self._next_pos
                self._lost(self._lost_unstamped, skipped / self.bytes_per_second)
            self._next_pos = packet.pos + packet.size
        try:
            frames = packet.decode()
        except av.error.FFmpegError:
            # The hole shows in the next frame's timestamp and _fill_hole() measures it.
            # The mp3 parser also folds the unreadable bytes up to the next frame it finds
            # into the bad packet, which the timestamps count as one frame: its size tells
            # what the rest of it held.
            if not (self.bytes_per_second and self.sized_bad_packets):
                self._lost(self.damage_at, self.seconds_in, None)
                return
            own = 0.0
            if packet.duration and packet.time_base is not None:
                own = float(packet.duration * packet.time_base)
            self._lost(self._lost_unstamped, packet.size / self.bytes_per_second, own)
            return
        if frames and self.bytes_per_second and packet.pos is not None:
            self.decoded_end = packet.pos + packet.size
        for frame in frames:
            self._count_losses()
            self._add_frame(frame)

    @property
    def lost_after_last_frame(self) -> bool:
        """Whether bytes after the last decoded frame of a raw mp3 or aac were unreadable."""
        return bool(self._losses_since_frame)

    def _lost(self, record: Callable[..., None], *args: object) -> None:
        """Record a loss now, or in raw mp3 and aac once a frame after it decodes."""
        if self.bytes_per_second:
            self._losses_since_frame.append((record, args))
        else:
            record(*args)

    def _count_losses(self) -> None:
        # Nothing was decoded in between, so each is recorded where it was seen.
        losses, self._losses_since_frame = self._losses_since_frame, []
        for record, args in losses:
            record(*args)

    def _lost_unstamped(self, lost: float, stamped: float = 0.0) -> None:
        """A passage of ``lost`` seconds (measured in bytes) is gone, ``stamped`` of which the
        timestamps still count: raw mp3 and aac number frames on as if nothing were lost."""
        unstamped = max(0.0, lost - stamped)
        self.damage_at(self.seconds_in, unstamped)
        self._unstamped_gap += unstamped
        if self._unstamped_gap <= _GAP_TOLERANCE_S or not self.rate:
            return
        # Silence keeps later words at their true times; zero moves back by as much, so the
        # next frame's timestamp does not count the same passage again.
        before = self.seconds_in
        self._silence(self._unstamped_gap)
        self._unstamped_gap = 0.0
        if self.origin is not None:
            self.origin -= self.seconds_in - before

    def damage_at(self, when: float, lost: float | None) -> None:
        if self.damaged_spots == 0:
            self.first_damage_at = when
        self.damaged_spots += 1
        self.lost_seconds += lost or 0.0

    def _add_frame(self, frame: av.AudioFrame) -> None:
        self.rate = self.rate or frame.sample_rate
        if frame.pts is not None:
            t = float(frame.pts * frame.time_base)
            if self.origin is None:
                self.origin = t - self.seconds_in
            if self.samples_in == 0:
                start = t if self.audio_start is None else self.audio_start
                self._pad_lead(start - self.origin)
            self._fill_hole(t - self.origin - self.seconds_in)
        for converted in self._convert(frame):
            self._push(self._downmix(converted))

    def _pad_lead(self, lead: float) -> None:
        # No tolerance, unlike a hole: a lead of any length shifts every word.
        if lead > 0 and self.rate:
            self._silence(lead)
            self.lead = self.seconds_in

    def _fill_hole(self, gap: float) -> None:
        if gap <= _GAP_TOLERANCE_S:
            return
        # Silence keeps later words at their true times, which subtitles rely on; a jump
        # past the declared end is a broken timestamp, not missing audio.
        if self.declared > 0 and self.track_seconds + gap > self.declared + 1.0:
            self.damage_at(self.seconds_in, None)
            return
        self.damage_at(self.seconds_in, gap)
        self._silence(gap)

    def _silence(self, seconds: float) -> None:
        remaining = round(seconds * self.rate)
        while remaining > 0:
            n = min(remaining, _BATCH_SAMPLES)
            self._push(np.zeros(n, dtype=np.float32))
            remaining -= n

    def _convert(self, frame: av.AudioFrame) -> list[av.AudioFrame]:
        # Packed float at the stream's own rate and layout (interleaved channels, which
        # _Downmix mixes; PyAV 18 miscounts the planes of planar frames with eight or more
        # channels and crashes reading them). A change of layout or format mid-stream
        # needs a new converter.
        key = (frame.format.name, frame.layout.name, frame.sample_rate)
        if key != self._converter_key:
            if self._converter is not None:
                for converted in self._converter.resample(None):
                    self._push(self._downmix(converted))  # still in the old layout
            self._converter = av.AudioResampler(format="flt", layout=frame.layout,
                                                rate=self.rate)
            self._converter_key = key
            self._downmix.use_layout(frame.layout)
        assert self._converter is not None
        return self._converter.resample(frame)

    def _push(self, mono: np.ndarray) -> None:
        self._pending.append(mono)
        self._pending_len += len(mono)
        self.samples_in += len(mono)
        if self._pending_len >= _BATCH_SAMPLES:
            self._flush()

    def _flush(self, last: bool = False) -> None:
        if self.cancel is not None:
            self.cancel.raise_if_cancelled()
        if len(self._pending) == 1:
            chunk = self._pending[0]
        else:
            chunk = np.concatenate(self._pending or [np.zeros(0, np.float32)])
        self._pending, self._pending_len = [], 0
        if self.rate and self.rate != SAMPLE_RATE:
            if self._soxr is None:
                self._soxr = soxr.ResampleStream(
                    self.rate, SAMPLE_RATE, 1, dtype="float32", quality="HQ"
                )
            chunk = self._soxr.resample_chunk(chunk, last=last)
        self._append(chunk)
        if self.declared > 0:
            self._report(self.track_seconds / self.declared)

    def _append(self, chunk: np.ndarray) -> None:
        end = self._out_len + len(chunk)
        if end > len(self._out):
            # ndarray.resize reallocates in place where it can; no view of _out escapes.
            self._out.resize(max(end, int(len(self._out) * 1.25)), refcheck=False)
        self._out[self._out_len : end] = to_pcm16(chunk)
        self._out_len = end

    def _report(self, fraction: float, force: bool = False) -> None:
        if self.progress is None:
            return
        now = time.monotonic()
        if not force and now - self._last_report < _PROGRESS_INTERVAL_S:
            return
        # Declared durations are estimates: never let the bar go back or past the end
        # before decoding really is done.
        self._reported = max(self._reported, min(fraction, 0.999))
        self._last_report = now
        self.progress(self._reported)

    def finish(self, tail_lost: float = 0.0) -> np.ndarray:
        """The 16 kHz result. ``tail_lost``: seconds of the recording that were in the
        unreadable bytes after the last decoded frame; 0 when those are junk after its end."""
        if self.samples_in == 0:
            self._count_losses()  # nothing decoded at all: the file is damaged, not empty
        elif tail_lost > 0:
            # One passage, lost at the end: no later words to keep in time, so no silence.
            self.damage_at(self.seconds_in, tail_lost)
        self._losses_since_frame = []
        if self._converter is not None:
            for frame in self._converter.resample(None):
                self._push(self._downmix(frame))
        self._flush(last=True)
        self._out.resize(self._out_len, refcheck=False)
        return self._out


#: FFmpeg's standard downmix to mono (ITU-R BS.775): centre at full level, front left and
#: right at -3 dB, LFE left out; every other channel counts as a surround, at -6 dB.
_DOWNMIX_WEIGHTS = {"FC": 1.0, "FL": 0.7071, "FR": 0.7071, "LFE": 0.0, "LFE2": 0.0}
_SURROUND_WEIGHT = 0.5
#: Six or eight channels that do not say which is which (a wav without a channel mask) are
#: a film mix in FFmpeg's order, as FFmpeg takes them; other counts are separate sources.
_UNNAMED_LAYOUTS = {6: "5.1", 8: "7.1"}
#: The loudest a surround downmix may get before conversion; the resampler overshoots a
#: little, and 16-bit PCM clips at full scale.
_DOWNMIX_PEAK = 0.98
#: Channels cancel when their mix is more than 20 dB (power ratio 0.01) quieter than the
#: same channels would make if they were unrelated.
_CANCELLED_POWER = 0.01
#: Below this mean power (-80 dBFS) a frame is silence: nothing to cancel.
_SILENT_POWER = 1e-8


class _Downmix:
    """Mono samples from a packed float frame of any channel layout.

    Mono is passed through and stereo averaged, exactly. Surround gets the standard
    weights, so centre-channel dialogue stays at its level (an average would leave it at a
    sixth); those weights add up to 3.4, so the mix is scaled down, from the first frame
    that would clip on, as far as needed and no further. Channels that cancel (one wired or
    recorded with inverted polarity: the mix is near silence while each channel is not)
    give way to one of them, the louder where it first happened, kept from then on: two
    opposite channels taken in turn would flip the waveform at every switch.
    """

    def __init__(self) -> None:
        self._weights = np.ones(1, dtype=np.float32)
        self._gain = 1.0
        self._fallback: int | None = None

    def use_layout(self, layout: av.AudioLayout) -> None:
        """The frames that follow have this channel layout."""
        self._weights = _layout_weights(layout)
        self._gain, self._fallback = 1.0, None

    def __call__(self, frame: av.AudioFrame) -> np.ndarray:
        count = len(frame.layout.channels)
        # Interleaved float32 -> (channels, samples), in use_layout()'s order.
        planes = frame.to_ndarray().reshape(-1, count).T
        if count == 1:
            return planes[0]
        if count != len(self._weights):
            self.use_layout(frame.layout)
        if count == 2:
            mix = (planes[0] + planes[1]) * np.float32(0.5)  # the mean, exactly
        else:
            mix = self._weights @ planes
        power = np.einsum("ij,ij->i", planes, planes)  # per channel, times the length
        if self._cancelled(power, mix):
            if self._fallback is None:
                self._fallback = int(np.argmax(np.where(self._weights > 0, power, -1.0)))
            return np.ascontiguousarray(planes[self._fallback])
        if count == 2:
            return mix
        peak = float(np.abs(mix).max(initial=0.0)) * self._gain
        if peak > _DOWNMIX_PEAK:
            self._gain *= _DOWNMIX_PEAK / peak
        return mix * np.float32(self._gain) if self._gain != 1.0 else mix

    def _cancelled(self, power: np.ndarray, mix: np.ndarray) -> bool:
        """Whether the mix is near silence while its channels are not: ``power`` is each
        channel's sum of squares over the frame."""
        unrelated = float(np.dot(self._weights * self._weights, power))
        if unrelated < _SILENT_POWER * len(mix) * float(np.dot(self._weights, self._weights)):
            return False
        return float(np.dot(mix, mix)) < _CANCELLED_POWER * unrelated


def _layout_weights(layout: av.AudioLayout) -> np.ndarray:
    """Each channel's weight in the mono mix (stereo: 0.5 each, the mean)."""
    names = [channel.name for channel in layout.channels]
    if len(names) <= 2:
        return np.full(len(names), 1 / max(1, len(names)), dtype=np.float32)
    if len(names) in _UNNAMED_LAYOUTS and not set(names) & _DOWNMIX_WEIGHTS.keys():
        names = [channel.name for channel in av.AudioLayout(_UNNAMED_LAYOUTS[len(names)]).channels]
    return np.array([_DOWNMIX_WEIGHTS.get(name, _SURROUND_WEIGHT) for name in names],
                    dtype=np.float32)


# --- opening and metadata -------------------------------------------------------------


def _checked_path(path: str | Path) -> Path:
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise AudioFileNotFound(path, "does not exist.", "Check the name and the folder.") from None
    except OSError as exc:
        raise AudioError(path, f"could not be read ({exc.strerror or exc}).") from exc
    problem = not_regular_problem(st.st_mode)
    if problem == "is a folder":
        raise UnsupportedAudioFile(
            path, "is a folder, not an audio or video file.", "Choose a file inside it."
        )
    if problem is not None:
        # Never opened: a pipe would block and a device read forever.
        raise UnsupportedAudioFile(
            path, f"{problem}, not an audio or video file.", "Choose a recording saved on disk."
        )
    if st.st_size == 0:
        raise EmptyAudioFile(
            path, "is empty (0 bytes).", "It was probably not saved or copied completely."
        )
    return path


def _open(path: Path) -> av.container.InputContainer:
    try:
        # Tags in a local code page (GBK titles from Windows tools) must not stop a file
        # every player opens.
        return av.open(str(path), mode="r", metadata_errors="replace")
    except av.error.FFmpegError as error:
        if isinstance(error, OSError) and not isinstance(error, av.error.InvalidDataError):
            raise AudioError(
                path,
                f"could not be opened ({error.strerror}).",
                "Check that the file is readable and try again.",
            ) from error
        if isinstance(error, av.error.EOFError) and _looks_like_media(path):
            # The file ends before its first sound: what encoders write for a moment too
            # short to hold a packet (an ogg or opus of a few samples), or a copy cut off.
            raise EmptyAudioFile(
                path,
                "holds no audio long enough to transcribe: it ends before any sound.",
                "Choose a longer recording. If this one should be longer, it was probably "
                "not saved or copied completely.",
            ) from error
        if _looks_like_media(path):
            raise _unreadable_structure(path) from error
        raise UnsupportedAudioFile(
            path,
            "is not an audio or video file Tingxie can read.",
            "Choose a file such as wav, mp3, m4a, flac, ogg, opus, mp4, mkv, mov or webm.",
        ) from error


def _unreadable_structure(path: Path) -> CorruptAudioFile:
    return CorruptAudioFile(
        path,
        "is damaged: it looks like a media file, but its structure cannot be read.",
        "The recording may not have been finished or the copy may be incomplete "
        "(an mp4/m4a loses its index that way). Try another copy.",
    )


def _iso_boxes_cut_short(path: Path) -> bool:
    """Whether an mp4, m4a or mov file ends inside one of its top-level boxes (or they
    make no sense): its index (moov) was cut off, not left empty."""
    size = path.stat().st_size
    pos = 0
    with path.open("rb") as file:
        while pos + 8 <= size:
            file.seek(pos)
            head = file.read(16)
            length = struct.unpack_from(">I", head)[0]
            if length == 1 and len(head) == 16:  # a 64-bit size follows the type
                length = struct.unpack_from(">Q", head, 8)[0]
            elif length == 0:  # the last box, to the end of the file
                return False
            if length < 8:
                return True
            pos += length
    return pos > size


def _looks_like_media(path: Path) -> bool:
    with path.open("rb") as file:
        head = file.read(12)
    if head.startswith(_MEDIA_MAGIC) or head[4:8] in _ISO_BOX_TYPES:
        return True
    # An MPEG audio (mp3) or ADTS (aac) frame sync.
    return len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0


#: FFmpeg demuxers that read files which are not media at all (text shown as "video").
_NOT_MEDIA_FORMATS = ("tty", "txt")


def _audio_stream(container: av.container.InputContainer, path: Path,
                  track: int | None = None) -> av.AudioStream:
    name = container.format.name
    if name in _NOT_MEDIA_FORMATS or (not container.streams and not _looks_like_media(path)):
        raise UnsupportedAudioFile(
            path,
            "is not an audio or video file (it holds text or other data).",
            "Choose a file such as wav, mp3, m4a, flac, ogg, opus, mp4, mkv, mov or webm.",
        )
    audio = container.streams.audio
    if not audio and name.startswith("mov,") and _iso_boxes_cut_short(path):
        raise _unreadable_structure(path)
    if not container.streams:
        raise NoAudioTrack(
            path,
            "has no audio track: the file holds no tracks at all, so no sound to transcribe.",
            "Choose the file with the sound, or export or copy the recording again.",
        )
    if not audio:
        if name.endswith("_pipe") or name == "image2":
            raise UnsupportedAudioFile(path, "is an image, not an audio or video file.",
                                       "Choose the recording itself.")
        kind = "video" if container.streams.video else "file"
        raise NoAudioTrack(
            path,
            f"has no audio track: this {kind} has no sound to transcribe.",
            "Choose the file with the sound, or export the video again with its audio.",
        )
    if track is None:
        # The track the file marks as its default is the one every player plays (Qt's
        # backend too), so it is the one transcribed; without a mark, the first.
        return next((s for s in audio if _marked_default(s)), audio[0])
    if isinstance(track, bool) or not isinstance(track, int) or not 1 <= track <= len(audio):
        tracks = _track_descriptions(container)
        raise NoSuchAudioTrack(
            path,
            f"has no audio track {track}: it has {len(audio)} "
            f"({'; '.join(tracks)}).",
            f"Choose a track from 1 to {len(audio)}.",
            tracks=tracks,
        )
    return audio[track - 1]


def _timeline(container: av.container.InputContainer,
              stream: av.AudioStream) -> tuple[float | None, float | None]:
    """The file's time zero and where ``stream`` starts on it, in seconds (None: unknown).

    Players count from the start of the file, the earliest of its picture and sound tracks,
    not from the audio track's own start: in a video whose sound starts 0.5 s after the
    picture, a word heard at 2.0 s must be at 2.0 s in the decoded audio too. Cover art has
    no place on that timeline.
    """
    start = _seconds(stream.start_time, stream.time_base)
    starts = [
        t for s in (*container.streams.video, *container.streams.audio)
        if not s.disposition & av.stream.Disposition.attached_pic
        and (t := _seconds(s.start_time, s.time_base)) is not None
    ]
    if starts:
        zero: float | None = min(starts)
    elif container.start_time is not None:
        zero = container.start_time / av.time_base
    else:
        zero = start
    if start is not None and zero is not None:
        length = container.duration / av.time_base if container.duration else 0.0
        # A lead longer than the whole file is a broken timestamp, not a late start.
        if start < zero or (length and start - zero >= length):
            zero = start
    return zero, start


def _seconds(pts: int | None, time_base) -> float | None:
    return None if pts is None or time_base is None else float(pts * time_base)


def _marked_default(stream: av.AudioStream) -> bool:
    """Whether the file marks ``stream`` as its default track (AV_DISPOSITION_DEFAULT)."""
    disposition = getattr(stream, "disposition", 0)
    return bool(int(getattr(disposition, "value", disposition)) & 1)


#: The handler names muxers write into every sound track: no track's name.
_TOOL_HANDLER_NAMES = frozenset((
    "SoundHandler", "Core Media Audio", "Apple Sound Media Handler", "GPAC ISO Audio Handler",
    "L-SMASH Audio Handler", "ISO Media file produced by Google Inc.", "Sound Media Handler",
))


def _track_descriptions(container: av.container.InputContainer) -> tuple[str, ...]:
    """One line per audio track: its number from 1, language and title when the file
    names them, codec and channels."""
    out = []
    for n, stream in enumerate(container.streams.audio, 1):
        meta = stream.metadata or {}
        # mp4 and mov keep a track's title in its "name" box, and often a name in the
        # handler too, where tools otherwise put their own.
        named = [v for v in (meta.get("language"), meta.get("title"), meta.get("name"),
                             meta.get("handler_name"))
                 if v and v != "und" and v not in _TOOL_HANDLER_NAMES]
        ctx = stream.codec_context
        channels = ctx.layout.nb_channels if ctx.layout else 0
        label = ", ".join(dict.fromkeys(named))
        out.append(f"{n}: {label + ' ' if label else ''}({ctx.name}, {channels} ch)")
    return tuple(out)


def _info(
    path: Path,
    container: av.container.InputContainer,
    stream: av.AudioStream,
    duration: float,
) -> AudioInfo:
    ctx = stream.codec_context
    return AudioInfo(
        path=path,
        duration=duration,
        sample_rate=int(ctx.sample_rate or 0),
        channels=int(ctx.layout.nb_channels if ctx.layout else 0),
        codec=ctx.name,
        container=container.format.name,
    )


def _declared_duration(
    path: Path, container: av.container.InputContainer, stream: av.AudioStream
) -> float:
    if container.format.name == "wav":
        riff = _wav_header_duration(path)
        if riff is not None:
            return riff
    if stream.duration is not None and stream.time_base is not None:
        length = float(stream.duration * stream.time_base)
        counted = _mp3_tag_duration(path, stream) if container.format.name == "mp3" else None
        # Bytes after the frames the tag counts (junk a download or a tagger left) make
        # FFmpeg guess from the bit rate instead; within a few frames (the encoder's delay
        # and padding, which it trims) it used the count.
        if counted is not None and abs(length - counted) > _MP3_COUNT_SLACK_S:
            return counted
        return length
    tagged = _tagged_duration(stream)
    if tagged is not None:
        return tagged
    if container.duration is not None:
        return container.duration / av.time_base
    return 0.0


def _tagged_duration(stream: av.AudioStream) -> float | None:
    """The track's own length from the tag Matroska (mkv, webm) muxers write ("DURATION":
    "00:09:00.021000000"), which FFmpeg leaves among the tags, not in ``stream.duration``."""
    tag = (stream.metadata or {}).get("DURATION")
    try:
        hours, minutes, seconds = str(tag).split(":")
        end = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    except ValueError:
        return None
    # FFmpeg tags where the track ends on the file's timeline: a track that starts late
    # is that much shorter (a length from start to end, as mkvmerge tags, only shrinks).
    length = end - max(0.0, _seconds(stream.start_time, stream.time_base) or 0.0)
    return length if math.isfinite(length) and length > 0 else None


def _trusted_declared_duration(
    path: Path,
    container: av.container.InputContainer,
    stream: av.AudioStream,
    declared: float,
) -> float:
    """The declared duration if it is trustworthy enough to call a file truncated."""
    # A video's container duration may cover a video track that outlasts the sound; a
    # track's own length (mp4's, or mkv's and webm's tag) is its sound's.
    if len(container.streams) > 1 and stream.duration is None and _tagged_duration(stream) is None:
        return 0.0
    name = container.format.name
    # Headerless streams: FFmpeg guesses the duration from the bit rate.
    if name == "aac" or (name == "mp3" and _mp3_tag_duration(path, stream) is None):
        return 0.0
    return declared


#: RIFF data chunk sizes from here up are what streaming writers put in the header before
#: they know the size (and often never fix up), not the size of the audio.
_WAV_PLACEHOLDER_SIZE = 0x7FFFF000


def _wav_header_duration(path: Path) -> float | None:
    """Duration from the RIFF data chunk size, which FFmpeg clamps to the file's size."""
    with path.open("rb") as file:
        head = file.read(1 << 16)
    if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return None
    byte_rate = 0
    pos = 12
    while pos + 8 <= len(head):
        kind, size = head[pos : pos + 4], struct.unpack_from("<I", head, pos + 4)[0]
        if kind == b"fmt " and pos + 16 <= len(head):
            byte_rate = struct.unpack_from("<I", head, pos + 16)[0]
        elif kind == b"data":
            # Streaming writers leave a placeholder: 0, or a size near or past 2 GiB
            # (0x7FFFFFFF, 0x7FFFF000, 0x80000000, 0xFFFFFFFF...), so the size is unknown.
            # A real data chunk that large is rare, and then only its length goes unchecked.
            if byte_rate == 0 or size == 0 or size >= _WAV_PLACEHOLDER_SIZE:
                return None
            return size / byte_rate
        pos += 8 + size + (size & 1)
    return None


def _mp3_tag_duration(path: Path, stream: av.AudioStream) -> float | None:
    """The length an mp3's Xing/Info or VBRI frame count gives, or None without one."""
    with path.open("rb") as file:
        head = file.read(10)
        file.seek(_id3v2_size(head))
        first_frame = file.read(4096)
    frames = None
    for tag in (b"Xing", b"Info"):
        at = first_frame.find(tag)
        if at >= 0 and len(first_frame) >= at + 12:
            flags = struct.unpack_from(">I", first_frame, at + 4)[0]
            if flags & 1:  # the frame count is there
                frames = struct.unpack_from(">I", first_frame, at + 8)[0]
            break
    at = first_frame.find(b"VBRI")
    if frames is None and at >= 0 and len(first_frame) >= at + 18:
        frames = struct.unpack_from(">I", first_frame, at + 14)[0]
    rate = stream.codec_context.sample_rate
    if not frames or not rate:
        return None
    # Layer III frames hold 1152 samples, 576 at the MPEG-2 and 2.5 rates (below 32 kHz).
    per_frame = stream.codec_context.frame_size or (1152 if rate >= 32000 else 576)
    return frames * per_frame / rate


def _id3v2_size(head: bytes) -> int:
    """The length of the ID3v2 tag that ``head`` (at least 10 bytes) starts with, or 0."""
    if head[:3] != b"ID3" or len(head) < 10:
        return 0
    # Its size is four 7-bit bytes, after a 10-byte header and before a footer if flagged.
    size = sum((b & 0x7F) << (7 * (3 - i)) for i, b in enumerate(head[6:10]))
    return 10 + size + (10 if head[5] & 0x10 else 0)


def _lost_tail_seconds(path: Path, decoder: _Decoder, declared: float) -> float:
    """Seconds of the recording lost in the bytes after the last decoded frame of a raw mp3
    or aac; 0 when they are junk or tags after its end. ``declared``: an mp3's length from
    its frame count, or 0 where only the bit rate gives one (which counts the junk too)."""
    if decoder.decoded_end is None:
        return 0.0
    if declared > 0:  # the count says whether unreadable bytes held more of the recording
        missing = declared - decoder.track_seconds
        return missing if decoder.lost_after_last_frame and missing > _MP3_COUNT_SLACK_S else 0.0
    # The aac demuxer stops at bytes it cannot read (zeros) without a word.
    unexplained = _untagged_tail_bytes(path, decoder.decoded_end)
    rate = decoder.bytes_per_second
    if not rate:  # no bit rate: nothing tells how much time the bytes held
        return 0.0
    allowed = min(_JUNK_TAIL_BYTES, max(_JUNK_TAIL_MIN_BYTES, _JUNK_TAIL_S * rate))
    return unexplained / rate if unexplained > allowed else 0.0


def _untagged_tail_bytes(path: Path, start: int) -> int:
    """How many bytes from ``start`` to the end of an mp3 or aac are not the tags taggers
    put there: ID3v1, Lyrics3v2, APE and ID3v2 (appended, with or without its footer)."""
    with path.open("rb") as file:
        file.seek(start)
        start += _id3v2_size(file.read(10))
        end = file.seek(0, os.SEEK_END)
        while end - start >= 10:
            file.seek(max(start, end - 128))
            last = file.read(end - file.tell())
            if len(last) == 128 and last.startswith(b"TAG"):
                length = 128
            elif last.endswith(b"LYRICS200") and last[-15:-9].isdigit():
                length = int(last[-15:-9]) + 15
            elif len(last) >= 32 and last[-32:-24] == b"APETAGEX":
                size, _, flags = struct.unpack_from("<III", last, len(last) - 20)
                length = size + (32 if flags & 0x80000000 else 0)
            elif last[-10:-7] == b"3DI":
                length = _id3v2_size(b"ID3" + last[-7:])
            else:
                break
            if not 0 < length <= end - start:  # not a tag after all
                break
            end -= length
    return max(0, end - start)
