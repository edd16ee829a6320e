"""Transcribing on a server: RemoteEngine against a real HTTP server on 127.0.0.1.

The server (tests/fake_asr_server.py) speaks vLLM's OpenAI-compatible endpoints and
transcribes with the tiny random Qwen3-ASR checkpoint, so these tests check what a user
relies on whatever the words: what reaches the server (context, language, 16 kHz audio),
many requests in flight with results in order, each language kept, every fault a typed error
or a retry that works, and a cancel that leaves nothing running.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import math
import re
import socket
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler

import httpx
import numpy as np
import pytest
import soundfile as sf

from fake_asr_server import Answer, FakeASRServer, model_transcriber
from local_server import LocalServer
from media import build_speech, require, spoken_wav, write_wav
from tingxie import cli
from tingxie.asr import remote
from tingxie.asr.engine import Engine, TranscribeOptions
from tingxie.asr.errors import (
    ChunkTooLarge,
    ModelNotServed,
    ServerAnswerUnreadable,
    ServerAuthFailed,
    ServerBusy,
    ServerConnectionLost,
    ServerRejected,
    ServerTimeout,
    ServerTLSFailed,
    ServerUnreachable,
    UnsupportedLanguage,
)
from tingxie.asr.pipeline import transcribe
from tingxie.asr.qwen3_text import parse_asr_output
from tingxie.asr.remote import RemoteEngine, check_server, find_api_key, insecure_url_warning
from tingxie.core.cancel import CancelToken
from tingxie.core.errors import Cancelled
from tingxie.core.importers import import_transcript
from tingxie.core.transcript import ALIGNED, ESTIMATED, Word

SR = 16_000
MARKER_HZ = 5000.0  # a quiet tone under the "Chinese" chunks: what the fake detector hears


def tone(seconds: float, hz: float = 300.0, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(round(seconds * SR)) / SR
    return (0.3 * np.sin(2 * np.pi * hz * t) + 0.02 * rng.standard_normal(t.size)).astype(
        np.float32)


def with_marker(samples: np.ndarray) -> np.ndarray:
    t = np.arange(len(samples)) / SR
    return (samples + 0.05 * np.sin(2 * np.pi * MARKER_HZ * t)).astype(np.float32)


def detect(samples: np.ndarray) -> str:
    """The fake server's language identification: Chinese when the marker tone is there."""
    spectrum = np.abs(np.fft.rfft(samples))
    freqs = np.fft.rfftfreq(len(samples), 1 / SR)
    band = spectrum[(freqs > MARKER_HZ - 20) & (freqs < MARKER_HZ + 20)].max()
    return "Chinese" if band > 20 * np.median(spectrum) + 1e-9 else "English"


@pytest.fixture
def server(tiny_engine):
    with FakeASRServer(model_transcriber(tiny_engine, detect)) as srv:
        yield srv


def engine_for(srv: FakeASRServer, **kwargs) -> RemoteEngine:
    """An engine with test-sized waits: retries in milliseconds."""
    kwargs.setdefault("parallel", 4)
    kwargs.setdefault("timeout", 10.0)
    return RemoteEngine(srv.url, backoff=0.01, max_backoff=0.05, **kwargs)


FORCED = TranscribeOptions(language="en", context="张伟, harbour", max_new_tokens=4)


# -- what reaches the server ------------------------------------------------------------------
def test_the_server_gets_16k_wav_the_context_and_the_forced_language(server):
    eng = engine_for(server)
    assert isinstance(eng, Engine)
    chunks = [tone(1.0, seed=1), tone(2.5, seed=2), tone(0.6, seed=3)]
    results = eng.transcribe_batch(chunks, FORCED)
    calls = sorted(server.answered(), key=lambda c: len(c.samples))
    assert [len(c.samples) for c in calls] == sorted(len(c) for c in chunks)
    for call in calls:
        assert call.sample_rate == SR and call.wav_subtype == "PCM_16"
        assert call.context == "张伟, harbour" and call.language == "English"
        assert call.temperature == 0.0 and call.model == "Qwen/Qwen3-ASR-0.6B"
        assert call.authorization is None
    by_length = {len(c.samples): c.answer for c in calls}
    assert [r.text for r in results] == [by_length[len(c)].strip() for c in chunks]
    assert all(r.language == "English" for r in results)
    sent = next(c for c in calls if len(c.samples) == len(chunks[1]))
    assert np.abs(sent.samples - chunks[1]).max() < 1e-3  # the audio itself, 16-bit


@pytest.mark.parametrize("options", [FORCED, TranscribeOptions(context="张伟"),
                                     TranscribeOptions()], ids=["forced", "context", "plain"])
def test_the_server_reads_the_same_prompt_as_the_local_engine(server, tiny_engine, options):
    chunk = tone(1.3)
    engine_for(server).transcribe_batch([chunk], options)
    call = server.calls[-1]
    served = tiny_engine.processor.apply_chat_template(  # what vLLM renders from the request
        call.messages, tokenize=False, add_generation_prompt=call.add_generation_prompt,
        continue_final_message=call.continue_final_message)
    local = tiny_engine.build_prompt_texts([chunk], options)[0]
    assert served == re.sub(r"(<\|audio_pad\|>)+", "<|audio_pad|>", local)


def test_auto_language_comes_back_per_chunk_from_the_raw_answer(server):
    chunks = [tone(1.0, seed=1), with_marker(tone(1.2, seed=2)), tone(0.8, seed=3)]
    results = engine_for(server).transcribe_batch(chunks, TranscribeOptions(max_new_tokens=4))
    assert [r.language for r in results] == ["English", "Chinese", "English"]
    assert all(c.language is None for c in server.calls)  # nothing forced
    answers = {len(c.samples): c.answer for c in server.answered()}
    assert all(answers[len(c)].startswith("language ") for c in chunks)
    assert [r.text for r in results] == [parse_asr_output(answers[len(c)])[1] for c in chunks]


