"""Every user setting, declared once (as Picard does in ``options.py``), stored in QSettings.

A setting has a key, a type and a default; :class:`Settings` reads and writes them with the
type restored (QSettings hands back strings from INI files). Add new settings here, nowhere
else, and bump :data:`VERSION` with a migration in :func:`_upgrade` when a key changes meaning.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QSettings

from tingxie.jobs.spec import SETTINGS, JobSpec

ORGANIZATION = "Tingxie"
APPLICATION = "Tingxie"
VERSION = 1


@dataclass(frozen=True)
class Option:
    """One declared setting."""

    key: str
    default: Any
    kind: type
    #: For a list: the type every item must have (others are dropped when read: a
    #: hand-edited file's ``[1, null]`` is no file name); ``None``: any item.
    item: type | None = None


OPTIONS: dict[str, Option] = {}


def _declare(key: str, default: Any, kind: type | None = None, item: type | None = None) -> str:
    OPTIONS[key] = Option(key, default, kind or type(default), item)
    return key


# Transcription: the keys and defaults of a job come from the job model, defined once there.
_JOB = JobSpec().to_settings()


def _declare_job(key: str, kind: type | None = None) -> str:
    return _declare(key, _JOB[key], kind)


LANGUAGE = _declare_job(SETTINGS.language)
MODEL = _declare_job(SETTINGS.model)
MODELS_DIR = _declare_job(SETTINGS.models_dir)
DEVICE = _declare_job(SETTINGS.device)
BATCH_SIZE = _declare_job(SETTINGS.batch_size)  # 0 = from free memory
TEMPERATURE = _declare_job(SETTINGS.temperature)
INT8 = _declare_job(SETTINGS.int8)
MAX_CHUNK = _declare_job(SETTINGS.max_chunk)
MAX_NEW_TOKENS = _declare_job(SETTINGS.max_new_tokens)  # 0 = scaled to the chunk's length
ENGINE_KIND = _declare_job(SETTINGS.engine_kind)
SERVER_URL = _declare_job(SETTINGS.server_url)
SERVER_MODEL = _declare_job(SETTINGS.server_model)
API_KEY_ENV = _declare_job(SETTINGS.api_key_env)
PARALLEL = _declare_job(SETTINGS.parallel)
SERVER_TIMEOUT = _declare_job(SETTINGS.server_timeout)
ADAPTER = _declare_job(SETTINGS.adapter)
ALIGNER = _declare_job(SETTINGS.aligner)
#: The adapter last chosen for each base model (a registry name, or a model folder's path):
#: {"qwen3-asr-0.6b": "/…/tingxie-adapters/interview-adapter", …}; "" for none chosen.
ADAPTER_BY_MODEL = _declare("transcribe/adapter_by_model", {}, dict)
CONTEXT_SNIPPETS = _declare("transcribe/context_snippets", [], list, str)
HF_ENDPOINT = _declare("models/endpoint", "")
DOWNLOAD_SOURCE = _declare("models/source", "huggingface")
# Batch queue
QUEUE_OUTPUT_DIR = _declare("queue/output_dir", "")
#: The batch's own language: files of a batch often differ, so auto-detect by default.
QUEUE_LANGUAGE = _declare("queue/language", "auto")
# Window
RECENT_FILES = _declare("window/recent_files", [], list, str)
GEOMETRY = _declare("window/geometry", b"", bytes)
WINDOW_STATE = _declare("window/state", b"", bytes)
#: The waveform/transcript split and the transcript's column widths (Qt's saveState()).
SPLITTER_STATE = _declare("window/splitter", b"", bytes)
TABLE_HEADER_STATE = _declare("window/table_header", b"", bytes)
UI_LANGUAGE = _declare("window/ui_language", "")  # "" = follow the system
#: Projects (saved or not) whose autosaved recovery file the next start offers to restore.
RECOVERY_FILES = _declare("window/recovery_files", [], list, str)
# Playback and review
VOLUME = _declare("playback/volume", 0.8)
SPEED = _declare("playback/speed", 1.0)
REWIND_SECONDS = _declare("review/rewind_seconds", 3.0)
RESUME_REWIND_SECONDS = _declare("review/resume_rewind_seconds", 1.0)
FOLLOW_PLAYBACK = _declare("review/follow_playback", True)
TINT_UNCERTAIN = _declare("review/tint_uncertain", True)
UNCERTAIN_BELOW = _declare("review/uncertain_below", 0.6)
#: The last Shift times offset (seconds), offered again: a file's offset is the same for
#: every part.
SHIFT_SECONDS = _declare("review/shift_seconds", 0.0)
# Export
SUBTITLE_PRESET = _declare("export/subtitle_preset", "")
CUSTOM_PRESET = _declare("export/custom_preset", {}, dict)
EXPORT_FORMAT = _declare("export/format", "srt")  # the format last exported
#: The last choices per format: {"srt": {"preset": ..., "speaker_names": ...}, ...}.
EXPORT_CHOICES = _declare("export/choices", {}, dict)
#: Each project's last export (File > Export again), by project (or media) path.
LAST_EXPORTS = _declare("export/last_exports", {}, dict)

MAX_RECENT = 10


class Settings:
    """Typed access to the declared settings. ``Settings()`` uses the user's real settings;
    tests pass a ``QSettings`` on a temporary INI file so the user's config is never touched."""

    def __init__(self, store: QSettings | None = None) -> None:
        self.store = store or QSettings(ORGANIZATION, APPLICATION)
        _upgrade(self.store)

    def get(self, key: str) -> Any:
        """The value of a declared setting, of its declared type."""
        option = OPTIONS[key]
        raw = self.store.value(key, None)
        if raw is None:
            return _fresh(option.default)
        try:
            value = _convert(raw, option.kind)
        except (TypeError, ValueError, OverflowError):
            return _fresh(option.default)
        if option.kind is float and not math.isfinite(value):
            return _fresh(option.default)  # "nan", "inf", 1e400: no setting means that
        if option.item is not None:
            value = [v for v in value if isinstance(v, option.item)]
        return value

    def set(self, key: str, value: Any) -> None:
        """Store a declared setting."""
        option = OPTIONS[key]
        if option.kind in (list, dict):
            # ASCII escapes: QSettings would drop the lone surrogates that stand for the
            # bytes of a file name that is not UTF-8.
            value = json.dumps(value, ensure_ascii=True)
        self.store.setValue(key, value)

    def add_recent_file(self, path: str) -> list[str]:
        """Put ``path`` first in the recent files (as an absolute path, once however it
        was spelled); returns the new list."""
        path = absolute_path(path)
        key = os.path.normcase(path)
        files = [p for p in self.get(RECENT_FILES) if os.path.normcase(absolute_path(p)) != key]
        files.insert(0, path)
        self.set(RECENT_FILES, files[:MAX_RECENT])
        return files[:MAX_RECENT]

    def sync(self) -> None:
        """Write pending changes to disk."""
        self.store.sync()


