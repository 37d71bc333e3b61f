"""A learner reads lesson 1, follows "next", marks lessons complete and sees progress move."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_read_follow_next_and_mark_complete(page: Page, live_server, course_content):
    page.goto(live_server.url + "/modules/lambda-best-practices/")
    expect(page.get_by_text("0% complete").first).to_be_visible()
    page.get_by_role("link", name="The execution environment lifecycle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The execution environment lifecycle")
    expect(page.locator(".analogy--food-truck")).to_be_visible()

    page.get_by_role("button", name="Mark lesson complete").click()
    expect(page.get_by_text("You completed this lesson")).to_be_visible()
    expect(page.locator("#lesson-progress").get_by_text("8% complete")).to_be_visible()

    page.locator("a[rel=next]").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Function configuration")
    page.get_by_role("button", name="Mark lesson complete").click()
    expect(page.locator("#lesson-progress").get_by_text("15% complete")).to_be_visible()

    page.goto(live_server.url + "/")
    expect(
        page.get_by_role("link", name="Continue where you left off: Function configuration: memory")
    ).to_be_visible()
    expect(page.get_by_text("15% complete")).to_be_visible()


def test_code_tabs_switch_with_the_keyboard(page: Page, live_server, course_content):
    page.goto(live_server.url + "/modules/lambda-best-practices/function-code/")
    tabs = page.locator("[data-tabs]").first.get_by_role("tab")
    expect(tabs.first).to_have_attribute("aria-selected", "true")
    tabs.first.focus()
    page.keyboard.press("ArrowRight")
    expect(tabs.nth(1)).to_have_attribute("aria-selected", "true")
    expect(tabs.nth(1)).to_be_focused()


def test_lesson_reads_on_a_phone_without_horizontal_scrolling(
    page: Page, live_server, course_content
):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server.url + "/modules/lambda-best-practices/streams/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
