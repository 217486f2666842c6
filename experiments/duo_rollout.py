"""Does mixing the network's value with fast playouts make the search stronger where the network misjudges? AlphaGo (2016)
scored each leaf as (1 - lambda) * value network + lambda * the result of one fast playout; Pentobi's whole strength is
playouts. Here each leaf's playout moves at random among the legal placements of the largest piece that can still be
placed (the classic Blokus rule of thumb), to the end of the game, compiled with numba from the engine's row kernels.
A seat-balanced match at a fixed number of simulations against the same network without playouts, with both
players' seconds per move, or the ladder (the command line is experiments/duo_match.py's):

    python experiments/duo_rollout.py --mix 0.5 --games 100 --simulations 200 --seed 0
    PENTOBI_GTP=... PENTOBI_BOOKS=... python experiments/duo_rollout.py --mix 0.5 --level 7 --games 40 --seed 3   # the ladder instead

`RolloutEvaluator` can stand wherever a network evaluator can (an `MCTSPlayer`, the ladder).

Result: rejected. Against Pentobi level 7 a mix of 0.5 scored 10.5 of 40 and 0.2 scored 11 of 40, where the plain network
scored 14 of 40; against the plain network the 0.5 mix scored 0.467 over 60 games. See https://onukura.github.io/blokus_nb/methods.html#playouts-mixed-into-the-value"""
import time
import numpy as np
from numba import njit
from blokus_nb.engine import _frontier_rows, _legal_rows, _play_rows, _outcome_rows
from blokus_nb.mcts import NetEvaluator, HANDS, TO_MOVE, DONE, MONO
from duo_match import match_parser, play_match

@njit(cache=True, nogil=True)
def _playout_outcomes(occ_all, ni, nodes, n_players, size, otab, offs, starts, piece_sizes, seed, out, final_occ, final_hands, max_plies):
    """The outcome vector (engine player order) of one largest-piece-first random playout from each tree node in `nodes`, and where it
    ended (after at most `max_plies` moves: the tests' way to see the first)"""
    np.random.seed(seed)
    everyone = (1 << n_players) - 1
    free, corners = np.zeros(size + 4, np.uint32), np.zeros(size + 4, np.uint32)
    rows = np.zeros((2, size + 4), np.uint32)
    sf, sc = np.empty((offs.shape[1], size), np.uint32), np.empty((offs.shape[1], size), np.uint32)
    hand = np.zeros(1, np.int64)
    for b in range(len(nodes)):
        i = nodes[b]
        occ = occ_all[i].copy()
        hands = ni[i, HANDS:HANDS + n_players].copy()
        mover, done, mono = ni[i, TO_MOVE], ni[i, DONE], ni[i, MONO]
        plies = 0
        while done != everyone and plies < max_plies:
            plies += 1
            _frontier_rows(occ, mover, size, starts, rows[0], rows[1])
            hand[0] = hands[mover]
            actions, _ = _legal_rows(rows, hand, size, otab, offs)
            biggest = count = 0                         # the largest size among the legal placements, and how many have it
            for a in actions:
                n = piece_sizes[otab[a // (size * size), 6]]
                if n > biggest: biggest, count = n, 0
                if n == biggest: count += 1
            k = np.random.randint(count)
            for a in actions:
                if piece_sizes[otab[a // (size * size), 6]] == biggest:
                    if k == 0:
                        mover, done, mono = _play_rows(occ, hands, mover, done, mono, a, size, otab, offs, starts, free, corners, sf, sc)
                        break
                    k -= 1
        _outcome_rows(hands, mono, piece_sizes, out[b], False)
        final_occ[b], final_hands[b] = occ, hands
    return out

class RolloutEvaluator(NetEvaluator):
    "A network whose leaf values are mixed with one fast playout's result: (1 - mix) * network + mix * playout"
    def __init__(self, net, mix:float=0.5, seed:int=0, precision=False):
        if not 0 <= mix <= 1: raise ValueError(f'mix must be in [0, 1], got {mix!r}')
        super().__init__(net, precision)
        self.mix, self.rng = mix, np.random.default_rng(seed)

    def playouts(self, leaves, ends:bool=False, max_plies:int=1 << 30):
        "One playout's outcome vector per leaf (engine player order); with `ends`, also each playout's last occupancy rows and hands"
        f, v = leaves._forest, leaves.variant
        t, B, P = v._batch, len(leaves), v.n_players
        out, occ, hands = np.zeros((B, P)), np.zeros((B, P, v.size), np.uint32), np.zeros((B, P), np.int64)
        _playout_outcomes(f.nodes.occ, f.nodes.ints, np.asarray(leaves._nodes, np.int64), P, v.size, t.otab, t.offs, t.starts, t.piece_sizes,
                          int(self.rng.integers(2**31)), out, occ, hands, max_plies)
        return (out, occ, hands) if ends else out

    def evaluate_leaves(self, leaves):
        out = super().evaluate_leaves(leaves)
        if self.mix == 0: return out
        t0 = time.perf_counter()
        values = ((1 - self.mix) * out.values + self.mix * self.playouts(leaves)).astype(np.float32)
        self.seconds += time.perf_counter() - t0
        return out._replace(values=values)

def main(argv=None):
    parser = match_parser(__doc__)
    parser.add_argument('--mix', type=float, default=0.5)
    args = parser.parse_args(argv)
    if not 0 <= args.mix <= 1: parser.error(f'--mix must be in [0, 1], got {args.mix}')
    return play_match(parser, args, lambda net: RolloutEvaluator(net, args.mix, seed=args.seed), f'rollout{args.mix:g}', mix=args.mix)

if __name__ == '__main__': main()
