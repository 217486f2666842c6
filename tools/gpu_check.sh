#!/usr/bin/env bash
# The prepared GPU check: numba's compile cache, 16 workers' start, the CUDA tests, then `python -m blokus_nb.bench gpu`
# (the b3c32 network, 32 simulations, 256 games, on 2 cores and on all), in at most 6 minutes, into one log.
#
#   bash tools/gpu_check.sh [LOG]        # LOG: this path; else $OUT/gpu_check.log when $OUT is set; else ./gpu_check.log
#
# Needs only what a GPU machine has (Python with torch, numpy, matplotlib, tqdm, pytest): no internet, no nbdev, fastcore
# or ipywidgets; the package runs from this working tree (PYTHONPATH=.). Every step runs under `timeout`, so the script ends
# in time even when a step hangs (limits 10 + 20 + 40 + 25 + 100 + 150 s, plus 2 s grace each: under 6 minutes); it exits with the first failing step's status (124 when a step ran out of time).
# A few minutes of training in the fastest mode, with the network brought back: tools/gpu_train.sh (a separate call).
# On a machine without CUDA it runs too: the CUDA tests are skipped (pytest says why) and the benchmark says there is no GPU.
set -u
cd "$(dirname "$0")/.."
if [ $# -ge 1 ]; then LOG=$1; elif [ -n "${OUT:-}" ]; then LOG=$OUT/gpu_check.log; else LOG=gpu_check.log; fi
mkdir -p "$(dirname "$LOG")"
: > "$LOG"
export PYTHONPATH=.${PYTHONPATH:+:$PYTHONPATH}
export PYTHONUNBUFFERED=1
PY=${PYTHON:-python}
status=0
T0=$(date +%s)

step() {   # step SECONDS TITLE COMMAND...: run COMMAND under `timeout`, its output appended to the log (and shown)
    local limit=$1 title=$2; shift 2
    echo "=== $title (limit ${limit}s) $(date -u +%H:%M:%S)" | tee -a "$LOG"
    timeout -k 2 "$limit" "$@" 2>&1 | tee -a "$LOG"
    local rc=${PIPESTATUS[0]}
    echo "=== $title: exit $rc after $(( $(date +%s) - T0 ))s in all" | tee -a "$LOG"
    if [ "$rc" -ne 0 ] && [ "$status" -eq 0 ]; then status=$rc; fi
}

step 10 "nvidia-smi" bash -c 'command -v nvidia-smi >/dev/null && nvidia-smi || echo "nvidia-smi: not found (no NVIDIA driver here)"'
step 20 "versions" "$PY" -c '
import os, platform, sys, torch
print("python", platform.python_version(), "| torch", torch.__version__, "| CUDA runtime", torch.version.cuda,
      "| cuDNN", torch.backends.cudnn.version() if torch.backends.cudnn.is_available() else None)
print("cores", os.cpu_count(), "| usable", len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?")
print("cuda available", torch.cuda.is_available())
for i in range(torch.cuda.device_count()):
    print("device", i, torch.cuda.get_device_name(i), "capability", torch.cuda.get_device_capability(i))
import blokus_nb; print("blokus_nb from", blokus_nb.__file__)
'
step 40 "numba kernels: compile, then load from the cache in a fresh process" bash -c '
for run in first second; do "$0" -c "
import time; t = time.perf_counter()
from blokus_nb.mcts import compile_search
import numba, blokus_nb, pathlib
s = compile_search(\"duo\")
cache = pathlib.Path(blokus_nb.__file__).parent / \"__pycache__\"
print(\"$run process: compile_search\", round(s, 1), \"s, import and compile\", round(time.perf_counter() - t, 1), \"s; numba\", numba.__version__,
      \"; index files beside the package:\", len(list(cache.glob(\"*.nbi\"))))
"; done' "$PY"
step 25 "16 search workers start (spawned together; the kernels from the cache)" "$PY" -c '
import time
from blokus_nb.selfplay_pool import SelfPlayPool
if __name__ == "__main__":
    t = time.perf_counter()
    pool = SelfPlayPool("duo", "inference_server", 16, verbose=False).start()
    print("16 workers started in", round(time.perf_counter() - t, 1), "s; pids", len(pool.worker_pids()))
    pool.close()
'
step 100 "CUDA tests (pytest tests/test_cuda.py)" "$PY" -m pytest tests/test_cuda.py -v -rs -p no:cacheprovider
step 150 "bench gpu (b3c32 network, 32 simulations, 256 games)" "$PY" -m blokus_nb.bench gpu
echo "=== gpu_check: exit $status after $(( $(date +%s) - T0 ))s; log: $LOG" | tee -a "$LOG"
exit $status
