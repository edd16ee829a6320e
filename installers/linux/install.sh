#!/usr/bin/env bash
# Install the unpacked Tingxie bundle for this user (no root): ~/.local/opt/tingxie, the
# `tingxie` command in ~/.local/bin, the menu entry, the icon and the .tingxie file type.
# ./install.sh --uninstall removes them again (models in the Hugging Face cache stay).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data="${XDG_DATA_HOME:-$HOME/.local/share}"
opt="$HOME/.local/opt/tingxie"
bin="$HOME/.local/bin"
if [ "${1:-}" = "--uninstall" ]; then
    rm -rf "$opt" "$bin/tingxie" "$data/applications/tingxie.desktop" \
        "$data/icons/hicolor/scalable/apps/tingxie.svg" "$data/mime/packages/tingxie-mime.xml"
else
    mkdir -p "$opt" "$bin" "$data/applications" "$data/icons/hicolor/scalable/apps" \
        "$data/mime/packages"
    rm -rf "$opt" && cp -a "$here/tingxie" "$opt"
    ln -sf "$opt/tingxie" "$bin/tingxie"
    cp "$here/tingxie.desktop" "$data/applications/"
    cp "$here/tingxie.svg" "$data/icons/hicolor/scalable/apps/"
    cp "$here/tingxie-mime.xml" "$data/mime/packages/"
fi
command -v update-mime-database >/dev/null && update-mime-database "$data/mime" || true
command -v update-desktop-database >/dev/null && update-desktop-database "$data/applications" || true
echo "Tingxie ${1:+un}installed. Start it from the menu or with: $bin/tingxie"
