"""Check a frozen bundle's file list: ``python installers/check_bundle.py dist/tingxie``.

Exits 1 and names every missing file (and what it is for), every CUDA library in a CPU
bundle (``--cpu``, the default), and test suites that slipped in; 0 when the bundle is whole.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bundle_contents import (
    BUNDLE_LEFT_OUT,
    CUDA_MARKERS,
    PLATFORM_PLUGIN,
    REQUIRED_QT_PLUGINS,
    required_files,
)


def _is_library(path: str) -> bool:
    name = path.rsplit("/", 1)[-1].lower()
    return ".so" in name or name.endswith((".dll", ".dylib"))


def problems(bundle: Path, flavour: str = "cpu", platform: str = sys.platform) -> list[str]:
    """Everything wrong with the bundle folder ``bundle``; empty when it is complete."""
    if not bundle.is_dir():
        return [f"{bundle} is not a folder: build the bundle first"]
    files = [p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file()]
    found = []
    for suffix, why in required_files().items():
        if not any(f == suffix or f.endswith("/" + suffix) for f in files):
            found.append(f"missing {suffix} (needed for {why})")
    plugins = dict(REQUIRED_QT_PLUGINS)
    plugins["platforms"] = (*plugins["platforms"], PLATFORM_PLUGIN.get(platform, "qxcb"))
    for folder, stems in plugins.items():
        for stem in stems:
            if not any(f"/plugins/{folder}/" in f"/{f}" and stem in f.rsplit("/", 1)[-1]
                       for f in files):
                found.append(f"missing Qt plugin {folder}/{stem}")
    if flavour == "cpu":
        cuda = [f for f in files if _is_library(f)
                and any(m in f.rsplit("/", 1)[-1].lower() for m in CUDA_MARKERS)]
        found += [f"CUDA library in a CPU bundle: {f}" for f in cuda[:10]]
    # A left-out package that a hook brought back in is imported on model load, half there.
    left_out = [name for name in BUNDLE_LEFT_OUT
                if any(f.startswith(f"_internal/{name}/") for f in files)]
    found += [f"left-out package in the bundle: {name} (installers/bundle_contents.py)"
              for name in left_out]
    tests = sorted({f.split("/tests/")[0] + "/tests" for f in files if "/tests/" in f"/{f}"})
    found += [f"test suite in the bundle: {t}" for t in tests[:10]]
    return found


def main(argv: list[str] | None = None) -> int:
    """Print the problems found in a bundle; exit status 1 when there are any."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", type=Path, help="the bundle folder (dist/tingxie)")
    parser.add_argument("--cuda", action="store_true", help="a CUDA build: CUDA libraries allowed")
    args = parser.parse_args(argv)
    found = problems(args.bundle, "cuda" if args.cuda else "cpu")
    for problem in found:
        print(f"check_bundle: {problem}", file=sys.stderr)
    if not found:
        count = sum(1 for p in args.bundle.rglob("*") if p.is_file())
        print(f"check_bundle: {args.bundle} is complete ({count} files)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
