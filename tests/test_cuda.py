"""The GPU path, tested on a real CUDA device; every CUDA test is skipped, with its reason, where there is none.

Plain pytest, no nbdev, fastcore or ipywidgets: the GPU machines have Python with torch (CUDA), numpy, matplotlib, tqdm,
pytest and numba only, and run the package from the working tree:

    PYTHONPATH=. python -m pytest tests/test_cuda.py -rs      # -rs prints why a test was skipped
"""
import json, os, subprocess, sys, textwrap
from pathlib import Path
import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))                 # the package from this working tree, not an installed copy
ENV = {**os.environ, 'PYTHONPATH': os.pathsep.join([str(ROOT)] + [p for p in os.environ.get('PYTHONPATH', '').split(os.pathsep) if p])}

CUDA = torch.cuda.is_available()
needs_cuda = pytest.mark.skipif(not CUDA, reason='no CUDA device here (torch.cuda.is_available() is False): the GPU path is tested on a GPU machine')
TIMEOUT = 100   # seconds for any one subprocess


def run_script(code: str, timeout: int = TIMEOUT) -> subprocess.CompletedProcess:
    "Run `code` in a fresh Python (its own CUDA context), from the repository root"
    return subprocess.run([sys.executable, '-c', textwrap.dedent(code)], cwd=ROOT, env=ENV, capture_output=True, text=True,
                          timeout=timeout)


def test_package_imports_without_notebook_tools():
    "Every module but the play widget imports without ipywidgets, fastcore, nbdev or IPython (the GPU machines lack them)"
    proc = run_script('''
        import importlib, importlib.abc, sys
        BLOCKED = ('ipywidgets', 'fastcore', 'nbdev', 'execnb', 'IPython')
        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split('.')[0] in BLOCKED: raise ImportError(f'{name} is blocked in this test')
        sys.meta_path.insert(0, Block())
        for m in ('engine', 'net', 'mcts', 'arena', 'selfplay_pool', 'ray_pool', 'train', 'viz', 'gtp', 'strength', 'bench', 'play'):
            importlib.import_module('blokus_nb.' + m)
        import blokus_nb
        print('imported from', blokus_nb.__file__)
    ''')
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert str(ROOT / 'blokus_nb') in proc.stdout


@needs_cuda
def test_fork_after_cuda_init_fails():
    "The user's crash: a worker forked after the parent initialised CUDA cannot use the GPU"
    proc = run_script('''
        import multiprocessing as mp, torch
        torch.zeros(1, device='cuda').sum().item()            # the parent has a CUDA context
        def child(q):
            try:
                torch.ones(2, device='cuda').sum().item()
                q.put('no error')
            except Exception as e: q.put(f'{type(e).__name__}: {e}')
        ctx = mp.get_context('fork')
        q = ctx.Queue()
        p = ctx.Process(target=child, args=(q,)); p.start()
        print(q.get(timeout=120)); p.join(30)
    ''')
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert 'Cannot re-initialize CUDA in forked subprocess' in out or 'invalid resource handle' in out, out


@needs_cuda
def test_spawned_pool_after_cuda_init_works():
    "What the project does instead: spawned workers, started after CUDA is initialised here, never touch CUDA"
    from blokus_nb.net import make_net
    from blokus_nb.mcts import SearchConfig
    from blokus_nb.selfplay_pool import SelfPlayPool
    net = make_net('b1c16', 'duo', device='cuda', seed=0)
    assert torch.cuda.is_initialized()
    with SelfPlayPool('duo', 'inference_server', 2, config=SearchConfig(simulations=4), verbose=False) as pool:
        res = pool.play(net, 2, seed=1, progress=False)
        infos = [w.info for w in pool.workers]
    assert res.stats['device'] == 'cuda' and res.samples.n > 0
    assert [i[3] for i in infos] == [False, False]            # CUDA not initialised in the workers
    assert [i[4] for i in infos] == ['', '']                  # and hidden from them


