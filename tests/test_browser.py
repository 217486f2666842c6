"""The notebook as people meet it: the Colab driver notebook run in a real browser (Chromium, driven by Playwright) in two
frontends, its dashboard, log and play board checked on screen, two moves played by clicking.

- JupyterLab (the `browser` extra's).
- The classic Notebook (`notebook<7`) with Colab's ipywidgets 7.7.1 and the widgetsnbextension pip pairs with it (3.6.10),
  in a virtual environment of its own. An ipywidgets `Output` fails to load there ('Could not create a model' in the
  browser console), which is why the dashboard is a display handle's output; the test checks the console too.

In both: every cell runs; the training cell shows the self-play mode, one dashboard picture (redrawn in place, not once per
redraw) and the iteration's log line below it; no widget error on the page or in the console; the play board is drawn and
answers two moves.

Needs the `browser` extra (`pip install -e ".[browser]"`: JupyterLab and Playwright) and a Chromium at /usr/bin/chromium
(Debian: `apt-get install chromium`; Playwright's own browser download is not used). The classic Notebook tests also need
BLOKUS_NB_CLASSIC_PYTHON: the Python of a virtual environment with that frontend and this package, built as `.ci/run` does:

    python -m venv /tmp/w7 && W=/tmp/w7/bin/python
    $W -m pip install torch==2.13.0 && $W -m pip install ipywidgets==7.7.1 && $W -m pip install -e ".[dev]"
    $W -m pip install 'notebook<7' widgetsnbextension==3.6.10
    BLOKUS_NB_CLASSIC_PYTHON=$W python -m pytest tests/test_browser.py -v

Each test is skipped, with the reason, when what it needs is missing; with BLOKUS_NB_BROWSER_REQUIRED=1 (as `.ci/run`
sets) it fails instead. Screenshots go to artifacts/browser/ (BLOKUS_NB_ARTIFACTS overrides it).
"""
import json, os, re, secrets, shutil, signal, socket, subprocess, sys, tempfile, time, urllib.request
from contextlib import contextmanager
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get('BLOKUS_NB_CHROMIUM', '/usr/bin/chromium')
CLASSIC_PYTHON = os.environ.get('BLOKUS_NB_CLASSIC_PYTHON', '')
ARTIFACTS = Path(os.environ.get('BLOKUS_NB_ARTIFACTS', ROOT / 'artifacts' / 'browser'))
LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
               '--disable-component-update', '--disable-sync', '--no-first-run']
RUN_ALL_TIMEOUT = int(os.environ.get('BLOKUS_NB_BROWSER_TIMEOUT', '420'))   # seconds for the whole notebook to run
DASHBOARD_SOURCE = 'display_id=True'      # the text that marks the Colab notebook's training cell (its dashboard's display handle)
ITERATION_LINE = re.compile(r'\[train\] iter (\d+)/(\d+): \d+ samples \(([\d.]+)/s, (\w+) on (\w+)\)')
WIDGET_ERROR = re.compile(r'Error displaying widget|Could not create a? ?(model|view)|Failed to (load|create) (model|view)|'
                          r'model not found|_deserialize_state|Widget Javascript not detected', re.I)

# JupyterLab settings for the test: every cell in the page (no virtual scrolling), no news or update checks
LAB_SETTINGS = {'@jupyterlab/notebook-extension/tracker.jupyterlab-settings': {'windowingMode': 'none'},
                '@jupyterlab/apputils-extension/notification.jupyterlab-settings': {'fetchNews': 'false', 'checkForUpdates': False}}
CLASSIC_CHECK = """import notebook, ipywidgets, widgetsnbextension, blokus_nb, json
print(json.dumps({'notebook': notebook.__version__, 'ipywidgets': ipywidgets.__version__, 'widgetsnbextension': widgetsnbextension.__version__}))"""


def _missing() -> str:
    "Why the browser tests cannot run here, or '' when they can"
    if not Path(CHROMIUM).exists(): return f'no Chromium at {CHROMIUM} (Debian: apt-get install chromium)'
    for mod, extra in (('playwright', 'playwright'), ('jupyterlab', 'jupyterlab')):
        try: __import__(mod)
        except ImportError: return f'{extra} is not installed (pip install -e ".[browser]")'
    return ''


