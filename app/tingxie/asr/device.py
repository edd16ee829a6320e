"""Where a model runs and in which number format: device and dtype choice, memory queries.

``auto`` picks a CUDA GPU in bfloat16 (float16 on GPUs without bf16), else Apple's GPU (MPS)
in float16, else the CPU in bfloat16 when the processor computes bf16 natively (AVX512-BF16,
AMX or Arm BF16) and float32 otherwise: on a CPU without native bf16 the conversions cost
more than the halved memory traffic saves.
"""

from __future__ import annotations

import ctypes
import logging
import mmap
import os
import platform
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import torch

from tingxie.asr.errors import DeviceUnavailable

log = logging.getLogger(__name__)

_DTYPES = {
    "float32": torch.float32,
    "fp32": torch.float32,
    "float": torch.float32,
    "bfloat16": torch.bfloat16,
    "bf16": torch.bfloat16,
    "float16": torch.float16,
    "fp16": torch.float16,
    "half": torch.float16,
}


@dataclass(frozen=True)
class Placement:
    """A device and the dtype the model's weights use there."""

    device: torch.device
    dtype: torch.dtype

    @property
    def device_name(self) -> str:
        """``cpu``, ``cuda:0`` or ``mps``."""
        if self.device.type == "cuda":
            return f"cuda:{self.device.index or 0}"
        return self.device.type


def dtype_name(dtype: torch.dtype) -> str:
    """``torch.bfloat16`` -> ``"bfloat16"``."""
    return str(dtype).removeprefix("torch.")


def parse_dtype(dtype: str | torch.dtype | None) -> torch.dtype | None:
    """A dtype from a name such as ``"bf16"``/``"float32"``, a torch dtype, or ``None``."""
    if dtype is None or isinstance(dtype, torch.dtype):
        return dtype
    key = dtype.strip().lower().removeprefix("torch.")
    if key in ("", "auto"):
        return None
    if key not in _DTYPES:
        raise ValueError(f"unknown dtype {dtype!r}; use float32, bfloat16 or float16")
    return _DTYPES[key]


@lru_cache(maxsize=1)
def cpu_supports_bf16() -> bool:
    """Whether this CPU computes bfloat16 natively (not just emulates it).

    Linux: the ``avx512_bf16`` or ``amx_bf16`` flags in /proc/cpuinfo (x86) or ``bf16`` in
    its Features line (Arm). macOS: ``hw.optional.arm.FEAT_BF16``. Elsewhere ``False``: a wrong
    "no" costs some speed, a wrong "yes" makes everything several times slower.
    """
    system = platform.system()
    if system == "Linux":
        try:
            with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
                for line in f:
                    key = line.split(":", 1)[0].strip().lower()
                    if key in ("flags", "features"):
                        flags = set(line.split(":", 1)[1].split())
                        return bool(flags & {"avx512_bf16", "amx_bf16", "bf16"})
        except OSError:
            return False
        return False
    if system == "Darwin":
        try:
            out = subprocess.run(
                ["sysctl", "-n", "hw.optional.arm.FEAT_BF16"],
                capture_output=True,
                text=True,
                timeout=2,
                check=False,
            )
            return out.stdout.strip() == "1"
        except (OSError, subprocess.SubprocessError):
            return False
    return False


def _mps_available() -> bool:
    mps = getattr(torch.backends, "mps", None)
    return bool(mps is not None and mps.is_available())


def choose_placement(device: str = "auto", dtype: str | torch.dtype | None = None) -> Placement:
    """The device and dtype to load a model with.

    ``device`` is ``"auto"``, ``"cpu"``, ``"cuda"`` (or ``"cuda:N"``) or ``"mps"``; ``dtype``
    overrides the device's default. Raises :class:`DeviceUnavailable` for a device this
    computer lacks.
    """
    wanted = parse_dtype(dtype)
    name = (device or "auto").strip().lower()
    if name == "auto":
        if torch.cuda.is_available():
            name = "cuda"
        elif _mps_available():
            name = "mps"
        else:
            name = "cpu"

    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            raise DeviceUnavailable(device, "PyTorch sees no CUDA GPU on this computer")
        dev = torch.device(name if ":" in name else "cuda:0")
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise DeviceUnavailable(device, f"there are only {torch.cuda.device_count()} GPU(s)")
        default = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        return Placement(dev, wanted or default)
    if name == "mps":
        if not _mps_available():
            raise DeviceUnavailable(device, "Apple's Metal GPU (MPS) is not available")
        return Placement(torch.device("mps"), wanted or torch.float16)
    if name == "cpu":
        default = torch.bfloat16 if cpu_supports_bf16() else torch.float32
        return Placement(torch.device("cpu"), wanted or default)
    raise DeviceUnavailable(device, "unknown device; use auto, cpu, cuda or mps")


