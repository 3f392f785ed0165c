"""The notebooks' widgets, driven in a real browser: JupyterLab on 127.0.0.1 with a token, each
notebook that uses ipywidgets opened in headless Chromium (Debian's ``chromium``, driven by
Playwright; no browser build is downloaded), all its cells run, then every control of every
widget moved twice, as a person would (keyboard on sliders, choices in drop-downs, clicks on
check boxes and buttons): each move must redraw the output the widget drives (the figure's
bytes change) and no error may appear. nbval runs the kernels only; this is the JavaScript side.

Widget notebooks and their controls are discovered, not listed: a notebook whose code imports
ipywidgets, and every control in its widgets' views. A control this test cannot move fails it.

Without Chromium the test is skipped with the reason, except under ``make browser-test`` or CI
(``GRNET_BROWSER_TEST=required`` or ``CI`` set), where that fails. ``make test`` installs
Chromium with apt-get first where it can (root), as CI does.

Only 127.0.0.1 is contacted (the browser aborts any other request, and the test fails on it);
every wait is bounded; the server and its kernels are stopped, also on failure, and no process
is left behind. The notebooks are not modified: autosave is off and their bytes are compared.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import pytest

REPO = Path(__file__).resolve().parents[1]
SERVER_START_S = 120  # JupyterLab up and answering
RUN_ALL_S = 600  # every cell of one notebook
REDRAW_S = 60  # one control's move until its output has changed and the kernel is idle
STABLE_S = 0.5  # an output must stay unchanged this long to count as drawn
LOCAL_HOSTS = {"127.0.0.1"}
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # straight to 127.0.0.1


def widget_notebooks() -> list[Path]:
    """The course notebooks whose code uses ipywidgets."""
    found = []
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        if any(
            cell["cell_type"] == "code" and re.search(r"\bipywidgets\b", "".join(cell["source"]))
            for cell in cells
        ):
            found.append(path)
    return found


def _chromium() -> str:
    """Path of Debian's chromium (or $CHROMIUM); skips, or fails where the test is required."""
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    reason = "chromium is not installed (make browser-test or make test installs it with apt-get as root)"
    if os.environ.get("GRNET_BROWSER_TEST") == "required" or os.environ.get("CI"):
        pytest.fail(reason + "; required here (GRNET_BROWSER_TEST=required or CI)")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Lab:
    """A running JupyterLab and a headless Chromium that may only talk to it."""

    url: str
    token: str
    browser: object
    blocked: list[str] = field(default_factory=list)  # requests to other hosts, aborted