def _classic_missing() -> tuple:
    "(why the classic Notebook tests cannot run here or '', the versions of its frontend)"
    why = _missing()
    if why: return why, {}
    if not CLASSIC_PYTHON: return ('BLOKUS_NB_CLASSIC_PYTHON is not set (a Python with notebook<7, ipywidgets 7.7.1, '
                                   'widgetsnbextension 3.6.10 and this package: see this module\'s docstring or .ci/run)'), {}
    try: out = subprocess.run([CLASSIC_PYTHON, '-c', CLASSIC_CHECK], capture_output=True, text=True, timeout=120)
    except OSError as e: return f'BLOKUS_NB_CLASSIC_PYTHON={CLASSIC_PYTHON} does not run: {e}', {}
    if out.returncode: return f'BLOKUS_NB_CLASSIC_PYTHON={CLASSIC_PYTHON} lacks the classic Notebook setup: {out.stderr.strip()[-300:]}', {}
    versions = json.loads(out.stdout.strip().splitlines()[-1])
    if not (versions['notebook'].startswith('6.') and versions['ipywidgets'].startswith('7.')):
        return f'BLOKUS_NB_CLASSIC_PYTHON={CLASSIC_PYTHON} has {versions}; the classic Notebook tests want notebook 6 with ipywidgets 7', versions
    return '', versions


def _need(why:str):
    "Fail (BLOKUS_NB_BROWSER_REQUIRED set) or skip with `why` when it is not ''"
    if why and os.environ.get('BLOKUS_NB_BROWSER_REQUIRED'): pytest.fail(f'the browser test cannot run: {why}')
    if why: pytest.skip(f'browser test skipped: {why}')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]


@contextmanager
def jupyter_server(python:str, app:str, root_dir:Path, env:dict, timeout:float=90):
    "A Jupyter server, `app` 'lab' (JupyterLab) or 'notebook' (the classic Notebook 6), run by `python` on 127.0.0.1 serving `root_dir`; yields its base URL and token"
    port, token = _free_port(), secrets.token_hex(16)
    work = Path(tempfile.mkdtemp(prefix=f'blokus-{app}-'))
    env = {**os.environ, **env, 'JUPYTER_RUNTIME_DIR': str(work / 'runtime'), 'PYTHONPATH': str(ROOT)}
    cmd = [python, '-m', 'jupyter', app, '--no-browser', '--ip=127.0.0.1', f'--port={port}']
    if app == 'lab':
        for rel, value in LAB_SETTINGS.items():
            path = work / 'settings' / rel; path.parent.mkdir(parents=True, exist_ok=True); path.write_text(json.dumps(value))
        cmd += [f'--IdentityProvider.token={token}', f'--ServerApp.root_dir={root_dir}', '--LabApp.expose_app_in_browser=True',
                f'--LabApp.user_settings_dir={work / "settings"}', f'--LabApp.workspaces_dir={work / "workspaces"}',
                '--ServerApp.open_browser=False', '--LabApp.extension_manager=readonly']
    else:             # the classic Notebook's own server; a config dir of its own so that no user setting applies
        env['JUPYTER_CONFIG_DIR'] = str(work / 'config')
        cmd += [f'--NotebookApp.token={token}', f'--NotebookApp.notebook_dir={root_dir}', '--NotebookApp.open_browser=False']
    if hasattr(os, 'geteuid') and os.geteuid() == 0: cmd.append('--allow-root')      # CI containers run as root
    log = open(work / 'server.log', 'w')
    proc = subprocess.Popen(cmd, cwd=root_dir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f'http://127.0.0.1:{port}'
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None: raise RuntimeError(f'jupyter {app} exited: {(work / "server.log").read_text()[-3000:]}')
            try:
                with urllib.request.urlopen(f'{url}/api/status?token={token}', timeout=5) as r:
                    if r.status == 200: break
            except OSError: pass
            if time.monotonic() > deadline: raise RuntimeError(f'jupyter {app} did not answer within {timeout}s')
            time.sleep(0.5)
        yield url, token
    finally:
        os.killpg(proc.pid, signal.SIGTERM)         # the server and the kernels it started
        try: proc.wait(20)
        except subprocess.TimeoutExpired: os.killpg(proc.pid, signal.SIGKILL); proc.wait()
        log.close()
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope='module')
def chromium():
    "The system's headless Chromium, driven by Playwright (one for the module: Playwright's sync API runs one at a time)"
    _need(_missing())
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        try: yield browser
        finally: browser.close()


