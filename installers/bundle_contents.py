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

#: The VAD weights core.segmentation loads: silero's batched ONNX model (run by onnxruntime,
#: about 4x less CPU) and the TorchScript model it falls back to.
VAD_WEIGHTS = ("silero_vad_16k_sequence.onnx", "silero_vad.jit")

#: Packages a declared dependency requires that the bundle leaves out, with their metadata:
#: transformers requires `kernels` (compiled kernels fetched from the Hub on request), checks
#: that it is importable before each use, and Tingxie never asks for Hub kernels.
#: tests/test_installers.py transcribes with these hidden, as the frozen app does.
BUNDLE_LEFT_OUT = ("kernels",)

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
    needed.update({f"silero_vad/data/{name}": "finding speech (silero-vad weights)"
                   for name in VAD_WEIGHTS})
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


# --------------------------------------------------------------------- declared dependencies


def _declared_requirements() -> list[str]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10: the installed metadata says the same
        from importlib import metadata

        return [r for r in metadata.distribution("tingxie").requires or [] if "extra" not in r]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    return list(project["dependencies"])


def _top_level_names(dist) -> set[str]:
    text = dist.read_text("top_level.txt")
    if text:
        return {name.strip() for name in text.split() if name.strip()}
    names = set()
    for file in dist.files or []:
        first = file.parts[0]
        if first in ("..", "__pycache__") or first.endswith((".dist-info", ".data", ".pth")):
            continue
        if len(file.parts) == 1:
            if first.endswith(".py"):
                names.add(first[:-3])
            elif ".so" in first or first.endswith(".pyd"):
                names.add(first.split(".")[0])
        elif "." not in first:
            names.add(first)
    return names


def undeclared() -> tuple[set[str], set[str]]:
    """What the building environment has beyond the app's dependencies: (top-level module
    names, distribution names).

    The dependencies are pyproject.toml's, followed recursively through each installed
    distribution's requirements without extras. transformers, silero-vad and huggingface_hub
    import optional packages when they are present (accelerate, scipy, onnxruntime, boto3,
    ...); a user's ``pip install tingxie`` has none of them, so the bundle leaves them out
    too, whatever else the building environment holds.
    """
    from importlib import metadata

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    keep: dict[str, object] = {}
    todo = [Requirement(r) for r in _declared_requirements()]
    while todo:
        req = todo.pop()
        if req.marker is not None and not req.marker.evaluate({"extra": ""}):
            continue
        name = canonicalize_name(req.name)
        if name in keep:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        keep[name] = dist
        todo += [Requirement(r) for r in dist.requires or []]
    kept_modules = {"tingxie"}.union(*(_top_level_names(d) for d in keep.values()))
    modules, dists = set(), set()
    for dist in metadata.distributions():
        name = canonicalize_name(dist.metadata["Name"] or "")
        if not name or name in keep or name == "tingxie":
            continue
        dists.add(name)
        modules |= _top_level_names(dist) - kept_modules
    return modules, dists


#: Qt libraries and plugins PyInstaller's Qt hooks bring that the window never loads: the
#: virtual keyboard input plugin (which drags in Qt Quick and QML) and the PDF image plugin.
QT_DROP = ("qtvirtualkeyboardplugin", "libqpdf", "qpdf.dll", "libqpdf.dylib", "Qt6Pdf",
           "Qt6Quick", "Qt6Qml", "Qt6VirtualKeyboard", "QtPdf.framework", "QtQuick.framework",
           "QtQml", "QtVirtualKeyboard")
