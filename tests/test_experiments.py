"The finished experiments under experiments/ that need no Pentobi: run on seeded games and positions, their output checked against the games and the network"
import json, random, sys
from pathlib import Path
import numpy as np
import pytest
from blokus_nb.engine import (random_game, save_sgf, new_game, transform_state, action_permutation, generate_moves, State, move_piece,
                              PIECE_SIZES, rows_to_bitboards)
from blokus_nb.mcts import solve_endgame, leaves_of, NetEvaluator
from blokus_nb.net import load_pretrained, predict, load_net

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'experiments'))
import classic_pentobi_games, duo_endgame, duo_rollout, duo_symmetry, duo_value_trajectory

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

def _midgame_positions(seed:int, plies=(3, 8, 14, 20)) -> list:
    rng = random.Random(seed)
    out = []
    for n in plies:
        s = new_game('duo')
        for _ in range(n): s = s.play(rng.choice(generate_moves(s)))
        out.append(s)
    return out

def test_duo_symmetry_averages_the_networks_views():
    net = load_pretrained('duo')
    states = [new_game('duo')] + _midgame_positions(4, (4, 9, 15))        # the first: a start point still free, the identity alone
    leaves = leaves_of(states)
    plain = NetEvaluator(net).evaluate_leaves(leaves)
    one = duo_symmetry.SymmetricEvaluator(net, 1).evaluate_leaves(leaves)
    np.testing.assert_array_equal(one.priors, plain.priors)
    np.testing.assert_array_equal(one.values, plain.values)
    for k in (2, 8):
        avg = duo_symmetry.SymmetricEvaluator(net, k).evaluate_leaves(leaves)
        np.testing.assert_allclose(avg.priors_of(0), plain.priors_of(0), atol=1e-6)
        np.testing.assert_allclose(avg.values[0], plain.values[0], atol=1e-6)
        for i, s in enumerate(states[1:], 1):                              # the mean of the network on the transformed positions, mapped back
            views = [predict(net, [transform_state(s, sym)]) for sym in duo_symmetry.SYMMETRY_ORDER[:k]]
            priors = [dict(zip(e.actions_of(0).tolist(), e.priors_of(0).tolist())) for e in views]
            expected = np.mean([[p[action_permutation('duo', sym)[a]] for a in plain.actions_of(i)]
                                for p, sym in zip(priors, duo_symmetry.SYMMETRY_ORDER)], 0)
            np.testing.assert_allclose(avg.priors_of(i), expected, atol=1e-5)
            np.testing.assert_allclose(avg.values[i], np.mean([e.values[0] for e in views], 0), atol=1e-5)
            if k == 8: assert not np.allclose(avg.values[i], plain.values[i], atol=1e-4)   # the views do differ
    with pytest.raises(ValueError, match='1, 2, 4 or 8'): duo_symmetry.SymmetricEvaluator(net, 3)

@pytest.mark.parametrize('tool, option, value', [(duo_symmetry, 'symmetries', 2), (duo_rollout, 'mix', 0.5)])
def test_duo_tools_play_a_seat_balanced_match(capsys, tool, option, value):
    result = tool.main([f'--{option}', str(value), '--games', '2', '--simulations', '4', '--seed', '1'])
    row = json.loads(capsys.readouterr().out)
    assert row['games'] == 2 and row['wins'] + row['draws'] + row['losses'] == 2 and row[option] == value
    assert result.n == 2
    with pytest.raises(SystemExit): tool.main([f'--{option}', str(value), '--games', '0'])   # refused before a game

