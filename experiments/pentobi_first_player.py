"""Pentobi against itself with its books, from random openings (one random move per colour, as the ladder and
`python -m blokus_nb.bench equal-time --opening random` play) or from the empty board (`--opening standard`, as the
engine plays a user): how often the first player wins. Arguments: GAMES [--level N] [--opening random|standard] [--start K]
(game K's engines are seeded 100 + K and 200 + K, so a later --start adds new games to earlier ones).

Result: at level 7 the first player won 20 of 20 from random openings (a 2-core Intel Xeon), and scored 30.5 of 40 from
the empty board (games 0 to 39: 28 wins, 5 draws, 7 losses; a 2-core AMD EPYC).
See https://onukura.github.io/blokus_nb/results.html#the-first-player"""
import argparse, json, os
from blokus_nb.arena import arena
from blokus_nb.strength import EnginePool, pentobi_command, find_pentobi

parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
parser.add_argument('games', type=int)
parser.add_argument('--level', type=int, default=7)
parser.add_argument('--opening', choices=('random', 'standard'), default='random')
parser.add_argument('--start', type=int, default=0, help='the first game number (default 0)')
args = parser.parse_args()
exe, books = find_pentobi(), os.environ.get('PENTOBI_BOOKS')
opening_plies = 0 if args.opening == 'standard' else None      # None: the arena's one random move per colour
first_wins = 0.0
for g in range(args.start, args.start + args.games):
    with EnginePool([pentobi_command(args.level, 'duo', 100 + g, exe, books)], name='A') as a, \
         EnginePool([pentobi_command(args.level, 'duo', 200 + g, exe, books)], name='B') as b:
        r = arena(a, b, 'duo', 1, opening_plies=opening_plies, seed=g)      # A moves first
        first_wins += r.score
        print(json.dumps({'game': g, 'first_player_points': r.score, 'diff': r.score_diffs}), flush=True)
print(json.dumps({'games': args.games, 'level': args.level, 'opening': args.opening,
                  'first_player_points': first_wins, 'share': first_wins / args.games}))
