"""Regenerate the pictures in nbs/images used by the README and the docs' front page.

    python tools/make_images.py [RUN_DIR [BENCH_OUTPUT [TITLE]]] [--out DIR]

Boards: a Duo and a Classic game between the greedy and random players (seeded), stopped half-way, last move outlined.
Dashboard: `plot_history` of the run in RUN_DIR (its metrics.jsonl), e.g. the run that `python -m blokus_nb.bench learn` trains;
with BENCH_OUTPUT (what that command printed, or its JSON lines), its final scores against random, greedy and Pentobi's
levels are drawn at the last iteration.
The dashboard's title gives the run's iterations and positions, after TITLE (what made the run) when given.
The pictures go to nbs/images, or to DIR with --out.
"""
import json, sys
from pathlib import Path
import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt
from blokus_nb.engine import new_game
from blokus_nb.arena import GreedyPlayer, RandomPlayer
from blokus_nb.viz import show_board, plot_history

args = sys.argv[1:]
out = Path(__file__).resolve().parents[1] / 'nbs' / 'images'
if '--out' in args:
    i = args.index('--out')
    if i + 1 >= len(args): sys.exit('make_images.py: error: --out needs a folder')
    out, args = Path(args[i + 1]), args[:i] + args[i + 2:]
out.mkdir(parents=True, exist_ok=True)
for variant, plies in (('duo', 16), ('classic', 32)):
    players, s = [GreedyPlayer(seed=1), RandomPlayer(seed=1)], new_game(variant)
    while s.ply < plies and not s.is_over: s = s.play(players[s.to_move % 2](s))
    fig = show_board(s, last_move=s.last_move[1], title=f'{s.variant.sgf_game}, move {s.ply}')
    fig.savefig(out / f'board_{variant}.png', dpi=72, bbox_inches='tight'); plt.close(fig)
if args:
    history = [json.loads(line) for line in (Path(args[0]) / 'metrics.jsonl').read_text().splitlines() if line.strip()]
    if len(args) > 1:
        result = json.loads(Path(args[1]).read_text().strip().splitlines()[-1])
        history[-1].update({k: v for k, v in result.items() if k in ('vs_random', 'vs_greedy') or k.startswith('vs_pentobi_L')})
    fig = plot_history(history)
    size = f'{len(history)} iterations, {sum(h["samples"] for h in history):,} positions'
    fig.suptitle(f'{args[2]}: {size}' if len(args) > 2 else size); fig.tight_layout()
    fig.savefig(out / 'dashboard.png', dpi=72, bbox_inches='tight'); plt.close(fig)
print('written:', ', '.join(sorted(p.name for p in out.glob('*.png'))))
