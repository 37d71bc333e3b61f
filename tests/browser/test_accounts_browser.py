"""A visitor signs up, logs out and logs back in, in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_log_out_and_log_back_in(page: Page, live_server):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill("grace")
    page.get_by_label("Email address").fill("grace@example.com")
    page.get_by_label("Password:", exact=True).fill("a-very-good-password")
    page.get_by_label("Password confirmation").fill("a-very-good-password")
    page.get_by_role("button", name="Sign up").click()
    # Back on the page the visitor signed up from, now signed in.
    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator("summary", has_text="grace")).to_be_visible()

    page.locator("summary", has_text="grace").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="You are logged out")).to_be_visible()

    page.get_by_role("link", name="Log in again").click()
    page.get_by_label("Username").fill("grace")
    page.get_by_label("Password").fill("a-very-good-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("summary", has_text="grace")).to_be_visible()
