"""Live-test fixtures: a real ASGI server, Debian chromium through Playwright, screenshots on failure.

Adding a browser test: mark it `browser` and `django_db(transaction=True)` (the server process only
sees committed rows), take the `page` fixture (its base URL is the server), log in with
`login_cookie(page, user, project)` or through the form, and use Playwright's `expect`. Work the page
queues (Sync now) needs the `celery_worker` fixture: a real worker on the server's broker and database.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from ops_dashboard.tests.servers import BASE_DIR, AsgiServer, CeleryWorker
from workforce.selectors import ACTIVE_PROJECT_SESSION_KEY
from workforce.testing.tools import require_tool

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
ARTIFACTS = BASE_DIR / "test-artifacts"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can tell whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def asgi_server(django_db_setup, tmp_path_factory):
    """uvicorn serving the app on the test database, with a private Redis the tests may stop."""
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server: the live server gets a Redis of its own")
    server = AsgiServer(directory=tmp_path_factory.mktemp("asgi"))
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(scope="module")
def celery_worker(asgi_server, tmp_path_factory):
    """A real Celery worker consuming the live server's queue (start it only in modules that queue work)."""
    worker = CeleryWorker(server=asgi_server, directory=tmp_path_factory.mktemp("celery"))
    try:
        yield worker.start()
    finally:
        worker.stop()


@pytest.fixture(scope="module")
def browser():
    """Debian chromium (never a downloaded browser), one per test module."""
    executable = require_tool(group="browser", command=str(CHROMIUM), package="chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread, which makes Django refuse ORM
    # calls; the tests are plain synchronous code, so lift that guard while the browser exists.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(request, browser, asgi_server):
    """A fresh browser context on the live server; a failing test leaves a screenshot in test-artifacts/."""
    context = browser.new_context(base_url=asgi_server.url)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        (ARTIFACTS / f"{name}.server.log").write_text(asgi_server.log_tail(200))
        worker = request.node.funcargs.get("celery_worker")
        if worker is not None:
            (ARTIFACTS / f"{name}.worker.log").write_text(worker.log_tail(200))
    context.close()


def session_cookie(user, project=None) -> dict:
    """A real database session for `user` (optionally with `project` active), as a cookie dict."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if project is not None:
        session = client.session
        session[ACTIVE_PROJECT_SESSION_KEY] = str(project.id)
        session.save()
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


@pytest.fixture
def login_cookie(asgi_server):
    """Log a browser context in without the form: `login_cookie(page, user, project)`."""

    def login(page, user, project=None) -> None:
        cookies = session_cookie(user, project)
        page.context.add_cookies([{"name": k, "value": v, "url": asgi_server.url} for k, v in cookies.items()])

    return login