@contextmanager
def browser_page(browser, width:int=1400, height:int=1000):
    "A page of its own in `browser`; the page's console messages gather in `page.console_messages`, its errors (uncaught ones too) also in `page.console_errors`, its warnings in `page.console_warnings`"
    context = browser.new_context(viewport={'width': width, 'height': height})
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.console_errors, page.console_warnings, page.console_messages = [], [], []
        def log(m):
            page.console_messages.append(m.text)
            if m.type == 'error': page.console_errors.append(m.text)
            if m.type == 'warning': page.console_warnings.append(m.text)
        page.on('console', log)
        page.on('pageerror', lambda e: page.console_errors.append(f'uncaught: {e}'))
        yield page
    finally: context.close()


# JavaScript run in the page: the open notebook's state, read from the frontend's own model, and the training cell marked
# with data-blokus-cell="dashboard" so that locators can find its outputs
LAB_STATE = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  if (!w || !w.content || !w.sessionContext || !w.sessionContext.session || !w.sessionContext.session.kernel) return null;
  w.content.widgets.forEach(c => { if (c.model.type === 'code' && c.model.sharedModel.getSource().includes(%r)) c.node.setAttribute('data-blokus-cell', 'dashboard'); });
  const cells = w.content.widgets.filter(c => c.model.type === 'code').map(c => ({
      count: c.model.executionCount,
      errors: c.model.outputs.toJSON().filter(o => o.output_type === 'error').map(o => o.ename + ': ' + o.evalue)}));
  return {kernel: w.sessionContext.session.kernel.status, cells};
}""" % DASHBOARD_SOURCE
CLASSIC_STATE = """() => {
  const nb = window.Jupyter && window.Jupyter.notebook;
  if (!nb || !nb._fully_loaded || !nb.kernel || !nb.kernel.is_connected()) return null;
  nb.get_cells().forEach(c => { if (c.cell_type === 'code' && c.get_text().includes(%r)) c.element[0].setAttribute('data-blokus-cell', 'dashboard'); });
  const cells = nb.get_cells().filter(c => c.cell_type === 'code').map(c => ({
      count: typeof c.input_prompt_number === 'number' ? c.input_prompt_number : null,
      errors: c.output_area.outputs.filter(o => o.output_type === 'error').map(o => o.ename + ': ' + o.evalue)}));
  const icon = document.querySelector('#kernel_indicator_icon');
  return {kernel: icon && icon.classList.contains('kernel_idle_icon') ? 'idle' : 'busy', cells};
}""" % DASHBOARD_SOURCE


class Frontend:
    "What differs between JupyterLab and the classic Notebook for these tests: URLs, the notebook's state, CSS classes, when cells may run"
    def __init__(self, name, open_path, state, run_all, output, outputs, scroller, content=None, settle=None):
        self.name, self.open_path, self.state, self.run_all = name, open_path, state, run_all
        self.output, self.outputs = output, outputs     # one output of a cell, and a cell's output area
        self.scroller, self.content = scroller, content # the panel the notebook scrolls in, and its cells (None: all it scrolls)
        self.settle = settle           # called with the page once the kernel is idle, before cells run


RESTORE_FALLBACK = 'Failed to fetch ipywidgets through the "jupyter.widget.control" comm channel'

def classic_widgets_restored(page, timeout:float=30):
    """Wait until the classic Notebook's widget manager (widgetsnbextension 3.6) has restored the kernel's widgets.
    When it connects it asks the kernel for its widgets over a control comm; a kernel that has not imported ipywidgets yet
    closes that comm, and the manager logs RESTORE_FALLBACK and asks for the list of comms instead. Cells queued before
    that request is answered make widgets that the restore then takes over too: seen here as board cells left unstyled
    and 'Could not create a view for model id', in about half of the runs here that clicked Run All the moment the kernel
    was idle. A person does not click Run All within those milliseconds (Restart & Run All was fine, 4 of 4), so the test waits
    for the same: the console message (up to `timeout`: without it the control comm answered and nothing is pending),
    then no kernel request left unanswered"""
    page.wait_for_function('() => !!(window.Jupyter.notebook.kernel && window.Jupyter.notebook.kernel.widget_manager)', timeout=timeout * 1000)
    deadline = time.monotonic() + timeout
    while not any(RESTORE_FALLBACK in m for m in page.console_messages) and time.monotonic() < deadline:
        page.wait_for_timeout(100)                  # polling the console the page has written so far
    page.wait_for_function('() => Object.keys(window.Jupyter.notebook.kernel._msg_callbacks).length === 0', timeout=timeout * 1000)


LAB = Frontend('lab', '/lab/tree/{nb}?token={token}', LAB_STATE,
               "() => window.jupyterapp.commands.execute('notebook:run-all-cells')", '.jp-OutputArea-output', '.jp-Cell-outputArea',
               '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer', '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-inner')
CLASSIC = Frontend('classic', '/notebooks/{nb}?token={token}', CLASSIC_STATE,
                   '() => window.Jupyter.notebook.execute_all_cells()', '.output_subarea', '.output_wrapper', '#site',
                   settle=classic_widgets_restored)


def open_and_run_all(page, fe:Frontend, url:str, token:str, notebook:str, timeout:float=RUN_ALL_TIMEOUT):
    "Open `notebook` in frontend `fe`, run all cells, wait until every code cell ran; fail on the first error output"
    page.goto(url + fe.open_path.format(nb=notebook, token=token))
    try: page.wait_for_function(f'({fe.state})() && ({fe.state})().kernel === "idle"', timeout=120_000)
    except Exception:                              # what the page showed instead (a dialog, an error) helps more than a timeout
        ARTIFACTS.mkdir(parents=True, exist_ok=True); page.screenshot(path=str(ARTIFACTS / f'{fe.name}_kernel_not_ready.png'))
        raise
    if fe.settle: fe.settle(page)
    page.evaluate(fe.run_all)
    deadline = time.monotonic() + timeout
    while True:
        state = page.evaluate(fe.state) or {'kernel': 'restarting', 'cells': []}      # None: no kernel connected (a restart)
        errors = [e for c in state['cells'] for e in c['errors']]
        assert not errors, f'a cell of {notebook} failed in {fe.name}: {errors}'
        if state['kernel'] == 'idle' and all(c['count'] for c in state['cells']): return state
        assert time.monotonic() < deadline, f'{notebook} did not finish within {timeout}s in {fe.name}: {state}'
        page.wait_for_timeout(1000)        # polling the kernel's state, not synchronising on time


def widget_errors(page, fe:Frontend, within:str='') -> list:
    "Texts of outputs (in `within`, a selector, or the whole page) that show a widget that failed to render"
    texts = page.locator(f'{within} {fe.output}'.strip()).all_inner_texts()
    return [t.strip()[:300] for t in texts if WIDGET_ERROR.search(t)]


@contextmanager
def whole_notebook_in_window(page, fe:Frontend):
    "The window made tall enough for the whole notebook (both frontends scroll it inside a panel) and scrolled to its top, for screenshots; then as it was"
    heights = """([s, c]) => { const e = document.querySelector(s), k = c ? document.querySelector(c) : e;
                                return e && k ? [k.scrollHeight, e.clientHeight] : [0, 0]; }"""
    need, have = page.evaluate(heights, [fe.scroller, fe.content])
    size = page.viewport_size
    page.set_viewport_size({'width': size['width'], 'height': min(size['height'] + max(need - have, 0), 16000)})
    try:
        try: page.wait_for_function(f'(({heights})({[fe.scroller, fe.content]!r}))[1] >= {need - 1}', timeout=10_000)   # the layout follows
        except Exception: pass                       # a notebook taller than a shot can be: its top part, then
        page.evaluate('(s) => { const e = document.querySelector(s); if (e) e.scrollTop = 0; }', fe.scroller)
        yield
    finally: page.set_viewport_size(size)


def screenshot_whole(page, fe:Frontend, path:Path):
    "A screenshot of the whole notebook"
    with whole_notebook_in_window(page, fe): page.screenshot(path=str(path), full_page=True)


def _rgb(color:str) -> str: return 'rgb({}, {}, {})'.format(*(int(color[i:i + 2], 16) for i in (1, 3, 5)))

def cells_of(page, color:str) -> list:
    "Board cells (Pentobi names such as 'e10') whose background is `color` ('#rrggbb')"
    return page.evaluate("""(rgb) => Array.from(document.querySelectorAll('.blokus-play .blokus-cell'))
        .filter(b => getComputedStyle(b).backgroundColor === rgb)
        .map(b => Array.from(b.classList).find(c => c.startsWith('blokus-at-')).slice(10))""", _rgb(color))


@contextmanager
def colab_notebook_in(browser, fe:Frontend, python:str):
    "The Colab notebook (a copy, in the test preset) run in frontend `fe` served by `python`, in a page of `browser`; yields the page"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix='blokus-browser-'))
    shutil.copy(ROOT / 'nbs' / 'colab.ipynb', root / 'colab.ipynb')      # a copy: the frontend may save what it opened
    env = {'BLOKUS_NB_PRESET': 'test', 'BLOKUS_NB_RUN_DIR': str(root / 'run')}
    try:
        with jupyter_server(python, fe.name if fe is LAB else 'notebook', root, env) as (url, token), browser_page(browser) as page:
            t0 = time.monotonic()
            open_and_run_all(page, fe, url, token, 'colab.ipynb')
            print(f'{fe.name}: the Colab notebook ran in {time.monotonic() - t0:.0f}s')
            screenshot_whole(page, fe, ARTIFACTS / f'{"colab" if fe is LAB else "classic_colab"}_full.png')
            try: yield page
            finally:       # the browser console's messages, for reading a failure afterwards
                (ARTIFACTS / f'{fe.name}_console.txt').write_text('\n'.join(page.console_messages))
    finally: shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope='module', params=['lab', 'classic'])
def colab(request, chromium):
    "(the page, its Frontend): the Colab notebook run in JupyterLab, then in the classic Notebook (one at a time: pytest ends one before the next)"
    if request.param == 'lab':
        with colab_notebook_in(chromium, LAB, sys.executable) as page: yield page, LAB
        return
    why, versions = _classic_missing()
    _need(why)
    print(f'classic Notebook: {versions}')
    with colab_notebook_in(chromium, CLASSIC, CLASSIC_PYTHON) as page: yield page, CLASSIC


def check_dashboard(page, fe:Frontend, shot:str):
    "The training cell: the self-play plan, then one dashboard picture (redrawn in place, not once per redraw), then the iteration's log line, all visible; no widget error"
    cell = page.locator('[data-blokus-cell=dashboard]')
    assert cell.count() == 1, f'{fe.name}: the training cell (with {DASHBOARD_SOURCE!r}) is not marked once: {cell.count()}'
    imgs = cell.locator(f'{fe.output} img')
    imgs.first.wait_for(state='visible', timeout=30_000)
    assert imgs.count() == 1, f'{fe.name}: {imgs.count()} dashboard pictures in the training cell (one, redrawn in place, expected)'
    assert page.evaluate('(el) => el.naturalWidth', imgs.first.element_handle()) > 100
    text = cell.locator(fe.output).all_inner_texts()
    assert not widget_errors(page, fe, '[data-blokus-cell=dashboard]'), widget_errors(page, fe, '[data-blokus-cell=dashboard]')
    failed = [e[:300] for e in page.console_errors if WIDGET_ERROR.search(e)]   # a widget that fails may say so only there
    assert not failed, (f'{fe.name}: widget errors in the browser console: {failed}; all its errors and warnings: '
                        f'{[e[:400] for e in page.console_errors + page.console_warnings]}')
    log = cell.locator(fe.output, has_text='[train] iter ')
    assert log.count() >= 1 and log.last.is_visible(), f'{fe.name}: no visible iteration line in the training cell: {text}'
    line = ITERATION_LINE.search(log.last.inner_text())
    assert line and int(line[1]) == int(line[2]) and float(line[3]) > 0, log.last.inner_text()     # samples/s and the mode
    plan = cell.locator(fe.output, has_text='self-play: ')
    assert plan.count() >= 1 and plan.first.is_visible(), f'{fe.name}: the self-play mode is not said: {text}'
    assert f'self-play: {line[4]}' in plan.first.inner_text(), (plan.first.inner_text(), line[0])   # the mode said is the mode run
    y = lambda loc: loc.bounding_box()['y']
    assert y(plan.first) < y(imgs.first) < y(log.last), f'{fe.name}: the plan, the dashboard and the log are not in that order'
    assert any('iterations in this run' in t for t in text), text
    imgs.first.screenshot(path=str(ARTIFACTS / f'{shot}.png'))
    with whole_notebook_in_window(page, fe): cell.locator(fe.outputs).screenshot(path=str(ARTIFACTS / f'{shot}_cell.png'))


def check_board(page, fe:Frontend):
    "The play board at the end of the notebook is drawn: one board of 14 x 14 cells"
    board = page.locator('.blokus-play')
    board.first.wait_for(state='visible', timeout=60_000)     # the play cell may still be drawing when run-all has returned
    assert board.count() == 1
    page.locator('.blokus-play .blokus-cell').nth(14 * 14 - 1).wait_for(state='attached', timeout=30_000)
    assert page.locator('.blokus-play .blokus-cell').count() == 14 * 14
    cell = page.locator('.blokus-play .blokus-cell').first.bounding_box()     # a wide window: the board at its full size (28-pixel cells)
    assert abs(cell['width'] - 28) < 1 and abs(cell['height'] - 28) < 1, cell


def play_two_moves(page, fe:Frontend, shot:str):
    "Click a piece and a board cell, twice; each time the move is drawn and the AI's reply appears on the board"
    from blokus_nb.viz import PLAYER_COLORS
    board = page.locator('.blokus-play').first
    board.scroll_into_view_if_needed()
    board.screenshot(path=str(ARTIFACTS / f'{shot}_start.png'))
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
        board.screenshot(path=str(ARTIFACTS / f'{shot}_move{k + 1}.png'))
    assert sorted(cells_of(page, mine)) == ['d11', 'd12', 'e10'], page.locator('.blokus-message').inner_text()
    dotted = page.evaluate("""() => Array.from(document.querySelectorAll('.blokus-play .blokus-cell'))
        .filter(b => b.innerText.trim() === '•').map(b => Array.from(b.classList).find(c => c.startsWith('blokus-at-')).slice(10))""")
    assert 'd11' in dotted and 'd12' in dotted and 'e10' not in dotted, dotted      # only the last move of each side is dotted
    assert 2 + 1 <= len(dotted) <= 2 + 5, dotted
    assert len(cells_of(page, theirs)) >= 2                    # two replies of the AI
    text = page.locator('.blokus-message').inner_text()
    assert text.startswith('You played 2 at d11,d12.') and text.endswith('Your move.'), text
    assert not widget_errors(page, fe)


PANEL_FIT = """() => { const panel = document.querySelector('.blokus-play .blokus-panel');
  const out = panel && panel.closest('.jp-OutputArea-output, .output_subarea');
  if (!out) return null;
  const p = panel.getBoundingClientRect(), o = out.getBoundingClientRect();
  return {panel_right: p.right, output_right: o.right, scroll_width: out.scrollWidth, client_width: out.clientWidth}; }"""

def layout_at_width(page, width:int, measure:str, holds:str, shot:Path) -> dict:
    """In a `width`-pixel window: wait (up to 10 s) until JavaScript condition `holds` on `f`, what `measure` returns, is true
    (the layout follows the window), screenshot the play widget to `shot`, and return the measure; the window's size is restored after"""
    size = page.viewport_size
    page.set_viewport_size({'width': width, 'height': size['height']})
    try:
        try: page.wait_for_function(f'(() => {{ const f = ({measure})(); return !!f && ({holds}); }})()', timeout=10_000)
        except Exception: pass                                      # the assertion below reports what was measured
        fit = page.evaluate(measure)
        page.locator('.blokus-play').first.screenshot(path=str(shot))
        return fit
    finally: page.set_viewport_size(size)


