"""core.audio: every format a user drops in comes out as 16 kHz mono 16-bit PCM that
sounds like the original, and every broken file gets an error naming it."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile

from media import multitrack
from tingxie.core import audio
from tingxie.core.audio import (
    SAMPLE_RATE,
    AudioError,
    AudioFileNotFound,
    CorruptAudioFile,
    EmptyAudioFile,
    NoAudioTrack,
    TruncatedAudioFile,
    UnsupportedAudioFile,
    load,
    probe,
    save_wav,
    to_float,
)
from tingxie.core.cancel import CancelToken
from tingxie.core.errors import Cancelled, FileProblem

# CI installs ffmpeg, so there a missing ffmpeg fails these tests rather than skipping them.
needs_ffmpeg = pytest.mark.skipif(
    shutil.which("ffmpeg") is None and not os.environ.get("CI"), reason="needs ffmpeg")

DURATION = 8.0
TOLERANCE = 0.02  # seconds a user could not notice


def sine(freq: float, seconds: float, rate: int, amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def peak_hz(samples: np.ndarray, rate: int = SAMPLE_RATE) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.argmax(spectrum) * rate / len(samples))


def ffmpeg(*args: str | Path) -> None:
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *map(str, args)], check=True
    )


def assert_is_16k_mono(result: audio.Audio) -> None:
    assert result.sample_rate == SAMPLE_RATE
    assert result.samples.dtype == np.int16  # half of float32's memory
    assert result.samples.ndim == 1


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An 8 s, 440 Hz, 44.1 kHz stereo tone in several formats, made once."""
    folder = tmp_path_factory.mktemp("media")
    tone = sine(440, DURATION, 44100)
    soundfile.write(folder / "tone.wav", np.stack([tone, tone], axis=1), 44100)
    soundfile.write(folder / "tone.flac", np.stack([tone, tone], axis=1), 44100)
    if shutil.which("ffmpeg"):
        for name, codec in [
            ("tone.mp3", "libmp3lame"),
            ("tone.m4a", "aac"),
            ("tone.ogg", "libvorbis"),
            ("tone.opus", "libopus"),
        ]:
            ffmpeg("-i", folder / "tone.wav", "-c:a", codec, folder / name)
    return folder


# --- formats --------------------------------------------------------------------------

FORMATS = [
    ("tone.wav", 44100, "pcm_s16le"),
    ("tone.flac", 44100, "flac"),
    pytest.param("tone.mp3", 44100, "mp3", marks=needs_ffmpeg),
    pytest.param("tone.m4a", 44100, "aac", marks=needs_ffmpeg),
    pytest.param("tone.ogg", 44100, "vorbis", marks=needs_ffmpeg),
    pytest.param("tone.opus", 48000, "opus", marks=needs_ffmpeg),  # opus is always 48 kHz
]


