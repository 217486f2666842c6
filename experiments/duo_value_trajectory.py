"""When does the network see a saved Duo game slipping away? Each position of the saved games (`--sgf-dir` folders of
`python -m blokus_nb.bench equal-time`, named gameNN-ours-first.blksgf or gameNN-pentobi-first.blksgf) is evaluated
once by a network, and its value for our colour is averaged over the games at each ply, apart for the games we started
and those Pentobi started. One JSON line per side: the mean value at each ply (while at least half the games last) and
the mean final margin, ours minus Pentobi's.

    python experiments/duo_value_trajectory.py runs/book_std --net pretrained

Arguments: folders of saved games; --net ('pretrained', or a network file).

Result: in the 20 games Pentobi level 7 started against the shipped network at equal time from the standard opening,
the network valued our side at -0.14 to -0.21 at our turns from ply 7 to 17, then lower every few plies (-0.29 at ply
19, -0.43 at ply 27), and the games ended 8.4 points down on average: the second player's games are lost in the middle
game, a few points at a time, in positions the network judges only a little behind.
See https://onukura.github.io/blokus_nb/results.html#where-the-games-were-lost"""
import argparse, json
from pathlib import Path
import numpy as np
from blokus_nb.engine import load_sgf
from blokus_nb.net import load_pretrained, load_net
from blokus_nb.mcts import NetEvaluator
from duo_slip import positions

SIDES = {'ours-first': 0, 'pentobi-first': 1}     # the file's tag: our colour in that game

def trajectory(paths, evaluator, ours:int) -> dict:
    "Mean value of colour `ours` at each ply over the games at `paths` (plies at least half of them reach), mean margin"
    values, margins = [], []
    for path in paths:
        final = load_sgf(path)
        values.append(evaluator(positions(final)[:-1]).values[:, ours])      # the last one is over
        scores = final.scores()
        margins.append(scores[ours] - scores[1 - ours])
    plies = int(np.median([len(v) for v in values])) if values else 0
    mean = [round(float(np.mean([v[p] for v in values if len(v) > p])), 3) for p in range(plies)]
    return {'games': len(values), 'mean_value_by_ply': mean,
            'mean_margin': round(float(np.mean(margins)), 2) if margins else None}

def main(argv=None):
    parser = argparse.ArgumentParser(prog='python experiments/duo_value_trajectory.py', description=__doc__.split('\n\n')[0])
    parser.add_argument('folders', nargs='+')
    parser.add_argument('--net', default='pretrained', help="'pretrained' or a network file")
    args = parser.parse_args(argv)
    net = load_pretrained('duo') if args.net == 'pretrained' else load_net(args.net).eval()
    evaluator = NetEvaluator(net)
    for folder in args.folders:
        for tag, ours in SIDES.items():
            paths = sorted(Path(folder).glob(f'game*-{tag}.blksgf'))
            print(json.dumps({'folder': folder, 'net': args.net, 'we_start': tag == 'ours-first',
                              **trajectory(paths, evaluator, ours)}), flush=True)

if __name__ == '__main__': main()