def check_panel_fits(page, fe:Frontend, width:int=1024):
    "In a `width`-pixel window the play board's side panel is whole on screen (it goes below the board), not behind a scrollbar"
    fit = layout_at_width(page, width, PANEL_FIT, 'f.panel_right <= f.output_right + 1 && f.scroll_width <= f.client_width + 1',
                          ARTIFACTS / f'{fe.name}_board_{width}px.png')
    assert fit and fit['panel_right'] <= fit['output_right'] + 1 and fit['scroll_width'] <= fit['client_width'] + 1, \
        f'{fe.name}: in a {width}-pixel window the side panel is cut off: {fit}'


BOARD_FIT = """() => { const play = document.querySelector('.blokus-play');
  const out = play && play.closest('.jp-OutputArea-output, .output_subarea');
  if (!out) return null;
  const cells = Array.from(play.querySelectorAll('.blokus-cell')).map(c => c.getBoundingClientRect().right);
  return {cells_right: Math.max(...cells), output_right: out.getBoundingClientRect().right}; }"""

def check_board_fits(page, fe:Frontend, width:int=800):
    """In a `width`-pixel window, with JupyterLab's file browser open beside the notebook (about 370 pixels of output), every
    column of the board is on screen inside the output: the board shrinks to fit rather than hide columns behind a scrollbar"""
    left_was_collapsed = fe is LAB and page.evaluate('() => window.jupyterapp.shell.leftCollapsed')
    if fe is LAB: page.evaluate("() => window.jupyterapp.commands.execute('filebrowser:activate')")
    try:
        fit = layout_at_width(page, width, BOARD_FIT, 'f.cells_right <= f.output_right + 1',
                              ARTIFACTS / f'{fe.name}_board_{width}px_file_browser.png')
        assert fit and fit['cells_right'] <= fit['output_right'] + 1, f'{fe.name}: in a {width}-pixel window the board is cut off: {fit}'
    finally:
        if left_was_collapsed: page.evaluate('() => window.jupyterapp.shell.collapseLeft()')


