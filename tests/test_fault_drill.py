"""The fault drill: the real training command is interrupted, killed and handed broken folders, and nothing is lost.

Every run here is `python -m blokus_nb.train` as a user runs it, or (where a fault must land at an exact moment) the same
command line with one function wrapped by tests/fault_points.py. Each test prints one line saying what it injected and
what it checked. The runs play 2 games an iteration with two CPU worker processes and a 50-position buffer (full after the
first iteration), evaluate every iteration, and fix the precision, so a resumed run can be compared with the uninterrupted
one bit for bit.

    python -m pytest tests/test_fault_drill.py -s      # the drill alone, with its lines
"""
import json, os, signal, subprocess, sys, time
from pathlib import Path
import pytest
import torch

ROOT = Path(__file__).parent.parent
FAULT_POINTS = Path(__file__).parent / 'fault_points.py'
ITERATIONS = 3
RUN = ['test', '--num-iterations', str(ITERATIONS), '--games-per-iteration', '2', '--buffer-size', '50', '--eval-every', '1',
       '--precision', 'fp32', '--selfplay-mode', 'cpu_workers', '--num-workers', '2']
TIMING = ('seconds', 'per_s', 'elapsed_minutes')   # metrics that measure the clock, not the run
RUN_TIMEOUT = 600                                  # seconds: only a hung run gets near this


def report(capsys, line:str):
    with capsys.disabled(): print(f'\nfault drill: {line}', flush=True)


def train(run_dir:Path, *extra:str, fault:str=None, marker:Path=None, **popen) -> subprocess.Popen:
    "Start a training run in its own session (so a signal to its process group reaches it as Ctrl-C would)"
    cmd = ([sys.executable, str(FAULT_POINTS), fault, str(marker)] if fault else [sys.executable, '-m', 'blokus_nb.train'])
    return subprocess.Popen(cmd + RUN + ['--run-dir', str(run_dir), *extra], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True, **popen)


def finish(proc:subprocess.Popen) -> tuple:
    out, err = proc.communicate(timeout=RUN_TIMEOUT)
    return proc.returncode, out, err


def wait_for(path:Path, proc:subprocess.Popen):
    "Wait until `path` exists (the fault point says the moment has come); fail if the run ends first"
    deadline = time.monotonic() + RUN_TIMEOUT
    while not path.exists():
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f'the run ended (status {proc.returncode}) before its fault point:\n{out[-2000:]}\n{err[-3000:]}')
        assert time.monotonic() < deadline, f'no {path.name} within {RUN_TIMEOUT} s'
        time.sleep(0.02)


def wait_group_gone(pgid:int):
    "Wait until no process of the run's session is left (workers included)"
    deadline = time.monotonic() + 60
    while True:
        try: os.killpg(pgid, 0)
        except ProcessLookupError: return
        assert time.monotonic() < deadline, 'processes of the run were still alive 60 s after it ended'
        time.sleep(0.05)


def metrics(run_dir:Path) -> list:
    return [json.loads(line) for line in (run_dir / 'metrics.jsonl').read_text().splitlines()]


def untimed(history:list) -> list:
    return [{k: v for k, v in m.items() if not any(t in k for t in TIMING)} for m in history]


def checkpoint(run_dir:Path, iteration:int) -> dict:
    from blokus_nb.train import load_checkpoint
    return load_checkpoint(run_dir / 'checkpoints' / f'ckpt_{iteration:05d}.pt')


def differences(a, b, where='') -> list:
    "Where two checkpoints' contents differ (tensors compared bit for bit)"
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b): return [f'{where}: keys {sorted(set(a) ^ set(b))}']
        return [d for k in a for d in differences(a[k], b[k], f'{where}/{k}')]
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        if len(a) != len(b): return [f'{where}: lengths {len(a)} and {len(b)}']
        return [d for k, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, f'{where}[{k}]')]
    if isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor):
        return [] if a.dtype == b.dtype and a.shape == b.shape and torch.equal(a, b) else [where]
    return [] if a == b else [where]


def same_as_uninterrupted(run_dir:Path, straight:Path) -> str:
    "Check a resumed run against the run that never stopped: metrics, weights, optimiser, buffer, generators, evaluation opponent"
    assert untimed(metrics(run_dir)) == untimed(metrics(straight))
    a, b = checkpoint(run_dir, ITERATIONS - 1), checkpoint(straight, ITERATIONS - 1)
    history = lambda ck: untimed(json.loads(ck['history']))
    assert history(a) == history(b)
    skip = {'history', 'run_id'}                        # the history's times differ; each run has its own id
    diff = differences({k: v for k, v in a.items() if k not in skip}, {k: v for k, v in b.items() if k not in skip})
    assert not diff, f'the resumed run differs from the uninterrupted one in {diff[:10]}'
    return 'weights, optimiser, buffer, generators, evaluation opponent and metrics bit-identical to the uninterrupted run'


@pytest.fixture(scope='module')
def straight(tmp_path_factory) -> Path:
    "The uninterrupted run every resumed run is compared with"
    run_dir = tmp_path_factory.mktemp('straight') / 'run'
    status, out, err = finish(train(run_dir))
    assert status == 0, err[-3000:]
    assert len(metrics(run_dir)) == ITERATIONS and checkpoint(run_dir, 0)['buffer']['total_added'] > 50   # the buffer has wrapped
    return run_dir


