"""Realistic transcripts for the subtitle and export tests, built from a seed.

English and Chinese interview-like text, one to four sentences a segment, with speech rates
from slow to very fast, pauses from none to a few seconds, word times on some segments, a
few speakers, and now and then a word longer than a subtitle line.
"""

from __future__ import annotations

import random

from tingxie.core.transcript import Segment, Speaker, Transcript, Word


def _words(text: str) -> list[str]:
    return text.split()


EN_WORDS = _words("""
the of and to a in is it you that he was for on are with as his they be at one have this
from or had by word but what some we can out other were all there when up use your how said
an each she which do their time if will way about many then them write would like so these
her long make thing see him two has look more day could go come did number sound no most
people my over know water than call first who may down side been now find any new work part
take get place made live where after back little only round man year came show every good me
give our under name very through just form sentence great think say help low line differ turn
cause much mean before move right boy old too same tell does set three want air well also
play small end put home read hand port large spell add even land here must big high such
follow act why ask men change went light kind off need house picture try us again animal
point mother world near build self earth father government minister election journalist
interview transportation infrastructure electricity
""")
LONG_WORDS = ["internationalization", "counterrevolutionaries",
              "pneumonoultramicroscopicsilicovolcanoconiosis"]
ZH_CHARS = ("我们今天来谈一谈新能源汽车的发展问题这个行业在过去十年里变化非常大政府出台了很多政策"
            "消费者也越来越愿意购买电动车但是充电设施还不够完善城市交通和环境保护都受到影响记者采访"
            "了几位专家他们认为技术进步是关键")
ZH_LATIN = ["AI", "iPhone", "5G", "GDP", "Model Y", "2024年"]
NAMES = ["张伟", "Anna Schmidt", "李娜", "Host"]


def _english_sentence(rng: random.Random) -> str:
    words = [rng.choice(EN_WORDS) for _ in range(rng.randint(2, 22))]
    if rng.random() < 0.05:
        words.insert(rng.randrange(len(words)), rng.choice(LONG_WORDS))
    for _ in range(rng.randint(0, 2)):
        k = rng.randrange(len(words))
        words[k] += ","
    words[0] = words[0].capitalize()
    return " ".join(words) + rng.choice(".....?!")


def _chinese_sentence(rng: random.Random) -> str:
    out = []
    for _ in range(rng.randint(1, 4)):
        clause = "".join(rng.choice(ZH_CHARS) for _ in range(rng.randint(2, 14)))
        if rng.random() < 0.2:
            k = rng.randrange(len(clause) + 1)
            clause = clause[:k] + rng.choice(ZH_LATIN) + clause[k:]
        out.append(clause)
    return "，".join(out) + rng.choice("。。。？！")


def realistic(seed: int, language: str = "en", segments: int = 40,
              word_times: float = 0.5) -> Transcript:
    """A transcript of ``segments`` segments in ``language`` ("en" or "zh")."""
    rng = random.Random(seed)
    speakers = [Speaker(f"S{k + 1}", NAMES[k]) for k in range(rng.randint(1, 3))]
    sentence = _english_sentence if language == "en" else _chinese_sentence
    t = Transcript(speakers=speakers, language="English" if language == "en" else "Chinese")
    now = rng.uniform(0, 2)
    speaker = rng.choice(speakers).id
    for sid in range(1, segments + 1):
        text = (" " if language == "en" else "").join(
            sentence(rng) for _ in range(rng.randint(1, 4)))
        rate = rng.uniform(8, 24) if language == "en" else rng.uniform(3, 9)
        duration = max(0.3, len(text) / rate)
        seg = Segment(sid, round(now, 3), round(now + duration, 3), text, speaker,
                      t.language)
        if rng.random() < word_times:
            seg.words = _words(rng, seg, language)
        t.segments.append(seg)
        now = seg.end + rng.choice([0.0, 0.0, rng.uniform(0, 0.3), rng.uniform(0, 3)])
        if rng.random() < 0.4:
            speaker = rng.choice(speakers).id
    t.duration = round(now + rng.uniform(0, 5), 3)
    t.next_id = segments + 1
    return t


def _words(rng: random.Random, seg: Segment, language: str) -> list[Word]:
    """Word times spread over the segment in proportion to length, with random pauses."""
    tokens = seg.text.split() if language == "en" else [
        ch for ch in seg.text if ch not in "，。？！ "]
    weights = [len(w) + rng.uniform(0, 3) for w in tokens]
    pauses = [rng.choice([0, 0, 0, rng.uniform(0, 2)]) for _ in tokens]
    scale = seg.duration / (sum(weights) + sum(pauses))
    words, now = [], seg.start
    for token, weight, pause in zip(tokens, weights, pauses):
        now += pause * scale
        end = min(now + weight * scale, seg.end)
        words.append(Word(token, round(now, 3), round(end, 3), rng.uniform(0.5, 1)))
        now = end
    return words