def test_widgets_render(colab):
    """Every widget of the Colab notebook renders (no widget error on the page or in the browser console); the dashboard is one
    picture redrawn in place, between the self-play plan and the iteration's log line; the play board is there.
    In the classic Notebook with ipywidgets 7.7.1 and widgetsnbextension 3.6.10 an ipywidgets Output fails to load there
    ('Could not create a model'), which is why the dashboard is a display handle's output"""
    page, fe = colab
    assert not widget_errors(page, fe), widget_errors(page, fe)
    check_dashboard(page, fe, 'dashboard' if fe is LAB else 'classic_dashboard')
    check_board(page, fe)
    check_panel_fits(page, fe, 800)      # a half-screen window: Duo's board and panel side by side need about 820 pixels of output
    check_board_fits(page, fe, 800)      # and with JupyterLab's file browser open too: the board shrinks to the output's width


def test_two_moves(colab):
    "Two moves played on the board by clicking, each drawn and answered by the AI"
    page, fe = colab
    play_two_moves(page, fe, 'board' if fe is LAB else 'classic_board')


CLASSIC_GAME_NOTEBOOK = {'cells': [{'cell_type': 'code', 'execution_count': None, 'id': 'a1', 'metadata': {}, 'outputs': [],
                                    'source': "from blokus_nb.play import play\nplay('classic')"}],
                         'metadata': {'kernelspec': {'display_name': 'Python 3', 'language': 'python', 'name': 'python3'}},
                         'nbformat': 4, 'nbformat_minor': 5}


