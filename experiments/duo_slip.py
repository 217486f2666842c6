"""Where did a Duo game slip? Pentobi at LEVEL plays both sides to the end from positions of a saved game (no opening
book, a fixed seed, one thread: its moves do not depend on the machine's load), and the first player's final margin
from each position is printed. The change across a move, seen from its mover, is what that move cost against Pentobi's
own choice there: 0 when Pentobi would have played it too, negative when the continuation from after the move does worse.
The largest costs of the side that lost are the candidate mistakes, and the ply where the margin changes sign is where
the game turned (as far as Pentobi at LEVEL can judge).

    python experiments/duo_slip.py runs/l7_games/game04-ours-first.blksgf --level 7 --from-ply 8

Arguments: SGF files; --level (7); --from-ply (8: the opening is book moves and random plies); --every (1: every
position, so each change is one move's, and `mover_gain` gives it from the mover's side; 2: every other position, in
half the time, each change two moves').

Result: in the four games lost as first player at equal time against level 7, the margin turns at ply 16 to 24, worn
down a few points a pair of moves rather than lost to one blunder: the middle game, not the endgame.
See https://onukura.github.io/blokus_nb/results.html#where-the-games-were-lost"""
import argparse, json, os
from blokus_nb.engine import load_sgf, new_game, format_move
from blokus_nb.strength import EnginePool, pentobi_command, find_pentobi

def positions(final):
    "Every position of the game that led to `final`, the empty board first"
    s, out = new_game(final.variant), []
    out.append(s)
    for _, move in final.moves:
        s = s.play(move); out.append(s)
    return out

def continuation_margin(state, level:int, exe:str, seed:int=0) -> int:
    "The first player's final margin (score 0 - score 1) when Pentobi at `level` plays both sides from `state`"
    with EnginePool([pentobi_command(level, 'duo', seed, exe)], name=f'pentobi-L{level}') as pentobi:
        while not state.is_over: state = state.play(pentobi(state))
    a, b = state.scores()
    return a - b

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('sgf', nargs='+')
    parser.add_argument('--level', type=int, default=7)
    parser.add_argument('--from-ply', type=int, default=8)
    parser.add_argument('--every', type=int, default=1)
    args = parser.parse_args(argv)
    if args.every < 1: parser.error(f'--every must be >= 1, got {args.every}')
    exe = find_pentobi()
    os.environ.pop('PENTOBI_BOOKS', None)                    # judged without books: positions past the opening
    for path in args.sgf:
        final = load_sgf(path)
        if final.variant.name != 'duo': raise SystemExit(f'{path}: a {final.variant.name} game; this tool reads Duo games')
        states = positions(final)
        a, b = final.scores()
        print(json.dumps({'game': path, 'plies': final.ply, 'final_margin': a - b}), flush=True)
        previous = None
        for ply in range(args.from_ply, final.ply + 1, args.every):
            margin = continuation_margin(states[ply], args.level, exe)
            line = {'ply': ply, 'margin_after_pentobi': margin}
            if previous is not None:
                mover_moves = [(p, format_move(states[i], m)) for i, (p, m) in enumerate(final.moves[previous[0]:ply], previous[0])]
                line['moves'] = ' '.join(f'{"AB"[p]}:{m}' for p, m in mover_moves)
                line['change'] = margin - previous[1]             # in the first player's margin
                if len(mover_moves) == 1: line['mover_gain'] = line['change'] * (1 if mover_moves[0][0] == 0 else -1)
            print(json.dumps(line), flush=True)
            previous = (ply, margin)

if __name__ == '__main__':
    main()
