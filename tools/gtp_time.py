"""Seconds per move as the GTP engine plays (one game at a time): the shipped Duo network with the engine's player (Gumbel root,
tree kept) at N simulations against one copy of Pentobi at a level, with its books when $PENTOBI_BOOKS names them.
Games alternate who starts. One JSON line per N: points, games, both sides' mean seconds per move.
A fourth argument plays another network file in place of the shipped one; a fifth is the first game's number (default 0),
so a match can be played in parts: games are seeded by their number.

    PENTOBI_GTP=.../pentobi-gtp PENTOBI_BOOKS=.../opening_books python tools/gtp_time.py 200,400,800 7 20
    python tools/gtp_time.py 800 7 20 runs/cont/trained_net.pt 20     # games 20 to 39

Run it on an otherwise idle machine: both sides' times are wall times."""
import json, os, sys
from blokus_nb.arena import arena, make_player
from blokus_nb.strength import EnginePool, pentobi_command, find_pentobi

def main(sims_list, level:int=7, games:int=2, network:str='pretrained', first:int=0):
    exe, books = find_pentobi(), os.environ.get('PENTOBI_BOOKS')
    for sims in sims_list:
        me = make_player(network, 'duo', sims, seed=0)
        ours = theirs = points = 0.0
        for g in range(first, first + games):
            with EnginePool([pentobi_command(level, 'duo', 100 + g, exe, books)], name=f'pentobi-L{level}') as pentobi:
                we_start = g % 2 == 0
                r = arena(me, pentobi, 'duo', 1, seed=g) if we_start else arena(pentobi, me, 'duo', 1, seed=g)
                mine, other = ('a', 'b') if we_start else ('b', 'a')
                points += r.score if we_start else 1 - r.score
                ours += r.seconds_per_move(mine); theirs += r.seconds_per_move(other)
        print(json.dumps({'network': network, 'simulations': sims, 'level': level, 'books': books is not None, 'games': games, 'first_game': first, 'points': points,
                          'ours_s_per_move': round(ours / games, 3), 'pentobi_s_per_move': round(theirs / games, 3)}), flush=True)

if __name__ == '__main__':
    main([int(x) for x in sys.argv[1].split(',')], *(int(a) for a in sys.argv[2:4]), *sys.argv[4:5], *(int(a) for a in sys.argv[5:6]))
