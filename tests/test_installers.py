"""The installers' promises that can be checked without building: the bundle's lists match
what the app really imports, the bundle check names what is missing, the hidden
``--quit-when-loaded`` option closes cleanly, and an installed app finds models beside itself.

The frozen bundle itself is built and run by installers/smoke-test.sh (CI runs it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from media import spoken_wav
from tingxie.asr import models

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "installers"))
import bundle_contents  # noqa: E402
import check_bundle  # noqa: E402

# --------------------------------------------------------------------- models beside the app


def _install(root: Path, executable: str, checkpoint: Path, models_at: Path) -> None:
    program = root / executable
    program.parent.mkdir(parents=True)
    program.write_bytes(b"")
    models_at.mkdir(parents=True)
    (models_at / "Qwen3-ASR-0.6B-hf").symlink_to(checkpoint, target_is_directory=True)


def test_an_installed_app_finds_a_model_in_the_models_folder_beside_it(
        tiny_checkpoint, isolated_model_caches, tmp_path, monkeypatch):
    _install(tmp_path, "Tingxie/tingxie", tiny_checkpoint, tmp_path / "Tingxie" / "models")
    monkeypatch.setattr(sys, "executable", str(tmp_path / "Tingxie" / "tingxie"))
    # From a Python environment (not frozen) the folder is not looked at.
    assert models.model_path("qwen3-asr-0.6b") is None
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    found = models.model_path("qwen3-asr-0.6b")
    assert found == tmp_path / "Tingxie" / "models" / "Qwen3-ASR-0.6B-hf"
    assert models.download_state("qwen3-asr-0.6b") == "downloaded"
    # A folder the user chose still comes first.
    chosen = tmp_path / "chosen"
    (chosen / "Qwen3-ASR-0.6B-hf").mkdir(parents=True)
    for item in tiny_checkpoint.iterdir():
        (chosen / "Qwen3-ASR-0.6B-hf" / item.name).symlink_to(item)
    assert models.model_path("qwen3-asr-0.6b", chosen) == chosen / "Qwen3-ASR-0.6B-hf"


def test_a_mac_app_finds_the_models_folder_beside_the_app(
        tiny_checkpoint, isolated_model_caches, tmp_path, monkeypatch):
    _install(tmp_path, "Applications/Tingxie.app/Contents/MacOS/tingxie", tiny_checkpoint,
             tmp_path / "Applications" / "models")
    monkeypatch.setattr(sys, "executable",
                        str(tmp_path / "Applications/Tingxie.app/Contents/MacOS/tingxie"))
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert models.model_path("qwen3-asr-0.6b") == (
        tmp_path / "Applications" / "models" / "Qwen3-ASR-0.6B-hf")


# --------------------------------------------------------------------- the bundle check


def _bundle(folder: Path) -> Path:
    internal = folder / "_internal"
    for suffix in bundle_contents.required_files():
        (internal / suffix).parent.mkdir(parents=True, exist_ok=True)
        (internal / suffix).write_bytes(b"x")
    plugins = internal / "PySide6" / "Qt" / "plugins"
    for sub, stems in bundle_contents.REQUIRED_QT_PLUGINS.items():
        for stem in (*stems, "qxcb"):
            (plugins / sub).mkdir(parents=True, exist_ok=True)
            (plugins / sub / f"lib{stem}.so").write_bytes(b"x")
    (folder / "tingxie").write_bytes(b"x")
    return folder


def test_the_bundle_check_names_each_missing_file_and_what_it_is_for(tmp_path):
    bundle = _bundle(tmp_path / "tingxie")
    assert check_bundle.problems(bundle, platform="linux") == []
    assert bundle_contents.translations(), "the source tree has compiled translations"
    for qm in bundle_contents.translations():
        (bundle / "_internal/tingxie/resources/i18n" / qm.name).unlink()
    (bundle / "_internal/silero_vad/data/silero_vad.jit").unlink()
    (bundle / "_internal/PySide6/Qt/plugins/platforms/libqxcb.so").unlink()
    found = "\n".join(check_bundle.problems(bundle, platform="linux"))
    assert "tingxie_zh_CN.qm (needed for the Chinese interface)" in found
    assert "silero_vad.jit (needed for finding speech" in found
    assert "platforms/qxcb" in found


def test_a_cpu_bundle_may_not_hold_cuda_libraries_or_test_suites(tmp_path, capsys):
    bundle = _bundle(tmp_path / "tingxie")
    (bundle / "_internal/torch/lib").mkdir(parents=True)
    (bundle / "_internal/torch/lib/libtorch_cuda.so").write_bytes(b"x")
    (bundle / "_internal/torch/cuda/nccl.py").parent.mkdir(parents=True)
    (bundle / "_internal/torch/cuda/nccl.py").write_bytes(b"x")  # torch's Python: fine
    (bundle / "_internal/numpy/tests").mkdir(parents=True)
    (bundle / "_internal/numpy/tests/test_x.py").write_bytes(b"x")
    assert check_bundle.main([str(bundle)]) == 1
    err = capsys.readouterr().err
    assert "CUDA library in a CPU bundle: _internal/torch/lib/libtorch_cuda.so" in err
    assert "nccl.py" not in err
    assert "test suite in the bundle: _internal/numpy/tests" in err
    problems = check_bundle.problems(bundle, "cuda", platform="linux")
    assert problems == ["test suite in the bundle: _internal/numpy/tests"]


def test_a_package_the_bundle_leaves_out_is_named_when_a_hook_brings_it_back(tmp_path):
    """transformers 5.25 requires `kernels`; PyInstaller bundled it without its data file and
    the frozen app failed on every model load. The check names such a package."""
    bundle = _bundle(tmp_path / "tingxie")
    (bundle / "_internal/kernels").mkdir(parents=True)
    (bundle / "_internal/kernels/__init__.py").write_bytes(b"x")
    (bundle / "_internal/torch/_inductor/kernels").mkdir(parents=True)  # not the package
    (bundle / "_internal/torch/_inductor/kernels/mm.py").write_bytes(b"x")
    assert check_bundle.problems(bundle, platform="linux") == [
        "left-out package in the bundle: kernels (installers/bundle_contents.py)"]


HIDDEN = r"""
import sys
for name in sys.argv[4:]:
    sys.modules[name] = None  # as in the frozen bundle: neither importable nor found
