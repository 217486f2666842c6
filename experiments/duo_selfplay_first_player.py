"""How often does the first player win the Duo self-play games that training plays (the `gpu` preset's search: 32
simulations, a Gumbel root over 16 moves with noise in the first 10 plies), with the network that ships or a saved one?
Arguments: GAMES [--net PATH] [--seed N].

Result: with the network that ships, the first player scored 164.5 of 200 (0.82; 142 distinct games; median margin
+4), where Pentobi level 7 against itself from the empty board scored 30.5 of 40 (`pentobi_first_player.py`).
See https://onukura.github.io/blokus_nb/results.html#the-first-player"""
import argparse, json
import numpy as np
from blokus_nb.train import make_config, search_config
from blokus_nb.net import load_pretrained, load_net
from blokus_nb.mcts import NetEvaluator, selfplay

def first_player_points(record) -> float:
    "The first mover's result in a finished Duo game, from the record's outcome: 1 a win, 0.5 a draw, 0 a loss"
    return (record.outcome[record.moves[0][0]] + 1) / 2

def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('games', type=int)
    parser.add_argument('--net', help='a network saved by save_net (default: the Duo network that ships)')
    parser.add_argument('--seed', type=int, default=11)
    args = parser.parse_args(argv)
    net = load_net(args.net) if args.net else load_pretrained('duo')
    records = selfplay(NetEvaluator(net.eval(), False), 'duo', args.games, search_config(make_config('gpu')), args.seed)
    points = [first_player_points(r) for r in records]
    margins = [r.scores[r.moves[0][0]] - r.scores[1 - r.moves[0][0]] for r in records]
    result = {'games': len(records), 'first_player_points': sum(points), 'share': sum(points) / len(records),
              'distinct': len({tuple(m for _, m in r.moves) for r in records}),
              'median_margin': float(np.median(margins))}
    print(json.dumps(result))
    return result

if __name__ == '__main__': main()
