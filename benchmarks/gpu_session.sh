#!/usr/bin/env bash
# Issue 19, item 5, as one prepared run on the `device` tool's GPU machine (nvidia-h200:
# Python 3.12, torch 2.11 with CUDA, transformers 5.17 and no network there; see
# /work/.library/device/). Device time is scarce (15 minutes a task, start included), so:
#
#   1. here, once per checkout:  benchmarks/gpu_session.sh --wheels
#      (downloads into .whl/, ignored by git, the wheels the machine lacks or has too old:
#      transformers 5.24 (>= 5.18 is needed), and av, soundfile (with cffi) and soxr, which
#      the engine's modules import; ~50 MB, inside the 64 MiB a call may carry with the
#      tree's ~3 MB)
#   2. run(command="benchmarks/gpu_session.sh", carry=[".whl"], timeout_s=590)
#   3. give_back, then copy the figures from the files it returns (gpu.txt, gpu_checks.json,
#      bench.json and their logs) into benchmarks/RESULTS.md with these commands.
#
# Each step has its own time limit so that one that hangs still leaves the others' figures.
set -uo pipefail
cd "$(dirname "$0")/.."

# cffi: soundfile's binding (its _cffi_backend), which the machine does not have.
WHEELS=(transformers==5.24.0 av==18.1.0 soundfile==0.14.0 soxr==1.1.0 cffi==2.1.1)

if [ "${1:-}" = --wheels ]; then
    grep -qxF '/.whl/' .git/info/exclude 2>/dev/null || echo '/.whl/' >> .git/info/exclude
    exec python3 -m pip download --no-deps --only-binary=:all: --python-version 3.12 \
        --implementation cp --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 \
        --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
        --platform manylinux1_x86_64 -d .whl "${WHEELS[@]}"
fi

OUT="${OUT:-/tmp/tingxie-gpu}"
mkdir -p "$OUT"
if ! ls .whl/*.whl >/dev/null 2>&1; then
    echo "no wheels in .whl/: run benchmarks/gpu_session.sh --wheels here first, and carry .whl" >&2
    exit 2
fi
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target /tmp/site .whl/*.whl || exit 3
export PYTHONPATH="/tmp/site:$PWD/app" PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1

{
    date -u
    nvidia-smi --query-gpu=name,memory.total,memory.free,driver_version --format=csv
    python3 -c "import sys, torch, transformers; print(sys.version.split()[0], torch.__version__, torch.version.cuda, transformers.__version__)"
} 2>&1 | tee "$OUT/gpu.txt"

# Seconds, not minutes, to learn that an import fails.
python3 -c "import tingxie.asr.qwen3, tingxie.core.audio; from transformers import Qwen3ASRForConditionalGeneration" \
    2>&1 | tee -a "$OUT/gpu.txt" || exit 4  # pipefail: python's status

# The CUDA paths the tests cannot reach: batch size from free memory, splitting on a real
# out-of-memory error, one chunk too large for the memory left (builds the checkpoint).
timeout -k 10 240 python3 benchmarks/gpu_checks.py --json "$OUT/gpu_checks.json" 2>&1 \
    | tee "$OUT/gpu_checks.log"
echo "gpu_checks: status ${PIPESTATUS[0]}" | tee -a "$OUT/gpu.txt"

# Throughput (x real time), time to the first token and peak memory at batch 8 to 128, bf16,
# SDPA, dynamic KV cache (the engine's GPU default), next to the plain loop on the same GPU.
timeout -k 10 290 python3 benchmarks/bench_engine.py --device cuda --batch 8 16 32 64 128 \
    --dtype plain bf16 --json "$OUT/bench.json" 2>&1 | tee "$OUT/bench.log"
echo "bench_engine: status ${PIPESTATUS[0]}" | tee -a "$OUT/gpu.txt"
