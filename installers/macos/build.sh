#!/usr/bin/env bash
# Build Tingxie.app (icon, Info.plist document types for .tingxie and media) and a DMG.
#
#   installers/macos/build.sh [--cpu] [--python PYTHON]
#
# macOS has no CUDA: the PyPI torch for macOS is the one build (CPU, and the GPU of Apple
# silicon through MPS); --cpu is accepted for symmetry with the other scripts, --cuda refused.
# Build on the architecture you ship (arm64 on Apple silicon, x86_64 on Intel Macs).
# Signing and notarising (see installers/README.md) run when these are set:
#   CODESIGN_IDENTITY="Developer ID Application: Name (TEAMID)"
#   NOTARY_PROFILE=<a profile stored with `xcrun notarytool store-credentials`>
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
python="${PYTHON:-python3}"
while [ $# -gt 0 ]; do
    case "$1" in
        --cpu) ;;
        --cuda) echo "build.sh: macOS has no CUDA; the macOS torch uses MPS on Apple silicon." >&2
                exit 2 ;;
        --python) python="$2"; shift ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "build.sh: unknown option $1 (use --cpu, --python PYTHON)" >&2; exit 2 ;;
    esac
    shift
done
[ "$(uname -s)" = Darwin ] || { echo "build.sh: run this on macOS (hdiutil, iconutil)" >&2; exit 1; }
"$python" -m PyInstaller --version >/dev/null 2>&1 || {
    echo "build.sh: PyInstaller is missing: $python -m pip install -e \"$root[installers]\"" >&2
    exit 1; }

export PYTHONPATH="$root/app"
version="$("$python" -c 'import tingxie; print(tingxie.__version__)')"
arch="$(uname -m)"
"$python" "$root/installers/make_icons.py" "$root/build/icons"
iconutil -c icns -o "$root/build/icons/tingxie.icns" "$root/build/icons/tingxie.iconset"

start=$(date +%s)
TINGXIE_TORCH=cpu "$python" -m PyInstaller --noconfirm --log-level WARN --distpath "$root/dist" \
    --workpath "$root/build/pyinstaller-macos" "$root/installers/tingxie.spec"
app="$root/dist/Tingxie.app"
echo "Built $app in $(( $(date +%s) - start )) s ($(du -sh "$app" | cut -f1))"
"$app/Contents/MacOS/tingxie" --version

if [ -n "${CODESIGN_IDENTITY:-}" ]; then
    # Inside out: every library and the executables, then the app, with the hardened runtime.
    codesign --force --timestamp --options runtime \
        --entitlements "$root/installers/macos/entitlements.plist" \
        --sign "$CODESIGN_IDENTITY" --deep "$app"
    codesign --verify --strict --verbose=2 "$app"
fi

dmg="$root/dist/tingxie-$version-macos-$arch.dmg"
stage="$root/build/dmg"
rm -rf "$stage" "$dmg" && mkdir -p "$stage"
cp -R "$app" "$stage/"
ln -s /Applications "$stage/Applications"
hdiutil create -volname "Tingxie $version" -srcfolder "$stage" -ov -format UDZO "$dmg"
echo "DMG: $dmg ($(du -h "$dmg" | cut -f1))"

if [ -n "${CODESIGN_IDENTITY:-}" ]; then
    codesign --force --timestamp --sign "$CODESIGN_IDENTITY" "$dmg"
fi
if [ -n "${NOTARY_PROFILE:-}" ]; then
    xcrun notarytool submit "$dmg" --keychain-profile "$NOTARY_PROFILE" --wait
    xcrun stapler staple "$dmg"
    spctl --assess --type open --context context:primary-signature --verbose "$dmg"
fi
