#!/usr/bin/env bash
# Smoke test of the frozen Linux bundle (builds it first when dist/tingxie is missing):
#   - the bundle's file list (translations, VAD weights, Qt plugins, no CUDA, no tests)
#   - `tingxie --version`
#   - `tingxie transcribe` of a short wav with a tiny random Qwen3-ASR checkpoint, given as a
#     folder and found in the `models` folder beside the program; speech found with silero's
#     ONNX model (onnxruntime bundled), not the TorchScript fallback
#   - the window, offscreen (and on Xvfb through the xcb plugin when xvfb-run exists), opening
#     the wav and closing cleanly (`tingxie --quit-when-loaded FILE`)
# Exits non-zero with a message naming the step that failed.
#
#   installers/smoke-test.sh [--rebuild]    (--rebuild: build even when a bundle exists)
# PYTHON (default python3) builds the bundle and the tiny checkpoint.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-python3}"
bundle="$root/dist/tingxie"
exe="$bundle/tingxie"
step=""
fail() { echo "smoke-test: FAILED at \"$step\": $*" >&2; exit 1; }
begin() { step="$1"; echo "smoke-test: $step ..."; }

rebuild=""
case "${1:-}" in
    --rebuild) rebuild=1 ;;
    "") ;;
    *) echo "smoke-test.sh: unknown option $1 (use --rebuild)" >&2; exit 2 ;;
esac
if [ -n "$rebuild" ] || [ ! -x "$exe" ]; then
    begin "build the bundle"
    "$root/installers/linux/build.sh" --cpu --python "$python" || fail "the build failed"
fi

tmp="$(mktemp -d)"
beside="$bundle/models"
made_beside=""
cleanup() {
    [ -n "$made_beside" ] && rm -rf "$beside"
    rm -rf "$tmp"
}
trap cleanup EXIT
# Nothing of the user's: own settings, recovery files, caches; no network for models.
export XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" XDG_CACHE_HOME="$tmp/cache"
export HF_HOME="$tmp/hf" HF_HUB_CACHE="$tmp/hf/hub" MODELSCOPE_CACHE="$tmp/ms" HF_HUB_OFFLINE=1
unset PYTHONPATH || true

begin "file list"
"$python" "$root/installers/check_bundle.py" "$bundle" || fail "the bundle is incomplete (above)"

begin "tingxie --version"
want="tingxie $(PYTHONPATH="$root/app" "$python" -c 'import tingxie; print(tingxie.__version__)')"
got="$("$exe" --version 2>&1)" || fail "exit status $?: $got"
[ "$got" = "$want" ] || fail "printed '$got', expected '$want'"

begin "make a short wav"
if command -v espeak-ng >/dev/null 2>&1; then
    espeak-ng -w "$tmp/speech.wav" "Good morning, this is a short test of the transcription." \
        || fail "espeak-ng failed"
else
    sox -n -r 22050 -c 1 "$tmp/speech.wav" synth 2 sine 300 sine 500 || fail "sox failed"
fi
sox "$tmp/speech.wav" -r 16000 -c 1 "$tmp/hello.wav" || fail "sox could not resample"

begin "build the tiny checkpoint"
model="$tmp/models/Qwen3-ASR-0.6B-hf"
PYTHONPATH="$root/app:$root/tests" "$python" -c "
import sys
from tiny_model import build_tiny_checkpoint
build_tiny_checkpoint(sys.argv[1])" "$model" || fail "tests/tiny_model.py could not build it"

check_json() {
    "$python" - "$1" <<'PY' || fail "the transcript $1 is not what a transcription writes"
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
segments = doc["transcript"]["segments"]
assert doc["format"] == "tingxie-transcript" and segments, "no segments"
assert all(s["text"].strip() and s["end"] > s["start"] for s in segments), segments
print(f"smoke-test:   {len(segments)} segment(s): {segments[0]['text'][:40]!r}")
PY
}

logged() {  # logged LOG COMMAND...: run it, show its output and fail when it fails
    local log="$1" rc=0; shift
    "$@" > "$log" 2>&1 || rc=$?
    [ $rc -eq 0 ] || { cat "$log" >&2; fail "exit status $rc"; }
}

begin "tingxie transcribe (model folder)"
logged "$tmp/transcribe.log" "$exe" transcribe "$tmp/hello.wav" --model "$model" --device cpu \
    --max-new-tokens 8 -o "$tmp/out"
check_json "$tmp/out/hello.json"
if grep -q "finding speech with its TorchScript model" "$tmp/transcribe.log"; then
    cat "$tmp/transcribe.log" >&2
    fail "the bundle finds speech with the slow TorchScript fallback (onnxruntime missing)"
fi

begin "tingxie transcribe (models folder beside the program)"
if [ ! -e "$beside" ]; then
    mkdir "$beside" && made_beside=1
    ln -s "$model" "$beside/Qwen3-ASR-0.6B-hf"
    logged "$tmp/beside.log" "$exe" transcribe "$tmp/hello.wav" --model qwen3-asr-0.6b \
        --device cpu --max-new-tokens 8 -o "$tmp/beside"
    check_json "$tmp/beside/hello.json"
    rm -rf "$beside" && made_beside=""
else
    echo "smoke-test:   skipped: $beside exists (a real models folder is not touched)"
fi

window() {
    # $1: how it is started; the rest: the command. A clean close is exit status 0 and no
    # traceback or Qt warning about a missing plugin.
    local how="$1"; shift
    begin "the window ($how) opens the wav and closes"
    local rc=0
    timeout 180 "$@" "$exe" --quit-when-loaded "$tmp/hello.wav" > "$tmp/window.log" 2>&1 || rc=$?
    if [ $rc -ne 0 ] || grep -qE "Traceback|Could not (load|find) the Qt platform plugin" \
            "$tmp/window.log"; then
        cat "$tmp/window.log" >&2
        case $rc in
            3) fail "the window showed an error" ;;
            124) fail "the window did not close within 180 s" ;;
            *) fail "exit status $rc" ;;
        esac
    fi
}
window offscreen env QT_QPA_PLATFORM=offscreen
if command -v xvfb-run >/dev/null 2>&1; then
    window "xcb, on Xvfb" env -u QT_QPA_PLATFORM xvfb-run -a
else
    echo "smoke-test: no xvfb-run: the xcb window is not tried"
fi

echo "smoke-test: passed ($(du -sh "$bundle" | cut -f1) bundle)"
