"""The model's own alternatives for the words it doubted: from the engine's distribution
(tiny random checkpoint, the real code path) to each word, the project file and the JSON
export."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from media import build_speech, require
from tingxie.asr.alternatives import attach_alternatives, place_tokens
from tingxie.asr.engine import ChunkResult, DeviceInfo, TokenScore, TranscribeOptions
from tingxie.asr.pipeline import transcribe_to_transcript
from tingxie.asr.qwen3 import Qwen3ASREngine
from tingxie.core import project as projects
from tingxie.core.edits import ReviewWord, is_cjk
from tingxie.core.export import render
from tingxie.core.transcript import Alternative, Segment, Transcript, Word


def noise(seconds: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (0.1 * rng.standard_normal(int(16000 * seconds))).astype(np.float32)


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def engine(tiny_checkpoint):
    eng = Qwen3ASREngine(tiny_checkpoint, device="cpu", dtype="float32")
    eng.load()
    return eng


def words_of(result: ChunkResult) -> list[Word]:
    """The chunk as one segment, its words estimated from the text, scored from the tokens."""
    seg = Segment(1, 0.0, 2.0, result.text.strip())
    attach_alternatives([seg], result)
    return seg.words


def check_alternatives(words: list[Word]) -> None:
    for w in words:
        probs = [a.probability for a in w.alternatives]
        assert probs == sorted(probs, reverse=True), "most likely first"
        assert all(0.0 < p < 1.0 for p in probs)
        texts = [a.text for a in w.alternatives]
        assert len(set(texts)) == len(texts), "no alternative twice"
        assert w.text not in texts, "each alternative is a different word"
        assert len(texts) <= 5


# -- the engine, tiny random checkpoint -------------------------------------------------------
def test_doubted_words_get_the_models_runners_up(engine):
    options = TranscribeOptions(language="en", max_new_tokens=16)
    results = engine.transcribe_batch([noise(2.0, 1), noise(3.0, 2)], options)
    words = [w for r in results for w in words_of(r)]
    assert words, "random weights emit text"
    with_alternatives = [w for w in words if w.alternatives]
    assert len(with_alternatives) >= 2, "random weights give low, spread probabilities"
    check_alternatives(words)
    for r in results:
        assert r.tokens and all(0 < t.probability < 1 for t in r.tokens)
        # The least likely token of the chunk is its min_confidence.
        assert min(t.probability for t in r.tokens) == pytest.approx(r.min_confidence, rel=1e-4)
        doubted = [t for t in r.tokens if t.alternatives]
        assert all(t.probability < options.alternatives_below for t in doubted), (
            "only doubted tokens keep alternatives")
    for w in words:
        assert w.confidence is not None and 0 < w.confidence < 1


def test_no_alternatives_kept_when_switched_off(engine):
    options = TranscribeOptions(language="en", max_new_tokens=12, alternatives_below=0.0)
    [result] = engine.transcribe_batch([noise(2.0, 1)], options)
    assert result.tokens and not any(t.alternatives for t in result.tokens)
    words = words_of(result)
    assert words and all(not w.alternatives and w.confidence is not None for w in words)


def test_a_chinese_segment_gets_per_character_alternatives(tiny_checkpoint):
    """A tiny model biased towards its single-character Chinese tokens (the others get a
    large negative bias; the weights stay random), so a forced-Chinese chunk is Chinese."""
    eng = Qwen3ASREngine(tiny_checkpoint, device="cpu", dtype="float32")
    eng.load()
    tok = eng.processor.tokenizer
    chinese = [i for i in range(len(tok))
               if len(s := tok.decode([i])) == 1 and is_cjk(s) and s.isalnum()]
    assert len(chinese) >= 5
    keep = torch.zeros(eng.model.lm_head.weight.shape[0], dtype=torch.bool)
    keep[chinese] = True
    eng.model.lm_head.bias = torch.nn.Parameter(torch.where(keep, 0.0, -100.0))
    options = TranscribeOptions(language="zh", max_new_tokens=20, repetition_guard=False)
    [result] = eng.transcribe_batch([noise(2.0, 1)], options)
    words = words_of(result)
    assert len(words) >= 10 and all(len(w.text) == 1 and is_cjk(w.text) for w in words)
    assert "".join(w.text for w in words) == result.text.strip()
    doubted = [w for w in words if w.alternatives]
    assert len(doubted) >= 3
    for w in doubted:
        assert all(len(a.text) == 1 and is_cjk(a.text) for a in w.alternatives), (
            "an alternative for a character is a character")
    check_alternatives(words)


# -- tokens to words --------------------------------------------------------------------------
def test_a_doubted_token_is_replaced_inside_its_word():
    text = "Mr Dashwood said"
    tokens = [TokenScore(0, 2, 0.95), TokenScore(2, 7, 0.9),  # "Mr", " Dash"
              TokenScore(7, 11, 0.3, (("board", 0.4), ("ing", 0.1))),  # "wood"
              TokenScore(11, 16, 0.7, ((" says", 0.2),))]
    seg = Segment(1, 0.0, 2.0, text, words=[Word("Mr", 0.0, 0.3), Word("Dashwood", 0.3, 1.2),
                                             Word("said", 1.3, 1.8)])
    attach_alternatives([seg], ChunkResult(text=text, tokens=tokens))
    mr, dashwood, said = seg.words
    assert dashwood.confidence == pytest.approx(0.3), "its least likely token"
    assert [(a.text, a.probability) for a in dashwood.alternatives] == [
        ("Dashboard", pytest.approx(0.4)), ("Dashing", pytest.approx(0.1))]
    assert [a.text for a in said.alternatives] == ["says"]
    assert mr.alternatives == [] and mr.confidence == pytest.approx(0.95)
    assert dashwood.start == 0.3, "the aligner's times stay"


def test_chinese_words_and_characters_both_get_whole_alternatives():
    text = "你好世界"
    tokens = [TokenScore(0, 1, 0.9), TokenScore(1, 2, 0.2, (("号", 0.3), ("好", 0.1))),
              TokenScore(2, 4, 0.4, (("视界", 0.2), ("世", 0.1)))]  # one token, two characters
    as_words = Segment(1, 0.0, 1.0, text, words=[Word("你好", 0.0, 0.5), Word("世界", 0.5, 1.0)])
    attach_alternatives([as_words], ChunkResult(text=text, tokens=tokens))
    assert [a.text for a in as_words.words[0].alternatives] == ["你号"]
    assert [a.text for a in as_words.words[1].alternatives] == ["视界", "世"]
    per_char = Segment(1, 0.0, 1.0, text)  # no words: one per character, estimated
    attach_alternatives([per_char], ChunkResult(text=text, tokens=tokens))
    assert [w.text for w in per_char.words] == list(text)
    assert [[a.text for a in w.alternatives] for w in per_char.words] == [
        [], ["号"], ["视"], []]
    assert [w.confidence for w in per_char.words] == pytest.approx([0.9, 0.2, 0.4, 0.4])


def test_a_token_led_by_punctuation_is_about_the_characters_after_it():
    """Qwen's pre-tokenizer glues a punctuation mark to the letters after it ("你好，世界"
    is 你好 | ，世 | 界), while the aligner leaves the mark with the word before ("好，"):
    the doubt and the runner-up belong to 世, and "好，" keeps its comma and confidence."""
    text = "你好，世界"
    tokens = [("你".encode(), 0.95, []), ("好".encode(), 0.95, []),
              ("，世".encode(), 0.3, [("，是".encode(), 0.25), ("世".encode(), 0.05)]),
              ("界".encode(), 0.9, [])]
    scores = place_tokens(tokens, text)  # as the engine places them
    words = [Word("你", 0.0, 0.2), Word("好，", 0.2, 0.4), Word("世", 0.5, 0.7),
             Word("界", 0.7, 0.9)]
    seg = Segment(1, 0.0, 1.0, text, words=words)
    attach_alternatives([seg], ChunkResult(text=text, tokens=scores))
    assert [[a.text for a in w.alternatives] for w in seg.words] == [[], [], ["是"], []], (
        "no alternative deletes the comma; one that drops it is not 世's to offer")
    assert [w.confidence for w in seg.words] == pytest.approx([0.95, 0.95, 0.3, 0.9])
    # A token of punctuation alone is still about the word that carries the mark.
    marks = [TokenScore(0, 1, 0.95), TokenScore(1, 2, 0.95),
             TokenScore(2, 3, 0.4, (("。", 0.3),)), TokenScore(3, 5, 0.9)]
    seg = Segment(1, 0.0, 1.0, text, words=[Word("你", 0.0, 0.2), Word("好，", 0.2, 0.4),
                                             Word("世", 0.5, 0.7), Word("界", 0.7, 0.9)])
    attach_alternatives([seg], ChunkResult(text=text, tokens=marks))
    assert [a.text for a in seg.words[1].alternatives] == ["好。"]


def test_tokens_that_split_a_character_are_merged():
    hao = "好".encode()  # e5 a5 bd, here in two tokens: e5 a5 | bd
    tokens = [("我".encode(), 0.9, []), (hao[:2], 0.8, []),
              (hao[2:], 0.3, [(b"\xb9", 0.2), (b"\xff", 0.1), (b" and", 0.05)])]
    scores = place_tokens(tokens, "我好")
    assert [(s.start, s.end) for s in scores] == [(0, 1), (1, 2)]
    assert scores[1].probability == pytest.approx(0.3), "the lowest of its tokens"
    # e5 a5 b9 is 她; e5 a5 ff is not UTF-8 and e5 a5 " and" neither: dropped.
    assert scores[1].alternatives == (("她", pytest.approx(0.2)),)
    assert place_tokens(tokens, "something else") == [], "tokens that do not spell the text"


# -- the pipeline with a scripted engine ------------------------------------------------------
class ScriptedEngine:
    """An engine that answers every chunk with the same scripted text and token scores."""

    name = "scripted"

    def __init__(self, result: ChunkResult) -> None:
        self.result = result

    def load(self, progress=None, cancel=None) -> None:
        pass

    def transcribe_batch(self, chunks, options, cancel=None):
        return [self.result for _ in chunks]

    def unload(self) -> None:
        pass

    def device_info(self) -> DeviceInfo:
        return DeviceInfo("cpu", "float32")

    def suggested_batch_size(self, chunk_seconds: float) -> int:
        return 4


def scripted_result() -> ChunkResult:
    text = "The harbour opened."
    return ChunkResult(text=text, language="English", confidence=0.7, min_confidence=0.2,
                       tokens=[TokenScore(0, 3, 0.95), TokenScore(3, 11, 0.2,
                                                                   ((" harbor", 0.5),)),
                               TokenScore(11, 18, 0.5, ((" open", 0.3),)),
                               TokenScore(18, 19, 0.99)])


def test_the_pipeline_puts_alternatives_on_the_segments_words():
    require("espeak-ng")
    samples, _truth = build_speech([0.5, "The harbour opened.", 0.5])
    transcript = transcribe_to_transcript(samples, ScriptedEngine(scripted_result()))
    [seg] = transcript.segments
    assert [w.text for w in seg.words] == ["The", "harbour", "opened."]
    assert [[a.text for a in w.alternatives] for w in seg.words] == [[], ["harbor"], ["open."]]
    assert seg.words[0].start >= seg.start and seg.words[-1].end <= seg.end + 1e-6


# -- saved and exported -----------------------------------------------------------------------
def reviewed_transcript() -> Transcript:
    words = [Word("The", 0.0, 0.3, 0.95),
             Word("harbour", 0.3, 0.9, 0.2, alternatives=[Alternative("harbor", 0.5),
                                             Alternative("arbour", 0.1)]),
             Word("opened.", 0.9, 1.5, 0.5, alternatives=[Alternative("open.", 0.3)])]
    return Transcript([Segment(1, 0.0, 1.5, "The harbour opened.", words=words,
                               confidence=0.6)], duration=2.0)


def test_a_project_keeps_alternatives_and_reviewed_flags(tmp_path):
    t = reviewed_transcript()
    op = ReviewWord(1, 2)
    op.do(t)  # the reviewer kept "opened."
    path = tmp_path / "talk.tingxie"
    projects.save(projects.Project(transcript=t), path)
    back = projects.load(path).transcript
    assert back.to_dict() == t.to_dict()
    words = back.segments[0].words
    assert [a.text for a in words[1].alternatives] == ["harbor", "arbour"]
    assert [w.reviewed for w in words] == [False, False, True]
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["schema_version"] == 2
    assert "alternatives" not in doc["transcript"]["segments"][0]["words"][0], "omitted: none"


def test_a_version_1_project_still_opens(tmp_path):
    doc = projects.snapshot(projects.Project(transcript=reviewed_transcript()), tmp_path / "a")
    for w in doc["transcript"]["segments"][0]["words"]:
        w.pop("alternatives", None)
    doc["schema_version"] = 1
    path = tmp_path / "old.tingxie"
    path.write_text(json.dumps(doc), encoding="utf-8")
    words = projects.load(path).transcript.segments[0].words
    assert all(not w.alternatives and not w.reviewed for w in words)


def test_a_malformed_alternative_names_the_field(tmp_path):
    doc = projects.snapshot(projects.Project(transcript=reviewed_transcript()), tmp_path / "a")
    doc["transcript"]["segments"][0]["words"][1]["alternatives"][0]["probability"] = "high"
    path = tmp_path / "bad.tingxie"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(projects.ProjectFormatError, match=r"alternatives\[0\]\.probability"):
        projects.load(path)


def test_json_export_lists_alternatives_and_other_formats_ignore_them():
    t = reviewed_transcript()
    doc = json.loads(render(t, "json"))
    word = doc["transcript"]["segments"][0]["words"][1]
    assert word["alternatives"] == [{"text": "harbor", "probability": 0.5},
                                    {"text": "arbour", "probability": 0.1}]
    for fmt in ("srt", "vtt", "txt"):
        assert b"harbor" not in render(t, fmt)


def test_reviewing_a_word_replaces_it_and_undo_restores_it():
    t = reviewed_transcript()
    before = t.to_dict()
    op = ReviewWord(1, 1, "harbor")
    op.do(t)
    seg = t.segments[0]
    assert seg.text == "The harbor opened." and seg.edited
    word = seg.words[1]
    assert word.text == "harbor" and word.reviewed and (word.start, word.end) == (0.3, 0.9)
    assert [a.text for a in word.alternatives] == ["harbour", "arbour"], (
        "the model's own word stays one key away")
    assert op.label == "Replace word"
    op.undo(t)
    assert t.to_dict() == before
    with pytest.raises(ValueError, match="Type"):
        ReviewWord(1, 1, "  ").do(t)
    assert t.to_dict() == before


def test_a_review_answer_is_refused_when_another_word_has_come_to_its_place():
    """An answer names the word it was given for: after an undo that put another word at
    that index, it changes nothing rather than the wrong word."""
    t = reviewed_transcript()
    before = t.to_dict()
    with pytest.raises(ValueError, match="no longer"):
        ReviewWord(1, 1, "harbor", word="opened.").do(t)
    assert t.to_dict() == before
    ReviewWord(1, 1, "harbor", word="harbour").do(t)
    assert t.segments[0].text == "The harbor opened."
