"""A stand-in for vLLM's OpenAI-compatible server, on 127.0.0.1, for the remote engine tests.

It speaks what :class:`tingxie.asr.remote.RemoteEngine` uses, the way vLLM does:

- ``GET /v1/models``: ``{"object": "list", "data": [{"id": ...}, ...]}``
- ``POST /v1/chat/completions``: a system message (the context), a user message holding one
  ``audio_url`` (a base64 WAV data URL), and, with ``continue_final_message``, an assistant
  message that starts the answer (``language X<asr_text>``, a forced language). The answer is
  the model's raw continuation: ``language X<asr_text>text`` when it named the language.

A ``transcriber`` (usually the tiny Qwen3-ASR model, see :func:`model_transcriber`) makes the
text. Every request is recorded with what arrived (context, language, the decoded audio, its
sample rate). The server counts requests in flight and open connections, notices a client
that hangs up while it is still working (as vLLM aborts such requests), and injects faults:
queued ones for the next requests (``fail_next``: a status with optional ``Retry-After``,
``"drop"`` to cut the connection mid-answer, ``"stall"`` to answer late), a random share of
503s (``fail_rate``), a body size limit (413), and a required API key (401).
HTTP/1.1 with keep-alive, like a real server; ``stop()`` joins every handler thread.
"""

from __future__ import annotations

import base64
import io
import json
import math
import random
import select
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

import numpy as np
import soundfile as sf

from local_server import LocalServer


@dataclass
class ChatCall:
    """One chat request as the server understood it."""

    model: str
    context: str
    language: str | None  # the forced language, None for auto
    samples: np.ndarray
    sample_rate: int
    wav_subtype: str
    temperature: float | None
    max_tokens: int | None
    authorization: str | None
    logprobs: bool = False
    repetition_penalty: float | None = None
    #: The request as sent, for rendering it with the model's chat template as vLLM does.
    messages: list = field(default_factory=list)
    add_generation_prompt: bool = True
    continue_final_message: bool = False
    status: int = 0  # what the server answered
    answer: str = ""
    tokens: list[tuple[str, float]] | None = None
    started: float = 0.0
    aborted: bool = False  # the client hung up before the answer


@dataclass
class Answer:
    """What the model generated: the raw text, and each token with its log-probability."""

    content: str
    tokens: list[tuple[str, float]] | None = None
    finish_reason: str = "stop"


#: Makes the answer for a call (what the model would generate): an Answer or just the text.
Transcriber = Callable[[ChatCall], "Answer | str"]


def model_transcriber(engine, detect: Callable[[np.ndarray], str] | None = None,
                      max_new_tokens: int = 6) -> Transcriber:
    """Transcribe each request with ``engine`` (a loaded Qwen3ASREngine), one at a time.

    With the language on auto, ``detect`` (when given) stands in for the model's language
    identification (random tiny weights cannot identify anything): its answer is the
    language the model is then run in and the one the raw answer names.
    """
    from tingxie.asr.engine import TranscribeOptions

    lock = threading.Lock()

    def transcribe(call: ChatCall) -> Answer:
        language = call.language or (detect(call.samples) if detect else None)
        budget = min(max_new_tokens, call.max_tokens or max_new_tokens)
        options = TranscribeOptions(language=language, context=call.context,
                                    temperature=call.temperature or 0.0,
                                    max_new_tokens=budget, repetition_guard=False)
        with lock:  # one model, one generate at a time (like one GPU's batch)
            result = engine.transcribe_batch([call.samples], options)[0]
        prefix = ""
        if not call.language and result.language:  # a forced language was in the prompt
            prefix = f"language {result.language}<asr_text>"
        return Answer(prefix + result.text, _tokens(engine, prefix, result))

    return transcribe


