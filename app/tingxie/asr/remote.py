"""Transcribe on a server: Qwen3-ASR behind vLLM's OpenAI-compatible API, as an Engine.

Each chunk goes to ``POST /v1/chat/completions`` as a 16 kHz WAV (a base64 ``audio_url``)
with the context as the system message, as the released prompt has it. With the language on
auto the server returns the model's raw answer, ``language X<asr_text>text``, so every chunk
keeps the language the model heard (:func:`tingxie.asr.qwen3_text.parse_asr_output`); a
forced language is pre-filled as the start of the assistant's answer
(``continue_final_message``), exactly like the local engine's prompt.

Why not ``/v1/audio/transcriptions``: for Qwen3-ASR, vLLM builds that prompt without the
request's ``prompt`` (the context would be lost), strips the ``language X`` prefix from the
text, and refuses ``verbose_json`` for models without timestamp tokens, so the detected
language cannot be had from it.

The answer's token log-probabilities (``logprobs``) give each chunk its confidence, as the
local engine's do, and show a decoding loop, which is asked again once with a repetition
penalty. Many chunks are in flight at once (``parallel``), so the server's continuous
batching has work to batch; results come back in the order of the chunks. The requests run
on an asyncio loop in the calling thread: cancelling aborts them at once and leaves no
connection behind (nor waits for a name lookup that hangs: its thread ends on its own).
Overload answers (429, 503, ...) and broken connections are retried with backoff; a chunk
the server finds too large (413) is sent as two halves cut at its quietest point; every
other fault is a :class:`tingxie.asr.errors.ServerError`.
"""

from __future__ import annotations

import asyncio
import base64
import email.utils
import html
import io
import ipaddress
import json
import logging
import math
import os
import random
import re
import socket
import ssl
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import numpy as np
import soundfile as sf

from tingxie.asr.engine import ChunkResult, DeviceInfo, TranscribeOptions
from tingxie.asr.errors import (
    ApiKeyUnusable,
    ChunkTooLarge,
    ModelNotServed,
    ServerAnswerUnreadable,
    ServerAuthFailed,
    ServerBusy,
    ServerConnectionLost,
    ServerError,
    ServerRejected,
    ServerTimeout,
    ServerTLSFailed,
    ServerUnreachable,
)
from tingxie.asr.qwen3_text import (
    ASR_TEXT_TOKEN,
    looks_degenerate,
    new_token_budget,
    parse_asr_output,
)
from tingxie.core.audio import SAMPLE_RATE, to_float
from tingxie.core.cancel import CancelToken, ProgressCallback
from tingxie.core.errors import Cancelled
from tingxie.core.languages import find_language
from tingxie.core.text import join_texts

log = logging.getLogger(__name__)

#: The keyring entry holding a server's key: service name; the user name is the server URL.
KEYRING_SERVICE = "tingxie"
#: Answers worth retrying: rate limited, overloaded, or a proxy in front without a backend.
RETRY_STATUSES = frozenset({429, 502, 503, 504})
#: A chunk shorter than this is not split further on HTTP 413.
MIN_SPLIT_SECONDS = 0.5
#: How often a batch looks at its CancelToken.
CANCEL_POLL_S = 0.02
#: The most bytes read of one answer: a chat completion for 30 s of speech is a few kB, a
#: model list less; a server that sends more (without end) is refused, not buffered.
MAX_ANSWER_BYTES = 8 * 2**20
#: How often the model check asks again when the server answers 429/502/503/504 (one
#: restarting, or a proxy whose backend is not up yet).
MODEL_CHECK_RETRIES = 3


# -- address, key ----------------------------------------------------------------------------
#: What may follow the server's root in an address pasted from an OpenAI client's settings
#: or a curl line: ``/v1``, and an endpoint under it; all lead to the same server.
_API_PATH = re.compile(
    r"/v1(/(chat/completions|completions|models|audio/transcriptions|audio/translations))?/*$",
    re.IGNORECASE)


def normalize_url(url: str) -> str:
    """The server's root URL without a trailing slash or ``/v1`` (both spellings work), nor
    an endpoint after it (``…/v1/chat/completions``, ``…/v1/models``: a pasted address)."""
    url = url.strip().rstrip("/")
    return _API_PATH.sub("", url)