YOUR_TURN = """() => { const board = document.querySelector('.blokus-play'), m = board && board.querySelector('.blokus-message');
  return !!m && !board.innerText.includes('thinking') && (m.innerText.includes('Your move') || m.innerText.startsWith('Game over')); }"""


def _clicks_to(variant, piece:int, orient:int) -> tuple:
    "(rotate clicks, flip first?) that turn `piece` from the orientation picking it gives to `orient`, found with a `PlaySession` of our own"
    from blokus_nb.play import PlaySession
    from blokus_nb.arena import RandomPlayer
    for flip in (False, True):
        local = PlaySession(variant, RandomPlayer(0))
        local.select(piece)
        if flip: local.flip()
        for rotations in range(4):
            if local.orient == orient: return rotations, flip
            local.rotate()
    raise AssertionError(f'orientation {orient} of piece {piece} cannot be reached by rotate and flip')


def _catch_up(state, page, colors):
    """`state` advanced by the moves the board shows and `state` lacks, in turn order, or None when the board is not yet a game that
    continues `state` (an AI piece still being drawn). Each colour's new cells are read off the board and split into pieces (a colour's
    pieces never share an edge). When other colours have no move left, a colour may have played several pieces since, and their order
    matters (a later piece may cover the last place another colour had): the orders are tried until every new cell on the board is
    accounted for. The order also decides whether the monomino came last (5 bonus points), so the final score is checked against the
    game as the save button writes it"""
    shown = [set(cells_of(page, colors[p])) for p in range(state.variant.n_players)]
    return _replay(state, shown)


