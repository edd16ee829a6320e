"""How the pipeline turns a chunk's text into timed sentences, and mends forced cuts."""

from __future__ import annotations

import pytest

from tingxie.asr.pipeline import place_sentences, remove_overlap, split_sentences, tokens


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("Hello there. How are you? Fine!", ["Hello there.", "How are you?", "Fine!"]),
        ("我是张伟。今天聊新能源汽车！好吗？", ["我是张伟。", "今天聊新能源汽车！", "好吗？"]),
        ("It costs 3.5 million, e.g. a lot.", ["It costs 3.5 million, e.g. a lot."]),
        ("He said “stop.” Then left.", ["He said “stop.”", "Then left."]),
        ("no punctuation at all", ["no punctuation at all"]),
        ("", []),
    ],
)
def test_split_sentences(text, sentences):
    assert split_sentences(text) == sentences


def test_tokens_are_words_for_latin_and_characters_for_chinese():
    assert tokens("我们用 Qwen3-ASR 转写。") == ["我", "们", "用", "Qwen3-ASR", "转", "写", "。"]


def test_overlap_text_is_kept_once():
    before = "and then we drove to the old harbour"
    after = "the old harbour where the boats were"
    a, b = remove_overlap(before, after, max_tokens=8)
    assert f"{a} {b}" == "and then we drove to the old harbour where the boats were"


def test_a_word_cut_in_half_at_the_forced_cut_is_dropped():
    a, b = remove_overlap("we drove to the old harb", "to the old harbour where", 8)
    assert (a, b) == ("we drove to the old", "harbour where")


def test_chinese_overlap():
    a, b = remove_overlap("今天我们聊一聊新能源", "聊一聊新能源汽车的未来", 10)
    assert a + b == "今天我们聊一聊新能源汽车的未来"


def test_no_shared_text_changes_nothing():
    assert remove_overlap("alpha beta", "gamma delta", 5) == ("alpha beta", "gamma delta")


def test_sentences_fall_in_speech_not_in_pauses():
    # Two bursts of speech with a 3-second pause; two sentences of equal length.
    placed = place_sentences(["First one here.", "Second one now."], [(0.0, 2.0), (5.0, 7.0)])
    (s1, e1, _), (s2, e2, _) = placed
    assert (s1, e1) == pytest.approx((0.0, 2.0))
    assert (s2, e2) == pytest.approx((5.0, 7.0))


def test_korean_words_keep_their_spaces_when_joined():
    from tingxie.core.text import join_texts

    assert join_texts("안녕하세요", "여러분.") == "안녕하세요 여러분."
    assert join_texts("你好", "世界") == "你好世界"
    # Quotes and brackets are looked through: Chinese on either side joins with no space.
    assert join_texts("他说“好”", "“走吧”") == "他说“好”“走吧”"
    assert join_texts("(Hello.)", "(Again.)") == "(Hello.) (Again.)"
    assert tokens("안녕하세요 여러분") == ["안녕하세요", "여러분"]
