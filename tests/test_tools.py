"""The scripts under tools/ that users and maintainers run, run here as they would be (from the repository root, in a
process of their own), on the CPU: `make_images.py` on a real run's metrics, `gpu_train.sh` for a few seconds of training.
`gpu_check.sh` is the device check itself; here only its shell syntax is checked (on a CPU its benchmark takes minutes)."""
import json, os, subprocess, sys
from pathlib import Path
import pytest
from blokus_nb.train import main
from blokus_nb.net import load_net

ROOT = Path(__file__).resolve().parents[1]
PNG = b'\x89PNG\r\n\x1a\n'

def _run(cmd, **kw):
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600, **kw)

def test_make_images_draws_the_boards_and_a_runs_dashboard(tmp_path):
    history = main(preset='test', run_dir=tmp_path / 'run', num_iterations=2, verbose=False)
    assert len(history) == 2
    bench = tmp_path / 'bench.jsonl'
    bench.write_text(json.dumps({'vs_random': 0.9, 'vs_greedy': 0.4, 'ignored': 1}) + '\n')
    out = tmp_path / 'images'
    r = _run([sys.executable, 'tools/make_images.py', str(tmp_path / 'run'), str(bench), 'the test preset', '--out', str(out)])
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == ['board_classic.png', 'board_duo.png', 'dashboard.png']
    for p in out.iterdir(): assert p.read_bytes().startswith(PNG) and p.stat().st_size > 5_000, p
    assert r.stdout.strip() == 'written: board_classic.png, board_duo.png, dashboard.png'
    r = _run([sys.executable, 'tools/make_images.py', '--out'])
    assert r.returncode != 0 and r.stderr.strip() == 'make_images.py: error: --out needs a folder'

def test_gpu_train_trains_and_brings_the_network_back(tmp_path):
    "On a CPU the script's inference server runs on the CPU: iterations of 4 games and 2 training steps for a few seconds, then the network and the metrics"
    if not hasattr(os, 'sched_getaffinity') or not {0, 1} <= os.sched_getaffinity(0): pytest.skip('gpu_train.sh pins cores 0 and 1 (taskset)')
    r = _run(['bash', 'tools/gpu_train.sh', '0.1'], env={**os.environ, 'OUT': str(tmp_path), 'PYTHON': sys.executable, 'GAMES': '4', 'STEPS': '2'})
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    log = (tmp_path / 'gpu_train.log').read_text()
    assert 'iterations' in log and 'positions' in log, log[-2000:]
    lines = (tmp_path / 'metrics.jsonl').read_text().splitlines()
    assert len(lines) >= 1 and json.loads(lines[-1])['selfplay_mode'] == 'inference_server'
    assert load_net(tmp_path / 'gpu_net.pt').config.variant == 'duo'

@pytest.mark.parametrize('script', ['tools/gpu_check.sh', 'tools/gpu_train.sh'])
def test_shell_scripts_parse(script):
    r = _run(['bash', '-n', script])
    assert r.returncode == 0, r.stderr