def test_duo_rollout_playouts_end_legally_with_the_largest_pieces():
    states = _midgame_positions(5)
    ev = duo_rollout.RolloutEvaluator(load_pretrained('duo'), 0.5, seed=0)
    outcomes, occ, hands = ev.playouts(leaves_of(states * 8), ends=True)
    assert set(np.unique(outcomes)) <= {-1.0, 0.0, 1.0} and (outcomes.sum(1) == 0).all()
    for b, s in enumerate(states * 8):
        end = State(s.variant, rows_to_bitboards('duo', occ[b]), tuple(int(h) for h in hands[b]), 0)
        assert not any(end.can_move(p) for p in range(2))                  # the playout went to the end of the game
        np.testing.assert_array_equal(outcomes[b], end.outcome())          # and scored it as the rules do
        for p in range(2):
            assert (s.occ[p] & end.occ[p]) == s.occ[p] and hands[b, p] & ~s.hands[p] == 0   # it only added pieces
            placed = [i for i in range(len(PIECE_SIZES)) if (s.hands[p] >> i) & 1 and not (hands[b, p] >> i) & 1]
            assert bin(end.occ[p]).count('1') - bin(s.occ[p]).count('1') == sum(PIECE_SIZES[i] for i in placed)
    _, occ, hands = ev.playouts(leaves_of(states * 8), ends=True, max_plies=1)                # each playout's first move
    for b, s in enumerate(states * 8):
        biggest = max(PIECE_SIZES[move_piece(m)] for m in s.legal_moves())
        after = {(t.occ, t.hands) for t in (s.play(m) for m in s.legal_moves() if PIECE_SIZES[move_piece(m)] == biggest)}
        assert (rows_to_bitboards('duo', occ[b]), tuple(int(h) for h in hands[b])) in after   # a legal placement of the largest piece

def test_duo_rollout_mixes_the_network_with_the_playouts():
    net, leaves = load_pretrained('duo'), leaves_of(_midgame_positions(6))
    plain = NetEvaluator(net).evaluate_leaves(leaves)
    none = duo_rollout.RolloutEvaluator(net, 0.0).evaluate_leaves(leaves)
    np.testing.assert_array_equal(none.values, plain.values)
    mixed = duo_rollout.RolloutEvaluator(net, 0.25, seed=3).evaluate_leaves(leaves)
    z = duo_rollout.RolloutEvaluator(net, 0.25, seed=3).playouts(leaves)    # the same seed: the same playouts
    np.testing.assert_allclose(mixed.values, 0.75 * plain.values + 0.25 * z, atol=1e-6)
    np.testing.assert_array_equal(mixed.priors, plain.priors)
    with pytest.raises(ValueError, match=r'mix must be in \[0, 1\]'): duo_rollout.RolloutEvaluator(net, 1.5)

def test_duo_value_trajectory_averages_our_colour_by_ply(tmp_path, capsys):
    games = {}
    for seed in range(5):                                    # three games we started, two Pentobi started
        game = random_game('duo', seed=seed)
        tag = 'ours-first' if seed % 2 == 0 else 'pentobi-first'
        save_sgf(game, tmp_path / f'game{seed:02d}-{tag}.blksgf')
        games.setdefault(tag, []).append(game)
    duo_value_trajectory.main([str(tmp_path)])
    rows = {row['we_start']: row for row in map(json.loads, capsys.readouterr().out.splitlines())}
    assert sorted(rows) == [False, True]
    net = load_pretrained('duo')
    for tag, ours in (('ours-first', 0), ('pentobi-first', 1)):
        row, played = rows[tag == 'ours-first'], games[tag]
        assert row['games'] == len(played)
        margins = [g.scores()[ours] - g.scores()[1 - ours] for g in played]
        assert row['mean_margin'] == round(float(np.mean(margins)), 2)
        # as many plies as the median game has positions before its end
        before_end = lambda g: duo_value_trajectory.positions(g)[:-1]
        lengths = [len(before_end(g)) for g in played]
        assert len(row['mean_value_by_ply']) == int(np.median(lengths)) and all(n == g.ply for n, g in zip(lengths, played))
        for ply in (0, 7):                                    # each ply's mean: the network's value of our colour there
            values = [predict(net, [before_end(g)[ply]]).values[0, ours] for g in played]
            assert abs(row['mean_value_by_ply'][ply] - np.mean(values)) < 2e-3

