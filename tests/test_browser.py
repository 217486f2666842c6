"""The notebook as people meet it: the Colab driver notebook run in JupyterLab in a real browser (Chromium, driven by
Playwright), the dashboard and the play board checked on screen, two moves played by clicking.

Needs the `browser` extra (`pip install -e ".[browser]"`: JupyterLab and Playwright) and a Chromium at /usr/bin/chromium
(Debian: `apt-get install chromium`; Playwright's own browser download is not used). Skipped, with the reason, when
either is missing. `.ci/run` installs both and runs this module explicitly:

    python -m pytest tests/test_browser.py -v

Screenshots go to artifacts/browser/ (BLOKUS_NB_ARTIFACTS overrides it).
"""
import json, os, re, secrets, shutil, signal, socket, subprocess, sys, tempfile, time, urllib.request
from contextlib import contextmanager
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get('BLOKUS_NB_CHROMIUM', '/usr/bin/chromium')
ARTIFACTS = Path(os.environ.get('BLOKUS_NB_ARTIFACTS', ROOT / 'artifacts' / 'browser'))
LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
               '--disable-component-update', '--disable-sync', '--no-first-run']
RUN_ALL_TIMEOUT = int(os.environ.get('BLOKUS_NB_BROWSER_TIMEOUT', '420'))   # seconds for the whole notebook to run

# JupyterLab settings for the test: every cell in the page (no virtual scrolling), no news or update checks
LAB_SETTINGS = {'@jupyterlab/notebook-extension/tracker.jupyterlab-settings': {'windowingMode': 'none'},
                '@jupyterlab/apputils-extension/notification.jupyterlab-settings': {'fetchNews': 'false', 'checkForUpdates': False}}


def _missing() -> str:
    "Why the browser test cannot run here, or '' when it can"
    if not Path(CHROMIUM).exists(): return f'no Chromium at {CHROMIUM} (Debian: apt-get install chromium)'
    for mod, extra in (('playwright', 'playwright'), ('jupyterlab', 'jupyterlab')):
        try: __import__(mod)
        except ImportError: return f'{extra} is not installed (pip install -e ".[browser]")'
    return ''


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]


@contextmanager
def lab_server(root_dir:Path, env:dict, timeout:float=90):
    "A JupyterLab server on 127.0.0.1 serving `root_dir` with a token; yields its base URL and token"
    port, token = _free_port(), secrets.token_hex(16)
    work = Path(tempfile.mkdtemp(prefix='blokus-lab-'))
    for rel, value in LAB_SETTINGS.items():
        path = work / 'settings' / rel; path.parent.mkdir(parents=True, exist_ok=True); path.write_text(json.dumps(value))
    env = {**os.environ, **env, 'JUPYTER_RUNTIME_DIR': str(work / 'runtime'), 'PYTHONPATH': str(ROOT)}
    cmd = [sys.executable, '-m', 'jupyter', 'lab', '--no-browser', '--ip=127.0.0.1', f'--port={port}',
           f'--IdentityProvider.token={token}', f'--ServerApp.root_dir={root_dir}', '--LabApp.expose_app_in_browser=True',
           f'--LabApp.user_settings_dir={work / "settings"}', f'--LabApp.workspaces_dir={work / "workspaces"}',
           '--ServerApp.open_browser=False', '--LabApp.extension_manager=readonly']
    if hasattr(os, 'geteuid') and os.geteuid() == 0: cmd.append('--allow-root')      # CI containers run as root
    log = open(work / 'server.log', 'w')
    proc = subprocess.Popen(cmd, cwd=root_dir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f'http://127.0.0.1:{port}'
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None: raise RuntimeError(f'JupyterLab exited: {(work / "server.log").read_text()[-3000:]}')
            try:
                with urllib.request.urlopen(f'{url}/api/status?token={token}', timeout=5) as r:
                    if r.status == 200: break
            except OSError: pass
            if time.monotonic() > deadline: raise RuntimeError(f'JupyterLab did not answer within {timeout}s')
            time.sleep(0.5)
        yield url, token
    finally:
        os.killpg(proc.pid, signal.SIGTERM)         # the server and the kernels it started
        try: proc.wait(20)
        except subprocess.TimeoutExpired: os.killpg(proc.pid, signal.SIGKILL); proc.wait()
        log.close()
        shutil.rmtree(work, ignore_errors=True)


@contextmanager
def browser_page(width:int=1400, height:int=1000):
    "A Playwright page in the system's headless Chromium"
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={'width': width, 'height': height})
            page.set_default_timeout(60_000)
            yield page
        finally: browser.close()


