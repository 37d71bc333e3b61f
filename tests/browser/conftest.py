"""Playwright against live_server, in Debian's Chromium.

Browser tests skip with a message when no Chromium is installed, except under CI, where a
missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.factories import PASSWORD, make_instructor

# Playwright's sync API runs an event loop in the test thread; Django's ORM would refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM:
        return
    if os.environ.get("CI"):
        raise pytest.UsageError("CI is set but Chromium is missing: apt-get install chromium")
    skip = pytest.mark.skip(reason="Chromium is not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture
def log_in(live_server: LiveServer) -> Callable[[Page, str], None]:
    """Return a function that signs a page in as a user, through the login form."""

    def sign_in(page: Page, username: str) -> None:
        page.goto(live_server.url + reverse("login"))
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("button", name="Log in")).to_have_count(0)

    return sign_in


@pytest.fixture
def instructor_page(page: Page, log_in: Callable[[Page, str], None]) -> Page:
    """The test's page, signed in as a new instructor."""
    log_in(page, make_instructor().username)
    return page