@pytest.fixture(scope='module')
def classic_games_and_run(tmp_path_factory):
    "Four seeded random two-a-side games, Pentobi named on alternate sides, and a one-game Classic self-play run"
    from blokus_nb.train import main as train
    root = tmp_path_factory.mktemp('classic_pentobi_games')
    games = root / 'games'; games.mkdir()
    for seed in range(4):
        names = ('pentobi-L7', 'ours') if seed % 2 else ('ours', 'pentobi-L7')
        save_sgf(random_game('classic', seed=seed), games / f'game{seed:02d}.blksgf', PB=names[0], PW=names[1])
    train(preset='test', variant='classic', teams=True, net_size='b3c32', run_dir=str(root / 'run'), seed=0, verbose=False)
    return games, root / 'run', root

def _trained(games, run, root, targets, capsys):
    out = root / f'{targets}.pt'
    classic_pentobi_games.main([str(games), '--held-out', str(games), '--selfplay-run', str(run), '--targets', targets,
                                '--steps', '30', '--lr', '1e-3', '--batch', '16', '--eval-every', '30', '--out', str(out)])
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()], out

def test_classic_pentobi_games_learns_pentobi_moves(classic_games_and_run, capsys):
    games, run, root = classic_games_and_run
    rows, out = _trained(games, run, root, 'policy', capsys)
    played = [random_game('classic', seed=seed) for seed in range(4)]
    pentobi_moves = sum(sum(1 for player, _ in g.moves if (player % 2 == 0) == (seed % 2 == 1))
                        for seed, g in enumerate(played))
    assert rows[0]['pentobi_positions'] == rows[0]['held_out_positions'] == pentobi_moves    # Pentobi's moves only
    before, after = rows[1], rows[-1]
    assert (before['step'], after['step']) == (0, 30)
    assert after['pentobi_held_out']['policy'] < before['pentobi_held_out']['policy']        # its moves got likelier
    assert load_net(out).config.variant == 'classic'

def test_classic_pentobi_games_learns_their_results(classic_games_and_run, capsys):
    games, run, root = classic_games_and_run
    rows, _ = _trained(games, run, root, 'value', capsys)
    assert rows[0]['pentobi_positions'] == sum(random_game('classic', seed=seed).ply for seed in range(4))  # every move
    assert rows[-1]['pentobi_held_out']['value'] < rows[1]['pentobi_held_out']['value']
    assert rows[1]['pentobi_held_out']['policy'] == 0.0      # one action a position: value targets carry no policy
    # the guess from the side and ply, fitted on these very games, does no worse than guessing a draw everywhere
    values = classic_pentobi_games.games_samples([games], 'value')[0].values
    assert 0 < rows[0]['side_and_ply_value'] <= float(np.mean(values ** 2)) + 1e-4

def test_classic_pentobi_games_needs_a_buffer(tmp_path):
    (tmp_path / 'games').mkdir()
    save_sgf(random_game('classic', seed=0), tmp_path / 'games' / 'g.blksgf')
    with pytest.raises(SystemExit, match='no checkpoint with a buffer'):
        classic_pentobi_games.main([str(tmp_path / 'games'), '--held-out', str(tmp_path / 'games'),
                                    '--selfplay-run', str(tmp_path / 'empty')])

def test_duo_selfplay_first_player_counts_the_first_movers_results(tmp_path, capsys):
    from blokus_nb.net import make_net, save_net
    from blokus_nb.train import make_config, search_config
    from blokus_nb.mcts import selfplay
    import duo_selfplay_first_player as fp
    path = tmp_path / 'net.pt'
    save_net(make_net('b1c16', 'duo', seed=0), path)
    result = fp.main(['6', '--net', str(path), '--seed', '3'])
    assert json.loads(capsys.readouterr().out) == result
    assert fp.main(['6', '--net', str(path), '--seed', '3']) == result                    # seeded: the same games again
    records = selfplay(NetEvaluator(load_net(path).eval(), False), 'duo', 6, search_config(make_config('gpu')), 3)
    for r in records:                                          # the first mover's result, as its score against the other's says
        assert r.moves[0][0] == 0 and fp.first_player_points(r) == {1: 1.0, 0: 0.5, -1: 0.0}[(r.scores[0] > r.scores[1]) - (r.scores[0] < r.scores[1])]
    assert result['games'] == 6 and result['first_player_points'] == sum(fp.first_player_points(r) for r in records)
    assert 1 <= result['distinct'] <= 6