def absolute_path(path: str | os.PathLike[str]) -> str:
    """``path`` absolute and normalised (``a/./b``, ``a//b`` and ``a/x/../b`` spelled one
    way), without touching the disk (no symbolic links resolved)."""
    return os.path.normpath(os.path.abspath(path))


def displayed_path(path: str) -> str:
    """``path`` as a menu can show it: the bytes of a name that is not UTF-8 (which Python
    holds as lone surrogates, and Qt would silently drop) shown as U+FFFD."""
    return os.fsencode(path).decode("utf-8", "replace") if os.name != "nt" else path


def _fresh(default: Any) -> Any:
    return type(default)(default) if isinstance(default, (list, dict)) else default


def _convert(raw: Any, kind: type) -> Any:
    if kind is bool:
        return raw if isinstance(raw, bool) else str(raw).lower() in ("true", "1", "yes")
    if kind in (list, dict):
        value = json.loads(raw) if isinstance(raw, str) else raw
        if not isinstance(value, kind):
            raise TypeError(f"expected {kind.__name__}")
        return value
    if kind is bytes:
        return bytes(raw.data()) if hasattr(raw, "data") else bytes(raw)
    return kind(raw)


def _version(raw: Any) -> int:
    """The settings version stored, as a whole number; 0 (migrate everything, then stamp)
    for one that is not (a hand edit: ``abc``, ``1.0``)."""
    text = str(raw or 0).strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return 0
    return int(number) if math.isfinite(number) else 0


def _upgrade(store: QSettings) -> None:
    """Migrate settings written by older versions (none yet) and stamp the version."""
    version = _version(store.value("settings_version", 0))
    if version < VERSION:
        store.setValue("settings_version", VERSION)