@needs_cuda
def test_precision_on_this_card():
    "The card's precision follows the rule for its compute capability (not torch's emulation-counting bf16 check), and runs"
    import numpy as np
    from blokus_nb.net import make_net, precision_rule, device_precision, predict
    from blokus_nb.engine import new_game
    cap, name = torch.cuda.get_device_capability(0), torch.cuda.get_device_name(0)
    p = device_precision(make_net('b1c16', device='cuda'))
    assert p == precision_rule('cuda', cap, name)
    net = make_net('b6c64', device='cuda', seed=0)
    s = new_game('duo')
    states = [s, s.play(s.legal_moves()[3])]
    ev32, ev = predict(net, states, 'fp32'), predict(net, states, p.inference)
    np.testing.assert_allclose(ev.priors, ev32.priors, atol=5e-3)
    np.testing.assert_allclose(ev.values, ev32.values, atol=5e-2)


@needs_cuda
@pytest.mark.parametrize('precision', ['fp16', 'bf16', 'fp32'])
def test_train_steps_on_cuda(precision):
    "Training steps in each precision on the GPU (float16 with its gradient scaler) give finite losses and move the weights"
    import math
    import numpy as np
    from blokus_nb.net import make_net
    from blokus_nb.mcts import SearchConfig
    from blokus_nb.selfplay_pool import run_parallel_selfplay_games
    from blokus_nb.train import ReplayBuffer, make_config, train_steps
    if precision == 'bf16' and torch.cuda.get_device_capability(0) < (8, 0):
        pytest.skip('no native bfloat16 on this card (compute capability < 8.0)')
    buf = ReplayBuffer(1000)
    buf.add(run_parallel_selfplay_games(make_net('b1c16', seed=0), 2, num_workers=1, config=SearchConfig(simulations=4),
                                        verbose=False, precision='fp32').samples)
    net = make_net('b1c16', device='cuda', seed=0)
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3)
    before = [p.detach().clone() for p in net.parameters()]
    scaler = torch.amp.GradScaler('cuda') if precision == 'fp16' else None
    pl, vl, ol, step = train_steps(net, opt, buf, make_config('test', num_training_steps=5, batch_size=32), 0, 10,
                                   np.random.default_rng(0), precision, scaler=scaler)
    assert step == 5 and all(math.isfinite(x) for x in (pl, vl, ol))
    assert any(not torch.equal(a, b) for a, b in zip(before, net.parameters()))


MODES = [('sequential', None, 'cuda'), ('cpu_workers', 2, 'cpu'), ('inference_server', 2, 'cuda')]


