"""Do games played against Pentobi make a better training signal than self-play alone? Fine-tunes a Classic
two-a-side network on saved games against Pentobi (folders of `.blksgf` files from `python -m blokus_nb.bench strength
--sgf-dir` or `equal-time --sgf-dir`; a game's Pentobi colours are read from its PB/PW names), every batch half
self-play positions (from a run folder's checkpoint, which holds its replay buffer) so that the network keeps what
self-play taught it. Two kinds of targets from the Pentobi games:

- `--targets value`: every position's value (the team result and margin, as training blends them) and ownership;
  no policy target.
- `--targets policy`: at Pentobi's moves only, the move Pentobi played as the policy target (over the legal moves);
  no value target.
- `--targets none`: the control, self-play positions alone (the same steps and batches).

One JSON line before training and one every --eval-every steps: the losses on the held-out games (Pentobi's) and on
the newest self-play positions (held out from training).

    python -m blokus_nb.train cpu --run-dir runs/sp --variant classic --teams --net-size b3c32 \\
        --init-net blokus_nb/pretrained/classic_2.pt --num-iterations 6 --eval-every 0 --keep-checkpoints 1 --seed 21
    python experiments/classic_pentobi_games.py ladder_l56 ladder_l7 --held-out equal_time_games \\
        --selfplay-run runs/sp --targets value --steps 600 --out classic_value.pt

Result (2-core AMD EPYC, 2026-12-07): trained on 240 games against levels 5 to 7 (16,548 positions), the value
targets took the value loss on 40 held-out games against level 7 from 0.363 to 0.266 (the side to move and the ply
alone: 0.366), and the policy targets the loss on Pentobi's held-out moves from 4.50 to 2.81. At equal time against
level 7 all three networks lost more than the shipped one on the same Pentobi seeds: 5 of 17 (value), 4 of 20
(policy) and 4 of 20 (the control), where the shipped network scored 9 of those 17 and 10 of those 20. Since the
control lost as much, the fine-tuning itself (600 steps over 11,205 self-play positions) is what these matches
measured; they cannot say whether the games against Pentobi help.
See https://onukura.github.io/blokus_nb/methods.html#games-against-pentobi-as-training-data"""
import argparse, json
from pathlib import Path
import numpy as np, torch
from blokus_nb.engine import load_sgf, move_to_action, new_game
from blokus_nb.net import load_net, load_pretrained, save_net
from blokus_nb.selfplay import GameRecord
from blokus_nb.samples import records_to_samples
from blokus_nb.train import ReplayBuffer, buffer_from_state, policy_value_loss, latest_checkpoint
from blokus_nb.train_config import TrainConfig

# training's own weights (`TrainConfig`'s defaults, which the campaign's Classic runs used)
OWNERSHIP_WEIGHT, SCORE_WEIGHT = TrainConfig().ownership_weight, TrainConfig().score_weight

def pentobi_colours(path) -> tuple:
    "The colours Pentobi played in a saved game: (0, 2) when its PB name says pentobi, else (1, 3)"
    text = Path(path).read_text()
    black = text.split('PB[', 1)[1].split(']', 1)[0] if 'PB[' in text else ''
    return (0, 2) if 'pentobi' in black.lower() else (1, 3)

def game_record(path, game_id:int, targets:str) -> GameRecord:
    ("A saved game as a `GameRecord`: with `targets='policy'` Pentobi's moves carry a one-hot policy over the legal "
     "moves and ours none (not trained on); with 'value' or 'none' every move carries its played move alone (a "
     "policy over one action, whose loss is always 0)")
    final, pentobi = load_sgf(path), pentobi_colours(path)
    state, policies = new_game(final.variant), []
    for player, move in final.moves:
        played = move_to_action(final.variant, move)
        if targets in ('value', 'none'): policies.append((np.array([played], np.int64), np.ones(1, np.float32)))
        elif player in pentobi:
            legal = np.array(sorted(move_to_action(final.variant, m) for m in state.legal_moves()), np.int64)
            policies.append((legal, (legal == played).astype(np.float32)))
        else: policies.append(None)
        state = state.play(move)
    return GameRecord(game_id, final.variant.name, list(final.moves), policies, [0.0] * len(policies),
                      list(final.scores()), [0.0] * final.variant.n_players)

def games_samples(folders, targets:str):
    "Every saved game in `folders` as training samples (two a side), and its records"
    paths = [p for f in folders for p in sorted(Path(f).glob('*.blksgf'))]
    if not paths: raise SystemExit(f'no .blksgf games in {", ".join(map(str, folders))}')
    records = [game_record(p, i, targets) for i, p in enumerate(paths)]
    return records_to_samples(records, SCORE_WEIGHT, teams=True), records

def as_buffer(samples) -> ReplayBuffer:
    buf = ReplayBuffer(max(samples.n, 1), 'classic')
    buf.add(samples)
    return buf