from tingxie import cli
wav, model, out = sys.argv[1:4]
sys.exit(cli.main(["transcribe", wav, "--model", model, "--device", "cpu",
                   "--max-new-tokens", "4", "--format", "json", "-o", out]))
"""


@pytest.mark.slow
def test_a_transcription_works_without_the_packages_the_bundle_leaves_out(tiny_checkpoint,
                                                                           tmp_path):
    """The bundle leaves out what transformers requires but Tingxie never uses (Hub kernels):
    a transcription with those packages hidden loads the model and writes its transcript."""
    assert bundle_contents.BUNDLE_LEFT_OUT
    wav = spoken_wav(tmp_path / "hello.wav", [0.3, "Good morning.", 0.3])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "app"), str(ROOT / "tests")]))
    done = subprocess.run([sys.executable, "-c", HIDDEN, str(wav), str(tiny_checkpoint),
                           str(tmp_path / "out"), *bundle_contents.BUNDLE_LEFT_OUT],
                          capture_output=True, text=True, env=env, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    written = json.loads((tmp_path / "out" / "hello.json").read_text("utf-8"))
    assert written["model"] and written["transcript"]["segments"], written


# --------------------------------------------------------------------- what the app imports

PROBE = r"""
import json, sys
from tingxie import cli
wav, model, out = sys.argv[1:4]
runs = {
    "transcribe": cli.main(["transcribe", wav, "--model", model, "--device", "cpu",
                            "--max-new-tokens", "4", "-o", out]),
    "window": cli.main(["--quit-when-loaded", wav]),
    "missing": cli.main(["--quit-when-loaded", wav + ".missing.wav"]),
}
print(json.dumps({"runs": runs, "modules": sorted(sys.modules)}))
"""


@pytest.mark.slow
def test_the_bundle_holds_every_model_and_qt_module_the_app_imports(tiny_checkpoint, tmp_path):
    """A transcription and the window, in a fresh process: every transformers model package
    and Qt module imported is one the spec bundles (else the frozen app fails on import), the
    window closes with status 0 once the file is open, and an unreadable file exits 3."""
    wav = spoken_wav(tmp_path / "hello.wav", [0.3, "Good morning.", 0.3])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "app"), str(ROOT / "tests")]),
               QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(tmp_path / "data"))
    done = subprocess.run([sys.executable, "-c", PROBE, str(wav), str(tiny_checkpoint),
                           str(tmp_path / "out")], capture_output=True, text=True, env=env,
                          timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["runs"] == {"transcribe": 0, "window": 0, "missing": 3}, done.stderr[-3000:]
    assert "hello.wav.missing.wav" in done.stderr  # the error is printed, not swallowed
    mods = report["modules"]
    used_models = {m.split(".")[2] for m in mods if m.startswith("transformers.models.")
                   and len(m.split(".")) > 2}
    assert "qwen3_asr" in used_models
    assert used_models <= set(bundle_contents.TRANSFORMERS_MODELS), (
        "add to installers/bundle_contents.TRANSFORMERS_MODELS: "
        f"{sorted(used_models - set(bundle_contents.TRANSFORMERS_MODELS))}")
    used_qt = {m.split(".")[1] for m in mods if m.startswith("PySide6.Qt")}
    assert {"QtWidgets", "QtMultimedia"} <= used_qt
    missing = sorted(used_qt - set(bundle_contents.QT_KEEP))
    assert not missing, f"add to installers/bundle_contents.QT_KEEP: {missing}"
    assert "silero_vad" in mods
