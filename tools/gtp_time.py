"""Our GTP engine, as a user starts it, against one copy of Pentobi at a level, with its books when $PENTOBI_BOOKS names them:
points and both sides' mean seconds per move, measured in the same games. Games come in seat-balanced pairs: games 2k and
2k+1 start from the same random opening (one random move per colour, as `arena` and the ladder play), our engine moving
first in the even one and Pentobi in the odd one; so a match can be played in parts that start at an even game.
Arguments: LEVEL GAMES [FIRST] [--sgf-dir DIR] [-- ENGINE ARGUMENTS]; without engine arguments the engine runs with its
defaults (`python -m blokus_nb.gtp`). With --sgf-dir every game is saved as DIR/gameNN-ours-first.blksgf or
DIR/gameNN-pentobi-first.blksgf (tools/duo_slip.py reads them).

    PENTOBI_GTP=.../pentobi-gtp PENTOBI_BOOKS=.../opening_books python tools/gtp_time.py 7 20          # games 0 to 19, defaults
    python tools/gtp_time.py 7 20 20 --sgf-dir runs/l7_games                                          # games 20 to 39, saved
    python tools/gtp_time.py 7 20 0 -- --checkpoint runs/cont/trained_net.pt --seconds 0 --simulations 800

One engine process plays all the games, as it would for a user. Run it on an otherwise idle machine: both sides' times
are wall times."""
import json, os, sys
from blokus_nb.arena import arena, prepare_sgf_dir, unused_paths
from blokus_nb.engine import save_sgf
from blokus_nb.gtp import GTPPlayer
from blokus_nb.strength import EnginePool, pentobi_command, find_pentobi

def main(level:int=7, games:int=2, first:int=0, engine_args=(), sgf_dir=None):
    if first % 2: sys.exit(f'FIRST must be even (a pair of games shares an opening), got {first}')
    sgf_dir = prepare_sgf_dir(sgf_dir)                       # made (or refused) before the first game
    exe, books = find_pentobi(), os.environ.get('PENTOBI_BOOKS')
    ours = theirs = points = 0.0
    with GTPPlayer([sys.executable, '-m', 'blokus_nb.gtp', *engine_args], name='blokus_nb-gtp', timeout=600) as me:
        for g in range(first, first + games):
            with EnginePool([pentobi_command(level, 'duo', 100 + g, exe, books)], name=f'pentobi-L{level}') as pentobi:
                we_start = g % 2 == 0
                r = arena(me, pentobi, 'duo', 1, seed=g // 2) if we_start else arena(pentobi, me, 'duo', 1, seed=g // 2)
                mine, other = ('a', 'b') if we_start else ('b', 'a')
                won = r.score if we_start else 1 - r.score
                if sgf_dir is not None:
                    first_name = 'ours' if we_start else 'pentobi'
                    save_sgf(r.games[0][0], unused_paths([sgf_dir / f'game{g:02d}-{first_name}-first.blksgf'])[0],   # earlier games kept
                             GC=f'game {g}: blokus_nb-gtp {" ".join(engine_args) or "(defaults)"} vs pentobi L{level}, {first_name} first')
                points += won; ours += r.seconds_per_move(mine); theirs += r.seconds_per_move(other)
                print(json.dumps({'game': g, 'we_start': we_start, 'points': won,
                                  'ours_s': round(r.seconds_per_move(mine), 3), 'pentobi_s': round(r.seconds_per_move(other), 3)}), flush=True)
    print(json.dumps({'engine_args': ' '.join(engine_args) or '(defaults)', 'level': level, 'books': books is not None, 'games': games,
                      'first_game': first, 'points': points, 'ours_s_per_move': round(ours / games, 3),
                      'pentobi_s_per_move': round(theirs / games, 3)}), flush=True)

if __name__ == '__main__':
    argv = sys.argv[1:]
    engine_args = argv[argv.index('--') + 1:] if '--' in argv else []
    ours = argv[:argv.index('--')] if '--' in argv else argv
    sgf_dir = None
    if '--sgf-dir' in ours:
        i = ours.index('--sgf-dir')
        if i + 1 >= len(ours): sys.exit('--sgf-dir needs a folder')
        sgf_dir, ours = ours[i + 1], ours[:i] + ours[i + 2:]
    main(*[int(a) for a in ours], engine_args=engine_args, sgf_dir=sgf_dir)