def test_confidence_comes_from_the_probabilities_of_the_words_said(server):
    chunks = [tone(1.0, seed=1), tone(1.5, seed=2)]
    for options in (TranscribeOptions(max_new_tokens=6), FORCED):
        server.calls.clear()
        results = engine_for(server).transcribe_batch(chunks, options)
        assert all(c.logprobs for c in server.calls)
        for chunk, result in zip(chunks, results):
            call = next(c for c in server.answered() if len(c.samples) == len(chunk))
            # The language prefix (certain) and the end of turn are not part of what was said.
            said = [lp for t, lp in call.tokens if lp != 0.0 and t != "<|im_end|>"]
            if not said:
                continue
            assert result.confidence == pytest.approx(math.exp(sum(said) / len(said)))
            assert result.min_confidence == pytest.approx(math.exp(min(said)))
            assert 0 < result.min_confidence <= result.confidence <= 1


def test_a_decoding_loop_is_asked_again_with_a_repetition_penalty(tiny_engine):
    def looping(call):
        if call.repetition_penalty is None:
            words = ["the", " harbour"] * 20
            return Answer("language English<asr_text>" + "".join(words),
                          [("language", 0.0), (" English", 0.0), ("<asr_text>", 0.0)]
                          + [(w, -0.05) for w in words], finish_reason="length")
        return Answer("language English<asr_text>The harbour at dawn.",
                      [("language English<asr_text>", 0.0), ("The harbour at dawn.", -0.2)])

    with FakeASRServer(looping) as srv:
        result = engine_for(srv).transcribe_batch([tone(2.0)], TranscribeOptions())[0]
        assert [c.repetition_penalty for c in srv.calls] == [None, 1.3]
        assert result.retried and result.text == "The harbour at dawn."
        srv.calls.clear()
        off = TranscribeOptions(repetition_guard=False)
        assert not engine_for(srv).transcribe_batch([tone(2.0)], off)[0].retried
        assert len(srv.calls) == 1


def test_a_language_qwen3_asr_lacks_fails_before_any_request(server):
    with pytest.raises(UnsupportedLanguage):
        engine_for(server).transcribe_batch([tone(1.0)], TranscribeOptions(language="Klingon"))
    assert server.calls == []


def test_the_pipeline_gets_segments_in_order_with_their_languages(server):
    require("espeak-ng")
    samples, truth = build_speech([0.3, "Good morning everyone.", 2.5, "The harbour is busy.",
                                   2.5, "Ships come in at dawn.", 2.5, "Fish markets open.",
                                   0.3])
    chinese = {1, 3}
    for i in chinese:
        s = truth.sentences[i]
        a, b = round(s.start * SR), round(s.end * SR)
        samples[a:b] = with_marker(samples[a:b])
    server.delay = 0.1
    updates = list(transcribe(samples, engine_for(server, parallel=4),
                              TranscribeOptions(max_new_tokens=4)))
    segments = [s for u in updates for s in u.segments]
    assert len(server.answered()) == 4 and server.max_in_flight >= 2
    assert segments and [s.start for s in segments] == sorted(s.start for s in segments)
    assert all(s.confidence is not None for s in segments)
    for seg in segments:
        sentence = min(range(4), key=lambda i: abs(truth.sentences[i].start - seg.start))
        assert seg.language == ("Chinese" if sentence in chinese else "English")


def test_several_requests_are_in_flight_at_once(server):
    server.delay = 0.15
    chunks = [tone(0.5 + 0.1 * i, seed=i) for i in range(8)]
    results = engine_for(server, parallel=4).transcribe_batch(chunks, FORCED)
    assert len(results) == 8 and len(server.answered()) == 8
    assert server.max_in_flight == 4  # never more than asked for, and really that many


# -- the server check, the model, the key ----------------------------------------------------
def test_load_picks_the_served_model_or_lists_what_is_served(tiny_engine):
    with FakeASRServer(model_transcriber(tiny_engine), models=["asr-a", "asr-b"]) as srv:
        first = engine_for(srv)
        first.load()
        assert first.model == "asr-a"
        assert first.device_info().description == f"{srv.url} (asr-a)"
        assert first.suggested_batch_size(30.0) == 4
        with pytest.raises(ModelNotServed, match="asr-a, asr-b") as caught:
            engine_for(srv, model="Qwen/Qwen3-ASR-1.7B").load()
        assert caught.value.served == ["asr-a", "asr-b"]
        check = check_server(srv.url + "/v1/")
        assert check.models == ["asr-a", "asr-b"] and check.round_trip_s < 5
        assert check.warning is None


def test_a_model_the_server_stops_serving_is_a_typed_error(server):
    eng = engine_for(server)
    eng.load()
    server.models = ["other-model"]
    with pytest.raises(ModelNotServed, match=r"Qwen/Qwen3-ASR-0\.6B.*offers: other-model"):
        eng.transcribe_batch([tone(1.0)], FORCED)


def test_the_key_is_sent_and_a_missing_or_wrong_one_is_a_clear_error(server):
    server.api_key = "s3cret"
    with pytest.raises(ServerAuthFailed, match="needs an API key"):
        engine_for(server).load()
    with pytest.raises(ServerAuthFailed, match=r"refused the API key \(HTTP 401"):
        engine_for(server, api_key="wrong").load()
    eng = engine_for(server, api_key="s3cret")
    eng.transcribe_batch([tone(1.0)], FORCED)
    assert server.calls[-1].authorization == "Bearer s3cret"
    assert "s3cret" not in repr(eng) and "s3cret" not in eng.device_info().description
    server.fail_next("403")
    with pytest.raises(ServerAuthFailed, match="403"):
        eng.transcribe_batch([tone(1.0)], FORCED)


class _MemoryKeyring:
    """A keyring backend holding passwords in a dict."""

    priority = 1

    def __init__(self, broken: bool = False) -> None:
        self.passwords: dict[tuple[str, str], str] = {}
        self.broken = broken

    def get_password(self, service: str, username: str) -> str | None:
        if self.broken:
            raise RuntimeError("D-Bus is not running")
        return self.passwords.get((service, username))


