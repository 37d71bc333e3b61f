"""A long event log in a real browser: folded parts open where a timeline bar points.

async-throttling is a shipped preset whose detailed timeline links a few hundred bars to log
lines, most of them past the open head of the log, inside closed `<details>` parts.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from tests.helpers.lab import make_shipped_preset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def folded_bar(page: Page) -> tuple[str, str]:
    """Return (bar id, line id) of the first timeline bar whose log line is in a closed part."""
    found = page.evaluate(
        """() => {
          for (const bar of document.querySelectorAll('svg.tl-svg a[href^="#log-ev-"]')) {
            const line = document.getElementById(bar.getAttribute('href').slice(1));
            if (line && line.closest('details.event-log__part:not([open])')) {
              return [bar.id, line.id];
            }
          }
          return null;
        }"""
    )
    assert found, "some bar points into a folded part"
    return found[0], found[1]


def open_lab(page: Page, live_server) -> None:
    preset = make_shipped_preset("async-throttling")
    page.goto(live_server.url + reverse("lab:sandbox", args=[preset.module.slug, preset.slug]))


def test_a_timeline_bar_opens_the_folded_part_that_holds_its_line(page: Page, live_server):
    open_lab(page, live_server)
    bar_id, line_id = folded_bar(page)
    line = page.locator(f"#{line_id}")
    part = page.locator(f"details:has(#{line_id})")
    expect(line).to_be_hidden()
    page.locator(f"#{bar_id}").focus()
    page.keyboard.press("Enter")
    expect(part).to_have_attribute("open", "")
    expect(line).to_be_in_viewport()
    # Closed again by hand, the same bar (the same #hash: no navigation) opens it again.
    part.locator("summary").click()
    expect(line).to_be_hidden()
    page.locator(f"#{bar_id}").focus()
    page.keyboard.press("Enter")
    expect(line).to_be_in_viewport()


def test_a_shared_link_to_a_folded_line_opens_its_part(browser: Browser, page: Page, live_server):
    open_lab(page, live_server)
    _, line_id = folded_bar(page)
    shared = browser.new_context().new_page()
    shared.goto(page.url.split("#")[0] + f"#{line_id}")
    expect(shared.locator(f"details:has(#{line_id})")).to_have_attribute("open", "")
    expect(shared.locator(f"#{line_id}")).to_be_in_viewport()
    shared.context.close()


def test_without_javascript_the_bar_still_reaches_its_folded_line(browser: Browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    open_lab(page, live_server)
    bar_id, line_id = folded_bar(page)
    page.locator(f"#{bar_id}").focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#{line_id}")).to_be_in_viewport()
    context.close()


def test_with_errors_only_a_bar_of_a_success_opens_its_line_in_the_whole_log(
    page: Page, live_server
):
    open_lab(page, live_server)
    page.get_by_role("link", name="Errors only").click()
    expect(page.get_by_role("link", name="Errors only")).to_have_attribute("aria-current", "true")
    bar = page.locator('svg.tl-svg a[href*="?"][href*="#log-ev-"]').first
    line_id = (bar.get_attribute("href") or "").split("#")[1]
    expect(page.locator(f"#{line_id}")).to_have_count(0)  # this page does not list it
    bar.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="All events")).to_have_attribute("aria-current", "true")
    expect(page.locator(f"#{line_id}")).to_be_in_viewport()
