"""The command line that experiments/duo_symmetry.py and experiments/duo_rollout.py share: the shipped (or a given) Duo network wrapped in
an evaluator of the tool's, in a seat-balanced match at a fixed number of simulations against the same network plain, with
both players' seconds per move, or with --level L on Pentobi's ladder (its books from $PENTOBI_BOOKS).

Result: see the two experiments that use it, https://onukura.github.io/blokus_nb/methods.html#symmetry-averaging and https://onukura.github.io/blokus_nb/methods.html#playouts-mixed-into-the-value"""
import argparse, json
from blokus_nb.arena import MCTSPlayer, arena
from blokus_nb.mcts import GUMBEL_ACTIONS

def match_parser(doc:str) -> argparse.ArgumentParser:
    "The shared arguments, under the first paragraph of the tool's `doc`; the tool adds its own"
    parser = argparse.ArgumentParser(description=doc.split('\n\n')[0])
    parser.add_argument('--games', type=int, default=100)
    parser.add_argument('--simulations', type=int, default=200)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--level', type=int, default=None, help='play Pentobi at this level on the ladder instead of the plain network')
    parser.add_argument('--checkpoint', default=None, help='a Duo network saved by save_net (default: the shipped one)')
    return parser

def play_match(parser, args, make_evaluator, name:str, **extra):
    "Check the shared arguments, then play `make_evaluator(net)` as `name`; print JSON lines with `extra` added; return the arena's result (None on the ladder)"
    if args.games < 1: parser.error(f'--games must be >= 1, got {args.games}')
    if args.simulations < 1: parser.error(f'--simulations must be >= 1, got {args.simulations}')
    from blokus_nb.net import load_pretrained, load_net
    net = load_net(args.checkpoint) if args.checkpoint else load_pretrained('duo')
    if net.config.variant != 'duo': parser.error(f'{args.checkpoint} is a {net.config.variant} network; this tool plays Duo')
    a = MCTSPlayer(make_evaluator(net), args.simulations, seed=args.seed, name=name, gumbel_actions=GUMBEL_ACTIONS)
    if args.level is not None:
        from blokus_nb.strength import pentobi_ladder
        for line in pentobi_ladder(a, [args.level], 'duo', args.games, args.seed):
            print(json.dumps({**line, **extra}, default=str), flush=True)
        return None
    b = MCTSPlayer(net, args.simulations, seed=args.seed + 1, name='plain', gumbel_actions=GUMBEL_ACTIONS)
    r = arena(a, b, 'duo', args.games, seed=args.seed)
    print(json.dumps({**r.summary(), **extra, 'simulations': args.simulations, 'seed': args.seed}))
    return r
