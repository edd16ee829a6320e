"""core.audio keeps time as a player does: a beep heard at 1.5 s in a player is at 1.5 s in
the decoded audio, whatever the container, codec delay, late audio track or damaged passage;
and downmixing never clips, nor cancels a voice into silence."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile

from media import drop_packets
from tingxie.core.audio import SAMPLE_RATE, CorruptAudioFile, load, to_float

# CI installs ffmpeg, so there a missing ffmpeg fails these tests rather than skipping them.
needs_ffmpeg = pytest.mark.skipif(
    shutil.which("ffmpeg") is None and not os.environ.get("CI"), reason="needs ffmpeg")

RATE = 48000
#: How far a decoded beep may be from where a player plays it: a 16 kHz sample, and then
#: some for codecs whose timestamps count in milliseconds (mkv).
EXACT = 0.001
#: Less than a user can notice between a subtitle and the word.
CLOSE = 0.02


def ffmpeg(*args: str | Path) -> None:
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *map(str, args)], check=True)


def beeps(times: list[float], seconds: float, rate: int = RATE,
          length: float = 0.1) -> np.ndarray:
    """Silence with a 1 kHz beep starting at each of ``times``."""
    out = np.zeros(round(seconds * rate), dtype=np.float32)
    n = round(length * rate)
    tone = 0.5 * np.sin(2 * np.pi * 1000 * np.arange(n) / rate)
    for t in times:
        start = round(t * rate)
        out[start:start + n] = tone
    return out


def beep_times(samples: np.ndarray, rate: int = SAMPLE_RATE) -> list[float]:
    """When each beep starts in the decoded audio, in seconds."""
    loud = np.abs(to_float(samples)) > 0.1
    starts = np.flatnonzero(loud[1:] & ~loud[:-1]) + 1
    if loud[0]:
        starts = np.r_[0, starts]
    found: list[float] = []
    for i in starts:  # a beep's own zero crossings are not new beeps
        if not found or i / rate - found[-1] > 0.2:
            found.append(i / rate)
    return found


def beep_wav(path: Path, times: list[float], seconds: float, rate: int = RATE) -> Path:
    soundfile.write(path, beeps(times, seconds, rate), rate)
    return path


# --- the file's zero is the player's zero ---------------------------------------------


@needs_ffmpeg
@pytest.mark.parametrize("ext, codec", [("mp4", "aac"), ("mkv", "libopus")])
def test_speech_in_a_video_whose_sound_starts_late_is_where_the_player_plays_it(
        tmp_path: Path, ext: str, codec: str) -> None:
    # Cameras and editors often start the sound a little after the picture: a player
    # lines both up on the file's clock, so the beep is heard at 0.476 + 1.5 s.
    sound = beep_wav(tmp_path / "sound.wav", [1.5], 2.5)
    video = tmp_path / f"late sound.{ext}"
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x48:rate=10:duration=3",
           "-itsoffset", "0.476", "-i", sound, "-map", "0:v", "-map", "1:a",
           "-c:a", codec, video)  # fmt: skip

    result = load(video)  # the late start is not damage

    assert beep_times(result.samples) == [pytest.approx(1.976, abs=0.01)]
    assert result.duration == pytest.approx(0.476 + 2.5, abs=0.05)
    assert np.abs(to_float(result.samples[: SAMPLE_RATE * 4 // 10])).max() == 0.0


@needs_ffmpeg
@pytest.mark.parametrize(
    "ext, codec",
    [("mp3", "libmp3lame"), ("m4a", "aac"), ("opus", "libopus"), ("ogg", "libvorbis")])
def test_encoder_delay_and_priming_do_not_move_the_sound(
        tmp_path: Path, ext: str, codec: str) -> None:
    # mp3 encoder delay, AAC priming and Opus pre-skip are samples the decoder drops.
    path = tmp_path / f"beep.{ext}"
    ffmpeg("-i", beep_wav(tmp_path / "beep.wav", [1.5], 3.0), "-c:a", codec, path)

    assert beep_times(load(path).samples) == [pytest.approx(1.5, abs=EXACT)]


@needs_ffmpeg
def test_cover_art_in_an_mp3_does_not_move_the_sound(tmp_path: Path) -> None:
    mp3 = tmp_path / "beep.mp3"
    ffmpeg("-i", beep_wav(tmp_path / "beep.wav", [1.5], 3.0), "-c:a", "libmp3lame", mp3)
    cover = tmp_path / "cover.png"
    ffmpeg("-f", "lavfi", "-i", "color=red:size=32x32", "-frames:v", "1", cover)
    tagged = tmp_path / "with cover.mp3"
    ffmpeg("-i", mp3, "-i", cover, "-map", "0", "-map", "1", "-c", "copy",
           "-disposition:v", "attached_pic", "-id3v2_version", "3", tagged)  # fmt: skip

    assert beep_times(load(tagged).samples) == [pytest.approx(1.5, abs=EXACT)]


# --- a lost passage keeps its length --------------------------------------------------

SECOND_BEEPS = [k + 0.5 for k in range(8)]


@needs_ffmpeg
def test_dropped_packets_in_an_mkv_are_damage_and_later_beeps_keep_their_time(
        tmp_path: Path) -> None:
    opus = tmp_path / "beeps.mkv"
    ffmpeg("-i", beep_wav(tmp_path / "beeps.wav", SECOND_BEEPS[:6], 6.0), "-c:a", "libopus",
           opus)
    damaged = drop_packets(opus, tmp_path / "dropped.mkv", [(1.8, 1.9), (3.8, 3.9)])

    with pytest.raises(CorruptAudioFile, match="2 passage") as caught:
        load(damaged)

    partial = caught.value.partial
    assert partial is not None
    assert beep_times(partial.samples) == pytest.approx(SECOND_BEEPS[:6], abs=EXACT)


@needs_ffmpeg
def test_garbage_in_an_mp3_becomes_silence_as_long_as_the_lost_passage(tmp_path: Path) -> None:
    mp3 = tmp_path / "beeps.mp3"
    ffmpeg("-i", beep_wav(tmp_path / "beeps.wav", SECOND_BEEPS, 8.0, rate=44100),
           "-c:a", "libmp3lame", "-b:a", "128k", mp3)
    data = bytearray(mp3.read_bytes())
    start, length = len(data) // 2, len(data) // 10  # 4.0 s to 4.8 s: the beep at 4.5 goes
    data[start:start + length] = np.random.default_rng(0).bytes(length)
    damaged = tmp_path / "damaged.mp3"
    damaged.write_bytes(bytes(data))

    with pytest.raises(CorruptAudioFile) as caught:
        load(damaged)

    partial = caught.value.partial
    assert partial is not None
    found = beep_times(partial.samples)
    assert found[:4] == pytest.approx(SECOND_BEEPS[:4], abs=EXACT)
    # Every beep after the damage is where it was: none is early by the lost 0.8 s.
    assert found[-3:] == pytest.approx(SECOND_BEEPS[-3:], abs=CLOSE)
    assert partial.duration == pytest.approx(8.0, abs=0.05)


# --- downmixing -----------------------------------------------------------------------


def sine(freq: float, seconds: float, amplitude: float, rate: int = RATE) -> np.ndarray:
    return (amplitude * np.sin(2 * np.pi * freq * np.arange(round(seconds * rate)) / rate)
            ).astype(np.float32)


def test_a_loud_5_1_mix_is_not_clipped_and_its_dialogue_stays(tmp_path: Path) -> None:
    # Dialogue in the centre, music and effects around it, each channel well inside full
    # scale: the standard downmix weights add up to 3.4 and would clip most samples.
    rng = np.random.default_rng(3)
    voice = sine(440, 2.0, 0.7)
    channels = rng.uniform(-0.6, 0.6, (len(voice), 6)).astype(np.float32)
    channels[:, 2] = voice  # FL FR FC LFE BL BR
    channels[:, 3] = 0.0
    path = tmp_path / "loud film 5.1.wav"
    soundfile.write(path, channels, RATE, subtype="FLOAT")

    samples = load(path).samples

    at_full_scale = np.mean((samples == 32767) | (samples == -32768))
    assert at_full_scale == 0.0
    mono = to_float(samples)
    spectrum = np.abs(np.fft.rfft(mono)) / (len(mono) / 2)
    hz = np.fft.rfftfreq(len(mono), 1 / SAMPLE_RATE)
    voice_level = spectrum[np.argmin(np.abs(hz - 440))]
    noise_level = np.median(spectrum[(hz > 1000) & (hz < 7000)])
    assert voice_level > 0.1 and voice_level > 30 * noise_level


def test_stereo_with_one_channel_inverted_keeps_the_voice(tmp_path: Path) -> None:
    # A balanced cable wired the wrong way round: right is left upside down, so their
    # mean is silence, and no speech would be found.
    voice = sine(440, 2.0, 0.5)
    path = tmp_path / "inverted.wav"
    soundfile.write(path, np.stack([voice, -voice], axis=1), RATE, subtype="FLOAT")

    mono = to_float(load(path).samples)

    rms = float(np.sqrt(np.mean(mono**2)))
    assert rms == pytest.approx(float(np.sqrt(np.mean(voice**2))), rel=0.02)


def test_stereo_where_one_side_is_silent_is_still_the_mean(tmp_path: Path) -> None:
    voice = sine(440, 1.0, 0.5, rate=SAMPLE_RATE)
    path = tmp_path / "left only.wav"
    soundfile.write(path, np.stack([voice, np.zeros_like(voice)], axis=1), SAMPLE_RATE,
                    subtype="FLOAT")

    np.testing.assert_allclose(to_float(load(path).samples), voice / 2, atol=0.6 / 32768)
