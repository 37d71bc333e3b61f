"""The sandbox in a real browser: embedded in a lesson, the lab page, step mode, keyboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Route, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MODULE = "lambda-best-practices"


def status(page: Page):
    return page.locator(".lab__status").first


def test_embedded_sandbox_runs_and_reacts_to_a_knob(page: Page, live_server, course_content):
    page.goto(f"{live_server.url}/modules/{MODULE}/execution-environment-lifecycle/")
    embed = page.locator('.sandbox-embed[data-scenario="cold-then-warm"]')
    embed.get_by_role("link", name="Run it here").click()
    lab = embed.locator(".lab")
    expect(lab.locator(".lab__status")).to_contain_text("1 cold start,")
    expect(lab.locator("svg.tl-svg")).to_be_visible()
    share = lab.get_by_role("link", name="Open this run in the full lab")
    before = share.get_attribute("href")

    # An idle lifetime shorter than the 10 s gap: the truck drives away, the second is cold too.
    lab.get_by_label(re.compile("Idle lifetime")).fill("5")
    lab.get_by_role("button", name="Run").click()
    expect(lab.locator(".lab__status")).to_contain_text("2 cold starts")
    expect(lab.locator(".metrics")).to_contain_text("1 → 2")
    after = lab.get_by_role("link", name="Open this run in the full lab").get_attribute("href")
    assert after != before
    assert after is not None
    assert "idle=5" in after
    # The lesson's own URL stays put.
    assert page.url.endswith("/execution-environment-lifecycle/")


def test_lab_page_url_follows_the_knobs_and_a_shared_url_shows_the_same_run(
    page: Page, live_server, course_content
):
    page.goto(f"{live_server.url}/sandbox/{MODULE}/cold-then-warm/")
    page.get_by_label(re.compile("Idle lifetime")).fill("5")
    page.get_by_role("button", name="Run").click()
    expect(status(page)).to_contain_text("2 cold starts")
    expect(page).to_have_url(re.compile(r"idle=5"))
    shared = page.url
    log = page.locator("#event-log").inner_text()

    other = page.context.new_page()
    other.goto(shared)
    expect(other.locator(".lab__status")).to_contain_text("2 cold starts")
    assert other.locator("#event-log").inner_text() == log


def test_step_mode_wait_past_the_idle_lifetime_gives_a_second_cold_start(
    page: Page, live_server, course_content
):
    page.goto(f"{live_server.url}/sandbox/{MODULE}/cold-then-warm/")
    page.get_by_role("button", name="Invoke once").click()
    expect(status(page)).to_contain_text("Ran 1 request: 1 cold start")
    page.get_by_role("button", name="Invoke once").click()
    expect(status(page)).to_contain_text("Ran 2 requests: 1 cold start,")
    page.get_by_role("button", name="Wait 10 min").click()
    page.get_by_role("button", name="Invoke once").click()
    expect(status(page)).to_contain_text("Ran 3 requests: 2 cold starts")
    expect(page).to_have_url(re.compile(r"steps=invoke%2Cinvoke%2Cwait%3A600000%2Cinvoke"))
    page.get_by_role("button", name="Undo").click()
    expect(status(page)).to_contain_text("Ran 2 requests")


def test_a_step_clicked_while_the_last_one_is_on_its_way_waits_for_it(
    page: Page, live_server, course_content
):
    """A queued second click would resend the old steps and lose the first: buttons wait."""
    page.goto(f"{live_server.url}/sandbox/{MODULE}/cold-then-warm/")
    held: list[Route] = []
    page.route(re.compile(r"action=wait"), lambda route: held.append(route), times=1)
    page.get_by_role("button", name="Invoke once").click()
    expect(status(page)).to_contain_text("Ran 1 request: 1 cold start")
    page.get_by_role("button", name="Wait 10 min").click()
    invoke = page.get_by_role("button", name="Invoke once")
    expect(invoke).to_be_disabled()  # while the wait is on its way
    expect(page.get_by_role("button", name="Run")).to_be_disabled()
    assert len(held) == 1
    held[0].continue_()
    invoke.click()  # waits until the new form is there
    expect(status(page)).to_contain_text("Ran 2 requests: 2 cold starts")


def test_the_lab_works_with_the_keyboard_alone(page: Page, live_server, course_content):
    page.goto(f"{live_server.url}/sandbox/{MODULE}/cold-then-warm/")
    field = page.get_by_label(re.compile("Idle lifetime"))
    field.focus()
    page.keyboard.press("Control+a")
    page.keyboard.type("5")
    page.keyboard.press("Enter")
    expect(status(page)).to_contain_text("2 cold starts")
    # Bars are links: Tab reaches them and Enter jumps to their log line.
    bar = page.locator("svg.tl-svg a").first
    bar.focus()
    expect(bar).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#log-ev-\d+$"))