def shown_address(parts: Any) -> str:
    """``scheme://host:port`` of a split address, without a user name or password."""
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def checked_url(url: str) -> str:
    """``url`` normalised (:func:`normalize_url`); ServerUnreachable, naming what is wrong,
    when it is no http(s) address with a host name and a port in range."""
    root = normalize_url(url)
    try:
        parts = urlsplit(root)
    except ValueError as exc:  # "Invalid IPv6 URL": a bracket missing
        raise ServerUnreachable(url, f"it is not a valid address ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ServerUnreachable(url, "it is not an http:// or https:// address with a host name")
    if parts.username is not None or parts.password is not None:
        # Shown in messages and saved with transcripts and settings, the address must not
        # carry a password.
        raise ServerUnreachable(
            shown_address(parts),
            "it holds a user name or password (user:password@); give the server's key as an "
            "API key instead (--api-key-env VAR, or the system keyring)")
    try:
        parts.port  # noqa: B018 - urlsplit checks the port only when asked for it
    except ValueError:
        port = parts.netloc.rpartition(":")[2]
        raise ServerUnreachable(
            url, f"its port {port!r} is not a number from 1 to 65535"
        ) from None
    try:
        httpx.URL(root)
    except httpx.InvalidURL as exc:
        raise ServerUnreachable(url, f"it is not a valid address ({exc})") from None
    return root


def is_local_host(host: str) -> bool:
    """Whether ``host`` is this computer: localhost, 127.0.0.0/8 or ::1."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def insecure_url_warning(url: str) -> str | None:
    """A warning to show when audio would travel unencrypted to another computer, else None
    (also for an address still being typed that is not valid yet)."""
    try:
        parts = urlsplit(normalize_url(url))
    except ValueError:
        return None
    if parts.scheme != "http" or is_local_host(parts.hostname or ""):
        return None
    return (
        f"{normalize_url(url)} is plain http: the audio and the API key travel unencrypted "
        "to that computer. Use https://, or a network you trust."
    )


def api_key_from_keyring(url: str) -> str | None:
    """The key stored for ``url`` in the system keyring; None when there is none, or no
    keyring backend on this system (quietly: most Linux servers have none)."""
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, normalize_url(url))
    except Exception as exc:  # no backend, locked keyring, D-Bus trouble: treat as no key
        log.debug("no key from the keyring for %s: %s", url, exc)
        return None


def store_api_key_in_keyring(url: str, key: str) -> bool:
    """Keep ``key`` for ``url`` in the system keyring (what the window's key field should
    do instead of saving it with the settings); False when this system has no keyring."""
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, normalize_url(url), key)
        return True
    except Exception as exc:  # no backend, or it refused: the caller says the key is not kept
        log.warning("cannot store the key for %s in the keyring: %s", url, exc)
        return False


def find_api_key(url: str, env_var: str | None = None) -> str | None:
    """The API key for ``url``: from the environment variable ``env_var`` when given (a
    :class:`KeyError` naming it when unset), else from the system keyring, else None.

    The key is only ever held in memory; nothing writes it to settings or projects.
    """
    if env_var:
        value = os.environ.get(env_var)
        if not value:
            raise KeyError(env_var)
        return value.strip()
    return api_key_from_keyring(url)


# -- audio -----------------------------------------------------------------------------------
def wav_bytes(samples: np.ndarray) -> bytes:
    """16 kHz mono 16-bit PCM WAV of float samples in [-1, 1]."""
    buffer = io.BytesIO()
    sf.write(buffer, np.clip(samples, -1.0, 1.0), SAMPLE_RATE, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


def quietest_split(samples: np.ndarray, frame_seconds: float = 0.02) -> int:
    """The sample index of the quietest 20 ms frame in the middle half of ``samples``: where
    a chunk the server finds too large is cut in two."""
    n = len(samples)
    frame = max(1, int(frame_seconds * SAMPLE_RATE))
    lo, hi = n // 4, (3 * n) // 4
    frames = (hi - lo) // frame
    if frames < 1:
        return n // 2
    middle = samples[lo : lo + frames * frame].astype(np.float64).reshape(frames, frame)
    energy = np.square(middle).mean(axis=1)
    return lo + int(np.argmin(energy)) * frame + frame // 2


# -- the event loop --------------------------------------------------------------------------
def _run(coro: Any) -> Any:
    """Run ``coro`` on an event loop of its own, as :func:`asyncio.run` does, but without
    waiting on the way out for the loop's worker threads: a name lookup (``getaddrinfo``) of
    a resolver that does not answer holds its thread for as long as the system's resolver
    tries, and a cancel or a time limit must not wait for it. Such a thread ends on its
    own; its result goes nowhere."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coro)
    finally:
        try:
            left = asyncio.all_tasks(loop)
            for task in left:
                task.cancel()
            if left:
                loop.run_until_complete(asyncio.gather(*left, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()  # shuts the default executor down without waiting for its threads


# -- the server check ------------------------------------------------------------------------
@dataclass
class ServerCheck:
    """What a server answered to ``GET /v1/models``."""

    url: str
    models: list[str]
    round_trip_s: float
    warning: str | None = None


def _headers(api_key: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_key}"} if api_key else {}


def check_api_key(url: str, api_key: str | None) -> None:
    """Refuse (:class:`ApiKeyUnusable`), before any request, a key a request header cannot
    carry (a line break, a space, a letter outside ASCII: a key pasted with its neighbours).
    The key itself is never in the message."""
    if api_key and not all(0x21 <= ord(ch) <= 0x7E for ch in api_key):
        raise ApiKeyUnusable(url)


def redact(text: str, api_key: str | None) -> str:
    """``text`` with the API key (a server may echo the request's header back) replaced."""
    if not api_key or not text:
        return text
    return text.replace(api_key, "[API key]")


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def connection_error(url: str, exc: httpx.TransportError, timeout: float,
                     connect_timeout: float | None = None) -> ServerError:
    """The typed error for a transport failure (no HTTP answer at all); ``connect_timeout``
    is the connection's own limit when it is not ``timeout``."""
    causes = _chain(exc)
    text = " ".join(str(c) for c in causes).lower()
    if isinstance(exc, httpx.ConnectTimeout):
        return ServerTimeout(url, connect_timeout or timeout, "accept the connection")
    if isinstance(exc, httpx.TimeoutException):
        return ServerTimeout(url, timeout)
    if any(isinstance(c, ssl.SSLError) for c in causes) or "ssl" in text or "certificate" in text:
        reason = next((str(c) for c in causes if isinstance(c, ssl.SSLError)), str(exc))
        return ServerTLSFailed(url, reason)
    if (
        any(isinstance(c, socket.gaierror) for c in causes)
        or "name or service" in text
        or ("nodename nor servname" in text or "temporary failure in name resolution" in text)
    ):
        host = urlsplit(url).hostname or url
        return ServerUnreachable(url, f"the name {host!r} cannot be resolved (DNS)")
    if any(isinstance(c, ConnectionRefusedError) for c in causes) or "refused" in text:
        return ServerUnreachable(url, "the connection was refused (nothing listens there)")
    if isinstance(exc, httpx.ConnectError):
        return ServerUnreachable(url, str(exc) or type(exc).__name__)
    return ServerConnectionLost(url, 1, str(exc) or type(exc).__name__)


def redacted(error: ServerError, api_key: str | None) -> ServerError:
    """``error`` with the API key taken out of its message and reasons (an exception's text
    can quote the request's header)."""
    if api_key:
        error.args = tuple(redact(a, api_key) if isinstance(a, str) else a for a in error.args)
        for name in ("reason", "detail"):
            value = getattr(error, name, None)
            if isinstance(value, str):
                setattr(error, name, redact(value, api_key))
    return error


def _unexpected(url: str, exc: httpx.HTTPError | httpx.InvalidURL) -> ServerError:
    """The typed error for an httpx failure that is no transport failure: an answer that
    does not decode (a proxy's doing), or an address httpx refuses."""
    reason = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.InvalidURL):
        return ServerUnreachable(url, f"it is not a valid address ({reason})")
    return ServerAnswerUnreadable(url, reason)


@dataclass
class _Reply:
    """An answer read whole, but never more than :data:`MAX_ANSWER_BYTES` of it."""

    status: int
    headers: httpx.Headers
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def _too_long(url: str) -> ServerRejected:
    return ServerRejected(url, 200, f"its answer is longer than {MAX_ANSWER_BYTES // 2**20} MB, "
                          "which no transcription needs: it is not read further")


def _detail(reply: _Reply, api_key: str | None = None) -> str:
    """The server's error message (OpenAI style ``{"error": {"message": ...}}`` or text),
    with a redirect's target named and the API key never in it."""
    if 300 <= reply.status < 400:
        # The key out first, then cut: a cut through the key would leave its start showing.
        where = redact(reply.headers.get("Location", ""), api_key)[:200]
        return redact(f"it redirects to {where or 'another address'}; use that address "
                      "if it is the server", api_key)
    try:
        body = reply.json()
    except ValueError:
        text = reply.text.strip()
        if text[:1] == "<":  # an HTML error page (a proxy's): its title, else its words
            title = re.search(r"<title[^>]*>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
            text = title.group(1) if title else re.sub(r"<[^>]*>", " ", text)
            text = " ".join(html.unescape(text).split())
        return redact(text, api_key)[:300]
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict):
            found = str(error.get("message") or error.get("detail") or error)
        elif "message" in body:
            found = str(body["message"])
        else:
            found = str(error)
    else:
        found = str(body)
    return redact(found, api_key)[:300]


async def _read_async(response: httpx.Response, url: str) -> bytes:
    """The body of ``response``, refused past :data:`MAX_ANSWER_BYTES`."""
    body = bytearray()
    async for piece in response.aiter_bytes():
        body += piece
        if len(body) > MAX_ANSWER_BYTES:
            raise _too_long(url)
    return bytes(body)


def check_server(
    url: str, api_key: str | None = None, timeout: float = 10.0, verify: bool = True,
    cancel: CancelToken | None = None, connect_timeout: float | None = None,
) -> ServerCheck:
    """Ask the server at ``url`` which models it serves, timing the round trip.

    What the window's "Test connection" shows. ``timeout`` bounds the whole exchange, the
    answer's headers too (a server or proxy that drips them is not waited on for ever);
    ``connect_timeout`` (default: ``timeout``) the connection. A ``cancel`` ends it at once
    with Cancelled. Raises ServerUnreachable (also for an address that is not valid),
    ServerTLSFailed, ServerTimeout, ServerAuthFailed, ServerAnswerUnreadable or
    ServerRejected.
    """
    root = checked_url(url)
    check_api_key(root, api_key)
    started = time.perf_counter()
    limits = httpx.Timeout(timeout, connect=min(timeout, connect_timeout or timeout))
    try:
        reply = _run(_models_reply(root, api_key, limits, verify, timeout, cancel))
    except ServerTimeout:
        raise ServerTimeout(root, timeout) from None
    except httpx.TransportError as exc:
        raise redacted(connection_error(root, exc, timeout, limits.connect), api_key) from None
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise redacted(_unexpected(root, exc), api_key) from None
    elapsed = time.perf_counter() - started
    if reply.status in (401, 403):
        raise ServerAuthFailed(root, reply.status, bool(api_key))
    if reply.status in RETRY_STATUSES:
        busy = ServerBusy(root, reply.status, 1, _detail(reply, api_key))
        busy.retry_after = _retry_after(reply.headers.get("Retry-After"))
        raise busy
    if reply.status == 404:
        raise ServerRejected(root, 404, (
            f"it has no model list at {root}/v1/models. Check the path and the port of the "
            "address: it should be the server's root, such as http://gpu-box:8000 or "
            "http://gpu-box:8000/v1"))
    if reply.status != 200:
        raise ServerRejected(root, reply.status, _detail(reply, api_key))
    try:
        models = [str(m["id"]) for m in reply.json()["data"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise ServerRejected(
            root, 200, "its /v1/models answer is not an OpenAI-compatible model list"
        ) from exc
    return ServerCheck(root, models, elapsed, insecure_url_warning(root))


async def _models_reply(root: str, api_key: str | None, limits: httpx.Timeout, verify: bool,
                        timeout: float, cancel: CancelToken | None) -> _Reply:
    """``GET /v1/models``, read whole, within ``timeout`` seconds all told; polls ``cancel``."""

    async def get() -> _Reply:
        # trust_env=False: no proxy from the environment sees the audio or the key.
        async with httpx.AsyncClient(timeout=limits, verify=verify, trust_env=False) as client, \
                client.stream("GET", f"{root}/v1/models", headers=_headers(api_key)) as response:
            return _Reply(response.status_code, response.headers,
                          await _read_async(response, root))

    task = asyncio.create_task(get())
    deadline = time.monotonic() + timeout
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=CANCEL_POLL_S)
            if done:
                return task.result()
            if cancel is not None and cancel.cancelled:
                raise Cancelled()
            if time.monotonic() > deadline:
                raise ServerTimeout(root, timeout)
    finally:
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


# -- the engine ------------------------------------------------------------------------------
class _Retry(Exception):
    """One attempt failed in a way worth another try after ``wait`` seconds."""

    def __init__(self, error: ServerError, wait: float | None = None) -> None:
        self.error = error
        self.wait = wait


class _TooLarge(Exception):
    pass


@dataclass
class _Answer:
    result: ChunkResult
    degenerate: bool  # the text looks like a decoding loop


class RemoteEngine:
    """Qwen3-ASR on an OpenAI-compatible server (vLLM), behind the Engine protocol.

    ``base_url`` is the server's address (``http://gpu-box:8000``, with or without ``/v1``);
    ``model`` the served model's name, ``None`` for the only (or first) one it serves.
    ``api_key`` is sent as a bearer token; find it with :func:`find_api_key`. ``parallel``
    requests are in flight at once. ``timeout`` bounds each request's wait for an answer,
    ``connect_timeout`` the connection. Answers 429, 502, 503 and 504 and broken
    connections are retried up to ``retries`` times, waiting ``backoff`` x 2^n seconds (at
    most ``max_backoff``) or what ``Retry-After`` asks, when that is under
    ``max_retry_after``. ``warning`` is set when the address is plain http to another
    computer; the caller shows it. An address that is not valid (no
    http(s), no host, a port that is no number) is refused here with ServerUnreachable.
    """

    def __init__(
        self,
        base_url: str,
        model: str | None = None,
        api_key: str | None = None,
        parallel: int = 8,
        timeout: float = 300.0,
        connect_timeout: float = 10.0,
        retries: int = 6,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        max_retry_after: float = 120.0,
        verify: bool = True,
    ) -> None:
        if parallel < 1:
            raise ValueError("parallel must be at least 1")
        self.url = checked_url(base_url)
        self.requested_model = model
        self.model: str | None = None
        self._api_key = api_key
        self.parallel = int(parallel)
        self.timeout = float(timeout)
        self.connect_timeout = float(connect_timeout)
        self.retries = int(retries)
        self.backoff = float(backoff)
        self.max_backoff = float(max_backoff)
        self.max_retry_after = float(max_retry_after)
        self.verify = verify
        self.served_models: list[str] = []
        check_api_key(self.url, api_key)
        self.name = f"Server {self.url}"
        self.warning = insecure_url_warning(self.url)

    def __repr__(self) -> str:  # never shows the key
        return f"RemoteEngine({self.url!r}, model={self.model or self.requested_model!r})"

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def loaded(self) -> bool:
        """Whether the server has been checked and the model chosen."""
        return self.model is not None

    def load(self, progress: ProgressCallback | None = None,
             cancel: CancelToken | None = None) -> None:
        """Check the server and that it serves the model (choosing one when none was named).

        Later calls return at once. Raises ServerUnreachable, ServerTLSFailed, ServerTimeout,
        ServerAuthFailed, ModelNotServed, ServerAnswerUnreadable or ServerRejected.
        """
        if self.model is not None:
            if progress is not None:
                progress(1.0)
            return
        if progress is not None:
            progress(0.0)
        check = self._check_with_retries(cancel)
        self.served_models = check.models
        wanted = self.requested_model
        if wanted is None:
            if not check.models:
                raise ModelNotServed(self.url, None, [])
            self.model = check.models[0]
        elif wanted in check.models:
            self.model = wanted
        else:
            raise ModelNotServed(self.url, wanted, check.models)
        self.name = f"{self.model} on {self.url}"
        log.info("server %s serves %s (%.0f ms)", self.url, self.model, 1000 * check.round_trip_s)
        if progress is not None:
            progress(1.0)

    def _check_with_retries(self, cancel: CancelToken | None = None) -> ServerCheck:
        """:func:`check_server`, asked again (up to :data:`MODEL_CHECK_RETRIES` times) while
        the server says it is busy or restarting, waiting what Retry-After asks when that is
        under ``max_retry_after``; a cancel ends the wait at once."""
        for attempt in range(1, MODEL_CHECK_RETRIES + 2):
            try:
                # The answer wait the user chose (--server-timeout, Answer wait), as the
                # timeout's message advises; the connection keeps its own limit.
                return check_server(self.url, self._api_key, max(self.timeout,
                                                                 self.connect_timeout),
                                    self.verify, cancel, self.connect_timeout)
            except ServerBusy as busy:
                asked = getattr(busy, "retry_after", None)
                if attempt > MODEL_CHECK_RETRIES or (
                        asked is not None and asked > self.max_retry_after):
                    raise ServerBusy(self.url, busy.status, attempt, busy.detail) from None
                wait = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
                until = time.monotonic() + max(wait, asked or 0.0)
                while (left := until - time.monotonic()) > 0:
                    if cancel is not None:
                        cancel.raise_if_cancelled()
                    time.sleep(min(CANCEL_POLL_S, left))
        raise AssertionError("unreachable")

    def unload(self) -> None:
        """Forget the server check; nothing is held in memory between batches."""
        self.model = None

    def device_info(self) -> DeviceInfo:
        """The server's address and model: ``http://host:8000 (Qwen/Qwen3-ASR-1.7B)``."""
        model = self.model or self.requested_model or "model not chosen yet"
        return DeviceInfo(device="server", dtype="remote", description=f"{self.url} ({model})")

    def suggested_batch_size(self, chunk_seconds: float) -> int:
        """As many chunks as there are requests in flight."""
        return self.parallel

    # -- transcription ---------------------------------------------------------------------
    def transcribe_batch(
        self,
        chunks: Sequence[np.ndarray],
        options: TranscribeOptions,
        cancel: CancelToken | None = None,
        progress: ProgressCallback | None = None,
    ) -> list[ChunkResult]:
        """Send the chunks, ``parallel`` at a time; one result per chunk, in order.
        ``progress`` hears the fraction of the batch's chunks answered so far.

        Raises Cancelled (the requests in flight are aborted), UnsupportedLanguage, or a
        :class:`ServerError` subclass when the server cannot do it; either one's ``answered``
        (when set) holds the results of the leading chunks answered before it.
        """
        if cancel is not None:
            cancel.raise_if_cancelled()
        found = find_language(options.language)  # UnsupportedLanguage before any request
        language = found.name if found else None
        audio = [to_float(c).reshape(-1) for c in chunks]
        if not audio:
            return []
        self.load(cancel=cancel)
        return _run(self._run_batch(audio, options, language, cancel, progress))

    async def _run_batch(
        self,
        audio: list[np.ndarray],
        options: TranscribeOptions,
        language: str | None,
        cancel: CancelToken | None,
        progress: ProgressCallback | None = None,
    ) -> list[ChunkResult]:
        limits = httpx.Limits(
            max_connections=self.parallel, max_keepalive_connections=self.parallel
        )
        timeout = httpx.Timeout(self.timeout, connect=self.connect_timeout)
        gate = asyncio.Semaphore(self.parallel)
        async with httpx.AsyncClient(
            timeout=timeout, limits=limits, verify=self.verify, headers=_headers(self._api_key),
            trust_env=False,  # the audio goes only to the address the user entered
        ) as client:
            tasks = [
                asyncio.create_task(self._chunk(client, gate, a, options, language)) for a in audio
            ]
            if progress is not None:
                answered = [0]

                def one_more(_task: asyncio.Task) -> None:
                    answered[0] += 1
                    if answered[0] < len(tasks):
                        progress(answered[0] / len(tasks))

                for task in tasks:
                    task.add_done_callback(one_more)
            work = asyncio.gather(*tasks)
            try:
                while True:
                    done, _ = await asyncio.wait({work}, timeout=CANCEL_POLL_S)
                    if done:
                        try:
                            return work.result()
                        except ServerError as exc:
                            # The chunks answered before the first that failed are kept
                            # by the caller (a server gone mid-file loses none of them).
                            exc.answered = _answered_before_failure(tasks)
                            raise
                    if cancel is not None and cancel.cancelled:
                        # As for a failure, the leading chunks already answered go with it:
                        # a Stop keeps what the server did before it.
                        stopped = Cancelled()
                        stopped.answered = _answered_before_failure(tasks)
                        raise stopped
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                if work.done() and not work.cancelled():
                    work.exception()  # retrieved: no "exception never retrieved" warning

    async def _chunk(
        self,
        client: httpx.AsyncClient,
        gate: asyncio.Semaphore,
        samples: np.ndarray,
        options: TranscribeOptions,
        language: str | None,
    ) -> ChunkResult:
        """One chunk, cut in two at its quietest point when the server finds it too large."""
        try:
            async with gate:
                answer = await self._with_retries(client, samples, options, language, None)
                if answer.degenerate and options.repetition_guard:
                    # A decoding loop: once more with a repetition penalty, as the local engine.
                    log.info("repetition guard: retrying a chunk with a repetition penalty")
                    answer = await self._with_retries(
                        client, samples, options, language, options.repetition_penalty
                    )
                    answer.result.retried = True
                return answer.result
        except _TooLarge:
            seconds = len(samples) / SAMPLE_RATE
            if seconds < 2 * MIN_SPLIT_SECONDS:
                raise ChunkTooLarge(self.url, seconds) from None
            cut = quietest_split(samples)
            log.info("HTTP 413 for %.1f s of audio: sending it in two pieces", seconds)
            first = await self._chunk(client, gate, samples[:cut], options, language)
            second = await self._chunk(client, gate, samples[cut:], options, language)
            confidences = [r.confidence for r in (first, second) if r.confidence is not None]
            lows = [r.min_confidence for r in (first, second) if r.min_confidence is not None]
            return ChunkResult(
                text=join_texts(first.text, second.text, phrases=True),  # split at a pause
                language=first.language or second.language,
                confidence=min(confidences) if confidences else None,
                min_confidence=min(lows) if lows else None,
                retried=first.retried or second.retried,
            )

    async def _with_retries(
        self,
        client: httpx.AsyncClient,
        samples: np.ndarray,
        options: TranscribeOptions,
        language: str | None,
        penalty: float | None,
    ) -> _Answer:
        attempt = 0
        while True:
            try:
                return await self._request(client, samples, options, language, penalty)
            except _Retry as retry:
                attempt += 1
                if attempt > self.retries:
                    error = retry.error
                    if isinstance(error, ServerBusy):
                        error = ServerBusy(self.url, error.status, attempt, error.detail)
                    elif isinstance(error, ServerConnectionLost):
                        error = ServerConnectionLost(self.url, attempt, error.reason)
                    raise error from None
                wait = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
                wait *= random.uniform(0.75, 1.0)  # spread the retries of a full batch
                if retry.wait is not None:
                    if retry.wait > self.max_retry_after:
                        asked = (f"{retry.wait:.0f} s" if retry.wait < 7 * 86400
                                 else "more than a week")
                        raise ServerBusy(
                            self.url,
                            getattr(retry.error, "status", 503),
                            attempt,
                            f"It asks to wait {asked} before trying again.",
                        ) from None
                    wait = max(wait, retry.wait)
                log.info("retrying a chunk in %.2f s: %s", wait, retry.error)
                await asyncio.sleep(wait)

    def _payload(
        self,
        samples: np.ndarray,
        options: TranscribeOptions,
        language: str | None,
        penalty: float | None = None,
    ) -> dict[str, Any]:
        data = base64.b64encode(wav_bytes(samples)).decode("ascii")
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": options.context.strip()},
            {
                "role": "user",
                "content": [
                    {"type": "audio_url", "audio_url": {"url": f"data:audio/wav;base64,{data}"}}
                ],
            },
        ]
        payload: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "temperature": float(options.temperature),
            "top_p": float(options.top_p) if options.temperature > 0 else 1.0,
            "max_tokens": new_token_budget(
                len(samples) / SAMPLE_RATE,
                options.language,
                options.max_new_tokens,
                options.tokens_per_second,
            ),
            # The probability of each chosen token: the segment's confidence, and the tokens
            # themselves for the repetition guard.
            "logprobs": True,
        }
        if penalty is not None:
            payload["repetition_penalty"] = float(penalty)
        if options.min_new_tokens:
            payload["min_tokens"] = int(options.min_new_tokens)
        if language is not None:
            # The released prompt for a forced language: the answer starts with it.
            messages.append(
                {"role": "assistant", "content": f"language {language}{ASR_TEXT_TOKEN}"}
            )
            payload["continue_final_message"] = True
            payload["add_generation_prompt"] = False
        return payload

    async def _request(
        self,
        client: httpx.AsyncClient,
        samples: np.ndarray,
        options: TranscribeOptions,
        language: str | None,
        penalty: float | None,
    ) -> _Answer:
        payload = self._payload(samples, options, language, penalty)
        key = self._api_key

        async def send() -> _Reply:
            async with client.stream("POST", f"{self.url}/v1/chat/completions",
                                     json=payload) as response:
                return _Reply(response.status_code, response.headers,
                              await _read_async(response, self.url))

        try:
            # httpx's timeouts bound each read; this bounds a server that trickles its answer.
            reply = await asyncio.wait_for(send(), self.timeout + self.connect_timeout)
        except asyncio.TimeoutError as exc:
            raise ServerTimeout(self.url, self.timeout) from exc
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            raise _Retry(ServerConnectionLost(
                self.url, 1, redact(str(exc) or type(exc).__name__, key))) from None
        except httpx.TransportError as exc:
            raise redacted(connection_error(self.url, exc, self.timeout, self.connect_timeout),
                           key) from None
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise redacted(_unexpected(self.url, exc), key) from None
        status = reply.status
        if status == 200:
            return self._result(reply, language)
        if status in (401, 403):
            raise ServerAuthFailed(self.url, status, bool(key))
        if status == 404:
            served = await self._served_now(client)
            if self.model in served:  # it lists the model yet has no chat for it there
                raise ServerRejected(self.url, 404, (
                    f"its chat endpoint /v1/chat/completions was not found, although it lists "
                    f"the model {self.model!r}; a proxy in front may route only some paths"))
            raise ModelNotServed(self.url, self.model, served)
        if status == 413:
            raise _TooLarge()
        if status in RETRY_STATUSES:
            raise _Retry(
                ServerBusy(self.url, status, 1, _detail(reply, key)),
                _retry_after(reply.headers.get("Retry-After")),
            )
        raise ServerRejected(self.url, status, _detail(reply, key))

    async def _served_now(self, client: httpx.AsyncClient) -> list[str]:
        """What the server serves now (it may have been restarted with another model)."""
        try:
            async with client.stream("GET", f"{self.url}/v1/models") as response:
                body = await _read_async(response, self.url)
            self.served_models = [str(m["id"]) for m in json.loads(body)["data"]]
        except (httpx.HTTPError, httpx.InvalidURL, ServerError, ValueError, KeyError,
                TypeError):
            pass
        return self.served_models

    def _result(self, reply: _Reply, language: str | None) -> _Answer:
        try:
            choice = reply.json()["choices"][0]
            content = _content_text(choice["message"]["content"])
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise ServerRejected(
                self.url, 200, "the answer is not an OpenAI-style chat completion"
            ) from exc
        heard, text = parse_asr_output(redact(content, self._api_key))
        result = ChunkResult(text=text, language=language or heard)
        tokens = _token_logprobs(choice)
        if not tokens:  # a server that does not give log-probabilities
            return _Answer(result, False)
        start = 0
        if language is None:  # the detected-language prefix is not part of what was said
            seen = ""
            for i, (token, _) in enumerate(tokens):
                seen += token
                if ASR_TEXT_TOKEN in seen:
                    start = i + 1
                    break
        said = tokens[start:]
        scored = [lp for _, lp in said] or [lp for _, lp in tokens]
        result.confidence = math.exp(sum(scored) / len(scored))
        result.min_confidence = math.exp(min(scored))
        hit_limit = choice.get("finish_reason") == "length"
        return _Answer(result, looks_degenerate([t for t, _ in said], hit_limit))


#: End-of-turn tokens a server may list among the log-probabilities; not part of the text.
_END_TOKENS = frozenset({"", "<|im_end|>", "<|endoftext|>"})


def _content_text(content: Any) -> str:
    """A chat message's text: a string, or the text parts of a list of parts (the newer
    OpenAI shape); anything else is no chat completion (TypeError)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list) and all(isinstance(p, dict) for p in content):
        return "".join(str(p.get("text") or "") for p in content if p.get("type") == "text")
    raise TypeError(f"message content of type {type(content).__name__}")


def _token_logprobs(choice: dict[str, Any]) -> list[tuple[str, float]]:
    """``(token, log-probability)`` of each generated token, end-of-turn tokens left out. A
    log-probability that is no number (NaN) leaves the answer without confidences; one
    above 0 (no probability is over 1) counts as 0."""
    try:
        content = (choice.get("logprobs") or {}).get("content") or []
        tokens = [(str(t["token"]), float(t["logprob"])) for t in content]
    except (AttributeError, KeyError, TypeError, ValueError, OverflowError):
        return []  # OverflowError: an integer too large for a float
    if any(math.isnan(lp) for _, lp in tokens):
        return []
    while tokens and tokens[-1][0] in _END_TOKENS:
        tokens.pop()
    # vLLM reports -inf as -9999.0; a probability cannot be below 0 either way.
    return [(t, min(max(lp, -100.0), 0.0)) for t, lp in tokens]


def _answered_before_failure(tasks: list[asyncio.Task]) -> list[ChunkResult]:
    """The results of the leading chunks that were answered, up to the first that was not
    (failed, cancelled or still waiting)."""
    out: list[ChunkResult] = []
    for task in tasks:
        if not task.done() or task.cancelled() or task.exception() is not None:
            break
        out.append(task.result())
    return out


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