def test_the_key_comes_from_an_environment_variable_or_the_keyring(monkeypatch):
    import keyring
    from keyring.backend import KeyringBackend

    class Memory(KeyringBackend):
        priority = 1
        store = _MemoryKeyring()

        def get_password(self, service, username):
            return self.store.get_password(service, username)

        def set_password(self, service, username, password):
            self.store.passwords[(service, username)] = password

        def delete_password(self, service, username):
            self.store.passwords.pop((service, username), None)

    saved = keyring.get_keyring()
    try:
        keyring.set_keyring(Memory())
        assert remote.store_api_key_in_keyring("http://gpu:8000/", "from-keyring")
        assert Memory.store.passwords == {("tingxie", "http://gpu:8000"): "from-keyring"}
        assert find_api_key("http://gpu:8000/v1/") == "from-keyring"
        assert find_api_key("http://other:8000") is None
        monkeypatch.setenv("MY_ASR_KEY", "from-env ")
        assert find_api_key("http://gpu:8000", "MY_ASR_KEY") == "from-env"
        monkeypatch.delenv("MY_ASR_KEY")
        with pytest.raises(KeyError):
            find_api_key("http://gpu:8000", "MY_ASR_KEY")
        Memory.store.broken = True  # a backend that fails: no key, no traceback
        assert find_api_key("http://gpu:8000") is None
        from keyring.backends.fail import Keyring as NoKeyring

        keyring.set_keyring(NoKeyring())  # a system without any keyring
        assert find_api_key("http://gpu:8000") is None
        assert remote.store_api_key_in_keyring("http://gpu:8000", "k") is False
    finally:
        keyring.set_keyring(saved)


def test_plain_http_to_another_computer_warns():
    assert "unencrypted" in insecure_url_warning("http://gpu-box:8000")
    assert "unencrypted" in RemoteEngine("http://10.0.0.5:8000/v1").warning
    for url in ("http://localhost:8000", "http://127.0.0.5:8000", "http://[::1]:8000",
                "https://asr.example.org"):
        assert insecure_url_warning(url) is None


# -- faults ------------------------------------------------------------------------------------
def test_connection_refused_dns_and_tls_failures_are_typed_errors(server):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    with pytest.raises(ServerUnreachable, match="refused"):
        RemoteEngine(f"http://127.0.0.1:{closed_port}").load()
    with pytest.raises(ServerUnreachable, match="cannot be resolved"):
        RemoteEngine("http://no-such-asr-server.invalid:8000").load()
    with pytest.raises(ServerTLSFailed, match="https"):  # https to a plain-http server
        RemoteEngine(server.url.replace("http://", "https://")).load()
    with pytest.raises(ServerUnreachable, match="http:// or https://"):
        RemoteEngine("gpu-box:8000")


class _MangledBodies(LocalServer):
    """A proxy in front of the server that marks its answers gzip-compressed but sends them
    plain (``mangle`` lists the paths it does this to)."""

    def __init__(self, upstream: str, mangle: tuple[str, ...]) -> None:
        self.upstream, self.mangle = upstream, mangle

    def handler(self):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args) -> None:
                pass

            def _forward(self, body: bytes | None) -> None:
                with httpx.Client(trust_env=False) as client:
                    answer = client.request(self.command, proxy.upstream + self.path,
                                            content=body, headers={"Content-Type":
                                                                   "application/json"})
                self.send_response(answer.status_code)
                self.send_header("Content-Type", "application/json")
                if self.path in proxy.mangle:
                    self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            def do_GET(self) -> None:
                self._forward(None)

            def do_POST(self) -> None:
                self._forward(self.rfile.read(int(self.headers.get("Content-Length", 0))))

        return Handler


def test_a_proxy_that_garbles_the_answers_is_a_typed_error(server):
    with _MangledBodies(server.url, ("/v1/models",)) as proxy:
        with pytest.raises(ServerAnswerUnreadable, match="proxy"):
            check_server(proxy.url)
        with pytest.raises(ServerAnswerUnreadable, match="proxy"):
            RemoteEngine(proxy.url).load()
    with _MangledBodies(server.url, ("/v1/chat/completions",)) as proxy:
        eng = engine_for(proxy)
        eng.load()  # the model list comes through
        with pytest.raises(ServerAnswerUnreadable, match=re.escape(proxy.url)):
            eng.transcribe_batch([tone(1.0)], FORCED)
    assert len(server.answered()) == 1, "not retried: the answer would be garbled again"


def test_an_address_with_a_bad_port_is_refused_with_a_clear_message(tmp_path, capsys):
    for url in ("http://gpu-box:80a", "http://gpu-box:80a/v1", "https://gpu-box:99999"):
        with pytest.raises(ServerUnreachable, match=r"port .* is not a number from 1 to 65535"):
            RemoteEngine(url)
        with pytest.raises(ServerUnreachable, match="port"):  # the window's Test connection
            check_server(url)
    audio = tmp_path / "a.wav"
    write_wav(audio, tone(1.0))
    status = cli.main(["transcribe", str(audio), "--server", "http://gpu-box:80a"])
    err = capsys.readouterr().err
    assert status == 2 and "'80a' is not a number" in err
    assert "Traceback" not in err and "unexpectedly" not in err


def test_a_chunk_too_large_is_split_at_its_quietest_point(server):
    chunk = np.concatenate([tone(1.4, seed=1), np.zeros(int(0.4 * SR), np.float32),
                            tone(1.2, seed=2)])
    server.max_body = int(len(remote.wav_bytes(chunk)) * 1.37 * 0.75)  # base64 of ~70% fits
    result = engine_for(server).transcribe_batch([chunk], FORCED)[0]
    first, second = sorted(server.answered(), key=lambda c: c.started)
    assert len(first.samples) + len(second.samples) == len(chunk)
    assert 1.4 * SR < len(first.samples) < 1.8 * SR  # cut inside the silence
    # Both halves' words, in order (a space between them only where the script needs one).
    assert result.text.startswith(first.answer.strip())
    assert result.text.endswith(second.answer.strip())
    assert len(result.text) <= len(first.answer.strip()) + len(second.answer.strip()) + 1
    server.max_body = 2000
    with pytest.raises(ChunkTooLarge, match="413"):
        engine_for(server).transcribe_batch([chunk], FORCED)


def test_429_waits_as_long_as_retry_after_asks_then_succeeds(server):
    server.fail_next("429", retry_after="0.3")
    result = engine_for(server).transcribe_batch([tone(1.0)], FORCED)[0]
    refused, answered = server.calls
    assert refused.status == 429 and answered.status == 200
    assert answered.started - refused.started >= 0.3
    assert result.text == answered.answer.strip()