@needs_cuda
@pytest.mark.parametrize('mode,workers,selfplay_device', MODES)
def test_every_mode_trains_an_iteration_on_cuda(tmp_path, mode, workers, selfplay_device):
    "Each self-play mode completes one training iteration with training on CUDA, in a fresh process (as a user's run would be)"
    proc = run_script(f'''
        import json
        from blokus_nb.train import main, load_checkpoint, checkpoint_precision
        h = main(preset='test', run_dir={str(tmp_path / 'run')!r}, selfplay_mode={mode!r}, num_workers={workers!r},
                 force_cpu_selfplay=False, train_device='cuda', games_per_iteration=2, simulations=4, eval_every=0, verbose=False)
        ck = load_checkpoint({str(tmp_path / 'run' / 'checkpoints' / 'ckpt_00000.pt')!r})
        print(json.dumps({{'history': h, 'precision': checkpoint_precision(ck), 'devices': ck['precision_devices'],
                          'hardware': ck['precision_hardware']}}))
    ''')
    assert proc.returncode == 0, proc.stderr[-4000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    m = out['history'][0]
    assert (m['selfplay_mode'], m['selfplay_device'], m['train_device']) == (mode, selfplay_device, 'cuda')
    assert m['samples'] > 0 and m['policy_loss'] == m['policy_loss']       # not NaN
    assert out['devices'] == ['cuda', selfplay_device]
    assert out['hardware'][0].startswith(torch.cuda.get_device_name(0))      # the card the choice was made for
    from blokus_nb.net import precision_rule
    card = precision_rule('cuda', torch.cuda.get_device_capability(0))
    assert out['precision'][0] == card.train
    if selfplay_device == 'cuda': assert out['precision'][1] == card.inference


@needs_cuda
@pytest.mark.parametrize('first,then', [('cuda', 'cpu'), ('cpu', 'cuda')])
def test_checkpoint_moves_between_gpu_and_cpu(tmp_path, first, then):
    "A run checkpointed with training on one device resumes with training on the other (precision decided again there)"
    from blokus_nb.train import main, load_checkpoint, checkpoint_precision
    from blokus_nb.net import precision_rule
    opts = dict(preset='test', run_dir=tmp_path / 'run', games_per_iteration=2, simulations=4, eval_every=0, verbose=False)
    h1 = main(train_device=first, **opts)
    h2 = main(train_device=then, resume=True, num_iterations=2, **opts)
    assert [m['train_device'] for m in h2] == [first, then]
    assert h2[0] == h1[0]
    ck = load_checkpoint(tmp_path / 'run' / 'checkpoints' / 'ckpt_00001.pt')
    assert ck['precision_devices'][0] == then
    train_precision = checkpoint_precision(ck)[0]
    if then == 'cuda': assert train_precision == precision_rule('cuda', torch.cuda.get_device_capability(0)).train
    else: assert train_precision in ('fp32', 'bf16')
    assert all(t.device.type == 'cpu' for t in ck['net']['state_dict'].values())   # checkpoints hold CPU tensors


@needs_cuda
def test_compact_leaves_on_cuda_match_the_cpu():
    "Leaves sent compact and expanded on the GPU (`submit_rows`: pinned copies, a blocking event) give the CPU's answers; the GPU's own time is measured"
    import numpy as np
    from blokus_nb.net import make_net, submit_rows, evaluate_planes
    from blokus_nb.mcts import leaves_of
    from blokus_nb.engine import random_game, new_game
    import random
    rng, s, states = random.Random(0), new_game('classic'), []
    while not s.is_over and len(states) < 24:
        states.append(s); s = s.play(s.random_move(rng))
    leaves = leaves_of(states)
    rows, hands = leaves.rows()
    cpu = make_net('b6c64', 'classic', seed=0).eval()
    gpu = make_net('b6c64', 'classic', seed=0, device='cuda').eval()
    pending = submit_rows(gpu, rows, hands, leaves.actions, leaves.offsets, 'fp32')
    priors, values = pending.result()
    want_p, want_v = evaluate_planes(cpu, leaves.planes(), leaves.actions, leaves.offsets, 'fp32')
    np.testing.assert_allclose(priors, want_p, atol=2e-3)
    np.testing.assert_allclose(values, want_v, atol=2e-3)
    assert pending.done() and 0 < pending.device_seconds() < 5


@needs_cuda
def test_overlapped_selfplay_on_cuda():
    "In this process on the GPU, two groups of games take turns (one searches while the other's leaves are evaluated); the games are complete and legal"
    from blokus_nb.net import make_net
    from blokus_nb.mcts import SearchConfig, NetEvaluator, selfplay_overlapped
    from blokus_nb.engine import new_game
    ev = NetEvaluator(make_net('b3c32', seed=0, device='cuda'), 'fp32')
    games = selfplay_overlapped(ev, 'duo', 6, SearchConfig(simulations=8, gumbel_actions=4, gumbel_noise_plies=4), seed=1, groups=2)
    assert [g.game_id for g in games] == list(range(6))
    for g in games:
        s = new_game('duo')
        for _, m in g.moves: s = s.play(m)
        assert s.is_over
    assert ev.positions > 0 and 0 < ev.device_seconds
