"""Pentobi level 7 against itself with its books, from random openings (one random move per colour, as the ladder
and `python -m blokus_nb.bench equal-time --opening random` play): how often the first player wins. Arguments: GAMES.

Result: the first player won 20 of 20 (a 2-core Intel Xeon). See https://onukura.github.io/blokus_nb/results.html#the-first-player"""
import json, os, sys
from blokus_nb.arena import arena
from blokus_nb.strength import EnginePool, pentobi_command, find_pentobi
exe, books = find_pentobi(), os.environ.get('PENTOBI_BOOKS')
n = int(sys.argv[1]); first_wins = 0.0
for g in range(n):
    with EnginePool([pentobi_command(7, 'duo', 100 + g, exe, books)], name='A') as a, EnginePool([pentobi_command(7, 'duo', 200 + g, exe, books)], name='B') as b:
        r = arena(a, b, 'duo', 1, seed=g)      # A moves first
        first_wins += r.score
        print(json.dumps({'game': g, 'first_player_points': r.score, 'diff': r.score_diffs}), flush=True)
print(json.dumps({'games': n, 'first_player_points': first_wins, 'share': first_wins / n}))
