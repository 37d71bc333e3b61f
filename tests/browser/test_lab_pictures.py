"""The lab's pictures in a real browser: the bisect walked batch by batch, the alias's counts.

Expected values come from the scenarios, not from pages: the bisect's ranges are the halving
of the batch down to the poison record, and the alias counts are the INVOKE events per version
in the engine's own trace of the same preset.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from course.sandbox import Kind, Scenario, simulate
from tests.helpers.lab import make_shipped_preset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCENARIOS = Path(__file__).resolve().parents[2] / "content" / "lambda-best-practices" / "scenarios"


def halvings(first: int, last: int, poison: int) -> list[tuple[int, int]]:
    """Return the ranges a bisecting mapping tries, failing ranges split until one record."""
    tried = [(first, last)]
    if first <= poison <= last and first < last:
        middle = (first + last) // 2
        for half in ((first, middle), (middle + 1, last)):
            tried += halvings(*half, poison)
    return tried


def ranges_shown(page: Page) -> list[tuple[int, int]]:
    items = page.locator(".mech-stream .mech-tree__item").all_text_contents()
    found = []
    for text in items:
        match = re.match(r"Records? (\d+)(?:–(\d+))?", text)
        if match:
            first = int(match.group(1))
            found.append((first, int(match.group(2) or first)))
    return found


def test_stepping_walks_the_bisect_down_to_the_poison_record_and_back(page: Page, live_server):
    preset = make_shipped_preset("kinesis-bisect")
    batch = preset.scenario["Source"]["EventSourceMapping"]["BatchSize"]
    poison = int(preset.scenario["Faults"][0]["Match"]["EventIds"][0])
    expected = halvings(1, batch, poison)
    assert (poison, poison) in expected
    url = live_server.url + reverse("lab:sandbox", args=[preset.module.slug, preset.slug])
    page.goto(url + "?at=0")
    expect(page.locator(".stepper__now")).to_contain_text("Event 1 of")
    seen: list[list[tuple[int, int]]] = []
    checkpoints: list[int] = []
    while True:
        link = page.locator('[data-jump="next-batch"]')
        if link.count() == 0:
            break
        before = page.locator(".stepper__now").inner_text()
        link.click()
        expect(page.locator(".stepper__now")).not_to_have_text(before)
        page.locator(".mech-stream details").first.evaluate("d => d.open = true")
        shown = ranges_shown(page)
        seen.append(shown)
        # The tree only grows, and only with ranges the bisect tries.
        assert set(shown) <= set(expected)
        assert len(seen) == 1 or set(seen[-2]) <= set(shown)
        # Once drawn, the checkpoint marker never moves back.
        label = page.locator(".mech-stream .mv__label").first.text_content() or ""
        if match := re.search(r"checkpoint after (\d+)", label):
            checkpoints.append(int(match.group(1)))
            assert checkpoints == sorted(checkpoints)
    assert sorted(seen[-1]) == sorted(expected)
    # The good half before the poison record is checkpointed first …
    assert checkpoints[0] < poison
    # … and at the last event the whole batch is behind the checkpoint.
    page.get_by_role("link", name="Last event").click()
    expect(page.locator(".mech-stream .mv__label").first).to_contain_text(
        f"checkpoint after {batch}"
    )
    page.go_back()
    # And back: one batch earlier the tree is what it was at that batch.
    expect(page.locator('[data-jump="previous-batch"]')).to_be_visible()
    before = page.locator(".stepper__now").inner_text()
    page.locator('[data-jump="previous-batch"]').click()
    expect(page.locator(".stepper__now")).not_to_have_text(before)
    page.locator(".mech-stream details").first.evaluate("d => d.open = true")
    assert ranges_shown(page) == seen[-2]


def test_the_alias_picture_shows_how_many_requests_each_version_served(page: Page, live_server):
    preset = make_shipped_preset("weighted-alias")
    result = simulate(Scenario.from_dict(preset.scenario))
    served = Counter(
        event.version for event in result.events if event.kind is Kind.INVOKE and event.version
    )
    assert sum(served.values()) == result.metrics.invocations
    page.goto(live_server.url + reverse("lab:sandbox", args=[preset.module.slug, preset.slug]))
    alias = page.locator(".mech-alias")
    expect(alias).to_be_visible()
    text = alias.inner_text()
    for version, count in served.items():
        assert re.search(rf"Version {version}\b[^\n]*\n?[^\n]*{count:,}", text), (version, count)


def test_the_fan_outs_filter_policies_read_as_small_as_its_legend_on_a_phone(
    page: Page, live_server
):
    preset = make_shipped_preset("chain-fanout")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + reverse("lab:sandbox", args=[preset.module.slug, preset.slug]))
    policy = page.locator(".mv-fan-filters li").first
    expect(policy).to_contain_text("filter policy")
    size = policy.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    figure = page.locator("figure.mv--fanout").first
    body = figure.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size < body  # a note under the picture, not body text
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