def test_503_is_retried_with_backoff_and_gives_up_with_a_clear_error(server):
    server.fail_next("503", "503")
    engine_for(server).transcribe_batch([tone(1.0)], FORCED)
    assert [c.status for c in server.calls] == [503, 503, 200]
    server.calls.clear()
    server.fail_rate(1.0)
    with pytest.raises(ServerBusy, match="503, 4 attempts"):
        engine_for(server, retries=3).transcribe_batch([tone(1.0)], FORCED)
    assert len(server.calls) == 4
    server.fail_rate(0.0)
    server.fail_next("503", retry_after="3600")
    with pytest.raises(ServerBusy, match="wait 3600 s"):
        engine_for(server).transcribe_batch([tone(1.0)], FORCED)


def test_a_server_failing_30_percent_with_503_still_gives_every_chunk_once(server):
    server.fail_rate(0.3)
    chunks = [tone(0.4 + 0.02 * i, seed=i) for i in range(24)]
    results = engine_for(server, parallel=6, retries=10).transcribe_batch(chunks, FORCED)
    statuses = Counter(c.status for c in server.calls)
    assert statuses[503] >= 3  # the faults did happen
    answered = server.answered()
    assert sorted(len(c.samples) for c in answered) == [len(c) for c in chunks]  # each once
    by_length = {len(c.samples): c.answer.strip() for c in answered}
    assert [r.text for r in results] == [by_length[len(c)] for c in chunks]


def test_a_stalled_server_times_out_instead_of_hanging(server):
    server.fail_next("stall")
    started = time.monotonic()
    with pytest.raises(ServerTimeout, match=r"0\.3 s"):
        engine_for(server, timeout=0.3).transcribe_batch([tone(1.0)], FORCED)
    assert time.monotonic() - started < 3


def test_a_dropped_connection_is_retried_and_a_lasting_one_is_a_typed_error(server):
    server.fail_next("drop")
    result = engine_for(server).transcribe_batch([tone(1.0)], FORCED)[0]
    assert [c.status for c in server.calls] == [-1, 200]
    assert result.text == server.calls[-1].answer.strip()
    server.fail_next(*["drop"] * 3)
    with pytest.raises(ServerConnectionLost, match="3 attempts"):
        engine_for(server, retries=2).transcribe_batch([tone(1.0)], FORCED)


def test_any_other_refusal_keeps_the_servers_message(server):
    server.fail_next("500")
    with pytest.raises(ServerRejected, match="HTTP 500: Error"):
        engine_for(server).transcribe_batch([tone(1.0)], FORCED)


def test_cancel_aborts_the_requests_in_flight_and_leaves_nothing_behind(server):
    server.delay = 30.0  # a job that would take minutes
    eng = engine_for(server, parallel=3)
    eng.load()
    before = {t.ident for t in threading.enumerate()}
    cancel = CancelToken()
    outcome: list[BaseException] = []

    def job() -> None:
        try:
            eng.transcribe_batch([tone(1.0, seed=i) for i in range(6)], FORCED, cancel)
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=job)
    worker.start()
    assert server.wait_for(lambda s: s.in_flight == 3)
    cancelled_at = time.monotonic()
    cancel.cancel()
    worker.join(timeout=5)
    assert not worker.is_alive() and time.monotonic() - cancelled_at < 1.0
    assert len(outcome) == 1 and isinstance(outcome[0], Cancelled)
    # The server saw the client hang up on all three; no connection stays open.
    assert server.wait_for(lambda s: s.in_flight == 0 and s.open_connections == 0, 3)
    assert [c.aborted for c in server.calls] == [True] * 3
    # No thread of the client's is left (the server's handler threads are its own).
    leftover = [t.name for t in threading.enumerate()
                if t.ident not in before and "process_request" not in t.name]
    assert leftover == []


def test_cancelling_a_transcription_job_stops_it_at_once(server):
    require("espeak-ng")
    samples, _ = build_speech([0.3, "Good morning everyone.", 2.5, "The harbour is busy.", 2.5,
                               "Ships come in at dawn.", 0.3])
    server.delay = 30.0
    before = {t.ident for t in threading.enumerate()}
    cancel = CancelToken()
    updates: list = []
    worker = threading.Thread(target=lambda: updates.extend(
        transcribe(samples, engine_for(server, parallel=2), FORCED, cancel=cancel)))
    worker.start()
    # The first batch is one chunk (first words sooner): one request is in flight.
    assert server.wait_for(lambda s: s.in_flight >= 1, 20)
    cancelled_at = time.monotonic()
    cancel.cancel()
    worker.join(timeout=5)
    assert not worker.is_alive() and time.monotonic() - cancelled_at < 1.0
    assert not [s for u in updates for s in u.segments]  # nothing made up
    assert server.wait_for(lambda s: s.open_connections == 0, 3)
    assert [t.name for t in threading.enumerate()
            if t.ident not in before and "process_request" not in t.name] == []



def test_a_server_that_gives_up_after_a_forced_cut_leaves_the_chunk_before_it(server):
    from tingxie.core.segmentation import make_chunks

    require("espeak-ng")
    samples, truth = build_speech([0.5, "Welcome to the programme, we are talking about the "
                                   "harbour today, and it opened a century ago.", 0.5])
    regions = truth.speech()  # one stretch of speech: with 4 s chunks the cut is forced
    first = make_chunks(regions, samples, max_length=4.0)[0]
    assert first.overlap_after > 0
    kept = []
    updates = transcribe(samples, engine_for(server, parallel=1, retries=1), FORCED,
                         max_length=4.0, first_chunk=None, regions=regions)
    with pytest.raises(ServerBusy):
        for update in updates:
            kept.extend(update.segments)
            if update.chunks_done == 1:
                server.fail_rate(1.0)  # overloaded from now on
    [answer] = server.answered()
    assert len(answer.samples) == round(first.duration * SR)
    assert kept and all(first.start <= s.start and s.end <= first.end for s in kept)
    said = parse_asr_output(answer.answer)[1]
    assert "".join("".join(s.text.split()) for s in kept) == "".join(said.split())

