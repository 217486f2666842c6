"The analysis tools under tools/ that need no Pentobi: run on seeded games, their output checked against the games"
import json, random, sys
from pathlib import Path
import pytest
from blokus_nb.engine import random_game, save_sgf, new_game
from blokus_nb.mcts import solve_endgame

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'tools'))
import duo_endgame

def test_duo_endgame_reads_results_and_slips(tmp_path, capsys):
    paths = []
    for seed in range(6):                                    # random play slips all the time: both sides' slips get listed
        game = random_game('duo', seed=seed)
        side = 'ours-first' if seed % 2 == 0 else 'pentobi-first'
        paths.append(tmp_path / f'game{seed:02d}-{side}.blksgf')
        save_sgf(game, paths[-1])
    duo_endgame.main([str(p) for p in paths])
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 6
    seen_slips = 0
    for seed, row in enumerate(rows):
        game = random_game('duo', seed=seed)
        a, b = game.scores()
        first = (a > b) - (a < b)
        me_first = seed % 2 == 0
        assert row['ours'] == ('first' if me_first else 'second') and row['plies'] == game.ply
        assert row['result'] == (first if me_first else -first)              # the final result, from our side
        assert 0 <= row['proven_from_ply'] < game.ply
        s = new_game('duo')                                                   # the proof really starts there
        for _, m in game.moves[:row['proven_from_ply']]: s = s.play(m)
        assert solve_endgame(s, 20_000) is not None
        # the proven result moves only at listed slips: from the proof's start to the end, the listed changes add up
        value = row['ours_at_proof']
        for slip in row['slips']:
            ours = slip['side'] == 'ours'
            assert slip['from'] != slip['to']
            assert slip['to'] < slip['from']                                  # a slip only lowers its mover's result
            value = slip['to'] if ours else -slip['to']
            seen_slips += 1
        assert value == row['result']
    assert seen_slips > 0

def test_duo_endgame_needs_our_side(tmp_path):
    path = tmp_path / 'unnamed.blksgf'
    save_sgf(random_game('duo', seed=0), path)
    with pytest.raises(SystemExit): duo_endgame.main([str(path)])
    duo_endgame.main([str(path), '--ours', 'second'])                        # told, it reads it
