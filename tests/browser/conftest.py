"""Browser-test harness: the real app on a real port, driven by Debian's Chromium through Playwright.

Every browser test gets these checks without asking for them, and fails if one does not hold:

- **No console errors, no uncaught script errors, no CSP violations.** The CSP forbids inline script and style,
  so a violation means something inline slipped into a template. (A test that expects an error says so with
  ``watch_of(page).allow(r"regex")``; ``visit(page, path, status=404)`` allows the 404 it expects.)
- **No server errors.** An exception raised by the app while the test ran fails the test, with its traceback.
- **Every page passes axe** (tags wcag2a, wcag2aa, wcag21a, wcag21aa, wcag22aa). ``visit()`` checks each page
  it opens; the final state of every page is checked when the test ends; and a page reached any other way
  (clicking a link, submitting a form) must be checked by the test with ``assert_accessible(page)``, or the
  test fails naming the unchecked address. After an htmx swap, call ``assert_accessible(page)`` yourself.

The final-state checks are skipped when the test itself already failed, so its own failure stays readable.
Loaded documents are tracked by address (the page's "load" events; htmx swaps and pushed URLs are not loads).
A page opened with JavaScript off is checked by axe in a mirror: its current HTML, at the same address and
size, in a context with JavaScript on but the page's own scripts blocked (axe needs timers to run).
The live server runs with TESTING off and CSRF protection on, as in production.

Fixtures
    ``serve(briefings_dir=None, **config) -> LiveServer``
        Start the app (``create_app(settings, instance_path=tmp)``, its database migrated) on a free local port, served by werkzeug's
        ``make_server(..., threaded=True)`` in a background thread, stopped at the end of the test. Settings
        are ``tests.conftest.app_settings`` plus ``config``; ``briefings_dir`` defaults to
        ``default_briefings_dir()`` (the repository's briefings/ once it holds briefings, else
        tests/fixtures/briefings). Call it more than once for more servers.
    ``live_server -> LiveServer``
        ``serve()`` with the defaults. ``live_server.url`` is the base address; ``live_server.app`` the app.
    ``browser`` (session)
        Chromium from /usr/bin/chromium, headless. Missing Chromium is a loud failure, never a skip.
    ``open_page(server=None, *, viewport=DESKTOP, javascript=True, **context_options) -> Page``
        A new browser context (its own cookies and storage) and page, watched as above, with ``base_url`` set
        to the server (default ``live_server``) so ``visit(page, "/briefings")`` works. ``reduced_motion`` is
        "reduce" unless given. Closed at the end of the test.
    ``page -> Page``
        ``open_page()``: a desktop-sized page on ``live_server`` with JavaScript on.

Helpers (import from ``tests.browser.conftest``)
    ``visit(page, path, *, status=200) -> Response``   go, check the status, check accessibility
    ``assert_accessible(page, context=None)``           axe now (after the page's load), optionally on a CSS
                                                        selector; failure lists rule, impact, help, targets
    ``watch_of(page) -> Watch``                         ``.problems``, ``.loads``, ``.allow(pattern)``
    ``final_problems(page) -> list[str]``               what the end-of-test checks would report now
    ``has_horizontal_scroll(page) -> bool``
    ``PHONE`` (375x667), ``SMALL_PHONE`` (320x568), ``DESKTOP`` (1280x800), ``PROJECTOR`` (1920x1080)

Browser tests are marked ``@pytest.mark.browser`` (every test under tests/browser gets the mark), so
``pytest -m "not browser"`` runs the rest.
"""

from __future__ import annotations

import re
import threading
import traceback
import weakref
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask, got_request_exception
from playwright.sync_api import Browser, Error as PlaywrightError, Page, Response, expect, sync_playwright
from werkzeug.serving import make_server



from ..conftest import app_settings, default_briefings_dir
from ..support import migrated_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

PHONE = {"width": 375, "height": 667}
SMALL_PHONE = {"width": 320, "height": 568}
DESKTOP = {"width": 1280, "height": 800}
PROJECTOR = {"width": 1920, "height": 1080}

expect.set_options(timeout=5_000)

