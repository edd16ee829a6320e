#!/usr/bin/env bash
# Build the Linux bundle (dist/tingxie/), a tar.gz with the menu entry and icon, and an
# AppImage when appimagetool is on PATH (it is never downloaded here).
#
#   installers/linux/build.sh [--cpu|--cuda] [--python PYTHON]
#
# --cpu (default): the environment's torch must be the CPU build
#   (pip install torch --index-url https://download.pytorch.org/whl/cpu); no CUDA library
#   enters the bundle (~1 GB less).
# --cuda: bundle the environment's CUDA torch and its nvidia-* libraries
#   (pip install torch --index-url https://download.pytorch.org/whl/cu128); runs on NVIDIA
#   GPUs with a recent driver, falls back to the CPU elsewhere.
# The environment also needs the app and PyInstaller: pip install -e ".[installers]".
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
flavour=cpu
python="${PYTHON:-python3}"
while [ $# -gt 0 ]; do
    case "$1" in
        --cpu) flavour=cpu ;;
        --cuda) flavour=cuda ;;
        --python) python="$2"; shift ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "build.sh: unknown option $1 (use --cpu, --cuda, --python PYTHON)" >&2; exit 2 ;;
    esac
    shift
done

cuda_version="$("$python" -c 'import torch; print(torch.version.cuda or "")' 2>/dev/null)" || {
    echo "build.sh: $python cannot import torch; install the $flavour torch first." >&2; exit 1; }
if [ "$flavour" = cpu ] && [ -n "$cuda_version" ]; then
    echo "build.sh: --cpu, but this torch is built for CUDA $cuda_version. Install the CPU" \
         "build (pip install torch --index-url https://download.pytorch.org/whl/cpu) or" \
         "use --cuda." >&2
    exit 1
fi
if [ "$flavour" = cuda ] && [ -z "$cuda_version" ]; then
    echo "build.sh: --cuda, but this torch is the CPU build. Install a CUDA build" \
         "(pip install torch --index-url https://download.pytorch.org/whl/cu128)." >&2
    exit 1
fi
"$python" -m PyInstaller --version >/dev/null 2>&1 || {
    echo "build.sh: PyInstaller is missing: $python -m pip install -e \"$root[installers]\"" >&2
    exit 1; }

version="$(PYTHONPATH="$root/app" "$python" -c 'import tingxie; print(tingxie.__version__)')"
arch="$(uname -m)"
dist="$root/dist"
work="$root/build/pyinstaller-linux-$flavour"
start=$(date +%s)
echo "Building Tingxie $version for Linux ($flavour) ..."
TINGXIE_TORCH="$flavour" PYTHONPATH="$root/app${PYTHONPATH:+:$PYTHONPATH}" \
    "$python" -m PyInstaller --noconfirm --log-level WARN --distpath "$dist" --workpath "$work" \
    "$root/installers/tingxie.spec"
echo "Bundle built in $(( $(date +%s) - start )) s: $dist/tingxie ($(du -sh "$dist/tingxie" | cut -f1))"

# The tar.gz: the bundle folder plus what a desktop needs to list it.
name="tingxie-$version-linux-$arch-$flavour"
stage="$root/build/$name"
rm -rf "$stage" && mkdir -p "$stage"
# Hard links: no second copy of ~1 GB (a plain copy where links cannot be made).
cp -al "$dist/tingxie" "$stage/tingxie" 2>/dev/null || cp -a "$dist/tingxie" "$stage/tingxie"
cp "$root/installers/linux/tingxie.desktop" "$root/installers/linux/tingxie-mime.xml" \
   "$root/installers/linux/install.sh" "$stage/"
cp "$root/app/tingxie/resources/icons/tingxie.svg" "$stage/"
tar -C "$root/build" -czf "$dist/$name.tar.gz" "$name"
echo "Archive: $dist/$name.tar.gz ($(du -h "$dist/$name.tar.gz" | cut -f1))"

if command -v appimagetool >/dev/null 2>&1; then
    appdir="$root/build/Tingxie.AppDir"
    rm -rf "$appdir" && mkdir -p "$appdir/usr/share/mime/packages"
    cp -al "$dist/tingxie" "$appdir/usr/lib-tingxie" 2>/dev/null || cp -a "$dist/tingxie" "$appdir/usr/lib-tingxie"
    cp "$root/installers/linux/tingxie.desktop" "$root/app/tingxie/resources/icons/tingxie.svg" \
       "$appdir/"
    cp "$root/installers/linux/tingxie-mime.xml" "$appdir/usr/share/mime/packages/"
    cat > "$appdir/AppRun" <<'RUN'
#!/bin/sh
here="$(dirname "$(readlink -f "$0")")"
exec "$here/usr/lib-tingxie/tingxie" "$@"
RUN
    chmod +x "$appdir/AppRun"
    ARCH="$arch" appimagetool --no-appstream "$appdir" "$dist/$name.AppImage"
    echo "AppImage: $dist/$name.AppImage"
else
    echo "appimagetool is not on PATH: no AppImage (install it to get one)."
fi
