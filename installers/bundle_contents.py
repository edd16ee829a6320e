"""What goes into the frozen bundle, in one place: the spec, the bundle check and the tests
read these lists (the tests compare them with what the app really imports)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: transformers model packages the app needs: transformers imports them lazily (by name,
#: from a config's model_type), so PyInstaller cannot find them. Measured: a transcription
#: with Qwen3-ASR imports exactly these (tests/test_installers.py keeps the list honest).
TRANSFORMERS_MODELS = ("qwen3_asr", "qwen3", "qwen2", "auto", "audioflamingo3",
                       "encoder_decoder")

#: PySide6 modules the window imports (pyqtgraph brings OpenGL, OpenGLWidgets, Svg and Test);
#: every other module and its plugins stay out of the bundle.
QT_KEEP = ("QtCore", "QtGui", "QtWidgets", "QtMultimedia", "QtNetwork", "QtOpenGL",
           "QtOpenGLWidgets", "QtSvg", "QtTest")

#: The VAD weights core.segmentation loads (silero_vad.load_silero_vad() without onnx).
VAD_WEIGHTS = "silero_vad.jit"

#: File names of CUDA libraries; none may be in a CPU bundle.
CUDA_MARKERS = ("cudart", "cublas", "cudnn", "cufft", "curand", "cusolver", "cusparse",
                "nccl", "nvrtc", "nvjitlink", "libtorch_cuda", "c10_cuda", "cupti", "triton")


def translations() -> list[Path]:
    """The app's compiled translations (``tingxie_*.qm``) in the source tree."""
    return sorted((ROOT / "app" / "tingxie" / "resources" / "i18n").glob("*.qm"))


def icons() -> list[Path]:
    """The app's icons in the source tree."""
    return sorted((ROOT / "app" / "tingxie" / "resources" / "icons").glob("*.svg"))


def required_files() -> dict[str, str]:
    """Bundle-relative path suffixes that must be present -> why (what breaks without it)."""
    needed = {f"tingxie/resources/i18n/{qm.name}": "the Chinese interface" for qm in
              translations()}
    needed.update({f"tingxie/resources/icons/{svg.name}": "the window icon" for svg in icons()})
    needed[f"silero_vad/data/{VAD_WEIGHTS}"] = "finding speech (silero-vad weights)"
    needed["docx/templates/default.docx"] = "DOCX export (python-docx's template)"
    return needed


#: Qt plugins the window needs, by file-name stem (lib prefix and suffix vary by platform).
REQUIRED_QT_PLUGINS = {
    "platforms": ("qoffscreen",),
    "imageformats": ("qsvg",),
    "iconengines": ("qsvgicon",),
    "multimedia": ("ffmpegmediaplugin",),
}
#: The window's platform plugin on each system.
PLATFORM_PLUGIN = {"linux": "qxcb", "win32": "qwindows", "darwin": "qcocoa"}