# Runs in every page before its own scripts: a CSP violation becomes a console error naming what was blocked
# (Chromium logs one too; this one says which directive and where, even for inline style attributes).
_REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || event.documentURI}:${event.lineNumber}`);
});
"""


# --- the live server -------------------------------------------------------------------------------------


@dataclass
class LiveServer:
    app: Flask
    url: str  # "http://127.0.0.1:PORT", no trailing slash
    briefings_dir: Path
    errors: list[str] = field(default_factory=list)  # tracebacks of exceptions the app raised
    _server: object = None
    _thread: threading.Thread | None = None

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=10)
            self._server = None


def start_live_server(home: Path, briefings_dir: Path | str | None = None, **config) -> LiveServer:
    """The app, with its own migrated database in `home`, served on a free port from a thread."""
    folder = Path(briefings_dir) if briefings_dir is not None else default_briefings_dir()
    # TESTING off: the app behaves as it does in production (errors become 500 pages, logged).
    settings = {**app_settings(home, folder), "TESTING": False, **config}
    app = migrated_app(settings, home / "instance")
    server = LiveServer(app=app, url="", briefings_dir=folder)

    def record_error(sender, exception, **extra):
        server.errors.append("".join(traceback.format_exception(exception)))

    got_request_exception.connect(record_error, app, weak=False)
    http = make_server("127.0.0.1", 0, app, threaded=True)
    server.url = f"http://127.0.0.1:{http.server_port}"
    server._server = http
    server._thread = threading.Thread(target=http.serve_forever, name=f"live-server:{http.server_port}")
    server._thread.daemon = True
    server._thread.start()
    return server


@pytest.fixture
def serve(tmp_path_factory):
    servers: list[LiveServer] = []

    def start(briefings_dir: Path | str | None = None, **config) -> LiveServer:
        server = start_live_server(tmp_path_factory.mktemp("live-server"), briefings_dir, **config)
        servers.append(server)
        return server

    yield start

    errors = []
    for server in servers:
        server.stop()
        errors.extend(server.errors)
    if errors:
        pytest.fail("the app raised while serving the test:\n\n" + "\n".join(errors), pytrace=False)


@pytest.fixture
def live_server(serve) -> LiveServer:
    return serve()


# --- the browser -----------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not (CHROMIUM.is_file() and CHROMIUM.stat().st_mode & 0o111):
        pytest.fail(
            f"The browser tests need Chromium at {CHROMIUM}: run 'make chromium' (or 'apt-get install chromium').",
            pytrace=False,
        )
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    except PlaywrightError as error:
        playwright.stop()
        pytest.fail(f"Chromium at {CHROMIUM} did not start:\n{error}", pytrace=False)
    yield chromium
    chromium.close()
    playwright.stop()


@dataclass
class Watch:
    """What happened in one page: problems seen, documents loaded, and which of them were checked by axe."""

    problems: list[str] = field(default_factory=list)
    loads: list[str] = field(default_factory=list)  # address of every document loaded, in order
    checked: set[str] = field(default_factory=set)  # addresses that passed through assert_accessible
    allowed: list[re.Pattern] = field(default_factory=list)
    javascript: bool = True

    def allow(self, pattern: str) -> None:
        """Let console errors matching `pattern` (a regex searched in the message) happen in this page."""
        self.allowed.append(re.compile(pattern))

    def problem(self, message: str) -> None:
        if not any(pattern.search(message) for pattern in self.allowed):
            self.problems.append(message)

    def unexpected(self) -> list[str]:
        # Allowances made after the message arrived still count.
        return [m for m in self.problems if not any(pattern.search(m) for pattern in self.allowed)]


_watches: weakref.WeakKeyDictionary[Page, Watch] = weakref.WeakKeyDictionary()


def watch_of(page: Page) -> Watch:
    return _watches[page]


def _watch(page: Page, javascript: bool) -> Watch:
    watch = Watch(javascript=javascript)
    _watches[page] = watch

    def on_console(message):
        if message.type == "error":
            where = message.location.get("url", "") if message.location else ""
            watch.problem(f"console error: {message.text}" + (f" ({where})" if where else ""))

    def on_load(loaded: Page):
        watch.loads.append(loaded.url)

    page.on("console", on_console)
    page.on("pageerror", lambda error: watch.problem(f"uncaught error in the page: {error}"))
    page.on("load", on_load)
    return watch


_CALL_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def open_page(browser: Browser, serve, request):
    # Depending on `serve` makes the servers outlive the pages: the final checks still reach them.
    opened: list[tuple[object, Page]] = []

    def open_(
        server: LiveServer | None = None, *, viewport: dict = DESKTOP, javascript: bool = True, **options
    ) -> Page:
        server = server or request.getfixturevalue("live_server")
        options.setdefault("reduced_motion", "reduce")
        context = browser.new_context(
            base_url=server.url, viewport=viewport, java_script_enabled=javascript, **options
        )
        context.set_default_timeout(10_000)
        context.add_init_script(_REPORT_CSP_VIOLATIONS)
        page = context.new_page()
        _watch(page, javascript)
        opened.append((context, page))
        return page

    yield open_

    failures: list[str] = []
    test_failed = request.node.stash.get(_CALL_FAILED, True)
    for context, page in opened:
        try:
            failures.extend(final_problems(page, check_accessibility=not test_failed))
        except PlaywrightError as error:
            failures.append(f"the end-of-test checks could not run on {page.url}: {error}")
        finally:
            context.close()
    if failures:
        pytest.fail("\n\n".join(failures), pytrace=False)


def final_problems(page: Page, *, check_accessibility: bool = True) -> list[str]:
    """What the end-of-test checks find wrong with a page (the `open_page` fixture fails the test on any)."""
    watch = watch_of(page)
    found: list[str] = []
    if check_accessibility and not page.is_closed() and page.url != "about:blank":
        # Checking the final state also counts as checking the last document loaded.
        try:
            assert_accessible(page)
        except AssertionError as error:
            found.append(f"at the end of the test: {error}")
        unchecked = [url for url in watch.loads if url not in watch.checked]
        if unchecked:
            found.append(
                "pages loaded but never checked for accessibility (use visit(), or call "
                "assert_accessible(page) after a click or submit that loads a page):\n  " + "\n  ".join(unchecked)
            )
    if watch.unexpected():
        found.append("the browser reported:\n  " + "\n  ".join(watch.unexpected()))
    return found


@pytest.fixture
def page(open_page) -> Page:
    return open_page()


# --- helpers for tests -----------------------------------------------------------------------------------


def visit(page: Page, path: str, *, status: int = 200) -> Response:
    """Open `path` (relative to the server), check the response status and the page's accessibility."""
    if status >= 400:
        watch_of(page).allow(rf"status of {status}\b")
    response = page.goto(path)
    assert response is not None, f"no response for {path}"
    assert response.status == status, f"{path} answered {response.status}, expected {status}"
    assert_accessible(page)
    return response


def assert_accessible(page: Page, context: str | None = None) -> None:
    """Run axe (WCAG 2.0-2.2 A and AA rules) on the page as it is now; fail listing every violation."""
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    page.wait_for_load_state("load")  # after a click that navigates, check the new page, not the old one
    watch = _watches.get(page)
    if watch is not None and not watch.javascript:
        results = _run_in_mirror(page, lambda mirror: Axe().run(mirror, context=context, options=options).response)
    else:
        results = Axe().run(page, context=context, options=options).response
    if watch is not None:
        watch.checked.add(page.url)
    violations = results["violations"]
    if violations:
        heading = f"axe found {len(violations)} accessibility violation(s) on {page.url}:\n"
        raise AssertionError(heading + _describe(violations))


def _run_in_mirror(page: Page, check):
    """Run `check` on a copy of a page whose JavaScript is off.

    axe needs timers, which never fire in a page with JavaScript disabled; so the page's current document is
    loaded, at the same address and size, in a context with JavaScript on where the page's own scripts are
    blocked: the same DOM and styles, checked by axe.
    """
    html, url = page.content(), page.url
    context = page.context.browser.new_context(viewport=page.viewport_size, reduced_motion="reduce")

    def route(request_route):
        request = request_route.request
        if request.resource_type == "document" and request.url == url:
            request_route.fulfill(status=200, body=html, content_type="text/html; charset=utf-8")
        elif request.resource_type == "script":
            request_route.abort()
        else:
            request_route.continue_()

    try:
        context.route("**/*", route)
        mirror = context.new_page()
        mirror.goto(url)
        return check(mirror)
    finally:
        context.close()


def _describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact') or 'no impact given'}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}: {node.get('failureSummary', '').strip().replace(chr(10), ' ')}")
            lines.append(f"       {node.get('html', '')[:200]}")
    return "\n".join(lines)


def has_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")
