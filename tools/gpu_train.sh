#!/usr/bin/env bash
# A few minutes of training on a GPU machine in the fastest self-play mode (search workers on the CPU, the network on the GPU in
# one process), limited to 2 cores as on Colab, then the trained network is written beside the log so it can be put on the
# Pentobi ladder on a machine that has Pentobi:
#
#   bash tools/gpu_train.sh [MINUTES]      # default 3; writes $OUT (or ./gpu_train) /gpu_train.log, gpu_net.pt, metrics.jsonl
#
# GAMES and STEPS set an iteration's games and training steps (default: the gpu preset's 200 and 100); a machine without a
# GPU needs far fewer to finish an iteration in a few minutes (the tests run GAMES=4 STEPS=2).
#
# Needs only torch (CUDA), numpy, matplotlib, tqdm and numba; the package runs from this working tree. The whole run is under
# `timeout` (MINUTES + 1.5 minutes), so it ends in time even when something hangs.
set -u
cd "$(dirname "$0")/.."
MINUTES=${1:-3}
DEST=${OUT:-gpu_train}
mkdir -p "$DEST"
export PYTHONPATH=.${PYTHONPATH:+:$PYTHONPATH}
export PYTHONUNBUFFERED=1
PY=${PYTHON:-python}
RUN=$(mktemp -d)/run
GAMES=${GAMES:-200}
STEPS=${STEPS:-100}
limit=$(python3 -c "print(int($MINUTES * 60 + 90))")
timeout -k 5 "$limit" taskset -c 0,1 "$PY" -c "
from blokus_nb.train import main, latest_checkpoint
from blokus_nb.net import net_from_state, save_net
import shutil
if __name__ == '__main__':
    h = main(preset='gpu', run_dir='$RUN', selfplay_mode='inference_server', force_cpu_selfplay=False, num_workers=2,
             time_budget_minutes=$MINUTES, num_iterations=100000, eval_every=0, games_per_iteration=$GAMES,
             num_training_steps=$STEPS)
    found = latest_checkpoint('$RUN')
    if found is None: raise SystemExit('no iteration finished in $MINUTES minutes: no network to bring back (GAMES=$GAMES games an iteration)')
    _, ck = found
    save_net(net_from_state(ck['net']), '$DEST/gpu_net.pt')
    shutil.copy('$RUN/metrics.jsonl', '$DEST/metrics.jsonl')
    print('iterations', len(h), 'positions', sum(m['samples'] for m in h), 'mean samples/s', round(sum(m['samples_per_s'] for m in h) / len(h), 1))
" 2>&1 | tee "$DEST/gpu_train.log"
exit ${PIPESTATUS[0]}
