"""A live server in a thread and Debian's Chromium driven by Playwright.

Browser tests run on SQLite only, the database `make run` serves and a classroom's laptop keeps:
what they add is the pages as a person uses them, which do not change with the database, and each
costs seconds of a browser. Every database path they reach is tested on PostgreSQL too, by the
tests outside this folder and by the two-server test.
"""

import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture(params=["sqlite"])
def backend(request):
    return request.param


@pytest.fixture
def live_server(app):
    """Serve the test app on a free local port for the duration of a test."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def job_worker(app, tmp_path):
    """A job worker process (`flask jobs worker`) on the test's database and queue file."""
    from tests.test_job_queue import Workers

    folder = tmp_path / "workers"
    folder.mkdir()
    workers = Workers(app, folder)
    workers.start()
    yield workers
    workers.stop_all()


@pytest.fixture(scope="session")
def browser():
    assert Path(CHROMIUM).exists(), (
        "Chromium is missing: `make test` installs it (apt-get install chromium)"
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A phone-sized page (360 px wide) whose browser prefers Simplified Chinese."""
    context = browser.new_context(viewport={"width": 360, "height": 780}, locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.console_errors = errors
    yield page
    context.close()


def sign_in(page, base, username, password=None):
    """Sign in through the real form and wait for the page that follows."""
    from tests.conftest import PASSWORD

    page.goto(f"{base}/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(password or PASSWORD)
    page.locator("#submit").click()
    page.wait_for_load_state()


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def open_menu(page):
    """On a phone the signed-in menu is folded behind its button: unfold it (wider pages show it).

    The button shows, and the menu folds, only once app.js (deferred) has run: asked earlier, a
    page looks unfolded with no button, and is folded a moment later."""
    page.wait_for_load_state("load")
    toggle = page.locator("header .nav-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")


def page_width(page) -> int:
    """How wide the page's content is, measured once the page and its stylesheets have loaded.

    Chromium lays a page out on request before a pending stylesheet arrives, so a width read
    too early can be that of the unstyled page (a wide table not yet in its scrolling box).
    """
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth")


def fits(page, width=360) -> bool:
    """Whether the page fits a phone's width without scrolling sideways."""
    return page_width(page) <= width


def loaded_width(image) -> int:
    """The natural width of an image once the browser has fetched and decoded it.

    A lazily loaded image is only fetched once it is near the viewport, so it is scrolled
    there first; `decode()` then settles when the picture is ready (or rejects if it is broken,
    which reads as width 0).
    """
    image.scroll_into_view_if_needed()
    return image.evaluate("img => img.decode().then(() => img.naturalWidth, () => 0)")


@pytest.fixture
def open_page(browser, live_server):
    """open_page(username, locale, width=…, height=…): a page signed in as that user, in a browser
    context of its own (its own cookies, language and window), closed when the test ends;
    `open_page.contexts` lists the contexts opened."""
    from tests.browser.test_exercises import signed_in_page

    contexts = []

    def open_signed_in(username, locale, **size):
        context, page = signed_in_page(browser, live_server, username, locale, **size)
        contexts.append(context)
        return page

    open_signed_in.contexts = contexts  # so a test can check every page's console
    yield open_signed_in
    for context in contexts:
        context.close()
