"""`python -m blokus_nb.train` with one fault point armed, for the fault drill (tests/test_fault_drill.py).

    python tests/fault_points.py FAULT MARKER_DIR [train arguments ...]

It runs the command line's own entry point (`blokus_nb.train.cli`) after wrapping one function, so that a fault lands at an
exact moment rather than at a moment guessed with a timer. FAULT is one of:

    selfplay:N      in iteration N's self-play, after its first game, pause until a signal arrives
    training:N      in iteration N's training, after its first minibatch, pause until a signal arrives
    save:N          write iteration N's checkpoint to its temporary file, then pause before the rename
    kill-workers:K:I  SIGKILL a self-play worker after each of the first K games of each of the first I iterations
                    (never the same process twice; a kill that finds no live worker waits for the next game)

A pause first creates MARKER_DIR/paused (the drill waits for that file, then sends its signal). A pause that no signal ends
within two minutes exits with status 99, so a broken drill fails instead of hanging.
"""
import os, signal, sys, tempfile, time
from pathlib import Path

PAUSE_LIMIT = 120   # seconds


def pause(marker_dir:Path):
    "Tell the drill the moment has come, then wait for its signal (SIGINT and SIGTERM raise here; SIGKILL ends the process)"
    (marker_dir / 'paused').touch()
    deadline = time.monotonic() + PAUSE_LIMIT
    while time.monotonic() < deadline: time.sleep(0.02)
    print(f'fault_points: no signal came within {PAUSE_LIMIT} s', file=sys.stderr)
    os._exit(99)


def arm(fault:str, marker_dir:Path):
    "Wrap the one function where `fault` lands"
    import torch
    from blokus_nb import train
    from blokus_nb.selfplay_pool import SelfPlayPool
    kind, n, *more = fault.split(':')
    n = int(n)
    play = SelfPlayPool.play
    if kind == 'selfplay':
        def paused_play(self, net, num_games, seed=0, progress=None, on_game=None):
            first = [True]
            def after_game(rec, pool):
                if seed % 1_000_003 == n and first[0]: first[0] = False; pause(marker_dir)
            return play(self, net, num_games, seed, progress, after_game)
        SelfPlayPool.play = paused_play
    elif kind == 'kill-workers':
        iterations = int(more[0])
        killed = set()     # a worker already sent SIGKILL can still look alive for a moment: never kill it twice
        def killing_play(self, net, num_games, seed=0, progress=None, on_game=None):
            done, owed = [0], [0]
            def after_game(rec, pool):
                done[0] += 1
                if done[0] <= n and seed % 1_000_003 < iterations: owed[0] += 1
                alive = [w.process.pid for w in pool.workers
                         if w is not None and w.process.is_alive() and w.process.pid not in killed]
                if owed[0] and alive:      # a kill with no live worker to take it waits for the next game
                    pid = alive[done[0] % len(alive)]
                    os.kill(pid, signal.SIGKILL)
                    killed.add(pid); owed[0] -= 1
                    print(f'fault_points: killed self-play worker pid {pid}', file=sys.stderr, flush=True)
            return play(self, net, num_games, seed, progress, after_game)
        SelfPlayPool.play = killing_play
    elif kind == 'training':
        train_steps, sample = train.train_steps, train.ReplayBuffer.sample
        state = {'armed': False, 'draws': 0}
        def watched_train_steps(net, optimizer, buffer, config, step, *args, **kwargs):
            state['armed'] = step == n * config.num_training_steps        # the first step of iteration n
            return train_steps(net, optimizer, buffer, config, step, *args, **kwargs)
        def watched_sample(self, *args, **kwargs):
            if state['armed']:
                state['draws'] += 1
                if state['draws'] == 2: pause(marker_dir)                 # one minibatch has changed the weights
            return sample(self, *args, **kwargs)
        train.train_steps, train.ReplayBuffer.sample = watched_train_steps, watched_sample
    elif kind == 'save':
        atomic_torch_save = train.atomic_torch_save
        def cut_save(obj, path):
            path = Path(path)
            if path.name != f'ckpt_{n:05d}.pt': return atomic_torch_save(obj, path)
            fd, tmp = tempfile.mkstemp(prefix=path.name + '.', suffix='.tmp', dir=path.parent)   # as atomic_torch_save names it
            try:
                with os.fdopen(fd, 'wb') as f: torch.save(obj, f)
                pause(marker_dir)
            except BaseException:
                if os.path.exists(tmp): os.unlink(tmp)                    # as atomic_torch_save cleans up after an exception
                raise
        train.atomic_torch_save = cut_save
    else:
        sys.exit(f'fault_points: unknown fault {fault!r}')


if __name__ == '__main__':
    fault, marker_dir, *argv = sys.argv[1:]
    # A run in a terminal gets Ctrl-C; a drill started from a background job (`cmd &` in a script) inherits SIGINT
    # ignored, and Python then keeps it ignored. The drill's SIGINT stands for the terminal's Ctrl-C, so restore it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    arm(fault, Path(marker_dir))
    from blokus_nb.train import cli
    sys.exit(cli(argv))