def _meminfo_available() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def system_memory_free() -> int | None:
    """Bytes of RAM still available to new allocations, if the OS tells."""
    free = _meminfo_available()
    if free is not None:
        return free
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def memory_free(device: torch.device) -> int | None:
    """Bytes still free on ``device`` (RAM for the CPU), or ``None`` when unknown."""
    if device.type == "cuda":
        free, _total = torch.cuda.mem_get_info(device)
        return int(free)
    if device.type == "mps":
        try:
            limit = torch.mps.recommended_max_memory()
            return max(0, int(limit) - int(torch.mps.driver_allocated_memory()))
        except (AttributeError, RuntimeError):
            return system_memory_free()
    return system_memory_free()


def memory_used(device: torch.device, model: torch.nn.Module | None) -> int | None:
    """Bytes the model holds on ``device``: the allocator's count on a GPU, else its tensors."""
    if device.type == "cuda":
        return int(torch.cuda.memory_allocated(device))
    if model is None:
        return None
    total = 0
    for tensor in [*model.parameters(), *model.buffers()]:
        total += tensor.numel() * tensor.element_size()
    # Dynamically quantised Linear layers keep their int8 weights in packed params, which
    # parameters() does not list.
    for module in model.modules():
        packed = getattr(module, "_packed_params", None)
        unpack: Any = getattr(module, "weight", None)
        if packed is not None and callable(unpack):
            weight = unpack()
            total += weight.numel() * weight.element_size()
    return total


def describe(device: torch.device) -> str:
    """A short human description: ``NVIDIA H100 80GB HBM3``, ``CPU (2 threads, AVX512)``."""
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    if device.type == "mps":
        return "Apple GPU (Metal)"
    capability = torch.backends.cpu.get_cpu_capability()
    bf16 = ", bf16" if cpu_supports_bf16() else ""
    return f"CPU ({torch.get_num_threads()} threads, {capability}{bf16})"


def empty_cache(device: torch.device) -> None:
    """Give cached but unused allocator blocks back after an out-of-memory error."""
    if device.type == "cuda":
        torch.cuda.empty_cache()
    elif device.type == "mps":
        torch.mps.empty_cache()


def release_free_memory(device: torch.device) -> None:
    """Hand memory the process freed back to the system, after a batch on a CPU.

    glibc keeps freed blocks in its heaps; a batch's activations, freed in a different order
    from one batch to the next, leave them fragmented, so without this the resident size of
    a long job kept rising (measured: 2.1 GB after the first batch, 3.1 GB after the fifth,
    0.6B model, bf16) although no more memory was live. ``malloc_trim`` returns the free
    pages (about 2.1 GB after every batch, same job). Elsewhere it does nothing.
    """
    if device.type != "cpu" or _malloc_trim is None:
        return
    try:
        _malloc_trim(0)
    except (OSError, ValueError):  # only memory is at stake
        log.debug("malloc_trim failed", exc_info=True)


def drop_pages(start: int, end: int) -> int:
    """Hand the whole pages between addresses ``start`` and ``end`` back to the system
    (``madvise(MADV_DONTNEED)``, Linux only); returns the bytes handed back.

    The pages come back when touched: a file's from the file, anonymous memory's as zeros
    (Linux's rule for private mappings), so memory that held zeros reads the same after.
    Only pages wholly inside the range are dropped; elsewhere this does nothing.
    """
    page = mmap.PAGESIZE
    first, last = -(-start // page) * page, end // page * page
    if last <= first or _madvise is None:
        return 0
    try:
        if _madvise(ctypes.c_void_p(first), ctypes.c_size_t(last - first), mmap.MADV_DONTNEED):
            return 0
    except (OSError, ValueError, ctypes.ArgumentError):  # only memory is at stake
        log.debug("madvise failed", exc_info=True)
        return 0
    return last - first


def _find_libc_function(name: str) -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return getattr(ctypes.CDLL(None, use_errno=True), name, None)
    except (OSError, AttributeError):
        return None


_malloc_trim = _find_libc_function("malloc_trim")  # glibc only (not musl)
_madvise = _find_libc_function("madvise")


def synchronize(device: torch.device) -> None:
    """Wait for queued GPU work, so that a wall-clock reading means something."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()
