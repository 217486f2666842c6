"What `pip install` gives a user: the wheel built from this checkout holds the library, the networks that ship and the opening books"
import subprocess, sys, zipfile
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]

def tracked(pattern):
    "The files git tracks under `pattern`, as paths inside the package"
    out = subprocess.run(['git', 'ls-files', pattern], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return {line for line in out.splitlines() if '__pycache__' not in line}

def test_wheel_ships_the_networks_and_books(tmp_path):
    pytest.importorskip('setuptools')
    if not (ROOT / '.git').exists(): pytest.skip('needs the git checkout (its tracked files are the expectation)')
    built = subprocess.run([sys.executable, '-m', 'pip', 'wheel', '--no-deps', '--no-build-isolation', '-q',
                            '-w', str(tmp_path), str(ROOT)], capture_output=True, text=True)
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
