"""A private PulseAudio server with null sinks, so playback is tested without a sound card."""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

_sink_names = (f"tingxie_test_{n}" for n in itertools.count())


@dataclass
class PulseServer:
    """A PulseAudio daemon of our own, with an anonymous native socket and a CLI socket.

    Recipe (works as root, needs no D-Bus, X11 or sound card, writes nothing in the home)::

        D=$(mktemp -d /tmp/tx-pa-XXXXXX)
        HOME=$D XDG_RUNTIME_DIR=$D PULSE_RUNTIME_PATH=$D PULSE_STATE_PATH=$D \\
        pulseaudio -n --daemonize=no --exit-idle-time=-1 --disallow-exit --use-pid-file=no \\
            -L "module-native-protocol-unix auth-anonymous=1 socket=$D/native" \\
            -L "module-cli-protocol-unix socket=$D/cli" \\
            [-L "module-null-sink sink_name=null"]    # an output device
        export PULSE_SERVER=unix:$D/native            # clients (Qt) connect here

    ``-n`` skips the default script (no hardware probing), ``--daemonize=no`` keeps the pid
    ours to stop, ``--exit-idle-time=-1`` keeps it up between tests. As root it warns "not
    intended to be run as root" and runs anyway. The CLI socket takes the same text commands
    as pacmd (``load-module``...), so no client tool is needed.

    It starts with no sink, so the session begins on a machine without an output device.
    """

    process: subprocess.Popen[bytes]
    folder: Path

    @property
    def address(self) -> str:
        return f"unix:{self.folder / 'native'}"

    @classmethod
    def start(cls, executable: str) -> PulseServer:
        folder = Path(tempfile.mkdtemp(prefix="tx-pa-"))  # short: socket paths max 107 bytes
        env = dict(os.environ)
        env.update(
            HOME=str(folder),
            XDG_RUNTIME_DIR=str(folder),
            PULSE_RUNTIME_PATH=str(folder),
            PULSE_STATE_PATH=str(folder),
        )
        env.pop("PULSE_SERVER", None)
        command = [
            executable,
            "-n",
            "--daemonize=no",
            "--exit-idle-time=-1",
            "--disallow-exit",
            "--use-pid-file=no",
            "--log-target=stderr",
            "-L",
            f"module-native-protocol-unix auth-anonymous=1 socket={folder / 'native'}",
            "-L",
            f"module-cli-protocol-unix socket={folder / 'cli'}",
        ]
        # A shell stands by the daemon and stops it when its stdin closes: on stop(), or when
        # pytest dies without tearing the fixture down, so no daemon outlives the run.
        guard = 'trap "" TERM; "$@" & pid=$!; read -r _; kill "$pid"; wait "$pid"'
        with (folder / "log").open("wb") as log:
            process = subprocess.Popen(
                ["sh", "-c", guard, "sh", *command],
                env=env,
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=log,
                cwd=folder,
            )
        server = cls(process, folder)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if "sink(s) available" in server.cli("list-sinks"):
                    return server
            except OSError:
                pass
            time.sleep(0.05)
        log_text = (folder / "log").read_text(errors="replace")
        server.stop()
        raise RuntimeError(f"pulseaudio did not start:\n{log_text}")

    def cli(self, command: str) -> str:
        """Run one PulseAudio CLI command; returns its output (empty on success)."""
        with socket.socket(socket.AF_UNIX) as connection:
            connection.settimeout(5)
            connection.connect(str(self.folder / "cli"))
            connection.sendall(command.encode() + b"\n")
            connection.shutdown(socket.SHUT_WR)  # the server answers, then closes
            chunks = []
            while chunk := connection.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode(errors="replace")

    def add_sink(self) -> None:
        """Plug in another output device (a null sink)."""
        answer = self.cli(f"load-module module-null-sink sink_name={next(_sink_names)}")
        assert not answer.strip(), answer

    def has_sink(self) -> bool:
        return "0 sink(s) available" not in self.cli("list-sinks")

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()  # the guard shell stops the daemon and exits
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


