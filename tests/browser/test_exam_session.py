"""A candidate sits a short timed exam in Chromium: answers, flags, reloads, runs out of time."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from quizzes import services
from quizzes.models import Attempt, AttemptStatus
from tests.factories import PASSWORD, make_user
from tests.quizzes_factories import make_bank, make_exam

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def label_of(attempt: Attempt, number: int, key: str) -> str:
    question = attempt.snapshot["questions"][number - 1]
    return str(next(c["text_html"] for c in question["choices"] if c["key"] == key))


def test_sit_a_one_minute_exam_reload_midway_and_see_it_submitted_when_time_runs_out(
    page: Page, live_server: LiveServer
) -> None:
    module, _, _ = make_bank(questions=3)
    quiz = make_exam(module, title="One-minute exam", time_limit_minutes=1)
    user = make_user()

    page.goto(live_server.url + reverse("login") + "?next=" + quiz.get_absolute_url())
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Start the exam")).to_be_visible()

    # The attempt started 46 s ago on the server's clock: its deadline is 14 s away.
    attempt = services.start_attempt(
        quiz=quiz, user=user, now=timezone.now() - timedelta(seconds=46)
    )
    assert attempt.deadline is not None
    page.goto(live_server.url + attempt.question_url(1))
    expect(page.get_by_role("group", name=re.compile("Question 1 of 3"))).to_be_visible()
    expect(page.locator("#exam-timer")).to_have_class(re.compile("exam-timer--warning"))

    # Answer and flag question 1: each click is saved, with a receipt.
    page.get_by_label(label_of(attempt, 1, "a")).check()
    expect(page.locator("#save-region")).to_contain_text("Saved")
    page.get_by_label("Mark for review").check()
    expect(page.locator("#grid-cell-1 a")).to_have_class(re.compile("grid-cell--flagged"))
    page.get_by_role("button", name="Save and next").click()
    expect(page.get_by_role("group", name=re.compile("Question 2 of 3"))).to_be_visible()
    page.get_by_label(label_of(attempt, 2, "b")).check()
    expect(page.locator("#save-region")).to_contain_text("Saved")

    # Reload: the answer is still there and the clock has not been reset.
    before = int(page.locator("#exam-timer").get_attribute("data-remaining") or 0)
    page.reload()
    expect(page.get_by_label(label_of(attempt, 2, "b"))).to_be_checked()
    after = int(page.locator("#exam-timer").get_attribute("data-remaining") or 0)
    assert 0 < after <= before <= 14
    expect(page.locator("#grid-cell-1 a")).to_have_accessible_name(
        re.compile("answered, flagged for review")
    )

    # The timer can be hidden; its warnings and announcements stay.
    page.get_by_role("button", name="Hide timer").click()
    expect(page.locator("[data-timer-clock]")).to_be_hidden()
    page.get_by_role("button", name="Show timer").click()
    expect(page.locator("[data-timer-clock]")).to_be_visible()

    # Time runs out in the browser: the page submits and the result and review appear.
    expect(page.get_by_role("heading", name=re.compile("scaled score"))).to_be_visible(
        timeout=25_000
    )
    expect(page.get_by_text("Time ran out.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^Fail: scaled score 400"))).to_be_visible()
    expect(page.get_by_text("Your choice", exact=True)).to_have_count(2)
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.EXPIRED
    assert attempt.finished_at == attempt.deadline
    assert attempt.score == 1.0