# JavaScript run in the page: the open notebook's state, read from JupyterLab's own model
NOTEBOOK_STATE = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  if (!w || !w.content || !w.sessionContext || !w.sessionContext.session || !w.sessionContext.session.kernel) return null;
  const cells = w.content.widgets.filter(c => c.model.type === 'code').map(c => ({
      count: c.model.executionCount,
      errors: c.model.outputs.toJSON().filter(o => o.output_type === 'error').map(o => o.ename + ': ' + o.evalue)}));
  return {kernel: w.sessionContext.session.kernel.status, cells};
}"""


def open_and_run_all(page, url:str, token:str, notebook:str, timeout:float=RUN_ALL_TIMEOUT):
    "Open `notebook` in JupyterLab, run all cells, wait until every code cell ran; fail on the first error output"
    page.goto(f'{url}/lab/tree/{notebook}?token={token}')
    try: page.wait_for_function(f'({NOTEBOOK_STATE})() && ({NOTEBOOK_STATE})().kernel === "idle"', timeout=120_000)
    except Exception:                              # what the page showed instead (a dialog, an error) helps more than a timeout
        ARTIFACTS.mkdir(parents=True, exist_ok=True); page.screenshot(path=str(ARTIFACTS / 'kernel_not_ready.png'))
        raise
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    deadline = time.monotonic() + timeout
    while True:
        state = page.evaluate(NOTEBOOK_STATE)
        errors = [e for c in state['cells'] for e in c['errors']]
        assert not errors, f'a cell of {notebook} failed: {errors}'
        if state['kernel'] == 'idle' and all(c['count'] for c in state['cells']): return state
        assert time.monotonic() < deadline, f'{notebook} did not finish within {timeout}s: {state}'
        page.wait_for_timeout(1000)        # polling the kernel's state, not synchronising on time


def widget_errors(page) -> list:
    "Texts of widgets that failed to render (ipywidgets shows 'Error displaying widget' or a failed-model message)"
    texts = page.locator('.jp-OutputArea-output').all_inner_texts()
    return [t.strip()[:200] for t in texts if re.search(r'Error displaying widget|Failed to (load|create) (model|view)|model not found', t)]


def _rgb(color:str) -> str: return 'rgb({}, {}, {})'.format(*(int(color[i:i + 2], 16) for i in (1, 3, 5)))

def cells_of(page, color:str) -> list:
    "Board cells (Pentobi names such as 'e10') whose background is `color` ('#rrggbb')"
    return page.evaluate("""(rgb) => Array.from(document.querySelectorAll('.blokus-play .blokus-cell'))
        .filter(b => getComputedStyle(b).backgroundColor === rgb)
        .map(b => Array.from(b.classList).find(c => c.startsWith('blokus-at-')).slice(10))""", _rgb(color))


@pytest.fixture(scope='module')
def colab_page():
    why = _missing()
    if why and os.environ.get('BLOKUS_NB_BROWSER_REQUIRED'): pytest.fail(f'the browser test cannot run: {why}')
    if why: pytest.skip(f'browser test skipped: {why}')
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix='blokus-browser-'))
    shutil.copy(ROOT / 'nbs' / 'colab.ipynb', root / 'colab.ipynb')      # a copy: JupyterLab may save what it opened
    env = {'BLOKUS_NB_PRESET': 'test', 'BLOKUS_NB_RUN_DIR': str(root / 'run')}
    try:
        with lab_server(root, env) as (url, token), browser_page() as page:
            open_and_run_all(page, url, token, 'colab.ipynb')
            page.screenshot(path=str(ARTIFACTS / 'colab_full.png'), full_page=True)
            yield page
    finally: shutil.rmtree(root, ignore_errors=True)


def test_widgets_render(colab_page):
    "Every widget of the Colab notebook renders: no 'Error displaying widget', the dashboard's image is drawn"
    page = colab_page
    assert not widget_errors(page), widget_errors(page)
    img = page.locator('.blokus-dashboard img').first
    img.wait_for(state='visible', timeout=30_000)
    assert page.evaluate('(el) => el.naturalWidth', img.element_handle()) > 100
    img.screenshot(path=str(ARTIFACTS / 'dashboard.png'))
    board = page.locator('.blokus-play')
    board.first.wait_for(state='visible', timeout=60_000)     # the play cell may still be drawing when run-all has returned
    assert board.count() == 1
    page.locator('.blokus-play .blokus-cell').nth(14 * 14 - 1).wait_for(state='attached', timeout=30_000)
    assert page.locator('.blokus-play .blokus-cell').count() == 14 * 14


def test_two_moves(colab_page):
    "Click a piece and a board cell, twice; each time the move is drawn and the AI's reply appears on the board"
    from blokus_nb.viz import PLAYER_COLORS
    page = colab_page
    board = page.locator('.blokus-play').first
    board.scroll_into_view_if_needed()
    board.screenshot(path=str(ARTIFACTS / 'board_start.png'))
    mine, theirs = PLAYER_COLORS[2]
    assert cells_of(page, mine) == [] and cells_of(page, theirs) == []
    assert page.locator('.blokus-play .blokus-at-e10').inner_text().strip() == '○'      # the start point, ringed
    for k, (piece, cell, rotate) in enumerate((('1', 'e10', False), ('2', 'd11', True))):
        page.locator(f'.blokus-play .blokus-piece-{piece}').click()
        if rotate: page.locator('.blokus-play .blokus-rotate').click()
        before = len(cells_of(page, theirs))
        page.locator(f'.blokus-play .blokus-at-{cell}').click()
        page.wait_for_function("""([n, rgb]) => Array.from(document.querySelectorAll('.blokus-play .blokus-cell'))
            .filter(b => getComputedStyle(b).backgroundColor === rgb).length > n""", arg=[before, _rgb(theirs)], timeout=120_000)
        page.wait_for_function("() => !document.querySelector('.blokus-play').innerText.includes('thinking')", timeout=60_000)
        assert cell in cells_of(page, mine), (cell, cells_of(page, mine), page.locator('.blokus-message').inner_text())
        board.screenshot(path=str(ARTIFACTS / f'board_move{k + 1}.png'))
    assert sorted(cells_of(page, mine)) == ['d11', 'd12', 'e10'], page.locator('.blokus-message').inner_text()
    dotted = page.evaluate("""() => Array.from(document.querySelectorAll('.blokus-play .blokus-cell'))
        .filter(b => b.innerText.trim() === '•').map(b => Array.from(b.classList).find(c => c.startsWith('blokus-at-')).slice(10))""")
    assert 'd11' in dotted and 'd12' in dotted and 'e10' not in dotted, dotted      # only the last move of each side is dotted
    assert 2 + 1 <= len(dotted) <= 2 + 5, dotted
    assert len(cells_of(page, theirs)) >= 2                    # two replies of the AI
    text = page.locator('.blokus-message').inner_text()
    assert text.startswith('You played 2 at d11,d12.') and text.endswith('Your move.'), text
    assert not widget_errors(page)