def _tokens(engine, prefix: str, result) -> list[tuple[str, float]]:
    """The answer as tokens of the model's tokenizer with log-probabilities: the language
    prefix certain, the text at the model's mean confidence but for one token at its
    minimum (the engine reports those two figures, not each token's), then end-of-turn."""
    tokenizer = engine.processor.tokenizer

    def pieces(text: str) -> list[str]:
        return [tokenizer.decode([i]) for i in tokenizer.encode(text, add_special_tokens=False)]

    said = pieces(result.text)
    mean = math.log(result.confidence) if result.confidence else -1.0
    low = math.log(result.min_confidence) if result.min_confidence else mean
    text = [(t, low if i == len(said) // 2 else mean) for i, t in enumerate(said)]
    return [(t, 0.0) for t in pieces(prefix)] + text + [("<|im_end|>", -0.01)]


@dataclass
class FakeASRServer(LocalServer):
    transcriber: Transcriber
    models: list[str] = field(default_factory=lambda: ["Qwen/Qwen3-ASR-0.6B"])
    api_key: str | None = None
    #: Bodies larger than this many bytes get HTTP 413.
    max_body: int | None = None
    #: Seconds each chat request takes before the model runs (a busy server).
    delay: float = 0.0
    #: How long a "stall" fault keeps the client waiting.
    stall_seconds: float = 5.0
    calls: list[ChatCall] = field(default_factory=list)
    model_list_requests: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    open_connections: int = 0
    connections_opened: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: deque[tuple[str, str | None]] = deque()
        self._fail_rate = 0.0
        self._rng = random.Random(1234)
        self._stopping = threading.Event()

    # ---- set up

    def fail_next(self, *faults: str, retry_after: str | None = None) -> None:
        """The next requests fail like this, in order: "503", "429", "401", "500", "drop",
        "stall" (each once)."""
        with self._lock:
            self._faults.extend((f, retry_after) for f in faults)

    def fail_rate(self, share: float) -> None:
        """Answer this share of chat requests with 503 (seeded, so reproducible)."""
        self._fail_rate = share

    thread_name = "fake-asr-server"

    def handler(self) -> type[BaseHTTPRequestHandler]:
        return _make_handler(self)

    def stop(self) -> None:
        if self._server is not None:
            self._stopping.set()  # a stalled request gives up at once
        super().stop()

    # ---- what a test reads

    def answered(self) -> list[ChatCall]:
        """The calls answered with 200, in the order they arrived."""
        with self._lock:
            return [c for c in self.calls if c.status == 200]

    def wait_for(self, condition: Callable[[FakeASRServer], bool], timeout: float = 10) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition(self):
                return True
            time.sleep(0.01)
        return condition(self)

    # ---- used by the handler

    def _next_fault(self) -> tuple[str, str | None] | None:
        with self._lock:
            if self._faults:
                return self._faults.popleft()
            if self._fail_rate and self._rng.random() < self._fail_rate:
                return "503", None
        return None

    def _connection(self, delta: int) -> None:
        with self._lock:
            self.open_connections += delta
            if delta > 0:
                self.connections_opened += 1


def _client_gone(sock: socket.socket) -> bool:
    """Whether the client closed its end (readable with nothing to read)."""
    try:
        readable, _, _ = select.select([sock], [], [], 0)
        return bool(readable) and sock.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


def _decode_call(body: dict, authorization: str | None) -> ChatCall:
    messages = body["messages"]
    context = next((m["content"] for m in messages if m["role"] == "system"), "")
    user = next(m for m in messages if m["role"] == "user")
    part = next(p for p in user["content"] if p["type"] == "audio_url")
    url = part["audio_url"]["url"]
    assert url.startswith("data:audio/wav;base64,"), url[:40]
    wav = base64.b64decode(url.split(",", 1)[1])
    info = sf.info(io.BytesIO(wav))
    samples, rate = sf.read(io.BytesIO(wav), dtype="float32")
    language = None
    last = messages[-1]
    if body.get("continue_final_message") and last["role"] == "assistant":
        prefix = str(last["content"])
        assert prefix.startswith("language ") and prefix.endswith("<asr_text>"), prefix
        language = prefix[len("language "):-len("<asr_text>")]
    return ChatCall(model=body.get("model", ""), context=context, language=language,
                    samples=samples, sample_rate=rate, wav_subtype=info.subtype,
                    temperature=body.get("temperature"), max_tokens=body.get("max_tokens"),
                    authorization=authorization, logprobs=bool(body.get("logprobs")),
                    repetition_penalty=body.get("repetition_penalty"), messages=messages,
                    add_generation_prompt=body.get("add_generation_prompt", True),
                    continue_final_message=bool(body.get("continue_final_message")))


def _make_handler(server: FakeASRServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = 5  # an idle keep-alive connection ends after this

        def log_message(self, format: str, *args: object) -> None:
            pass

        def setup(self) -> None:
            super().setup()
            server._connection(+1)

        def finish(self) -> None:
            try:
                super().finish()
            finally:
                server._connection(-1)

        def _send(self, status: int, payload: object, headers: dict[str, str] | None = None,
                  ) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def _error(self, status: int, message: str, headers: dict[str, str] | None = None,
                   ) -> None:
            self._send(status, {"error": {"message": message, "code": status}}, headers)

        def _authorised(self) -> bool:
            if server.api_key and self.headers.get("Authorization") != f"Bearer {server.api_key}":
                self._error(401, "Unauthorized")
                return False
            return True

        def do_GET(self) -> None:
            if self.path.rstrip("/") != "/v1/models":
                self._error(404, "Not Found")
                return
            with server._lock:
                server.model_list_requests += 1
            if self._authorised():
                self._send(200, {"object": "list", "data": [
                    {"id": m, "object": "model", "owned_by": "vllm"} for m in server.models]})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            raw = self.rfile.read(length)
            if self.path != "/v1/chat/completions":
                self._error(404, "Not Found")
                return
            if not self._authorised():
                return
            if server.max_body is not None and length > server.max_body:
                self._error(413, "Request Entity Too Large")
                return
            call = _decode_call(json.loads(raw), self.headers.get("Authorization"))
            call.started = time.monotonic()
            with server._lock:
                server.calls.append(call)
                server.in_flight += 1
                server.max_in_flight = max(server.max_in_flight, server.in_flight)
            try:
                self._answer(call)
            except (BrokenPipeError, ConnectionResetError):
                call.aborted = True
            finally:
                with server._lock:
                    server.in_flight -= 1

        def _wait(self, seconds: float) -> bool:
            """Wait, noticing a client that hangs up; False when it did."""
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline and not server._stopping.is_set():
                if _client_gone(self.connection):
                    return False
                time.sleep(0.005)
            return True

        def _answer(self, call: ChatCall) -> None:
            if call.model not in server.models:
                call.status = 404
                self._error(404, f"The model `{call.model}` does not exist.")
                return
            fault = server._next_fault()
            if fault is not None:
                kind, retry_after = fault
                if kind == "drop":
                    call.status = -1
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", "500")
                    self.end_headers()
                    self.wfile.write(b'{"choices": [{"mess')
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if kind == "stall":
                    if not self._wait(server.stall_seconds):
                        call.aborted = True
                        self.close_connection = True
                        return
                else:
                    call.status = int(kind)
                    headers = {"Retry-After": retry_after} if retry_after else None
                    self._error(call.status, "Service Unavailable" if kind == "503"
                                else "Too Many Requests" if kind == "429" else "Error",
                                headers)
                    return
            if server.delay and not self._wait(server.delay):
                call.aborted = True
                self.close_connection = True
                return
            answer = server.transcriber(call)
            if isinstance(answer, str):
                answer = Answer(answer)
            call.answer, call.tokens = answer.content, answer.tokens
            if _client_gone(self.connection):
                call.aborted = True
                self.close_connection = True
                return
            call.status = 200
            choice = {"index": 0, "finish_reason": answer.finish_reason,
                      "message": {"role": "assistant", "content": answer.content}}
            if call.logprobs and answer.tokens is not None:
                choice["logprobs"] = {"content": [
                    {"token": t, "logprob": lp, "bytes": list(t.encode()), "top_logprobs": []}
                    for t, lp in answer.tokens]}
            self._send(200, {"id": f"chatcmpl-{len(server.calls)}", "object": "chat.completion",
                             "model": call.model, "choices": [choice]})

    return Handler
