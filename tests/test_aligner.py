"""The forced aligner through the real Qwen3ForcedAligner code path, on a tiny random
checkpoint with the real architecture (tests/tiny_model.py): word times for a known text."""

from __future__ import annotations

import json
import shutil
import unicodedata

import numpy as np
import pytest

from tingxie.asr.aligner import Qwen3ForcedAligner, interpolate
from tingxie.asr.engine import SAMPLE_RATE, Aligner
from tingxie.asr.errors import (
    AlignerLanguageUnsupported,
    CorruptWeights,
    ModelNotFound,
    NotAQwen3ASRCheckpoint,
    NotAQwen3ForcedAligner,
)
from tingxie.core.cancel import CancelToken
from tingxie.core.edits import EditText
from tingxie.core.errors import Cancelled
from tingxie.core.languages import UnsupportedLanguage
from tingxie.core.transcript import ALIGNED, ESTIMATED, STALE, Segment, Transcript, Word

ENGLISH = "The quick brown fox jumps over the lazy dog. Good morning, and welcome to the news."
CHINESE = "今天天气很好，我们去公园散步。"


def speech_like(seconds: float, seed: int = 0) -> np.ndarray:
    """A chunk of 16 kHz audio: bursts of tone and noise with pauses."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    envelope = (np.sin(2 * np.pi * 1.3 * t) > -0.2).astype(np.float32)
    tone = 0.3 * np.sin(2 * np.pi * 180 * t) + 0.05 * rng.standard_normal(t.size)
    return (envelope * tone).astype(np.float32)


def check_words(words: list[Word], text: str, seconds: float) -> None:
    assert "".join(w.text for w in words) == text
    previous = 0.0
    for w in words:
        assert 0.0 <= previous <= w.start <= w.end <= seconds + 1e-9, (w, previous)
        assert w.timing in (ALIGNED, ESTIMATED)
        previous = w.end


def test_words_give_back_the_text_with_ordered_times_inside_the_chunk(aligner):
    assert isinstance(aligner, Aligner)
    chunk = speech_like(20.0)
    [words] = aligner.align([chunk], [ENGLISH], ["en"])
    check_words(words, ENGLISH, 20.0)
    assert [w.text.strip() for w in words] == ENGLISH.split()
    # The tiny random model predicts some slots out of order: those words are marked
    # estimated, the others placed where the model put them.
    timings = {w.timing for w in words}
    assert timings == {ALIGNED, ESTIMATED}


def test_chinese_gets_one_word_per_character_with_its_punctuation(aligner):
    chunk = speech_like(6.0, seed=1)
    [words] = aligner.align([chunk], [CHINESE], ["Chinese"])
    check_words(words, CHINESE, 6.0)
    assert [w.text for w in words] == [
        "今", "天", "天", "气", "很", "好，", "我", "们", "去", "公", "园", "散", "步。",
    ]


def test_punctuation_stays_attached_and_spaces_are_kept(aligner):
    text = ' He said: "Well-known facts, (mostly) true." Right? '
    [words] = aligner.align([speech_like(8.0)], [text], ["English"])
    check_words(words, text, 8.0)
    assert [w.text for w in words] == [
        " He", " said:", ' "Well-known', " facts,", " (mostly)", ' true."', " Right? ",
    ]


def test_mixed_chinese_and_latin_with_quotes(aligner):
    text = "他说：“我们用GPU训练。”OK"
    [words] = aligner.align([speech_like(5.0)], [text], ["zh"])
    check_words(words, text, 5.0)
    assert [w.text for w in words] == ["他", "说：", "“我", "们", "用", "GPU", "训", "练。”", "OK"]


@pytest.mark.parametrize(("text", "new", "pieces"), [
    ("Vraiment ? Oui, je crois.", "Vraiment ? Oui, je pense.",
     ["Vraiment ?", " Oui,", " je", " crois."]),
    ("I said yes — no way, friend", "I said yes — no way, pal",
     ["I", " said", " yes —", " no", " way,", " friend"]),
    ("Il dit « oui » : bien sûr !", "Il dit « oui » : bien entendu !",
     ["Il", " dit", " « oui » :", " bien", " sûr !"]),
])
def test_spaced_punctuation_goes_with_the_word_before_so_an_edit_elsewhere_keeps_times(
        aligner, text, new, pieces):
    [words] = aligner.align([speech_like(6.0)], [text], ["fr"])
    check_words(words, text, 6.0)
    assert [w.text for w in words] == pieces
    t = Transcript([Segment(1, 0.0, 6.0, text, language="fr", words=words)])
    EditText(1, new).do(t)  # the last word changed, nothing else
    after = t.segments[0].words
    assert [w.text.strip() for w in after[:-1]] == [p.strip() for p in pieces[:-1]]
    assert [(w.start, w.end, w.timing) for w in after[:-1]] == [
        (w.start, w.end, w.timing) for w in words[:-1]], "untouched words keep their times"
    assert after[-1].timing in (STALE, ESTIMATED)  # new: waits for the aligner


@pytest.mark.slow
def test_a_batch_of_chunks_gives_each_the_same_words_as_alone(aligner):
    chunks = [speech_like(s, seed=i) for i, s in enumerate((16.0, 4.5, 9.0, 0.6))]
    texts = [ENGLISH, CHINESE, "Bonjour, tout le monde !", "Ja."]
    languages = ["en", "zh", "fr", "German"]
    batch = aligner.align(chunks, texts, languages)
    assert len(batch) == 4
    for chunk, text, language, words in zip(chunks, texts, languages, batch, strict=True):
        check_words(words, text, len(chunk) / SAMPLE_RATE)
        [alone] = aligner.align([chunk], [text], [language])
        assert [(w.text, w.timing) for w in words] == [(w.text, w.timing) for w in alone]
        assert [w.start for w in words] == pytest.approx([w.start for w in alone], abs=0.081)
        assert [w.end for w in words] == pytest.approx([w.end for w in alone], abs=0.081)


def test_texts_with_nothing_to_align(aligner):
    chunks = [speech_like(2.0), speech_like(3.0)]
    empty, dots = aligner.align(chunks, ["", " …! "], ["en", "en"])
    assert empty == []
    assert dots == [Word(" …! ", 0.0, 3.0, None, ESTIMATED)]


def test_supported_languages(aligner):
    for language in ("zh", "en", "yue", "fr", "de", "it", "pt", "ru", "es", "Chinese",
                     "Cantonese", "français", "Español"):
        assert aligner.supports(language), language
    for language in ("ar", "th", "vi", "Klingon", None, "", "auto"):
        assert not aligner.supports(language), language
    for code, package in (("ja", "nagisa"), ("ko", "soynlp")):
        try:
            __import__(package)
        except ImportError:
            assert not aligner.supports(code)
            assert f"pip install {package}" in aligner.unsupported_reason(code)
        else:
            assert aligner.supports(code)


def test_an_unsupported_language_is_refused_before_any_work(aligner):
    with pytest.raises(AlignerLanguageUnsupported) as caught:
        aligner.align([speech_like(2.0)] * 2, ["Hello there.", "مرحبا"], ["en", "ar"])
    assert isinstance(caught.value, UnsupportedLanguage)
    assert "zh, en, yue" in str(caught.value) and "'ar'" in str(caught.value)


def test_cancel_stops_alignment(aligner):
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        aligner.align([speech_like(2.0)], ["Hello."], ["en"], cancel=token)


def test_mismatched_arguments_are_refused(aligner):
    with pytest.raises(ValueError, match="one text and one language per chunk"):
        aligner.align([speech_like(1.0)], ["a", "b"], ["en"])


def test_loaded_once_and_reused_on_the_cpu(aligner):
    model = aligner.model
    aligner.load()
    assert aligner.model is model
    info = aligner.device_info()
    assert info.device == "cpu"
    assert info.memory_used and info.memory_used > 0


def test_estimated_words_are_spread_between_their_placed_neighbours():
    words = [
        Word("one", 0.5, 1.0),
        Word(" two", 9.0, 9.0, None, ESTIMATED),
        Word(" three", 9.0, 9.0, None, ESTIMATED),
        Word(" four", 2.0, 2.5),
        Word(" five", 0.0, 0.0, None, ESTIMATED),
    ]
    interpolate(words, duration=4.0)
    assert [(w.start, w.end) for w in words] == [
        (0.5, 1.0), (1.0, 1.375), (1.375, 2.0), (2.0, 2.5), (2.5, 4.0),
    ]
    assert [w.timing for w in words] == [ALIGNED, ESTIMATED, ESTIMATED, ALIGNED, ESTIMATED]


def test_original_layout_is_converted_and_aligns_the_same(tiny_original_aligner, aligner):
    original = Qwen3ForcedAligner(tiny_original_aligner, device="cpu")
    original.load()
    assert original.checkpoint != tiny_original_aligner  # a converted copy
    chunk = speech_like(10.0, seed=3)
    assert original.align([chunk], [ENGLISH], ["en"]) == aligner.align([chunk], [ENGLISH], ["en"])


# -- load errors -------------------------------------------------------------------------------
def test_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ModelNotFound, match="not on this computer"):
        Qwen3ForcedAligner(tmp_path / "nowhere", device="cpu").load()


def test_pickle_weights_are_refused(tiny_aligner, tmp_path):
    folder = tmp_path / "pickled"
    folder.mkdir()
    shutil.copy(tiny_aligner / "config.json", folder / "config.json")
    (folder / "pytorch_model.bin").write_bytes(b"\x80\x04not really a pickle")
    with pytest.raises(NotAQwen3ForcedAligner, match="pickle") as caught:
        Qwen3ForcedAligner(folder, device="cpu").load()
    assert "Qwen3-ForcedAligner" in str(caught.value)


def test_truncated_weights_are_reported(tiny_aligner, tmp_path):
    folder = tmp_path / "truncated"
    shutil.copytree(tiny_aligner, folder)
    weights = folder / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    with pytest.raises(CorruptWeights, match="truncated"):
        Qwen3ForcedAligner(folder, device="cpu").load()


def test_the_recogniser_and_the_aligner_are_not_confused(tiny_checkpoint, tiny_aligner):
    from tingxie.asr.qwen3 import Qwen3ASREngine

    with pytest.raises(NotAQwen3ForcedAligner, match="speech recogniser, not the aligner"):
        Qwen3ForcedAligner(tiny_checkpoint, device="cpu").load()
    with pytest.raises(NotAQwen3ASRCheckpoint, match="forced aligner"):
        Qwen3ASREngine(tiny_aligner, device="cpu").load()


def test_a_folder_that_is_no_model(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "whisper"}))
    with pytest.raises(NotAQwen3ForcedAligner, match="'whisper'"):
        Qwen3ForcedAligner(tmp_path, device="cpu").load()


# -- the word's timing source in the project file ---------------------------------------------
def test_word_timing_round_trips_and_old_words_load_as_aligned():
    words = [
        Word("a", 0.0, 0.5), Word(" b", 0.5, 0.9, 0.8, ESTIMATED), Word(" c", 1, 2, None, STALE),
    ]
    seg = Segment(1, 0.0, 2.0, "a b c", words=words)
    again = Segment.from_dict(json.loads(json.dumps(seg.to_dict())))
    assert again.words == words
    assert seg.to_dict()["words"][0]["timing"] == "aligned"
    old = {"text": "x", "start": 0.1, "end": 0.2}
    assert Word.from_dict(old).timing == ALIGNED
    with pytest.raises(ValueError, match="timing"):  # refused, naming the field
        Word.from_dict({**old, "timing": "guessed"})


def test_every_word_keeps_unicode_text_exactly(aligner):
    text = "Cafe\u0301 déjà-vu, naïve ﬁnance."  # a combining accent and a ligature
    [words] = aligner.align([speech_like(4.0)], [text], ["fr"])
    check_words(words, text, 4.0)
    assert unicodedata.normalize("NFC", "".join(w.text for w in words)) == unicodedata.normalize(
        "NFC", text
    )


def test_out_of_memory_splits_the_batch_and_still_times_every_chunk(tiny_aligner, monkeypatch):
    import torch

    aligner = Qwen3ForcedAligner(tiny_aligner, device="cpu")
    aligner.load()
    real_forward = aligner.model.forward
    sizes = []

    def forward(*args, **kwargs):
        sizes.append(kwargs["input_ids"].shape[0])
        if kwargs["input_ids"].shape[0] > 1:  # the device holds one chunk at a time
            raise torch.OutOfMemoryError("CPU out of memory")
        return real_forward(*args, **kwargs)

    monkeypatch.setattr(aligner.model, "forward", forward)
    chunks = [speech_like(3.0, seed=i) for i in range(3)]
    texts = ["One two three.", "Four five.", "六七八。"]
    words = aligner.align(chunks, texts, ["en", "en", "zh"])
    for text, timed in zip(texts, words, strict=True):
        check_words(timed, text, 3.0)
    assert sizes == [3, 2, 1, 1, 1]
    assert aligner.suggested_batch_size() == 1