def _replay(state, shown):
    "`state` continued by the pieces `shown` (each colour's cells on the board) in a legal turn order that places them all, or None"
    from blokus_nb.engine import parse_move, parse_cell, format_cell
    placed = lambda p: {c for q, m in state.moves if q == p for c in _cell_names(state, m)}
    unplaced = [shown[p] - placed(p) for p in range(len(shown))]
    if state.is_over or not unplaced[state.to_move]:
        return state if not any(unplaced) else None              # nothing left to place, or an order that strands a piece
    left, pieces = set(unplaced[state.to_move]), []
    while left:                                                  # edge-connected groups of the new cells
        group, todo = set(), [left.pop()]
        while todo:
            cell = todo.pop(); group.add(cell); r, c = parse_cell(state.variant, cell)
            for rr, cc in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
                if 0 <= rr < state.variant.size and 0 <= cc < state.variant.size and format_cell(state.variant, rr, cc) in left:
                    left.discard(format_cell(state.variant, rr, cc)); todo.append(format_cell(state.variant, rr, cc))
        pieces.append(sorted(group))
    for group in pieces:
        try: move = parse_move(state, ','.join(group))
        except ValueError: continue                              # not a move of this colour now (its turn comes later)
        done = _replay(state.play(move), shown)
        if done is not None: return done
    return None


