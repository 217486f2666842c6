"""Every command line answers a bad option or value as argparse does: one line on stderr that names the problem
(after argparse's usage, for its own errors) and exit status 2, never a traceback. Each command runs as a user runs it,
with inputs refused before any real work, so the file takes seconds per case."""
import os, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 120   # seconds per command: a refusal takes a few (most of it importing torch)

def run_cli(module:str, args:list, tmp_path:Path) -> subprocess.CompletedProcess:
    "`python -m blokus_nb.MODULE ARGS` as a user runs it, {tmp} in ARGS standing for `tmp_path`; no Pentobi on hand"
    env = {k: v for k, v in os.environ.items() if k not in ('PENTOBI_GTP', 'PENTOBI_BOOKS')}
    args = [a.format(tmp=tmp_path) for a in args]
    return subprocess.run([sys.executable, '-m', f'blokus_nb.{module}', *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, timeout=TIMEOUT)

def error_line(stderr:str) -> str:
    "The one error line of `stderr`: argparse's usage block before it is allowed, nothing else"
    lines = stderr.strip().splitlines()
    if lines and lines[0].startswith('usage: '):
        lines = [l for l in lines[1:] if not l.startswith(' ')]      # the usage's continuation lines are indented
    assert len(lines) == 1, f'expected one error line, got:\n{stderr}'
    return lines[0]

@pytest.fixture
def files(tmp_path):
    "A folder with a file that is not a network, and a plain file"
    (tmp_path / 'not-a-net.pt').write_text('hello')
    (tmp_path / 'a-file').write_text('')
    return tmp_path

def check_refused(module, args, mentions, tmp_path):
    proc = run_cli(module, args, tmp_path)
    assert 'Traceback' not in proc.stderr, proc.stderr
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    line = error_line(proc.stderr)
    assert line.startswith('python -m blokus_nb.') and ': error: ' in line, line
    assert mentions.format(tmp=tmp_path) in line, line

CASES = [  # (module, arguments, what the error line must mention)
    ('arena', ['greedy', 'alphago'], "unknown player 'alphago'"),
    ('arena', ['greedy', 'random', '--games', '0'], '--games must be at least 1, got 0'),
    ('arena', ['greedy', 'random', '--variant', 'hexagon'], "invalid choice: 'hexagon'"),
    ('arena', ['{tmp}/no-such-net.pt', 'random'], "no network checkpoint at '{tmp}/no-such-net.pt'"),
    ('arena', ['{tmp}/not-a-net.pt', 'random'], '{tmp}/not-a-net.pt'),
    ('arena', ['greedy', 'random', '--sgf-dir', '{tmp}/a-file'], "sgf_dir '{tmp}/a-file' is a file, not a folder"),
    ('arena', ['mcts', 'random', '--seconds', '-1'], '--seconds must be > 0, got -1.0'),
    ('arena', ['greedy', 'random', '--no-book=yes'], "argument --no-book: ignored explicit argument 'yes'"),
    ('bench', ['engine', '--variants', 'hexagon'], "--variants: unknown variant 'hexagon'"),
    ('bench', ['engine', 'nn', '--variants', 'duo,hexagon'], "unknown variant 'hexagon'"),
    ('bench', ['selfplay', '--quick', '--modes', 'fork'], "--modes: unknown self-play mode 'fork'; allowed: sequ"),
    ('bench', ['learn', '--levels', '2-12'], '--levels: Pentobi levels are 1 to 9, got 12'),
    ('bench', ['learn', '--run-dir', '{tmp}/a-file'], '--run-dir {tmp}/a-file is a file, not a folder'),
    ('bench', ['strength', 'alphago'], "unknown player 'alphago'"),
    ('bench', ['equal-time', '7', '--first', '3'], 'first must be even (a pair of games shares its opening), got 3'),
    ('bench', ['equal-time', '12'], 'Pentobi level'),
    ('bench', ['equal-time', '7', '--games', '0'], 'games must be an integer >= 1, got 0'),
    ('bench', ['equal-time', '7', '--pentobi', '{tmp}/no-pentobi'], '({tmp}/no-pentobi) is not an executable file'),
    ('bench', ['build-pentobi', '--source', '{tmp}'], "is not Pentobi's source: it needs CMakeLists.txt and the pentobi_gtp folder"),
    ('bench', ['build-pentobi', '--jobs', '0'], '--jobs must be >= 1, got 0'),
    ('gtp', ['--player', 'alphago'], "unknown player 'alphago'"),
    ('gtp', ['--variant', 'hexagon'], "invalid choice: 'hexagon'"),
    ('gtp', ['--checkpoint', '{tmp}/no-such-net.pt'], 'no such checkpoint: {tmp}/no-such-net.pt'),
    ('gtp', ['--checkpoint', '{tmp}/not-a-net.pt'], '{tmp}/not-a-net.pt'),
    ('gtp', ['--player', 'greedy', '--simulations', '-1'], '--simulations must be >= 0, got -1'),
    ('gtp', ['--no-book=yes'], "argument --no-book: ignored explicit argument 'yes'"),
    ('strength', ['{tmp}/no-such-net.pt'], "no network checkpoint at '{tmp}/no-such-net.pt'"),
    ('strength', ['random', '--levels', '0-3'], 'Pentobi levels are 1 to 9, got 0'),
    ('strength', ['random', '--games', '-2'], '--games must be >= 1, got -2'),
    ('strength', ['random', '--pentobi', '{tmp}/no-pentobi'], '({tmp}/no-pentobi) is not an executable file'),
    ('strength', ['random', '--no-book=yes'], "argument --no-book: ignored explicit argument 'yes'"),
]

CASE_NAMES = [' '.join([m, *a]).replace('{tmp}/', '') for m, a, _ in CASES]

@pytest.mark.parametrize('module,args,mentions', CASES, ids=CASE_NAMES)
def test_bad_input_is_one_line_and_status_2(module, args, mentions, files):
    check_refused(module, args, mentions, files)

def test_bench_learn_refuses_a_folder_holding_a_run(tmp_path):
    "A run folder already used is refused in one line, before any work, and its run is left as it was"
    run = tmp_path / 'run'
    made = subprocess.run([sys.executable, '-m', 'blokus_nb.train', 'test', '--run-dir', str(run), '--eval-every', '0',
                           '--simulations', '2', '--num-training-steps', '1'], cwd=ROOT, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=TIMEOUT)
    assert made.returncode == 0, made.stderr
    before = {p: p.stat().st_mtime_ns for p in run.rglob('*')}
    assert any(p.suffix == '.pt' for p in before)
    check_refused('bench', ['learn', '--quick', '--preset', 'test', '--levels', '0', '--run-dir', str(run)],
                  f'{run} already holds a run', tmp_path)
    assert {p: p.stat().st_mtime_ns for p in run.rglob('*')} == before
