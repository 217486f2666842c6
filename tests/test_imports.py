"""The package's modules import one another in one direction only: a lower notebook never knows a higher one.
Every import counts, those inside functions too (they run at some call), so the graph of imports must have no cycle."""
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / 'blokus_nb'


def imports_of(path:Path) -> set:
    "The package's modules that `path` imports anywhere in its code (not itself)"
    me, found = path.stem, set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1: names = [node.module] if node.module else [a.name for a in node.names]   # from .x / from . import x
            elif (node.module or '').startswith('blokus_nb.'): names = [node.module.split('.')[1]]
            elif node.module == 'blokus_nb': names = [a.name for a in node.names]
            else: continue
        elif isinstance(node, ast.Import): names = [a.name.split('.')[1] for a in node.names if a.name.startswith('blokus_nb.')]
        else: continue
        found |= {n.split('.')[0] for n in names if (PACKAGE / f'{n.split(".")[0]}.py').exists()}
    return found - {me}


def import_graph() -> dict:
    return {p.stem: imports_of(p) for p in PACKAGE.glob('*.py') if not p.stem.startswith('_')}


def find_cycle(graph:dict) -> list:
    "A cycle of `graph` as a list of nodes (first == last), or [] when it has none"
    state, path = {}, []
    def visit(node):
        state[node] = 'open'; path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 'open': return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)): return cycle
        state[node] = 'done'; path.pop()
        return []
    for node in sorted(graph):
        if node not in state and (cycle := visit(node)): return cycle
    return []


def test_find_cycle_finds_one():
    assert find_cycle({'engine': {'viz'}, 'viz': {'arena'}, 'arena': {'engine'}}) == ['arena', 'engine', 'viz', 'arena']
    assert find_cycle({'engine': set(), 'viz': {'engine'}, 'arena': {'engine'}}) == []


def test_imports_of_reads_every_form(tmp_path, monkeypatch):
    (tmp_path / 'a.py').write_text('from .b import x\nimport blokus_nb.c\ndef f():\n    from blokus_nb.d import y\n    from . import e\n')
    for name in 'bcde': (tmp_path / f'{name}.py').write_text('')
    monkeypatch.setattr(__import__(__name__), 'PACKAGE', tmp_path)
    assert imports_of(tmp_path / 'a.py') == {'b', 'c', 'd', 'e'}


def test_no_import_cycle():
    graph = import_graph()
    assert graph['viz'] >= {'engine'} and 'viz' not in graph['engine'], graph['engine']
    cycle = find_cycle(graph)
    assert not cycle, f'the modules import one another in a circle: {" -> ".join(cycle)}'
