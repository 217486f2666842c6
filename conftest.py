"""pytest runs the notebooks in nbs/ as the test suite: one test per notebook, each executed by nbdev's
`test_nb` in a fresh Python process (so spawned worker processes and module state never leak between notebooks).

    python -m pytest                      # every notebook
    python -m pytest -k engine            # one notebook
    python -m pytest --nb-flags slow      # also run cells marked `#| slow`
"""
import os, subprocess, sys, tempfile
from pathlib import Path
import pytest

ROOT = Path(__file__).parent
NB_TIMEOUT = int(os.environ.get('BLOKUS_NB_TEST_TIMEOUT', '900'))  # seconds per notebook


def pytest_addoption(parser):
    parser.addoption('--nb-flags', default='', help='space-separated nbdev test flags to run (e.g. "slow")')


def pytest_collect_file(parent, file_path):
    if file_path.suffix == '.ipynb' and file_path.parent == ROOT / 'nbs' and not file_path.name.startswith('_'):
        return NotebookFile.from_parent(parent, path=file_path)


class NotebookFile(pytest.File):
    def collect(self):
        yield NotebookItem.from_parent(self, name=self.path.stem)
        if self.path.name == 'colab.ipynb':   # the Colab driver once more with its other game
            item = NotebookItem.from_parent(self, name='colab_classic')
            item.extra_env = {'BLOKUS_NB_GAME': 'classic'}
            yield item


RUNNER = """
import sys
from pathlib import Path
from nbdev.config import get_config
from nbdev.test import test_nb
cfg = get_config()
ok, secs = test_nb(Path(sys.argv[1]), skip_flags=cfg.tst_flags.split(), force_flags=sys.argv[2].split(),
                   basepath=cfg.config_path)
print(f'{Path(sys.argv[1]).name}: {"passed" if ok else "FAILED"} in {secs:.1f}s')
sys.exit(0 if ok else 1)
"""


class NotebookItem(pytest.Item):
    extra_env = {}

    def runtest(self):
        flags = self.config.getoption('--nb-flags')
        # the Colab driver notebook reads these: the `test` preset, and a run directory of its own
        env = {**os.environ, 'BLOKUS_NB_PRESET': 'test', 'BLOKUS_NB_RUN_DIR': str(Path(tempfile.mkdtemp()) / 'run'), **self.extra_env}
        try:
            proc = subprocess.run([sys.executable, '-c', RUNNER, str(self.path), flags], cwd=ROOT, env=env,
                                  capture_output=True, text=True, timeout=NB_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise NotebookFailure(f'{self.path.name} did not finish within {NB_TIMEOUT}s')
        if proc.returncode != 0:
            raise NotebookFailure(proc.stdout[-4000:] + proc.stderr[-8000:])

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, NotebookFailure): return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f'notebook {self.name}'


class NotebookFailure(Exception):
    pass
