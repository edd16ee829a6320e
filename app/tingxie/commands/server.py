"""The ``--server`` options of ``tingxie transcribe``: transcribe on a vLLM server."""

from __future__ import annotations

import argparse
import sys


def add_server_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--server``, ``--server-model``, ``--api-key-env`` and ``--parallel``."""
    group = parser.add_argument_group("transcribe on a server (see docs/server.md)")
    group.add_argument("--server", metavar="URL", default=None,
                       help="an OpenAI-compatible server running Qwen3-ASR (vLLM), e.g. "
                       "http://gpu-box:8000; the audio goes there instead of a local model")
    group.add_argument("--server-model", metavar="NAME", default=None,
                       help="the served model to use (default: the one the server serves)")
    group.add_argument("--api-key-env", metavar="VAR", default=None,
                       help="environment variable holding the server's API key (default: the "
                       "system keyring's entry for service 'tingxie' and the server URL)")
    group.add_argument("--parallel", metavar="N", type=int, default=8,
                       help="chunks in flight at once on the server (default: %(default)s)")


def connect(args: argparse.Namespace):
    """A loaded RemoteEngine for ``args.server``; sets ``args.model`` to the served model's
    name so the output records it. Raises TingxieError subclasses (or ValueError for a bad
    --parallel) with a message for the user."""
    from tingxie.asr.remote import RemoteEngine, find_api_key
    from tingxie.core.errors import TingxieError

    if args.parallel < 1:
        raise TingxieError(f"--parallel must be 1 or more; got {args.parallel}.")
    try:
        key = find_api_key(args.server, args.api_key_env)
    except KeyError:
        raise TingxieError(
            f"The environment variable {args.api_key_env} (given with --api-key-env) is not "
            "set: set it to the server's API key."
        ) from None
    engine = RemoteEngine(args.server, model=args.server_model, api_key=key,
                          parallel=args.parallel)
    if engine.warning:
        print(f"tingxie: warning: {engine.warning}", file=sys.stderr)
    print(f"Connecting to {engine.url} ...", file=sys.stderr)
    engine.load()
    args.model = engine.model
    return engine
