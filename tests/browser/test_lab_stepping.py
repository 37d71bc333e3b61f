"""Stepping through a run in a real browser: plain links, then the keyboard, on two presets.

kinesis-poison-record: stepping walks batch by batch through the shard (the stream picture is
another view's; every view here is built at the step shown). sqs-partial-batch: msg-4's
receive count rises at each batch until it reaches the DLQ.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from course.lab.models import ScenarioPreset
from tests.helpers.lab import make_shipped_preset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCENARIOS = Path(__file__).resolve().parents[2] / "content" / "lambda-best-practices" / "scenarios"


def open_lab(page: Page, live_server, preset: ScenarioPreset) -> None:
    page.goto(live_server.url + reverse("lab:sandbox", args=[preset.module.slug, preset.slug]))
    expect(page.locator(".lab__status").first).to_contain_text("Ran ")


def now(page: Page):
    return page.locator(".stepper__now")


def event_number(page: Page) -> int:
    text = now(page).inner_text()
    match = re.search(r"Event ([\d,]+) of", text)
    assert match, text
    return int(match.group(1).replace(",", ""))


def receive_count(page: Page, message: str) -> str:
    """Return the message's line in the (folded) text alternative."""
    return page.locator(f"[id$='sqs-{message}-text']").text_content() or ""


def step(page: Page, jump: str) -> int:
    """Follow a stepper link and wait for the swap; return the new event number."""
    before = event_number(page)
    page.locator(f'[data-jump="{jump}"]').click()
    expect(now(page)).not_to_contain_text(f"Event {before} of")
    return event_number(page)


def test_sqs_stepping_shows_a_receive_count_rising_until_the_dlq(page: Page, live_server):
    preset = make_shipped_preset("sqs-partial-batch")
    open_lab(page, live_server, preset)
    page.get_by_role("link", name="step through it event by event").click()
    expect(now(page)).to_contain_text("Event 1 of")
    assert "at=0" in page.url
    counts = []
    for _ in range(6):
        next_batch = page.locator('[data-jump="next-batch"]')
        if not next_batch.count():
            break
        step(page, "next-batch")
        expect(now(page)).to_contain_text("BATCH_START")
        received = re.search(r"received (\d+) time", receive_count(page, "msg-4"))
        assert received, receive_count(page, "msg-4")
        counts.append(received.group(1))
    # maxReceiveCount 5: msg-4 comes back alone, batch after batch.
    assert counts == ["1", "2", "3", "4", "5"]
    # Step on event by event (links) until msg-4 is in the DLQ.
    at = event_number(page)
    for _ in range(40):
        if "in the DLQ" in receive_count(page, "msg-4"):
            break
        at = step(page, "next-event")
    expect(now(page)).to_contain_text("DLQ")
    assert "received 5 times" in receive_count(page, "msg-4")
    expect(page.locator(".mv--sqs .mv-msg--dlq")).to_have_count(1)
    # Back one event with the link: msg-4 is not in the DLQ yet.
    assert step(page, "previous-event") == at - 1
    assert "in the DLQ" not in receive_count(page, "msg-4")


def test_keyboard_steps_through_the_kinesis_poison_record_and_announces_each_step(
    page: Page, live_server
):
    preset = make_shipped_preset("kinesis-poison-record")
    open_lab(page, live_server, preset)
    page.get_by_role("link", name="step through it event by event").focus()
    page.keyboard.press("Enter")
    expect(now(page)).to_contain_text("Event 1 of")
    # Focus stays on the stepper after an htmx swap, so Tab/Enter keeps working.
    page.locator('[data-jump="next-batch"]').focus()
    page.keyboard.press("Enter")
    expect(now(page)).not_to_contain_text("Event 1 of")
    expect(now(page)).to_contain_text("BATCH_START")
    first_batch = event_number(page)
    assert page.evaluate("document.activeElement.dataset.jump") == "next-batch"
    page.keyboard.press("Enter")
    expect(now(page)).not_to_contain_text(f"Event {first_batch} of")
    second_batch = event_number(page)
    assert second_batch > first_batch
    # Arrow keys step one event either way (not from a form field), announced politely.
    page.locator("h1").click()
    page.keyboard.press("ArrowRight")
    expect(now(page)).to_contain_text(f"Event {second_batch + 1} of")
    live = page.locator("[data-step-live]")
    expect(live).to_contain_text(f"Event {second_batch + 1} of")
    assert live.get_attribute("aria-live") == "polite"
    page.keyboard.press("ArrowLeft")
    expect(now(page)).to_contain_text(f"Event {second_batch} of")
    page.keyboard.press("ArrowLeft")
    expect(now(page)).to_contain_text(f"Event {second_batch - 1} of")
    expect(page).to_have_url(re.compile(f"at={second_batch - 2}$"))
    # Typing in a knob does not step.
    page.locator(".lab__knobs input[type=number]").first.focus()
    page.keyboard.press("ArrowRight")
    expect(now(page)).to_contain_text(f"Event {second_batch - 1} of")
    # The previous-batch link walks back through the bisect history the same way.
    assert step(page, "previous-batch") == first_batch


def test_play_steps_forward_and_pause_stops(page: Page, live_server):
    preset = make_shipped_preset("sqs-partial-batch")
    open_lab(page, live_server, preset)
    page.get_by_role("link", name="step through it event by event").click()
    play = page.locator("[data-play]")
    expect(play).to_be_visible()
    play.click()
    expect(play).to_have_attribute("aria-pressed", "true")
    expect(now(page)).to_contain_text("Event 3 of", timeout=10_000)
    page.locator("[data-play]").click()
    expect(page.locator("[data-play]")).to_have_attribute("aria-pressed", "false")
    stopped = event_number(page)
    page.wait_for_timeout(3000)
    assert event_number(page) == stopped
