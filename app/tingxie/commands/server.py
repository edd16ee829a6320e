"""The ``--server`` options of ``tingxie transcribe``: transcribe on a vLLM server."""

from __future__ import annotations

import argparse

from tingxie.commands.arguments import positive_number
from tingxie.jobs.spec import MAX_SERVER_TIMEOUT, EngineSpec, server_timeout_ok

#: What a job on a server has when these options are not given (the job model's defaults).
DEFAULTS = EngineSpec()


def add_server_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--server``, ``--server-model``, ``--api-key-env``, ``--parallel`` and
    ``--server-timeout``."""
    group = parser.add_argument_group("transcribe on a server (see docs/server.md)")
    group.add_argument("--server", metavar="URL", default=None,
                       help="an OpenAI-compatible server running Qwen3-ASR (vLLM), e.g. "
                       "http://gpu-box:8000; the audio goes there instead of a local model")
    group.add_argument("--server-model", metavar="NAME", default=None,
                       help="the served model to use (default: the one the server serves)")
    group.add_argument("--api-key-env", metavar="VAR", default=None,
                       help="environment variable holding the server's API key (default: the "
                       "system keyring's entry for service 'tingxie' and the server URL)")
    group.add_argument("--parallel", metavar="N", type=int, default=DEFAULTS.parallel,
                       help="chunks in flight at once on the server (default: %(default)s)")
    group.add_argument("--server-timeout", metavar="SECONDS", type=_server_timeout,
                       default=DEFAULTS.server_timeout,
                       help="how long the server may take to answer one chunk before the file "
                       "stops with a message (default: %(default)g, at most "
                       f"{MAX_SERVER_TIMEOUT:g})")


def _server_timeout(value: str) -> float:
    seconds = positive_number(value)
    if not server_timeout_ok(seconds):
        raise argparse.ArgumentTypeError(
            f"must be 1 to {MAX_SERVER_TIMEOUT:g} seconds, not {value}")
    return seconds