def side_and_ply_loss(train, held) -> float:
    ("The value loss on `held` of the plainest guess: the mean value target in `train` of the same side (the mover's "
     "team) at the same ply; both (samples, records) of every position (`targets` value or none)")
    key = lambda records: [(player % 2, ply) for r in records for ply, (player, _) in enumerate(r.moves)]
    seen = {}
    for k, v in zip(key(train[1]), train[0].values[:, 0]): seen.setdefault(k, []).append(v)
    guess = np.array([np.mean(seen.get(k, [0.0])) for k in key(held[1])])
    # two a side, each colour's value is its team's: in the mover's frame (g, -g, g, -g)
    return round(float(np.mean((held[0].values - guess[:, None] * np.array([1, -1, 1, -1])) ** 2)), 4)

def split_newest(buf:ReplayBuffer, n:int) -> tuple:
    "(the older positions, the newest `n`) of `buf` as two buffers"
    order = [(buf.next - buf.size + i) % buf.capacity for i in range(buf.size)]
    parts = []
    for idx in (order[:len(order) - n], order[len(order) - n:]):
        part = ReplayBuffer(max(len(idx), 1), buf.variant)
        for j, i in enumerate(idx):
            part.planes[j], part.values[j], part.symmetries[j] = buf.planes[i], buf.values[i], buf.symmetries[i]
            part.ownership[j], part.actions[j], part.policy[j] = buf.ownership[i], buf.actions[i], buf.policy[i]
        part.size = len(idx); part.next = part.size % part.capacity
        parts.append(part)
    return tuple(parts)

def held_out_losses(net, buf:ReplayBuffer, n:int=2048, batch:int=256) -> dict:
    "Mean (policy, value, ownership) losses on up to `n` positions of `buf`, drawn with fixed seeds, unaugmented"
    net.eval(); rows = []
    with torch.no_grad():
        for k in range(max(1, min(n, buf.size) // batch)):
            pl, vl, ol = policy_value_loss(net, *map(torch.from_numpy,
                                                     buf.sample(batch, np.random.default_rng(k), augment=False)))
            rows.append((pl.item(), vl.item(), ol.item()))
    m = np.mean(rows, 0)
    return {'policy': round(float(m[0]), 4), 'value': round(float(m[1]), 4), 'ownership': round(float(m[2]), 4)}

def main(argv=None):
    parser = argparse.ArgumentParser(prog='python experiments/classic_pentobi_games.py',
                                     description=__doc__.split('\n\n')[0])
    parser.add_argument('games', nargs='+', help='folders of saved two-a-side games against Pentobi to train on')
    parser.add_argument('--held-out', nargs='+', required=True, help='folders of saved games to measure on')
    parser.add_argument('--selfplay-run', required=True, help='a Classic two-a-side run folder (its newest checkpoint)')
    parser.add_argument('--targets', choices=['value', 'policy', 'none'], default='value',
                        help='none: self-play positions alone (the control)')
    parser.add_argument('--net', default='pretrained', help="'pretrained' (the two-a-side network that ships) or a file")
    parser.add_argument('--steps', type=int, default=600)
    parser.add_argument('--lr', type=float, default=1e-4)
    parser.add_argument('--batch', type=int, default=128, help='positions of each kind a step')
    parser.add_argument('--eval-every', type=int, default=150)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--out', default=None, help='save the fine-tuned network here (save_net)')
    args = parser.parse_args(argv)
    torch.manual_seed(args.seed); rng = np.random.default_rng(args.seed)
    train_games, held_games = games_samples(args.games, args.targets), games_samples(args.held_out, args.targets)
    pentobi, held = as_buffer(train_games[0]), as_buffer(held_games[0])
    found = latest_checkpoint(args.selfplay_run)
    if found is None or 'buffer' not in found[1]: raise SystemExit(f'no checkpoint with a buffer in {args.selfplay_run}')
    selfplay = buffer_from_state(found[1]['buffer'])
    selfplay, selfplay_held = split_newest(selfplay, min(2048, selfplay.size // 4))
    net = load_pretrained('classic', teams=True) if args.net == 'pretrained' else load_net(args.net)
    report = lambda step: print(json.dumps({'step': step, 'pentobi_held_out': held_out_losses(net, held),
                                            'selfplay_held_out': held_out_losses(net, selfplay_held)}), flush=True)
    print(json.dumps({'pentobi_positions': pentobi.size, 'held_out_positions': held.size,
                      'selfplay_positions': selfplay.size, 'targets': args.targets,
                      # the value loss on the held-out games of guessing from the side to move and the ply alone
                      **({'side_and_ply_value': side_and_ply_loss(train_games, held_games)}
                         if args.targets != 'policy' else {})}), flush=True)
    report(0)
    optimizer = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=1e-4)
    for step in range(1, args.steps + 1):
        net.train()
        pl, vl, ol = policy_value_loss(net, *map(torch.from_numpy, selfplay.sample(args.batch, rng)))
        ppl, pvl, pol = policy_value_loss(net, *map(torch.from_numpy, pentobi.sample(args.batch, rng)))
        extra = {'policy': ppl, 'value': pvl + OWNERSHIP_WEIGHT * pol, 'none': 0.0}[args.targets]
        loss = pl + vl + OWNERSHIP_WEIGHT * ol + extra
        optimizer.zero_grad(set_to_none=True); loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 5.0); optimizer.step()
        if step % args.eval_every == 0 or step == args.steps: report(step)
    net.eval()
    if args.out: save_net(net, args.out)

if __name__ == '__main__': main()
