"What `pip install` gives a user: the wheel built from this checkout holds the library, the networks that ship and the opening books"
import shutil, subprocess, sys, zipfile
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]

def tracked(*patterns):
    "The files of the checkout that git tracks or would (new, not ignored) under `patterns`, as relative paths"
    out = subprocess.run(['git', 'ls-files', '--cached', '--others', '--exclude-standard', *patterns], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    return {line for line in out.splitlines() if (ROOT / line).is_file()}     # less the files deleted, not yet committed

def test_wheel_ships_the_networks_and_books(tmp_path):
    pytest.importorskip('setuptools')
    if not (ROOT / '.git').exists(): pytest.skip('needs the git checkout (its tracked files are the expectation)')
    # built from a copy of what a clean clone holds: no build/ or egg-info of this checkout's, nothing written into it
    src = tmp_path / 'src'
    for name in tracked():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, src / name)
    built = subprocess.run([sys.executable, '-m', 'pip', 'wheel', '--no-deps', '--no-build-isolation', '-q',
                            '-w', str(tmp_path), str(src)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-2000:]
    # setuptools warns when a data folder is not a package: such files are included today and may not be tomorrow
    assert 'would be ignored' not in built.stderr, built.stderr[-2000:]
    (wheel,) = tmp_path.glob('blokus_nb-*.whl')
    names = set(zipfile.ZipFile(wheel).namelist())
    data = tracked('blokus_nb/pretrained/*.pt') | tracked('blokus_nb/books/*.json')
    assert {'blokus_nb/pretrained/duo.pt', 'blokus_nb/pretrained/classic.pt', 'blokus_nb/books/duo.json'} <= data
    assert data <= names, sorted(data - names)
    modules = tracked('blokus_nb/*.py')
    assert 'blokus_nb/net.py' in modules and modules <= names, sorted(modules - names)
    assert not any('__pycache__' in n for n in names)