# -- the parser, shared with the local engine --------------------------------------------------
@pytest.mark.parametrize("raw", [
    "language English<asr_text>Good morning.", "language None<asr_text>", "just text",
    "", "language Chinese\n<asr_text>你好", "  language Cantonese<asr_text> 早晨 ",
    "Japanese<asr_text>こんにちは",
])
def test_the_answer_parser_reads_it_as_the_released_processor_does(raw, tiny_engine):
    expected = tiny_engine.processor.parse_output(raw)
    assert parse_asr_output(raw) == (expected["language"], expected["transcription"])


# -- the command line --------------------------------------------------------------------------
def test_tingxie_transcribe_on_a_server_end_to_end(server, tmp_path, capsys, monkeypatch):
    audio = spoken_wav(tmp_path / "news.wav",
                       [0.4, "Good morning and welcome.", 0.8, "The harbour.", 0.4])
    server.api_key = "k-123"
    monkeypatch.setenv("TINGXIE_TEST_KEY", "k-123")
    status = cli.main(["transcribe", str(audio), "--server", server.url + "/v1",
                       "--api-key-env", "TINGXIE_TEST_KEY", "--parallel", "2",
                       "--language", "en", "--context", "harbour", "--max-new-tokens", "4",
                       "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 0, err
    out = tmp_path / "out" / "news.json"
    transcript = import_transcript(out)
    assert transcript.segments and all(s.language == "English" for s in transcript.segments)
    assert server.answered() and all(c.context == "harbour" for c in server.answered())
    doc = out.read_text("utf-8")
    assert "k-123" not in doc and json.loads(doc)["model"].startswith("Qwen/Qwen3-ASR-0.6B")
    assert server.url in err


def test_the_wait_for_a_server_s_answer_is_set_on_the_command_line(server, tmp_path, capsys):
    audio = spoken_wav(tmp_path / "news.wav", [0.4, "Good morning and welcome.", 0.4])
    server.delay = 4.0  # every answer, past the wait allowed
    started = time.monotonic()
    status = cli.main(["transcribe", str(audio), "--server", server.url, "--server-timeout",
                       "1", "--max-new-tokens", "4", "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status != 0 and "did not answer within 1 s" in err and "--server-timeout" in err
    assert time.monotonic() - started < 20, "not the default five minutes"
    for bad in ("0", "-3", "nan", "3601"):
        with pytest.raises(SystemExit):
            cli.main(["transcribe", str(audio), "--server", server.url, "--server-timeout", bad])
        assert "argument --server-timeout" in capsys.readouterr().err
    status = cli.main(["transcribe", str(tmp_path / "missing.wav"), "--server-timeout", "60",
                       "--parallel", "2"])
    err = capsys.readouterr().err
    assert "--parallel, --server-timeout only apply with --server" in err


def test_the_cli_lists_the_served_models_and_names_a_missing_key(server, tmp_path, capsys):
    audio = tmp_path / "a.wav"
    write_wav(audio, tone(1.0))
    status = cli.main(["transcribe", str(audio), "--server", server.url,
                       "--server-model", "whisper-1"])
    err = capsys.readouterr().err
    assert status == 2 and "Qwen/Qwen3-ASR-0.6B" in err and "Traceback" not in err
    status = cli.main(["transcribe", str(audio), "--server", server.url,
                       "--api-key-env", "TINGXIE_NO_SUCH_VAR"])
    err = capsys.readouterr().err
    assert status == 2 and "TINGXIE_NO_SUCH_VAR" in err


# -- a hostile server (what a hunt found) ----------------------------------------------------
KEY = "sk-SECRET-123456"
MODEL = "Qwen/Qwen3-ASR-0.6B"


class _Hostile(LocalServer):
    """A server that misbehaves as ``mode`` says; counts the chat requests it answered."""

    def __init__(self, mode: str, ok_chats: int = 0) -> None:
        self.mode, self.ok_chats = mode, ok_chats
        self.base = 1.0  # the first chunk's length, in "midfile"
        self.chats = 0
        self.model_requests = 0
        self.models_status = 200  # "models_status": what GET /v1/models answers
        self.location = ""  # "models_redirect": where GET /v1/models sends the client
        self.release = threading.Event()  # "midfile_stop": lets the held chunks go
        self._lock = threading.Lock()

    def handler(self):
        srv = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format, *args) -> None:
                pass

            def _send(self, status: int, body: object, headers: dict | None = None) -> None:
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **(headers or {})}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _chat(self, content: object, logprob: object = -0.1) -> None:
                self._send(200, {"choices": [{"message": {"content": content},
                                              "finish_reason": "stop", "logprobs": {"content": [
                                                  {"token": "Hi", "logprob": logprob}]}}]})

            def do_GET(self) -> None:
                with srv._lock:
                    srv.model_requests += 1
                    first = srv.model_requests <= 1  # (a test sets it below 0: every time)
                if srv.mode == "models_503_once" and first:
                    self._send(503, {"error": {"message": "restarting"}}, {"Retry-After": "0"})
                elif srv.mode == "models_silent":  # accepts, reads, never answers
                    time.sleep(30)
                elif srv.mode == "headers_drip":  # the status line and headers byte by byte
                    head = b"HTTP/1.1 200 OK\r\nX-Padding: " + b"a" * 40 + b"\r\n"
                    try:
                        for byte in head:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(0.2)
                    except OSError:
                        pass
                    self.close_connection = True
                elif srv.mode == "models_status":
                    self._send(srv.models_status, b"")
                elif srv.mode == "models_redirect":
                    self._send(302, b"", {"Location": srv.location})
                elif srv.mode == "models_drip":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", "100000")
                    self.end_headers()
                    try:
                        for _ in range(100):
                            self.wfile.write(b" ")
                            self.wfile.flush()
                            time.sleep(0.2)
                    except OSError:
                        pass
                else:
                    if srv.mode == "models_slow":
                        time.sleep(1.5)
                    self._send(200, {"data": [{"id": MODEL}]})

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with srv._lock:
                    srv.chats += 1
                mode = srv.mode
                n = 0
                if mode in ("midfile", "midfile_stop"):
                    # chunk k (from 1) is base + 0.1 (k - 1) s long
                    url = json.loads(body)["messages"][1]["content"][0]["audio_url"]["url"]
                    wav = base64.b64decode(url.split(",", 1)[1])
                    seconds = sf.info(io.BytesIO(wav)).duration
                    n = round((seconds - srv.base) / 0.1) + 1
                if mode == "huge_logprob":
                    self._chat("language English<asr_text>Hi.", 10 ** 400)
                    return
                if mode == "echo_key":
                    self._send(500, {"error": {"message":
                                               f"bad key {self.headers['Authorization']}"}})
                elif mode == "endless":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    piece = b"a" * 65536
                    try:
                        while True:
                            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                    except OSError:
                        pass
                elif mode == "nan":
                    self._chat("language English<asr_text>Hi.", "nan")
                elif mode == "parts":
                    self._chat([{"type": "text", "text": "language English<asr_text>"},
                                {"type": "text", "text": "Hello there."}])
                elif mode == "redirect":
                    self._send(302, b"", {"Location": "https://gpu-box:8443/v1/chat/completions"})
                elif mode == "404_listed":
                    self._send(404, {"detail": "Not Found"})
                elif mode == "busy":  # a quota gateway: 429 with its reason, every time
                    self._send(429, {"error": {"message": "Monthly quota of key newsroom-7 "
                                               "exhausted; it resets on the 1st"}})
                elif mode == "midfile_stop":  # a slow GPU: the chunks after ok_chats wait
                    if n > srv.ok_chats:
                        srv.release.wait(10)
                    with contextlib.suppress(OSError):  # the client went away (a Stop)
                        self._chat(f"language English<asr_text>Chunk {n}.")
                elif mode == "midfile":
                    time.sleep(0.05 * n)  # answers come back in order
                    if n <= srv.ok_chats:
                        self._chat(f"language English<asr_text>Chunk {n}.")
                    else:
                        self._send(500, {"error": {"message": "the GPU fell over"}})
                else:
                    self._chat("language English<asr_text>Hi.")

        return Handler


def test_the_api_key_never_shows_even_when_the_server_echoes_it(monkeypatch):
    with _Hostile("echo_key") as srv:
        eng = RemoteEngine(srv.url, api_key=KEY, retries=0)
        with pytest.raises(ServerRejected) as refused:
            eng.transcribe_batch([tone(1.0)], FORCED)
    assert KEY not in str(refused.value) and "[API key]" in str(refused.value)
    for bad in ("sk-SECRET\nX: 1", "sk-SECRÉT-1", "sk with space"):
        with pytest.raises(remote.ApiKeyUnusable) as unusable:
            RemoteEngine("http://127.0.0.1:9", api_key=bad)
        assert bad not in str(unusable.value) and "line break" in str(unusable.value)
    with pytest.raises(ServerUnreachable, match="user name or password") as credentials:
        RemoteEngine("http://bob:PASSWD99@127.0.0.1:9")
    assert "PASSWD99" not in str(credentials.value)


def test_a_server_gone_mid_batch_keeps_the_chunks_it_answered():
    with _Hostile("midfile", ok_chats=3) as srv:
        eng = RemoteEngine(srv.url, parallel=8, retries=0)
        with pytest.raises(ServerRejected) as failed:
            eng.transcribe_batch([tone(1.0 + 0.1 * k, seed=k) for k in range(6)], FORCED)
    assert [r.text for r in failed.value.answered] == ["Chunk 1.", "Chunk 2.", "Chunk 3."]
    # Through the pipeline, those chunks reach the caller before the error does.
    with _Hostile("midfile", ok_chats=3) as srv:
        srv.base = 1.4  # each region 1 + 0.1 (k - 1) s, padded 0.2 s on both sides
        eng = RemoteEngine(srv.url, parallel=8, retries=0)
        audio = np.concatenate([tone(5.0, seed=k) for k in range(6)])
        got = []
        with pytest.raises(ServerRejected):
            for update in transcribe(audio, eng, FORCED, batch_size=8, max_length=5.0,
                                     regions=[(5.0 * k + 1.0, 5.0 * k + 2.0 + 0.1 * k)
                                              for k in range(6)]):
                got.extend(s.text for s in update.segments)
    assert got == ["Chunk 1.", "Chunk 2.", "Chunk 3."], "each answered chunk, once, in order"


def test_an_endless_or_dripping_answer_is_bounded_and_refused():
    with _Hostile("endless") as srv:
        eng = RemoteEngine(srv.url, retries=0, timeout=20.0)
        started = time.monotonic()
        with pytest.raises(ServerRejected, match="longer than 8 MB"):
            eng.transcribe_batch([tone(1.0)], FORCED)
        assert time.monotonic() - started < 15
    with _Hostile("models_drip") as srv:
        started = time.monotonic()
        with pytest.raises(ServerTimeout, match="within 1 s"):
            check_server(srv.url, timeout=1.0)
        assert time.monotonic() - started < 3, "the whole answer is bounded, not each read"


def test_odd_but_readable_answers_become_text_and_sane_confidences():
    with _Hostile("parts") as srv:
        [result] = RemoteEngine(srv.url).transcribe_batch([tone(1.0)], FORCED)
    assert result.text == "Hello there."
    with _Hostile("nan") as srv:
        [result] = RemoteEngine(srv.url).transcribe_batch([tone(1.0)], FORCED)
    assert result.text == "Hi." and result.confidence is None, "no NaN confidence is written"


def test_redirects_404s_and_a_restarting_server_get_messages_that_help():
    with _Hostile("redirect") as srv, pytest.raises(
            ServerRejected, match=re.escape("redirects to https://gpu-box:8443")):
        RemoteEngine(srv.url, retries=0).transcribe_batch([tone(1.0)], FORCED)
    with _Hostile("404_listed") as srv, pytest.raises(
            ServerRejected, match=r"chat endpoint .* was not found, although it lists the model"):
        RemoteEngine(srv.url, retries=0).transcribe_batch([tone(1.0)], FORCED)
    with _Hostile("models_503_once") as srv:
        eng = RemoteEngine(srv.url, backoff=0.01)
        eng.load()  # the 503 of a replica restarting is asked again
        assert eng.model == MODEL and srv.model_requests == 2


def test_an_html_error_page_is_named_by_its_title():
    reply = remote._Reply(502, httpx.Headers(), b"<html><head><title>502 Bad Gateway</title>"
                          b"</head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>")
    assert remote._detail(reply) == "502 Bad Gateway"


def test_a_key_at_the_end_of_a_long_error_text_is_still_hidden():
    reply = remote._Reply(500, httpx.Headers(), ("x" * 276 + f" Bearer {KEY}").encode())
    assert "sk-SECRET" not in remote._detail(reply, KEY)


def test_cancel_ends_the_wait_for_a_restarting_server_at_once():
    with _Hostile("models_503_once") as srv:
        srv.model_requests = -100  # every model check answers 503 (Retry-After: 0)
        eng = RemoteEngine(srv.url, backoff=5.0, max_backoff=5.0)
        cancel = CancelToken()
        threading.Timer(0.3, cancel.cancel).start()
        started = time.monotonic()
        with pytest.raises(Cancelled):
            eng.transcribe_batch([tone(1.0)], FORCED, cancel)
        assert time.monotonic() - started < 2


def test_cancel_while_a_job_checks_a_restarting_server_ends_the_job_as_cancelled():
    # A vLLM still loading behind a proxy: every model check answers 503, "Retry-After: 60".
    from tingxie.jobs.registry import EngineCache
    from tingxie.jobs.run import run as run_job
    from tingxie.jobs.spec import EngineKind, EngineSpec, JobSpec

    with _Hostile("models_503_once") as srv:
        srv.model_requests = -100
        spec = JobSpec(engine=EngineSpec(kind=EngineKind.SERVER, server_url=srv.url),
                       aligner="none")
        cancel = CancelToken()
        threading.Timer(0.3, cancel.cancel).start()
        started = time.monotonic()
        with pytest.raises(Cancelled):
            list(run_job(spec, tone(2.0), cancel, engines=EngineCache()))
        assert time.monotonic() - started < 3


@pytest.mark.parametrize("mode", ["models_silent", "headers_drip"])
def test_the_model_check_keeps_its_time_limit_and_stops_on_cancel(mode):
    with _Hostile(mode) as srv:
        started = time.monotonic()
        with pytest.raises(ServerTimeout, match="within 1 s"):
            check_server(srv.url, timeout=1.0)
        assert time.monotonic() - started < 3, "headers that drip do not stretch the limit"

        cancel = CancelToken()
        threading.Timer(0.3, cancel.cancel).start()
        started = time.monotonic()
        with pytest.raises(Cancelled):
            check_server(srv.url, timeout=30.0, cancel=cancel)
        assert time.monotonic() - started < 2


def test_the_answer_wait_the_user_chose_applies_to_the_model_check():
    with _Hostile("models_slow") as srv:
        srv.mode = "models_slow"
        # /v1/models takes 1.5 s; a 1 s connection limit does not cut it off, the answer
        # wait (5 s) is what bounds it, as the timeout message says.
        eng = RemoteEngine(srv.url, timeout=5.0, connect_timeout=1.0)
        eng.load()
        assert eng.model == MODEL


@pytest.mark.parametrize("typed", [
    "http://127.0.0.1:{port}/v1/chat/completions", "http://127.0.0.1:{port}/v1/models",
    "http://127.0.0.1:{port}/V1", "http://127.0.0.1:{port}/v1/audio/transcriptions/",
])
def test_an_endpoint_address_pasted_from_a_client_reaches_the_server(typed):
    with _Hostile("ok") as srv:
        url = typed.format(port=srv.url.rsplit(":", 1)[1])
        assert check_server(url).models == [MODEL]
        assert RemoteEngine(url).url == srv.url


def test_a_mistyped_ipv6_address_is_a_clear_message_not_a_crash():
    with pytest.raises(ServerUnreachable, match="not a valid address"):
        RemoteEngine("http://[fd00::5:8000")
    assert insecure_url_warning("http://[fd00::5") is None, "half-typed: no warning yet"
    assert insecure_url_warning("http://[fd00::5]:8000") is not None


def test_a_password_in_the_address_is_refused_with_the_port_kept_in_the_message():
    with pytest.raises(ServerUnreachable) as refused:
        RemoteEngine("http://alice:s3cret@127.0.0.1:9")
    assert "s3cret" not in str(refused.value) and "alice" not in str(refused.value)
    assert "http://127.0.0.1:9:" in str(refused.value)


def test_a_log_probability_too_large_for_a_float_leaves_the_answer_without_confidence():
    with _Hostile("huge_logprob") as srv:
        [result] = RemoteEngine(srv.url, retries=0).transcribe_batch([tone(1.0)], FORCED)
    assert result.text == "Hi." and result.confidence is None


def test_a_server_that_never_accepts_names_the_connection_limit_and_what_to_check():
    # A listening socket whose backlog is full: connections are never accepted.
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(0)
    port = srv.getsockname()[1]
    waiting = []
    try:
        for _ in range(3):
            c = socket.socket()
            c.setblocking(False)
            c.connect_ex(("127.0.0.1", port))  # in progress: EINPROGRESS, not an error
            waiting.append(c)
        with pytest.raises(ServerTimeout) as late:
            check_server(f"http://127.0.0.1:{port}", timeout=60.0, connect_timeout=0.5)
    finally:
        for c in waiting:
            c.close()
        srv.close()
    message = str(late.value)
    assert "did not accept the connection within 0.5 s" in message
    assert "firewall" in message and "--server-timeout" not in message


class _RecordingAligner:
    """An aligner that notes each call and places each word of a text in turn."""

    def __init__(self) -> None:
        self.calls = 0

    def supports(self, language) -> bool:
        return True

    def load(self) -> None:
        pass

    def align(self, chunks, texts, languages, cancel=None):
        self.calls += 1
        return [[Word(w, 0.1 + 0.4 * i, 0.4 + 0.4 * i) for i, w in enumerate(t.split())]
                for t in texts]


def test_stop_during_a_batch_gives_back_the_chunks_the_server_already_answered():
    # A Stop while chunks 4 to 6 wait on a slow GPU gives back chunks 1 to 3.
    with _Hostile("midfile_stop", ok_chats=3) as srv:
        try:
            eng = RemoteEngine(srv.url, parallel=8, retries=0)
            cancel = CancelToken()

            def heard(fraction: float) -> None:
                if fraction >= 0.5:  # three of the six answered: the user presses Stop
                    cancel.cancel()

            started = time.monotonic()
            with pytest.raises(Cancelled) as stopped:
                eng.transcribe_batch([tone(1.0 + 0.1 * k, seed=k) for k in range(6)], FORCED,
                                     cancel, progress=heard)
            assert time.monotonic() - started < 3, "the Stop does not wait for the slow chunks"
        finally:
            srv.release.set()
    assert [r.text for r in stopped.value.answered] == ["Chunk 1.", "Chunk 2.", "Chunk 3."]


def test_a_job_stopped_mid_batch_keeps_what_the_server_answered_before_the_stop():
    # What the server answered before the Stop reaches the caller, once and in order, with
    # estimated word times (no aligning after a Stop), and the job ends.
    with _Hostile("midfile_stop", ok_chats=3) as srv:
        try:
            srv.base = 1.4  # each region 1 + 0.1 (k - 1) s, padded 0.2 s on both sides
            eng = RemoteEngine(srv.url, parallel=8, retries=0)
            aligner = _RecordingAligner()
            cancel = CancelToken()
            in_batch = []

            def progress(update) -> None:
                # The first batch is chunk 1 alone; the second sends 2 to 6, and only 2 and 3
                # can be answered: Stop once both are.
                in_batch.append(update.fraction)
                if len(in_batch) == 2:
                    cancel.cancel()

            audio = np.concatenate([tone(5.0, seed=k) for k in range(6)])
            got, notes = [], []
            started = time.monotonic()
            for update in transcribe(audio, eng, FORCED, batch_size=8, max_length=5.0,
                                     cancel=cancel, aligner=aligner, on_progress=progress,
                                     regions=[(5.0 * k + 1.0, 5.0 * k + 2.0 + 0.1 * k)
                                              for k in range(6)]):
                got.extend(update.segments)
                notes.append(update.note)
            assert time.monotonic() - started < 5
            assert srv.chats == 6, "chunks 2 to 6 were one batch"
        finally:
            srv.release.set()
    assert [s.text for s in got] == ["Chunk 1.", "Chunk 2.", "Chunk 3."]
    assert aligner.calls == 1, "chunk 1 was aligned; the chunks kept at the Stop are not"
    assert [{w.timing for w in s.words} for s in got] == [{ALIGNED}, {ESTIMATED}, {ESTIMATED}]
    assert any("cancelled" in n for n in notes)


def test_the_servers_reason_for_refusing_survives_the_retries():
    with _Hostile("busy") as srv:
        eng = RemoteEngine(srv.url, retries=2, backoff=0.01, max_backoff=0.02)
        with pytest.raises(ServerBusy) as busy:
            eng.transcribe_batch([tone(1.0)], FORCED)
    message = str(busy.value)
    assert "HTTP 429, 3 attempts" in message
    assert "Monthly quota of key newsroom-7 exhausted; it resets on the 1st. Try again" in message


def test_a_404_for_the_model_list_names_it_and_what_to_check():
    with _Hostile("models_status") as srv:
        srv.models_status = 404  # an address with a path the server does not have
        typed = srv.url + "/asr"
        with pytest.raises(ServerRejected) as missing:
            check_server(typed, timeout=3)
        with pytest.raises(ServerRejected) as on_load:
            RemoteEngine(typed, retries=0).load()
    message = str(missing.value)
    assert f"{typed}/v1/models" in message and "?" not in message
    assert "Check the path and the port" in message and "http://gpu-box:8000/v1" in message
    assert str(on_load.value) == message


def test_a_key_deep_in_a_long_redirect_target_never_shows():
    key = "sk-live-0123456789abcdefghijklmnopqrstuvwxyz"
    # An SSO gateway sending the client to its login page, echoing the bearer token back:
    # the key starts at the 180th character, so a cut at 200 goes through it.
    head = "https://sso.example.org/login?return=%2Fv1%2Fmodels&state="
    with _Hostile("models_redirect") as srv:
        srv.location = head + "s" * (180 - len(head) - 14) + "&access_token=" + key
        with pytest.raises(ServerRejected) as redirected:
            check_server(srv.url, key, timeout=3)
    message = str(redirected.value)
    assert "redirects to https://sso.example.org/login" in message
    assert key[:8] not in message and "[API key]" in message


UNANSWERED = "asr.vpn-down.test"


@pytest.fixture
def dead_resolver(monkeypatch):
    """Lookups of :data:`UNANSWERED` hang (a resolver behind a VPN that is down) until the
    test ends or 3 s pass; ``answers`` first lookups of it give 127.0.0.1."""
    real = socket.getaddrinfo
    let_go = threading.Event()
    state = {"answers": 0}

    def getaddrinfo(host, *args, **kwargs):
        if host in (UNANSWERED, UNANSWERED.encode()):
            if state["answers"] > 0:
                state["answers"] -= 1
                return real("127.0.0.1", *args, **kwargs)
            let_go.wait(3)
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield state
    let_go.set()


def test_cancel_and_time_limits_do_not_wait_for_a_name_lookup_that_hangs(dead_resolver):
    def cancelled_after(seconds: float, work) -> float:
        cancel = CancelToken()
        threading.Timer(seconds, cancel.cancel).start()
        started = time.monotonic()
        with pytest.raises(Cancelled):
            work(cancel)
        return time.monotonic() - started

    url = f"http://{UNANSWERED}:8000"
    assert cancelled_after(0.3, lambda c: check_server(url, timeout=30, cancel=c)) < 1.5
    started = time.monotonic()
    with pytest.raises(ServerTimeout):
        check_server(url, timeout=0.5)
    assert time.monotonic() - started < 1.5
    # A job's batch: the model check found the server, the next lookup hangs.
    with _Hostile("ok") as srv:
        dead_resolver["answers"] = 1
        eng = RemoteEngine(f"http://{UNANSWERED}:{srv.url.rsplit(':', 1)[1]}", retries=0)
        took = cancelled_after(0.5, lambda c: eng.transcribe_batch([tone(1.0)], FORCED, c))
        assert eng.model == MODEL and took < 1.5