def _cell_names(state, move) -> list:
    from blokus_nb.engine import move_cells, format_cell
    return [format_cell(state.variant, r, c) for r, c in move_cells(state.variant, move)]


def test_whole_classic_game(chromium):
    """play('classic') in JupyterLab, a whole game: the person's colour (blue) clicked move by move (the biggest piece that fits,
    turned with the rotate and flip buttons), the AI answering for the other three colours with the default opponent (the network
    that ships), to the final score line; what the board shows is a legal game throughout"""
    from blokus_nb.engine import new_game, move_cells, format_cell, ORIENT_PIECE, PIECE_SIZES, PIECE_NAMES, load_sgf
    from blokus_nb.viz import PLAYER_COLORS
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix='blokus-classic-game-'))
    (root / 'classic_game.ipynb').write_text(json.dumps(CLASSIC_GAME_NOTEBOOK))
    colors = PLAYER_COLORS[4]
    try:
        with jupyter_server(sys.executable, 'lab', root, {}) as (url, token), browser_page(chromium) as page:
            open_and_run_all(page, LAB, url, token, 'classic_game.ipynb')
            board = page.locator('.blokus-play').first
            board.wait_for(state='visible', timeout=60_000)
            page.locator('.blokus-play .blokus-cell').nth(20 * 20 - 1).wait_for(state='attached', timeout=30_000)
            assert page.locator('.blokus-play .blokus-cell').count() == 20 * 20
            state, mine = new_game('classic'), 0
            for turn in range(30):                                  # 21 pieces at most, and a margin
                page.wait_for_function(YOUR_TURN, timeout=120_000)       # the AI's answers all drawn, or the game over
                caught = _catch_up(state, page, colors)
                assert caught is not None, f'the board is not a legal continuation of {state.moves}'
                state, message = caught, page.locator('.blokus-message').inner_text()
                if message.startswith('Game over'): break
                assert state.to_move == mine, (state.to_move, message)
                move = max(state.legal_moves(), key=lambda m: PIECE_SIZES[ORIENT_PIECE[m >> 10]])
                piece = ORIENT_PIECE[move >> 10]
                rotations, flip = _clicks_to(state.variant, piece, move >> 10)
                page.locator(f'.blokus-play .blokus-piece-{PIECE_NAMES[piece]}').click()
                if flip: page.locator('.blokus-play .blokus-flip').click()
                for _ in range(rotations): page.locator('.blokus-play .blokus-rotate').click()
                r, c = sorted(move_cells(state.variant, move))[0]       # the piece's marked square goes where the click is
                page.locator(f'.blokus-play .blokus-at-{format_cell(state.variant, r, c)}').click()
                want = set(_cell_names(state, move))
                page.wait_for_function("""([rgb, want]) => want.every(n => { const b = document.querySelector('.blokus-play .blokus-at-' + n);
                    return b && getComputedStyle(b).backgroundColor === rgb; })""", arg=[_rgb(colors[mine]), sorted(want)], timeout=30_000)
                state = state.play(move)
            else: raise AssertionError(f'the game did not end within 30 turns of ours: {message}')
            board.screenshot(path=str(ARTIFACTS / 'classic_game_end.png'))
            for _ in range(40):                                     # the last AI pieces may still be drawing when the message says game over
                state = _catch_up(state, page, colors) or state
                if state.is_over: break
                page.wait_for_timeout(250)
            assert state.is_over, (state, message)
            assert message.startswith('Game over: '), message
            page.locator('.blokus-play .blokus-save').click()         # the game as the widget recorded it, moves in the order played
            page.wait_for_function("() => document.querySelector('.blokus-play .blokus-message').innerText.startsWith('Saved the game to')",
                                   timeout=30_000)
            record = load_sgf(root / 'game.blksgf')
            assert record.is_over and record.occ == state.occ, ('the saved game is not the one the board shows', record.moves, state.moves)
            assert sorted(record.moves) == sorted(state.moves), (record.moves, state.moves)
            scores = record.scores()
            for p, name in enumerate(('blue', 'yellow', 'red', 'green')): assert f'({name}) {scores[p]:+d}' in message, (p, scores, message)
            others = max(scores[1:])
            assert (message.endswith(f'You win by {scores[0] - others}.') if scores[0] > others else
                    message.endswith('You share first place.') if scores[0] == others else 'wins; you are' in message), message
            assert 'blokus_nb network' in message, f'the default Classic opponent is not the network that ships: {message}'
            assert not widget_errors(page, LAB)
    finally: shutil.rmtree(root, ignore_errors=True)
