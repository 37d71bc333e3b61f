"""The lab page at phone width and by keyboard: no sideways scroll, reachable details, zoom."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MODULE = "lambda-best-practices"
SCENARIOS = Path(__file__).resolve().parents[2] / "content" / MODULE / "scenarios"
PRESETS = sorted(path.stem for path in SCENARIOS.glob("*.yaml"))


def lab(live_server, slug: str, query: str = "") -> str:
    return f"{live_server.url}/sandbox/{MODULE}/{slug}/{query}"


def test_no_preset_lab_page_scrolls_sideways_at_375_px(page: Page, live_server, course_content):
    from course.lab.models import ScenarioPreset

    # Every preset the course shipped is walked, not a sample.
    assert set(PRESETS) == set(ScenarioPreset.objects.values_list("slug", flat=True))
    page.set_viewport_size({"width": 375, "height": 800})
    wide = {}
    for slug in PRESETS:
        page.goto(lab(live_server, slug))
        expect(page.locator(".lab__status").first).to_contain_text("Ran ")
        scroll, client = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if scroll > client:
            wide[slug] = (scroll, client)
    assert wide == {}


def test_tab_reaches_a_timeline_bar_whose_name_holds_its_details(
    page: Page, live_server, course_content
):
    page.goto(lab(live_server, "sync-timeout-reset"))
    region = page.get_by_role("region", name="Timeline (scrolls sideways)")
    region.focus()
    page.keyboard.press("Tab")
    focused = page.locator("svg.tl-svg a:focus")
    expect(focused).to_have_count(1)
    # Its accessible name is the lane and the bar's details, not only a hover tooltip.
    expect(focused).to_have_accessible_name(re.compile(r"^(Requests|Env \d+.*): t = .+"))
    first = focused.get_attribute("id")
    page.keyboard.press("Tab")
    following = page.locator("svg.tl-svg a:focus")
    expect(following).to_have_accessible_name(re.compile(r": t = \d.* · .+"))
    assert following.get_attribute("id") != first, "Tab moves from bar to bar"
    # A timeout bar names what happened and how long it ran.
    timeout = page.locator("svg.tl-svg a.tl-timeout").first
    expect(timeout).to_have_accessible_name(re.compile(r"^Env 1 .*outcome timeout"))
    timeout.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#log-ev-\d+$"))


def test_zoom_links_redraw_the_timeline_without_javascript(browser, live_server, course_content):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(lab(live_server, "idle-expiry"))
    expect(page.locator("#timeline-caption")).to_contain_text("skips")
    zoom = page.get_by_role("navigation", name="Zoom the timeline")
    zoom.get_by_role("link").last.click()
    expect(page).to_have_url(re.compile(r"from=\d+&to=\d+#timeline$"))
    expect(page.locator("#timeline-caption")).to_contain_text("zoomed in")
    expect(page.locator(".event-log__current")).to_contain_text("Only events from")
    page.get_by_role("navigation", name="Zoom the timeline").get_by_role(
        "link", name="Whole run"
    ).click()
    expect(page.locator("#timeline-caption")).not_to_contain_text("zoomed in")
    context.close()


@pytest.mark.parametrize("query", ["?from=abc&to=1", "?from=9&to=3", "?from=1e99&to=2e99"])
def test_a_junk_zoom_window_shows_the_whole_run(page: Page, live_server, course_content, query):
    response = page.goto(lab(live_server, "idle-expiry", query))
    assert response is not None
    assert response.status == 200
    expect(page.locator("#timeline-caption")).not_to_contain_text("zoomed in")