def _settings(root: Path) -> Path:
    """User settings: no autosave (the committed notebooks must not change), no news, no update check."""
    settings = root / "settings"
    for plugin, values in {
        "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
        "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    }.items():
        path = settings / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")
    return settings


def _wait_for_server(url: str, token: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(
                f"JupyterLab exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}"
            )
        try:
            with NO_PROXY.open(f"{url}/api/status?token={token}", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(
        f"JupyterLab did not answer within {SERVER_START_S} s:\n{log.read_text(errors='replace')[-3000:]}"
    )


def _stop(proc: subprocess.Popen) -> None:
    """Stop the server (it shuts its kernels down), then end whatever it started that is left."""
    try:
        family = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        family = []
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
    _, alive = psutil.wait_procs(family, timeout=15)
    for p in alive:
        p.kill()
    psutil.wait_procs(alive, timeout=10)


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Iterator[Lab]:
    chromium = _chromium()
    from playwright.sync_api import sync_playwright

    root = tmp_path_factory.mktemp("lab")
    port, token = _free_port(), secrets.token_hex(16)
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(root / "config"),
        "JUPYTER_RUNTIME_DIR": str(root / "runtime"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    cmd = [
        *(sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}"),
        *("--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={REPO}"),
        *("--expose-app-in-browser", "--LabApp.news_url=", "--LabApp.extension_manager=readonly"),
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        f"--LabApp.user_settings_dir={_settings(root)}",
        f"--LabApp.workspaces_dir={root / 'workspaces'}",
        "--ServerApp.terminals_enabled=False",
        *(["--allow-root"] if os.geteuid() == 0 else []),  # CI runs as root
    ]
    log = root / "jupyterlab.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait_for_server(url, token, proc, log)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium,
                headless=True,
                args=["--no-proxy-server", "--disable-gpu"],
                timeout=60_000,
            )
            try:
                yield Lab(url=url, token=token, browser=browser)
            finally:
                browser.close()
    finally:
        _stop(proc)


# JavaScript run in the page; `window.jupyterapp` is exposed by --expose-app-in-browser.
JS_NOTEBOOK_READY = """() => {
  const app = window.jupyterapp, w = app && app.shell.currentWidget;
  return !!(w && w.content && w.content.model && w.sessionContext && w.sessionContext.session
            && w.sessionContext.session.kernel && w.sessionContext.session.kernel.status === 'idle');
}"""
JS_RUN_ALL = """async () => {
  const app = window.jupyterapp;
  await app.commands.execute('notebook:clear-all-cell-outputs');
  app.commands.execute('notebook:run-all-cells');  // resolves when done; watched separately
}"""
JS_EXECUTION = """() => {
  const w = window.jupyterapp.shell.currentWidget, cells = w.content.model.cells;
  const state = {pending: 0, errors: [], kernel: w.sessionContext.session.kernel.status};
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type !== 'code' || !cell.sharedModel.getSource().trim()) continue;
    if (cell.executionCount === null) state.pending++;
    for (const out of cell.outputs.toJSON()) {
      if (out.output_type === 'error') state.errors.push(`cell ${i}: ${out.ename}: ${out.evalue}`);
    }
  }
  return state;
}"""
JS_KERNEL_IDLE = "() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'"
JS_SHUTDOWN = "async () => { await window.jupyterapp.shell.currentWidget.sessionContext.shutdown(); }"
# What a widget view shows in its Output areas: (mime type, image bytes or text) per output.
JS_SNAPSHOT = """(view) => Array.from(view.querySelectorAll('.widget-output .jp-OutputArea-output')).map(
  o => [o.getAttribute('data-mime-type') || '',
        Array.from(o.querySelectorAll('img')).map(i => i.src).join('|') || o.textContent])"""
# Elements of a view a person could operate that are in none of the controls found.
JS_UNCLAIMED = """([view, controls]) => Array.from(view.querySelectorAll(
    'input, select, textarea, button, [role="slider"], [contenteditable="true"]'))
  .filter(e => !e.closest('.widget-output') && !e.closest(controls)).map(e => e.outerHTML.slice(0, 160))"""

ERROR_MIME = "application/vnd.jupyter.stderr"  # how JupyterLab shows an error or stderr output
# The root of each widget a cell displays (not the outputs inside an Output widget).
WIDGET_VIEWS = ".jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output:has(> .jupyter-widgets)"


@dataclass
class Move:
    """One control moved: where, which, and its values (with a digest of the output each drew)."""

    where: str
    control: str
    values: list[str]


# Layout classes that say nothing about what a control is.
GENERIC = {
    "widget-inline-hbox",
    "widget-hslider",
    "widget-vslider",
    "widget-box",
    "widget-hbox",
    "widget-vbox",
}


def _control_label(control) -> str:
    """The control's kind and description, as "slider 'radius r'"."""
    label = control.locator(".widget-label").first
    text = label.inner_text().strip() if label.count() else ""
    kind = next(
        (c for c in control.get_attribute("class").split() if c.startswith("widget-") and c not in GENERIC),
        "",
    )
    return f"{kind.removeprefix('widget-')} {text!r}".strip()


def _value(control) -> str:
    """The control's displayed value."""
    for selector, read in (
        (".widget-readout", lambda e: e.inner_text()),
        ("select", lambda e: e.input_value()),
        ("input[type=checkbox]", lambda e: str(e.is_checked())),
        ("input:not([type=checkbox])", lambda e: e.input_value()),
        ("button.mod-active", lambda e: e.inner_text()),
    ):
        element = control.locator(selector).first
        if element.count():
            return read(element).strip()
    return ""


def _operate(page, control, step: int) -> None:
    """Move ``control`` one step up (``step`` = +1) or down (-1) as a person would."""
    classes = control.get_attribute("class").split()
    if "widget-slider" in classes:
        control.locator('[role="slider"]').first.focus()
        page.keyboard.press("ArrowRight" if step > 0 else "ArrowLeft")
    elif "widget-dropdown" in classes or "widget-select" in classes:
        select = control.locator("select").first
        options = select.locator("option").all_inner_texts()
        current = options.index(select.evaluate("s => s.options[s.selectedIndex].text"))
        select.select_option(index=(current + step) % len(options))
    elif "widget-checkbox" in classes:
        control.locator("input[type=checkbox]").first.click()
    elif "widget-toggle-buttons" in classes or "widget-radio" in classes:
        choices = control.locator("button, input[type=radio]")
        active = [i for i in range(choices.count()) if _is_chosen(choices.nth(i))]
        choices.nth(((active[0] if active else 0) + step) % choices.count()).click()
    elif "widget-text" in classes or "widget-textarea" in classes:
        box = control.locator("input, textarea").first
        if box.get_attribute("type") == "number":
            box.focus()
            page.keyboard.press("ArrowUp" if step > 0 else "ArrowDown")
        else:
            box.fill(box.input_value() + ("x" if step > 0 else ""))
        box.press("Enter")
    elif "widget-button" in classes or "widget-toggle-button" in classes:
        control.click()
    else:
        raise AssertionError(
            f"no way to move this control: {control.evaluate('e => e.outerHTML.slice(0, 200)')}"
        )


def _is_chosen(element) -> bool:
    return element.evaluate("e => e.classList.contains('mod-active') || e.checked === true")


CONTROL_CLASSES = (
    "widget-slider",
    "widget-dropdown",
    "widget-select",
    "widget-checkbox",
    "widget-toggle-buttons",
    "widget-radio",
    "widget-text",
    "widget-textarea",
    "widget-button",
    "widget-toggle-button",
)


CONTROLS = ", ".join(f".{c}" for c in CONTROL_CLASSES)


def _controls(view) -> list:
    """The controls of a widget view (outermost element of each), in page order."""
    found = view.locator(CONTROLS)
    controls = [found.nth(i) for i in range(found.count())]
    # a control inside another (the buttons of a ToggleButtons) belongs to the outer one
    return [c for c in controls if not c.evaluate(f"e => !!e.parentElement.closest({CONTROLS!r})")]


def _wait_redrawn(page, view, before: list, what: str) -> list:
    """Wait until the view's output differs from ``before``, shows no error, stays unchanged for
    STABLE_S and the kernel is idle; returns the new output. Fails after REDRAW_S."""
    deadline = time.monotonic() + REDRAW_S
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        now = view.evaluate(JS_SNAPSHOT)
        errors = [text for mime, text in now if mime == ERROR_MIME]
        assert not errors, f"{what}: the widget shows an error:\n{errors[0][-2000:]}"
        if now != last:
            last, since = now, time.monotonic()
        elif now != before and time.monotonic() - since >= STABLE_S and page.evaluate(JS_KERNEL_IDLE):
            return now
        time.sleep(0.1)
    if last == before:
        pytest.fail(
            f"{what}: the output it drives did not change within {REDRAW_S} s (the widget stopped redrawing)"
        )
    pytest.fail(f"{what}: the output kept changing or the kernel stayed busy for {REDRAW_S} s")


def _digest(snapshot: list) -> str:
    return hashlib.sha256(json.dumps(snapshot).encode()).hexdigest()[:12]


def _open_and_run_all(lab: Lab, notebook: Path):
    context = lab.browser.new_context(viewport={"width": 1400, "height": 1000})

    def only_local(route):
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            lab.blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.goto(f"{lab.url}/lab/tree/{notebook.relative_to(REPO).as_posix()}?token={lab.token}")
    page.wait_for_function(JS_NOTEBOOK_READY, timeout=SERVER_START_S * 1000, polling=500)
    page.evaluate(JS_RUN_ALL)
    deadline = time.monotonic() + RUN_ALL_S
    while True:
        state = page.evaluate(JS_EXECUTION)
        assert not state["errors"], f"{notebook.name}: a cell failed: {state['errors']}"
        if state["pending"] == 0 and state["kernel"] == "idle":
            return context, page
        assert time.monotonic() < deadline, (
            f"{notebook.name}: cells still running after {RUN_ALL_S} s: {state}"
        )
        time.sleep(0.5)


WIDGET_NOTEBOOKS = widget_notebooks()


def test_the_course_has_widget_notebooks():
    assert [p.name for p in WIDGET_NOTEBOOKS][:2] == [
        "01_guided_filter.ipynb",
        "02_manipulation_trace_extractor.ipynb",
    ]


def _drive(page, view, where: str) -> list[Move]:
    """Move every control of one widget view twice (a button: click once); after each move the
    output must change and show no error."""
    controls = _controls(view)
    assert controls, f"{where}: a widget without controls"
    unclaimed = page.evaluate(JS_UNCLAIMED, [view.element_handle(), CONTROLS])
    assert not unclaimed, f"{where}: controls this test cannot move: {unclaimed}"
    shown, moves = view.evaluate(JS_SNAPSHOT), []
    for control in controls:
        move = Move(where, _control_label(control), [_value(control)])
        button = "widget-button" in control.get_attribute("class").split()
        for _ in range(1 if button else 2):
            before = _value(control)
            _operate(page, control, +1)
            if _value(control) == before and not button:
                _operate(page, control, -1)  # at the end of its range: the other way
            shown = _wait_redrawn(page, view, shown, f"{where}: {move.control} moved to {_value(control)!r}")
            move.values.append(f"{_value(control)} [{_digest(shown)}]")
        moves.append(move)
    return moves


@pytest.mark.slow
@pytest.mark.parametrize("notebook", WIDGET_NOTEBOOKS, ids=lambda p: p.stem)
def test_every_control_redraws_its_output(lab, notebook):
    committed = notebook.read_bytes()
    context, page = _open_and_run_all(lab, notebook)
    moves: list[Move] = []
    try:
        views = page.locator(WIDGET_VIEWS)
        assert views.count() > 0, f"{notebook.name} uses ipywidgets but shows no widget after Run All"
        for v in range(views.count()):
            moves += _drive(page, views.nth(v), f"{notebook.name}, widget {v}")
        assert lab.blocked == [], (
            f"requests to other hosts than 127.0.0.1 were made (and aborted): {lab.blocked}"
        )
    finally:
        try:
            page.evaluate(JS_SHUTDOWN)
        finally:
            context.close()
    for move in moves:
        print(f"{move.where}: {move.control}: {' -> '.join(move.values)}")
    assert notebook.read_bytes() == committed, f"{notebook.name} was modified by the browser session"