@pytest.mark.parametrize(("name", "rate", "codec"), FORMATS)
def test_each_format_decodes_to_16k_mono_with_the_same_tone(
    media: Path, name: str, rate: int, codec: str
) -> None:
    result = load(media / name)

    assert_is_16k_mono(result)
    assert result.duration == pytest.approx(DURATION, abs=TOLERANCE)
    assert peak_hz(result.samples) == pytest.approx(440, abs=2)
    # Same loudness: a 0.5 sine has an RMS of 0.354.
    middle = to_float(result.samples[SAMPLE_RATE // 2 : -SAMPLE_RATE // 2])
    assert np.sqrt(np.mean(middle**2)) == pytest.approx(0.5 / np.sqrt(2), rel=0.05)
    assert result.info.sample_rate == rate
    assert result.info.channels == 2
    assert result.info.codec.startswith(codec)
    assert result.info.duration == pytest.approx(DURATION, abs=TOLERANCE)


@pytest.mark.parametrize(("name", "rate", "codec"), FORMATS)
def test_probe_describes_without_decoding(media: Path, name: str, rate: int, codec: str) -> None:
    info = probe(media / name)

    assert info.path == media / name
    assert info.sample_rate == rate
    assert info.channels == 2
    assert info.codec.startswith(codec)
    assert info.duration == pytest.approx(DURATION, abs=TOLERANCE)
    assert info.container


@pytest.mark.parametrize("rate", [8000, 16000, 22050, 96000])
def test_any_sample_rate_becomes_16k(tmp_path: Path, rate: int) -> None:
    path = tmp_path / f"tone_{rate}.wav"
    soundfile.write(path, sine(1000, 2.0, rate), rate)

    result = load(path)

    assert_is_16k_mono(result)
    assert result.duration == pytest.approx(2.0, abs=TOLERANCE)
    assert peak_hz(result.samples) == pytest.approx(1000, abs=2)
    assert result.info.sample_rate == rate
    assert result.info.channels == 1


def test_stereo_becomes_the_mean_of_left_and_right(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    left = rng.uniform(-0.5, 0.5, SAMPLE_RATE).astype(np.float32)
    right = rng.uniform(-0.5, 0.5, SAMPLE_RATE).astype(np.float32)
    path = tmp_path / "stereo.wav"
    soundfile.write(path, np.stack([left, right], axis=1), SAMPLE_RATE, subtype="FLOAT")

    result = load(path)

    # Within half a step of 16 bits.
    np.testing.assert_allclose(to_float(result.samples), (left + right) / 2, atol=0.6 / 32768)


def test_stereo_at_48k_keeps_both_channels_at_half_level(tmp_path: Path) -> None:
    left, right = sine(440, 2.0, 48000), sine(1000, 2.0, 48000)
    path = tmp_path / "two_tones.wav"
    soundfile.write(path, np.stack([left, right], axis=1), 48000)

    samples = to_float(load(path).samples)
    spectrum = np.abs(np.fft.rfft(samples)) / (len(samples) / 2)

    hz = np.fft.rfftfreq(len(samples), 1 / SAMPLE_RATE)
    for freq in (440, 1000):
        assert spectrum[np.argmin(np.abs(hz - freq))] == pytest.approx(0.25, rel=0.05)


def test_dialogue_in_the_centre_of_a_5_1_mix_stays_audible(tmp_path: Path) -> None:
    # Film and TV mixes put speech in the centre channel: a plain average of six channels
    # would leave it at a sixth of its level; the standard downmix keeps it at -3 dB or more.
    voice = sine(440, 2.0, 48000)
    channels = np.zeros((len(voice), 6), dtype=np.float32)
    channels[:, 2] = voice  # FL FR FC LFE BL BR
    path = tmp_path / "film_5.1.wav"
    soundfile.write(path, channels, 48000)

    result = load(path)
    rms = float(np.sqrt(np.mean(to_float(result.samples) ** 2)))
    assert result.info.channels == 6
    voice_rms = float(np.sqrt(np.mean(voice**2)))
    assert 0.7 * voice_rms <= rms <= 1.05 * voice_rms


_LOAD_IN_CHILD = (
    "import sys, numpy as np; from tingxie.core.audio import load, to_float; "
    "r = load(sys.argv[1]); "
    "print(r.info.channels, round(float(np.sqrt(np.mean(to_float(r.samples) ** 2))), 4))"
)


def _load_in_child(path: Path) -> tuple[int, float]:
    """Loads ``path`` in a child process, so that a crash in the decoder (PyAV 18 crashed
    reading planar frames of eight or more channels) fails the test instead of the run."""
    done = subprocess.run([sys.executable, "-c", _LOAD_IN_CHILD, str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"loading crashed ({done.returncode}): {done.stderr[-500:]}"
    channels, rms = done.stdout.split()
    return int(channels), float(rms)


@pytest.mark.parametrize("count", [8, 12, 16])
def test_a_recorder_s_many_channel_wav_loads(tmp_path: Path, count: int) -> None:
    # Multitrack field recorders write poly WAVs of 8 to 16 channels; 7.1 film mixes have 8.
    voice = sine(440, 2.0, 48000)
    channels = np.zeros((len(voice), count), dtype=np.float32)
    channels[:, 0] = voice
    channels[:, 1] = voice
    path = tmp_path / f"poly {count}.wav"
    soundfile.write(path, channels, 48000)

    found, rms = _load_in_child(path)

    assert found == count
    assert rms > 0.1 * float(np.sqrt(np.mean(voice**2)))  # the voice is in the mix


@needs_ffmpeg
def test_the_dialogue_of_a_7_1_aac_film_mix_loads(tmp_path: Path) -> None:
    path = tmp_path / "film 7.1.m4a"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=2:sample_rate=48000",
           "-af", "pan=7.1|FC=c0", "-c:a", "aac", path)

    found, rms = _load_in_child(path)

    assert found == 8
    assert rms > 0.1 * 0.5 / np.sqrt(2)  # ffmpeg's sine is at 1/8 full scale; centre kept


@needs_ffmpeg
@pytest.mark.parametrize("ext", ["wav", "mp3", "mkv"])
def test_a_title_tag_in_gbk_does_not_stop_the_file_opening(tmp_path: Path, ext: str) -> None:
    # Windows tools write tags in the local code page: a file every player opens must open.
    plain = tmp_path / f"plain.{ext}"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=2:sample_rate=16000", plain)
    raw = plain.read_bytes()
    title = "采访录音".encode("gbk")
    marker = b"TINGXIETITLEMARK"
    tagged = tmp_path / f"tagged.{ext}"
    ffmpeg("-i", plain, "-metadata", f"title={marker.decode()}", "-c", "copy", tagged)
    data = tagged.read_bytes()
    assert marker in data and raw
    # Same length as the marker, so every size field in the container stays right.
    tagged.write_bytes(data.replace(marker, title + b"_" * (len(marker) - len(title))))

    result = load(tagged)

    assert result.duration == pytest.approx(2.0, abs=0.1)
    assert peak_hz(result.samples) == pytest.approx(440, abs=2)
    assert probe(tagged).duration == pytest.approx(2.0, abs=0.1)


@needs_ffmpeg
@pytest.mark.parametrize("ext", ["mp4", "mkv", "mov", "webm"])
def test_audio_track_of_a_video_loads(tmp_path: Path, ext: str) -> None:
    path = tmp_path / f"clip.{ext}"
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc=size=64x48:rate=10:duration=2",
        "-f", "lavfi", "-i", "sine=frequency=440:duration=2:sample_rate=48000",
        "-ac", "2", "-shortest", path,
    )  # fmt: skip

    result = load(path)

    assert_is_16k_mono(result)
    assert result.duration == pytest.approx(2.0, abs=TOLERANCE)
    assert peak_hz(result.samples) == pytest.approx(440, abs=2)
    assert result.info.sample_rate == 48000
    assert result.info.channels == 2


@needs_ffmpeg
@pytest.mark.parametrize("ext", ["mp4", "webm"])
def test_video_without_sound_says_so(tmp_path: Path, ext: str) -> None:
    path = tmp_path / f"silent film.{ext}"
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48:rate=10:duration=1", path)

    with pytest.raises(NoAudioTrack, match=re.escape("silent film")) as caught:
        load(path)
    assert "no audio track" in str(caught.value)
    with pytest.raises(NoAudioTrack):
        probe(path)


@pytest.mark.parametrize(
    "name",
    [
        "my interview 2024.flac",
        "采访 录音.wav",
        "Entrevista café Zoë.wav",
        pytest.param("Ångström – intervju.mp3", marks=needs_ffmpeg),
    ],
)
def test_paths_with_spaces_and_non_ascii_characters(media: Path, tmp_path: Path, name: str) -> None:
    folder = tmp_path / "dossier été 文件"
    folder.mkdir()
    source = media / ("tone" + Path(name).suffix)
    shutil.copy(source, folder / name)

    result = load(folder / name)

    assert result.duration == pytest.approx(DURATION, abs=TOLERANCE)
    assert result.info.path == folder / name


# --- broken files ---------------------------------------------------------------------


def cut_in_half(source: Path, target: Path) -> Path:
    data = source.read_bytes()
    target.write_bytes(data[: len(data) // 2])
    return target


def scribble_over_the_middle(source: Path, target: Path) -> Path:
    data = bytearray(source.read_bytes())
    # Past the codec headers and the first pages: in ogg, losing the first audio page
    # makes FFmpeg restamp the next one as time 0, which looks like a truncated file.
    start, length = len(data) // 2, len(data) // 10
    data[start : start + length] = np.random.default_rng(0).bytes(length)
    target.write_bytes(bytes(data))
    return target


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AudioFileNotFound, match=re.escape("nowhere.wav")) as caught:
        load(tmp_path / "nowhere.wav")
    assert "does not exist" in str(caught.value)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "nothing.mp3"
    path.touch()
    with pytest.raises(EmptyAudioFile, match=re.escape("nothing.mp3")):
        load(path)


def test_wav_without_samples_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "header only.wav"
    soundfile.write(path, np.zeros(0, dtype=np.float32), SAMPLE_RATE)
    with pytest.raises(EmptyAudioFile, match=re.escape("header only.wav")):
        load(path)


def test_text_file_named_wav_is_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "notes.wav"
    path.write_text("Interview notes: ask about the budget.\n" * 20)
    with pytest.raises(UnsupportedAudioFile, match=re.escape("notes.wav")) as caught:
        load(path)
    assert "not an audio or video file" in str(caught.value)


def test_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "recordings.wav"
    folder.mkdir()
    with pytest.raises(UnsupportedAudioFile, match=re.escape("recordings.wav")) as caught:
        load(folder)
    assert "folder" in str(caught.value)


@pytest.mark.parametrize(
    "name", ["tone.wav", "tone.flac", pytest.param("tone.mp3", marks=needs_ffmpeg)]
)
def test_file_cut_in_half_is_truncated_and_offers_the_first_half(
    media: Path, tmp_path: Path, name: str
) -> None:
    path = cut_in_half(media / name, tmp_path / f"half {name}")

    with pytest.raises(TruncatedAudioFile, match=re.escape(f"half {name}")) as caught:
        load(path)

    assert "ends early" in str(caught.value)
    partial = caught.value.partial
    assert_is_16k_mono(partial)
    # Compressed files hold less audio per byte at the start (headers), so about half.
    assert 0.4 * DURATION < partial.duration < 0.6 * DURATION
    assert peak_hz(partial.samples) == pytest.approx(440, abs=3)
    # probe() still reports what the header promises.
    assert probe(path).duration == pytest.approx(DURATION, abs=TOLERANCE)


@needs_ffmpeg
def test_m4a_cut_in_half_is_reported_as_damaged(media: Path, tmp_path: Path) -> None:
    # ffmpeg writes the m4a index at the end, so half a file cannot even be opened.
    path = cut_in_half(media / "tone.m4a", tmp_path / "half.m4a")
    with pytest.raises(CorruptAudioFile, match=re.escape("half.m4a")) as caught:
        load(path)
    assert caught.value.partial is None


@pytest.mark.parametrize(
    "name",
    [
        "tone.flac",
        pytest.param("tone.mp3", marks=needs_ffmpeg),
        pytest.param("tone.m4a", marks=needs_ffmpeg),
        pytest.param("tone.ogg", marks=needs_ffmpeg),
        pytest.param("tone.opus", marks=needs_ffmpeg),
    ],
)
def test_garbage_in_the_middle_is_corrupt_and_offers_the_rest(
    media: Path, tmp_path: Path, name: str
) -> None:
    path = scribble_over_the_middle(media / name, tmp_path / f"damaged {name}")

    with pytest.raises(CorruptAudioFile, match=re.escape(f"damaged {name}")) as caught:
        load(path)

    assert "damaged" in str(caught.value)
    partial = caught.value.partial
    assert partial is not None
    assert_is_16k_mono(partial)
    assert partial.duration > 0.8 * DURATION
    assert peak_hz(partial.samples) == pytest.approx(440, abs=3)


@pytest.mark.parametrize("name", ["tone.flac", pytest.param("tone.ogg", marks=needs_ffmpeg)])
def test_damaged_passage_becomes_silence_so_later_audio_keeps_its_time(
    media: Path, tmp_path: Path, name: str
) -> None:
    path = scribble_over_the_middle(media / name, tmp_path / name)

    with pytest.raises(CorruptAudioFile) as caught:
        load(path)

    partial = caught.value.partial
    assert partial is not None
    assert partial.duration == pytest.approx(DURATION, abs=TOLERANCE)
    # The tone ends when it did in the original: the last 0.2 s are still loud.
    assert np.abs(to_float(partial.samples[-SAMPLE_RATE // 5 :])).max() > 0.4


def test_all_errors_are_file_problems() -> None:
    for error in (AudioFileNotFound, EmptyAudioFile, UnsupportedAudioFile, NoAudioTrack,
                  CorruptAudioFile, TruncatedAudioFile):  # fmt: skip
        assert issubclass(error, AudioError)
        assert issubclass(error, FileProblem)


# --- progress, cancel, memory ---------------------------------------------------------


def test_progress_rises_to_one(media: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audio, "_PROGRESS_INTERVAL_S", 0.0)
    seen: list[float] = []

    load(media / "tone.flac", progress=seen.append)

    assert len(seen) > 2
    assert seen == sorted(seen)
    assert seen[0] >= 0.0
    assert seen[-1] == 1.0
    assert all(0.0 <= f <= 1.0 for f in seen)


def test_progress_is_throttled(media: Path) -> None:
    seen: list[float] = []
    load(media / "tone.wav", progress=seen.append)
    assert seen[-1] == 1.0
    assert len(seen) <= 3  # start, end, and perhaps one in between for a quick file


def test_cancel_before_start(media: Path) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        load(media / "tone.wav", cancel=token)


def test_cancel_midway(media: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audio, "_PROGRESS_INTERVAL_S", 0.0)
    token = CancelToken()
    seen: list[float] = []

    def on_progress(fraction: float) -> None:
        seen.append(fraction)
        if fraction > 0.3:
            token.cancel()

    with pytest.raises(Cancelled):
        load(media / "tone.wav", progress=on_progress, cancel=token)
    assert seen[-1] < 1.0


def test_output_grows_when_the_declared_duration_is_too_short(
    media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Some streams (raw aac, mp3 without a length tag) only estimate their duration.
    monkeypatch.setattr(audio, "_declared_duration", lambda *_: 0.2)

    result = load(media / "tone.flac")

    assert result.duration == pytest.approx(DURATION, abs=TOLERANCE)
    assert peak_hz(result.samples) == pytest.approx(440, abs=2)
    assert result.samples.base is None or result.samples.base.nbytes == result.samples.nbytes


def test_save_wav_round_trip(tmp_path: Path) -> None:
    samples = sine(300, 1.0, SAMPLE_RATE)
    save_wav(tmp_path / "out.wav", samples)

    result = load(tmp_path / "out.wav")

    np.testing.assert_allclose(to_float(result.samples), samples, atol=1e-4)
    # 16-bit samples as load() gives them are written as they are.
    save_wav(tmp_path / "again.wav", result.samples)
    np.testing.assert_array_equal(load(tmp_path / "again.wav").samples, result.samples)


def test_loud_float_audio_is_clipped_at_full_scale_not_wrapped(tmp_path: Path) -> None:
    # A float WAV may go beyond full scale; 16 bits hold it as full scale, never as the
    # opposite sign (which would be a loud click).
    loud = 3 * sine(300, 1.0, SAMPLE_RATE)  # peaks at 1.5
    path = tmp_path / "loud.wav"
    soundfile.write(path, loud, SAMPLE_RATE, subtype="FLOAT")

    result = to_float(load(path).samples)

    assert result.max() == pytest.approx(32767 / 32768) and result.min() == -1.0
    inside = np.abs(loud) < 0.99
    np.testing.assert_allclose(result[inside], loud[inside], atol=0.6 / 32768)
    assert np.all(np.sign(result[~inside]) == np.sign(loud[~inside]))


def test_to_float_scales_16_bit_pcm_and_refuses_other_integers() -> None:
    pcm = np.array([-32768, -16384, 0, 16384, 32767], dtype=np.int16)
    np.testing.assert_array_equal(to_float(pcm), [-1.0, -0.5, 0.0, 0.5, 32767 / 32768])
    assert to_float(pcm).dtype == np.float32
    floats = np.zeros(4, dtype=np.float32)
    assert to_float(floats) is floats  # no copy
    with pytest.raises(ValueError, match="16-bit PCM"):
        to_float(np.zeros(4, dtype=np.int32))


# -- several audio tracks; things that are not media (issue 10, items 12 and 15) ----------


@pytest.fixture(scope="module")
def three_tracks(tmp_path_factory) -> Path:
    """An mkv with three audio tracks of different tones, named like a film's."""
    path = tmp_path_factory.mktemp("tracks") / "film.mkv"
    inputs = []
    for freq in (300, 700, 1500):
        inputs += ["-f", "lavfi", "-i", f"sine=frequency={freq}:duration=1"]
    subprocess.run(["ffmpeg", "-v", "error", *inputs, "-map", "0", "-map", "1", "-map", "2",
                    "-c:a", "aac", "-metadata:s:a:0", "language=eng",
                    "-metadata:s:a:1", "language=fra", "-metadata:s:a:2", "title=Commentary",
                    str(path)], check=True)
    return path


def _pitch(a: audio.Audio) -> float:
    spectrum = np.abs(np.fft.rfft(to_float(a.samples)))
    return float(np.argmax(spectrum) * a.sample_rate / len(a.samples))


@needs_ffmpeg
def test_a_file_with_several_tracks_uses_the_first_and_says_so(three_tracks):
    a = load(three_tracks)
    assert (a.track, a.track_count) == (1, 3)
    assert a.tracks == ("1: eng (aac, 1 ch)", "2: fra (aac, 1 ch)",
                        "3: Commentary (aac, 1 ch)")
    assert _pitch(a) == pytest.approx(300, abs=5)


@needs_ffmpeg
@pytest.mark.parametrize("track, freq", [(2, 700), (3, 1500)])
def test_another_track_can_be_chosen_counting_from_one(three_tracks, track, freq):
    a = load(three_tracks, track=track)
    assert a.track == track
    assert _pitch(a) == pytest.approx(freq, abs=5)
    assert probe(three_tracks, track=track).codec == "aac"


@needs_ffmpeg
@pytest.mark.parametrize("suffix", [".mkv", ".mp4"])
def test_the_track_a_file_marks_as_default_is_the_one_used(tmp_path, suffix):
    # The track a video player plays (Qt's backend too, so the reviewer hears it) is the
    # one the file marks as default; transcribing the first instead would pair an English
    # transcript with French sound.
    path = multitrack(tmp_path / f"film{suffix}", (300, 700, 1500),
                            languages=("eng", "fra", "deu"), default=2)
    a = load(path)
    assert (a.track, a.track_count) == (2, 3)
    assert _pitch(a) == pytest.approx(700, abs=5)
    chosen = load(path, track=1)
    assert chosen.track == 1 and _pitch(chosen) == pytest.approx(300, abs=5)


@needs_ffmpeg
@pytest.mark.parametrize("track", [0, 4])
def test_a_track_that_does_not_exist_lists_those_that_do(three_tracks, track):
    with pytest.raises(audio.NoSuchAudioTrack, match=r"it has 3 .*Commentary") as caught:
        load(three_tracks, track=track)
    assert len(caught.value.tracks) == 3


def test_a_text_file_is_not_called_a_silent_video(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("Meeting notes\n" * 200, "utf-8")
    with pytest.raises(UnsupportedAudioFile, match="not an audio or video file"):
        load(text)


def test_a_fifo_is_not_a_regular_file_and_is_never_opened(tmp_path):
    fifo = tmp_path / "stream.wav"
    os.mkfifo(fifo)
    with pytest.raises(UnsupportedAudioFile, match="not a regular file but a pipe"):
        load(fifo)


@pytest.mark.parametrize("size", [0x7FFFFFFF, 0x7FFFF000, 0x80000000, 0x7FFFFFFE, 0xFFFFFFFE])
def test_a_complete_wav_with_a_streaming_placeholder_size_opens_whole(
        tmp_path: Path, size: int) -> None:
    # A recorder that streams its WAV writes a placeholder size it never fixes up: the
    # file is complete, not "only 0:02 of its 13:31:36" read.
    path = tmp_path / "stream.wav"
    t = np.arange(2 * SAMPLE_RATE) / SAMPLE_RATE
    soundfile.write(path, (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), SAMPLE_RATE,
                    subtype="PCM_16")
    data = bytearray(path.read_bytes())
    at = data.find(b"data")
    struct.pack_into("<I", data, at + 4, size)
    struct.pack_into("<I", data, 4, min(size + 36, 0xFFFFFFFF))
    path.write_bytes(bytes(data))

    result = load(path)

    assert result.duration == pytest.approx(2.0, abs=TOLERANCE)
    assert peak_hz(result.samples) == pytest.approx(440, abs=2)


# -- damaged or unusual media (hunt h5) --------------------------------------------------


def film(path: Path, seconds: float, *, audio_from: float = 0.0) -> Path:
    """A small video (mkv, webm...) whose sound is a 440 Hz tone starting ``audio_from``
    seconds after the picture."""
    ffmpeg("-f", "lavfi", "-i", f"testsrc=size=64x48:rate=10:duration={seconds + audio_from}",
           "-itsoffset", str(audio_from),
           "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}:sample_rate=48000",
           "-map", "0", "-map", "1", path)  # fmt: skip
    return path


@needs_ffmpeg
@pytest.mark.parametrize("ext", ["mkv", "webm"])
def test_a_video_cut_off_halfway_says_it_ends_early(tmp_path: Path, ext: str) -> None:
    # A download or copy that stopped halfway: half a transcript with no word of warning
    # is what the user got.
    path = cut_in_half(film(tmp_path / f"lecture.{ext}", 12.0), tmp_path / f"half.{ext}")

    with pytest.raises(TruncatedAudioFile, match=re.escape(f"half.{ext}")) as caught:
        load(path)

    assert "ends early: only 0:" in str(caught.value)
    assert "of its 0:12 could be read" in str(caught.value)
    assert 0.3 * 12 < caught.value.partial.duration < 0.7 * 12
    assert peak_hz(caught.value.partial.samples) == pytest.approx(440, abs=3)


@needs_ffmpeg
@pytest.mark.parametrize("ext", ["mkv", "webm"])
def test_a_complete_video_whose_sound_starts_late_is_not_called_cut_off(
        tmp_path: Path, ext: str) -> None:
    path = film(tmp_path / f"late.{ext}", 8.0, audio_from=3.0)

    result = load(path)

    assert result.duration == pytest.approx(11.0, abs=0.05)  # the lead is kept as silence
    assert np.abs(to_float(result.samples[-SAMPLE_RATE // 5:])).max() > 0.1  # the tone


@needs_ffmpeg
@pytest.mark.parametrize(("ext", "encoding"), [
    ("mp3", ("-c:a", "libmp3lame")),  # with a frame count (Xing/Info): an exact length
    ("mp3", ("-c:a", "libmp3lame", "-write_xing", "0")),
    ("aac", ("-c:a", "aac")),
], ids=["mp3", "mp3 without length tag", "aac"])
@pytest.mark.parametrize("junk", ["random", "zeros"])
def test_junk_after_the_end_of_a_raw_stream_is_neither_damage_nor_silence(
        tmp_path: Path, ext: str, encoding: tuple[str, ...], junk: str) -> None:
    # What a broken tagger or an interrupted download leaves: bytes after the last frame.
    clean_path = tmp_path / f"clean.{ext}"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=440:duration=8:sample_rate=44100",
           *encoding, clean_path)
    # About 1 s of bytes at the default 128 kbit/s (more is lost audio, below).
    tail = np.random.default_rng(1).bytes(16_000) if junk == "random" else bytes(16_000)
    path = tmp_path / f"junk.{ext}"
    path.write_bytes(clean_path.read_bytes() + tail)
    clean = load(clean_path)

    result = load(path)

    assert result.duration == pytest.approx(clean.duration, abs=0.05)
    assert np.abs(to_float(result.samples[-SAMPLE_RATE // 10:])).max() > 0.1  # no silence
    if "-write_xing" not in encoding and ext == "mp3":
        assert probe(path).duration == pytest.approx(clean.duration, abs=0.1)


RAW_STREAMS = pytest.mark.parametrize(("ext", "encoding"), [
    ("mp3", ("-c:a", "libmp3lame", "-b:a", "128k")),  # a frame count (Xing/Info)
    ("mp3", ("-c:a", "libmp3lame", "-b:a", "128k", "-write_xing", "0")),  # CBR, no count
    ("aac", ("-c:a", "aac", "-b:a", "128k")),
    # A voice memo's rate: its lost third (10 s) is under 64 KiB.
    ("mp3", ("-c:a", "libmp3lame", "-b:a", "24k", "-ar", "16000", "-write_xing", "0")),
], ids=["mp3", "mp3 without length tag", "aac", "24 kbit/s mp3 without length tag"])


def raw_stream(path: Path, seconds: float, encoding: tuple[str, ...]) -> Path:
    ffmpeg("-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}:sample_rate=44100",
           *encoding, path)
    return path


@needs_ffmpeg
@RAW_STREAMS
@pytest.mark.parametrize("damage", ["garbage", "zeros"])
def test_a_raw_stream_whose_last_third_is_lost_says_so(
        tmp_path: Path, ext: str, encoding: tuple[str, ...], damage: str) -> None:
    # The end of a 30 s recording overwritten (a bad sector, a broken copy) or never
    # written (a download that stopped in a file preallocated with zeros): it opened as a
    # 20 s recording without a word, and its last third was missing from the transcript.
    data = bytearray(raw_stream(tmp_path / f"source.{ext}", 30, encoding).read_bytes())
    cut = len(data) * 2 // 3
    lost = len(data) - cut
    data[cut:] = np.random.default_rng(0).bytes(lost) if damage == "garbage" else bytes(lost)
    path = tmp_path / f"lecture.{ext}"
    path.write_bytes(data)

    with pytest.raises((TruncatedAudioFile, CorruptAudioFile),
                       match=re.escape(f"lecture.{ext}")) as caught:
        load(path)

    message = str(caught.value)
    if "-write_xing" in encoding or ext == "aac":  # only the bytes tell what is missing
        assert isinstance(caught.value, CorruptAudioFile)
        assert "is damaged" in message and "the first at 0:20" in message
        lost_s = float(re.search(r"about ([\d.]+) s in all", message)[1])
        assert lost_s == pytest.approx(10, abs=1)
    else:
        assert isinstance(caught.value, TruncatedAudioFile)
        assert "ends early: only 0:20 of its 0:30 could be read" in message
    partial = caught.value.partial  # what is there can still be transcribed, and no more
    assert partial.duration == pytest.approx(20, abs=0.5)
    assert np.abs(to_float(partial.samples[-SAMPLE_RATE // 10:])).max() > 0.1


@needs_ffmpeg
def test_an_mp3_whose_last_second_is_overwritten_is_damaged_by_its_frame_count(
        tmp_path: Path) -> None:
    # Too little for "ends early", and few enough bytes to pass for junk: the frame count
    # in the Xing frame says the recording goes on.
    source = raw_stream(tmp_path / "source.mp3", 30, ("-c:a", "libmp3lame", "-b:a", "128k"))
    data = bytearray(source.read_bytes())
    cut = len(data) - 16_000 * 5 // 4  # 1.25 s at 128 kbit/s
    data[cut:] = np.random.default_rng(0).bytes(len(data) - cut)
    path = tmp_path / "memo.mp3"
    path.write_bytes(data)

    with pytest.raises(CorruptAudioFile, match=re.escape("memo.mp3")) as caught:
        load(path)

    assert re.search(r"the first at 0:29, about 1\.[1-4] s in all", str(caught.value))
    assert caught.value.partial.duration == pytest.approx(28.75, abs=0.1)


def synchsafe(n: int) -> bytes:
    return bytes((n >> shift) & 0x7F for shift in (21, 14, 7, 0))


def id3v1() -> bytes:
    return b"TAG" + b"Lecture".ljust(30, b"\0") + bytes(30 + 30 + 4 + 30) + b"\xff"


def lyrics3() -> bytes:
    body = b"LYRICSBEGIN" + b"IND00002" + b"10" + b"LYR00020" + b"[00:01]Good morning."
    return body + b"%06d" % len(body) + b"LYRICS200" + id3v1()


def ape_tag(cover: bytes) -> bytes:
    item = struct.pack("<II", len(cover), 2) + b"Cover Art (Front)\0" + cover  # binary
    size = len(item) + 32  # the items and the footer

    def header(flags: int) -> bytes:
        return b"APETAGEX" + struct.pack("<IIII", 2000, size, 1, flags) + bytes(8)

    return header(0xA0000000) + item + header(0x80000000)


def id3v2(cover: bytes, *, footer: bool) -> bytes:
    picture = b"\0image/jpeg\0\x03\0" + cover
    if footer:  # ID3v2.4, the version that may be appended, with its footer
        frame = b"APIC" + synchsafe(len(picture)) + b"\0\0" + picture
        size = synchsafe(len(frame))
        return b"ID3\x04\x00\x10" + size + frame + b"3DI\x04\x00\x10" + size
    frame = b"APIC" + struct.pack(">I", len(picture)) + b"\0\0" + picture
    return b"ID3\x03\x00\x00" + synchsafe(len(frame)) + frame


@needs_ffmpeg
@pytest.mark.parametrize("tag", ["ID3v1", "Lyrics3", "APE", "ID3v2.4", "ID3v2.3"])
def test_a_tag_after_the_end_of_an_mp3_is_not_damage(tmp_path: Path, tag: str) -> None:
    # Taggers append these, a picture in them larger than any junk allowed for.
    cover = np.random.default_rng(2).bytes(100_000)
    tail = {"ID3v1": id3v1(), "Lyrics3": lyrics3(), "APE": ape_tag(cover) + id3v1(),
            "ID3v2.4": id3v2(cover, footer=True),
            "ID3v2.3": id3v2(cover, footer=False)}[tag]
    clean_path = raw_stream(tmp_path / "clean.mp3", 8,
                            ("-c:a", "libmp3lame", "-b:a", "128k", "-write_xing", "0"))
    path = tmp_path / "tagged.mp3"
    path.write_bytes(clean_path.read_bytes() + tail)

    result = load(path)

    assert result.duration == pytest.approx(load(clean_path).duration, abs=0.05)
    assert np.abs(to_float(result.samples[-SAMPLE_RATE // 10:])).max() > 0.1  # no silence


def headers_only(source: Path, target: Path) -> Path:
    """The identification and comment pages of an ogg file, and no audio page: what an
    encoder writes for a moment too short to fill a packet."""
    data = source.read_bytes()
    third_page = data.index(b"OggS", data.index(b"OggS", 4) + 4)
    target.write_bytes(data[:third_page])
    return target


@needs_ffmpeg
@pytest.mark.parametrize("name", ["one sample.opus", "one sample.ogg", "10 ms.flac",
                                  "headers only.opus"])
def test_a_recording_too_short_to_hold_a_word_says_so(tmp_path: Path, name: str) -> None:
    wav = tmp_path / "source.wav"
    soundfile.write(wav, np.full(480 if name.startswith("10") else 1, 0.3, np.float32), 48000)
    path = tmp_path / name
    ffmpeg("-i", wav, path)
    if name.startswith("headers"):
        headers_only(path, path)

    with pytest.raises(EmptyAudioFile, match=re.escape(name)) as caught:
        load(path)

    assert "holds no audio long enough to transcribe" in str(caught.value)
    assert "damaged" not in str(caught.value)


def mp4_boxes(data: bytes) -> list[tuple[bytes, bytes]]:
    """The top-level (type, whole box) of an mp4."""
    boxes, pos = [], 0
    while pos < len(data):
        size, kind = struct.unpack_from(">I4s", data, pos)
        boxes.append((kind, data[pos:pos + size]))
        pos += size
    return boxes


@needs_ffmpeg
def test_an_mp4_without_any_track_says_it_has_no_audio_track(tmp_path: Path) -> None:
    source = tmp_path / "source.m4a"
    ffmpeg("-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac", source)
    # The index (moov) kept, its tracks (trak) taken out: what an app that stopped before
    # writing its first track leaves.
    out = b""
    for kind, box in mp4_boxes(source.read_bytes()):
        if kind == b"moov":
            children = [b for k, b in mp4_boxes(box[8:]) if k != b"trak"]
            box = struct.pack(">I4s", 8 + sum(map(len, children)), b"moov") + b"".join(children)
        out += box
    path = tmp_path / "memo.m4a"
    path.write_bytes(out)

    with pytest.raises(NoAudioTrack, match=re.escape("memo.m4a")) as caught:
        load(path)

    assert "has no audio track" in str(caught.value)
    assert "Choose the file with the sound" in str(caught.value)


@needs_ffmpeg
def test_an_mp4_cut_off_inside_its_index_is_damaged_not_foreign(tmp_path: Path) -> None:
    source = tmp_path / "source.m4a"
    ffmpeg("-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac", source)
    data = source.read_bytes()
    moov = data.index(b"moov") - 4
    path = tmp_path / "memo.m4a"
    path.write_bytes(data[:moov + 200])  # the track's description is cut off

    with pytest.raises(CorruptAudioFile, match=re.escape("memo.m4a")) as caught:
        load(path)

    assert "is damaged" in str(caught.value)


@needs_ffmpeg
@pytest.mark.parametrize("ext", ["mp4", "mov"])
def test_mp4_track_names_are_listed_from_the_name_box_and_the_handler(
        tmp_path: Path, ext: str) -> None:
    # "title" of an mp4 track is stored in its "name" box; some tools name a track in its
    # handler instead.
    path = tmp_path / f"film.{ext}"
    ffmpeg("-f", "lavfi", "-i", "sine=frequency=300:duration=1",
           "-f", "lavfi", "-i", "sine=frequency=700:duration=1",
           "-map", "0", "-map", "1", "-c:a", "aac",
           "-metadata:s:a:0", "title=Interview", "-metadata:s:a:0", "language=eng",
           "-metadata:s:a:1", "handler_name=Director commentary", path)  # fmt: skip

    tracks = load(path).tracks

    assert tracks == ("1: eng, Interview (aac, 1 ch)", "2: Director commentary (aac, 1 ch)")
