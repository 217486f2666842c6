"""Does averaging the network over the board's symmetries make the search stronger? A seat-balanced match at a fixed
number of simulations between the shipped (or a given) Duo network evaluated under K symmetries, priors and values
averaged, and the same network evaluated once (what every player of the package does), with both players' seconds
per move. Positions where a start point is still free are evaluated once: only the identity keeps the rules there.

    python experiments/duo_symmetry.py --symmetries 8 --games 100 --simulations 200 --seed 0
    python experiments/duo_symmetry.py --symmetries 2 --games 200 --simulations 200 --seed 12
    PENTOBI_GTP=... PENTOBI_BOOKS=... python experiments/duo_symmetry.py --symmetries 8 --level 7 --games 40 --seed 3   # the ladder instead

On a CPU the network's cost grows with the batch, so K symmetries cost about K times the network's time per move;
the match is at equal simulations, not equal time (compare the seconds it prints).

Result: not adopted. Eight views scored 0.585 over 100 games at 6.3 times the time a move; two views 0.500 over 200
games at 1.9 times. See https://onukura.github.io/blokus_nb/methods.html#symmetry-averaging"""
import time
import numpy as np
from blokus_nb.engine import N_PIECES, transform_planes, action_permutation
from blokus_nb.mcts import NetEvaluator
from blokus_nb.net import Evaluation, evaluate_planes, values_to_absolute
from duo_match import match_parser, play_match

SYMMETRY_ORDER = (0, 2, 4, 6, 1, 3, 5, 7)   # the first K are used: identity, half turn, the two diagonal mirrors, then the rest

class SymmetricEvaluator(NetEvaluator):
    "A network's priors and mover-frame values averaged over the first `symmetries` of `SYMMETRY_ORDER` (the identity alone where a start point is free)"
    def __init__(self, net, symmetries:int=8, precision=False):
        if symmetries not in (1, 2, 4, 8): raise ValueError(f'symmetries must be 1, 2, 4 or 8, got {symmetries!r}')
        super().__init__(net, precision)
        self.syms = SYMMETRY_ORDER[:symmetries]

    def evaluate_leaves(self, leaves):
        t0 = time.perf_counter()
        v, B, K = leaves.variant, len(leaves), len(self.syms)
        planes, acts, offs = leaves.planes(), leaves.actions, leaves.offsets
        waiting = (np.asarray(leaves.rows()[1]).reshape(B, -1) == (1 << N_PIECES) - 1).any(1)   # a full hand: that player has not placed yet
        priors, values = evaluate_planes(self.net, np.concatenate([transform_planes(planes, s) for s in self.syms]),
                                         np.concatenate([action_permutation(v, s)[acts] for s in self.syms]),
                                         np.concatenate([offs[:-1] + k * offs[-1] for k in range(K)] + [offs[-1:] * K]),
                                         self.precision)
        weight = np.ones((K, B), np.float32)
        weight[1:, waiting] = 0
        rows = np.repeat(np.arange(B), np.diff(offs))
        priors = (priors.reshape(K, -1) * weight[:, rows]).sum(0) / weight[:, rows].sum(0)
        values = (values.reshape(K, B, -1) * weight[:, :, None]).sum(0) / weight.sum(0)[:, None]
        out = Evaluation(acts, offs, priors.astype(np.float32), values_to_absolute(values.astype(np.float32), leaves.to_move))
        self._count(B, t0)
        return out

def main(argv=None):
    parser = match_parser(__doc__)
    parser.add_argument('--symmetries', type=int, default=8, choices=[1, 2, 4, 8])
    args = parser.parse_args(argv)
    return play_match(parser, args, lambda net: SymmetricEvaluator(net, args.symmetries), f'sym{args.symmetries}', symmetries=args.symmetries)

if __name__ == '__main__': main()