@pytest.mark.parametrize('fault, sig, to_group, saved', [
    ('selfplay:1', signal.SIGINT, True, 1),      # Ctrl-C in a terminal: the whole process group; the workers ignore it
    ('training:1', signal.SIGINT, True, 1),
    ('save:1', signal.SIGTERM, False, 1),        # a scheduler's or `kill`'s SIGTERM, to the main process
    ('save:2', signal.SIGKILL, False, 2),        # the machine goes away in the middle of a save
])
def test_interrupted_run_resumes_exactly(fault, sig, to_group, saved, straight, tmp_path, capsys):
    run_dir, marker = tmp_path / 'run', tmp_path / 'marker'
    marker.mkdir()
    proc = train(run_dir, fault=fault, marker=marker)
    wait_for(marker / 'paused', proc)
    (os.killpg if to_group else os.kill)(proc.pid, sig)
    status, out, err = finish(proc)
    wait_group_gone(proc.pid)
    from blokus_nb.train import latest_checkpoint
    path, ck = latest_checkpoint(run_dir, verbose=False)
    assert ck['iteration'] == saved - 1, (path, out[-2000:], err[-2000:])      # the last complete iteration loads
    temporaries = sorted(p.name for p in (run_dir / 'checkpoints').glob('*.tmp'))
    if sig == signal.SIGKILL:
        assert status == -signal.SIGKILL and len(temporaries) == 1, (status, temporaries)   # the cut save's temporary file
        with open(run_dir / 'metrics.jsonl', 'a') as f: f.write('{"iteration": 2, "games": 2, "sam')   # and a torn metrics line
        checks = 'its temporary file removed at the resume, a torn metrics line dropped with a warning'
    else:
        assert status == 128 + sig, (status, err[-3000:])
        assert f'iteration {saved} is the last one saved' in out, out[-2000:]
        assert not temporaries, temporaries
        checks = f'exit {status}, "iteration {saved} is the last one saved", no temporary file'
    status, out, err = finish(train(run_dir, '--resume'))
    assert status == 0, err[-3000:]
    if sig == signal.SIGKILL:
        assert 'removed 1 temporary file(s) of saves that were cut off' in out and 'dropped a torn last line' in err, (out, err)
    assert not list((run_dir / 'checkpoints').glob('*.tmp'))
    report(capsys, f'{signal.Signals(sig).name} at {fault}: iteration {saved} loadable, {checks}; resumed: '
                   + same_as_uninterrupted(run_dir, straight))


def test_folder_of_unreadable_checkpoints_is_refused_and_kept(tmp_path, capsys):
    run_dir = tmp_path / 'run'
    (run_dir / 'checkpoints').mkdir(parents=True)
    torch.save({'format': 'blokus_nb.train/9', 'version': '9.0', 'iteration': 40}, run_dir / 'checkpoints' / 'ckpt_00040.pt')
    (run_dir / 'checkpoints' / 'ckpt_00041.pt').write_bytes(b'a copy to Drive that was cut off')
    (run_dir / 'metrics.jsonl').write_text('{"iteration": 40}\n')
    files = lambda d: {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob('*')) if p.is_file()}
    before = files(run_dir)
    for flags in (['--resume'], []):
        status, out, err = finish(train(run_dir, *flags))
        lines = err.strip().splitlines()
        assert status == 2 and len(lines) == 1 and 'Traceback' not in err, err
        assert 'none of its checkpoints can be resumed' in lines[0] and "written by blokus_nb 9.0 in format 'blokus_nb.train/9'" in lines[0]
        assert '--start-over' in lines[0]
    assert files(run_dir) == before
    status, out, err = finish(train(run_dir, '--start-over', '--num-iterations', '1'))
    assert status == 0, err[-3000:]
    [aside] = run_dir.glob('set-aside-*')
    assert files(aside) == before and len(metrics(run_dir)) == 1
    report(capsys, 'a folder of checkpoints in a format this version cannot read: --resume and a new run both refused with '
                   "exit 2 and one line naming each file's reason; every file unchanged; --start-over moved them aside whole")


def test_thirty_worker_deaths_over_ten_iterations(tmp_path, capsys):
    run_dir, marker = tmp_path / 'run', tmp_path / 'marker'
    marker.mkdir()
    proc = subprocess.Popen([sys.executable, str(FAULT_POINTS), 'kill-workers:3:10', str(marker), 'test', '--num-iterations', '11',
                             '--games-per-iteration', '4', '--eval-every', '0', '--num-training-steps', '1', '--simulations', '4',
                             '--selfplay-mode', 'cpu_workers', '--num-workers', '2', '--run-dir', str(run_dir)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    status, out, err = finish(proc)
    wait_group_gone(proc.pid)
    kills = err.count('fault_points: killed self-play worker')
    deaths = err.count('died (')
    assert status == 0, err[-3000:]
    assert kills == 30 and deaths == 30, (kills, deaths, err[-3000:])
    history = metrics(run_dir)
    assert 'Traceback' not in err, err[-3000:]
    assert [m['iteration'] for m in history] == list(range(11)) and all(m['games'] == 4 and m['samples'] > 0 for m in history)
    assert sum(m['worker_restarts'] for m in history) == 30, [m['worker_restarts'] for m in history]   # what the metrics say
    report(capsys, f'{kills} self-play workers killed over the first 10 of 11 iterations: {deaths} replaced, every game of every '
                   'iteration played, all 11 iterations saved')
