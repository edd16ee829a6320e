"""The device menu: Auto / CPU / CUDA / MPS, labelled with what this computer has.

Finding out imports torch (a second or more), so :func:`probe_devices` runs off the UI thread
and the menu says "Auto (detecting…)" until its :class:`DeviceReport` arrives.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QComboBox, QWidget

DEVICES = ("auto", "cpu", "cuda", "mps")


@dataclass(frozen=True)
class DeviceReport:
    """What :func:`probe_devices` found. Qt-free and torch-free, so it crosses threads."""

    auto_device: str  # "cuda", "mps" or "cpu": what "auto" picks
    auto_dtype: str  # "bfloat16", "float16", "float32"
    cpu_dtype: str
    cpu_description: str  # "CPU (16 threads, AVX512, bf16)"
    cuda_name: str | None = None  # the first GPU's name; None without CUDA
    cuda_count: int = 0
    cuda_dtype: str | None = None
    mps_available: bool = False


def probe_devices() -> DeviceReport:
    """Ask torch what this computer offers (slow the first time: imports torch)."""
    import torch

    from tingxie.asr.device import _mps_available, choose_placement, describe, dtype_name

    auto = choose_placement("auto")
    cpu = choose_placement("cpu")
    cuda_name = cuda_dtype = None
    count = 0
    if torch.cuda.is_available():
        cuda = choose_placement("cuda")
        cuda_name = describe(cuda.device)
        cuda_dtype = dtype_name(cuda.dtype)
        count = torch.cuda.device_count()
    return DeviceReport(
        auto_device=auto.device.type,
        auto_dtype=dtype_name(auto.dtype),
        cpu_dtype=dtype_name(cpu.dtype),
        cpu_description=describe(cpu.device),
        cuda_name=cuda_name,
        cuda_count=count,
        cuda_dtype=cuda_dtype,
        mps_available=_mps_available(),
    )


class DeviceComboBox(QComboBox):
    """Auto / CPU / CUDA / MPS; devices this computer lacks are greyed out with the reason."""

    deviceChanged = Signal(str)  # "auto", "cpu", "cuda" or "mps"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report: DeviceReport | None = None
        self.detection_error: str | None = None
        for device in DEVICES:
            self.addItem("", device)
        self._label_items()
        self.currentIndexChanged.connect(lambda _row: self.deviceChanged.emit(self.device()))

    def device(self) -> str:
        """The chosen device: ``auto``, ``cpu``, ``cuda`` or ``mps``."""
        return str(self.currentData() or "auto")

    def set_device(self, device: str) -> bool:
        """Choose a device; ``False`` (and no change) if unknown or known to be missing."""
        name = (device or "auto").strip().lower().split(":")[0]
        row = self.findData(name)
        if row < 0 or not self._enabled(row):
            return False
        self.setCurrentIndex(row)
        return True

    def is_available(self, device: str) -> bool:
        """Whether ``device`` can be chosen (everything is, until detection says otherwise)."""
        row = self.findData(device)
        return row >= 0 and self._enabled(row)

    def apply_report(self, report: DeviceReport | None, error: str | None = None) -> None:
        """Show what detection found; falls back to Auto if the chosen device is missing."""
        self.report = report
        self.detection_error = error
        self._label_items()
        if not self._enabled(self.currentIndex()):
            self.setCurrentIndex(0)

    # ---- internals

    def _enabled(self, row: int) -> bool:
        model = self.model()
        if isinstance(model, QStandardItemModel):
            item = model.item(row)
            return item is not None and item.isEnabled()
        return True

    def _set_item(self, device: str, text: str, tip: str = "", enabled: bool = True) -> None:
        row = self.findData(device)
        self.setItemText(row, text)
        self.setItemData(row, tip or None, Qt.ItemDataRole.ToolTipRole)
        model = self.model()
        if isinstance(model, QStandardItemModel) and model.item(row) is not None:
            model.item(row).setEnabled(enabled)

    def _label_items(self) -> None:
        report = self.report
        if report is None:
            if self.detection_error is None:
                auto = self.tr("Auto (detecting…)")
                self._set_item("auto", auto, self.tr("Looking for a GPU…"))
            else:
                tip = self.tr("Could not detect the devices: {0}").format(self.detection_error)
                self._set_item("auto", self.tr("Auto (detection failed)"), tip)
            self._set_item("cpu", self.tr("CPU"))
            self._set_item("cuda", self.tr("CUDA (NVIDIA GPU)"))
            self._set_item("mps", self.tr("MPS (Apple GPU)"))
            return

        if report.auto_device == "cuda" and report.cuda_name:
            auto = self.tr("Auto (CUDA: {0})").format(report.cuda_name)
        elif report.auto_device == "mps":
            auto = self.tr("Auto (MPS, {0})").format(report.auto_dtype)
        else:
            auto = self.tr("Auto (CPU, {0})").format(report.auto_dtype)
        self._set_item("auto", auto, self.tr("The fastest device this computer has"))
        self._set_item("cpu", self.tr("CPU ({0})").format(report.cpu_dtype), report.cpu_description)
        if report.cuda_name:
            extra = (
                self.tr(" (+{0} more)").format(report.cuda_count - 1)
                if report.cuda_count > 1
                else ""
            )
            self._set_item(
                "cuda",
                self.tr("CUDA: {0}").format(report.cuda_name) + extra,
                self.tr("NVIDIA GPU, {0}").format(report.cuda_dtype or ""),
            )
        else:
            self._set_item(
                "cuda",
                self.tr("CUDA (not available)"),
                self.tr("PyTorch sees no CUDA GPU on this computer."),
                enabled=False,
            )
        if report.mps_available:
            self._set_item("mps", self.tr("MPS: Apple GPU (Metal)"), self.tr("Apple GPU, float16"))
        else:
            self._set_item(
                "mps",
                self.tr("MPS (not available)"),
                self.tr("Apple's Metal GPU (MPS) is only available on Macs with Apple silicon."),
                enabled=False,
            )
