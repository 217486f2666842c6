"""Where is a saved Duo game decided, as far as exact search can see? From the end of each game back, `solve_endgame`
proves the result of every position (best play from both sides) until a position needs more than --nodes positions;
then every move in that proven stretch that changed the proven result is listed: a slip of the side that made it.
Our side is read from the file name that `python -m blokus_nb.bench equal-time --sgf-dir` gives (gameNN-ours-first / gameNN-pentobi-first), else
--ours first|second. A game whose slips list is empty and which ours lost was already lost where the proof begins.

    python experiments/duo_endgame.py runs/l7_games/*.blksgf
    python experiments/duo_endgame.py some_game.blksgf --ours second --nodes 300000

Results are exact and do not depend on the machine; --nodes only sets how far back the proof reaches (20,000: about
the last 6 to 8 plies of a Duo game, a second or two a game in plain Python).

Result: in the equal-time games against Pentobi level 7, every game but one was already decided where the proof begins
(ply 16 to 26); the one slip inside it was a proven win drawn, which the search's endgame solver now keeps.
See https://onukura.github.io/blokus_nb/results.html#where-the-games-were-lost"""
import argparse, json
from pathlib import Path
from blokus_nb.engine import load_sgf, format_move
from blokus_nb.mcts import solve_endgame
from duo_slip import positions                 # its neighbour in experiments/: every position of a saved game

def first_player_value(state, nodes):
    "The first player's proven result from `state` (1, 0, -1), or None beyond the budget"
    if state.is_over: return int(state.outcome()[0])
    sol = solve_endgame(state, nodes)
    return None if sol is None else sol.value * (1 if state.to_move == 0 else -1)

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('sgf', nargs='+')
    parser.add_argument('--nodes', type=int, default=20_000, help='the proof budget of each position (default 20000)')
    parser.add_argument('--ours', choices=['first', 'second'], default=None, help='our side, when the file name does not say')
    args = parser.parse_args(argv)
    if args.nodes < 1: parser.error(f'--nodes must be >= 1, got {args.nodes}')
    for path in args.sgf:
        name = Path(path).name
        ours = args.ours or ('first' if '-ours-first' in name else 'second' if '-pentobi-first' in name else None)
        if ours is None: parser.error(f'{name}: the name does not say which side is ours; give --ours first|second')
        me = 0 if ours == 'first' else 1
        final = load_sgf(path)
        if final.variant.name != 'duo': parser.error(f'{path}: a {final.variant.name} game; this tool reads Duo games')
        states = positions(final)
        values = {}
        for ply in range(len(states) - 1, -1, -1):               # from the end back, until a proof is out of reach
            v = first_player_value(states[ply], args.nodes)
            if v is None: break
            values[ply] = v
        proven_from = min(values)
        slips = []
        for ply in range(proven_from, final.ply):
            player, move = final.moves[ply]
            if values[ply + 1] != values[ply]:
                sign = 1 if player == 0 else -1
                slips.append({'ply': ply, 'side': 'ours' if player == me else 'theirs', 'move': format_move(states[ply], move),
                              'from': sign * values[ply], 'to': sign * values[ply + 1]})   # the mover's proven result before and after
        mine = (1 if me == 0 else -1) * values[final.ply]
        print(json.dumps({'game': name, 'ours': ours, 'plies': final.ply, 'result': mine, 'proven_from_ply': proven_from,
                          'ours_at_proof': (1 if me == 0 else -1) * values[proven_from], 'slips': slips}), flush=True)

if __name__ == '__main__':
    main()
