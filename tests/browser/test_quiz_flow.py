"""A learner practises a question in a real browser, then takes and reviews the graded quiz."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from quizzes import services
from quizzes.models import Question
from tests.factories import PASSWORD, make_user
from tests.quizzes_factories import make_bank, make_quiz

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def choice_text(question: Question, key: str) -> str:
    return str(question.choices.get(key=key).text_html)


def test_practice_wrong_see_why_retry_then_take_and_review_the_graded_quiz(
    page: Page, live_server: LiveServer
) -> None:
    module, (lesson,), questions = make_bank(questions=3)
    questions[0].scenario_slug = "cold-then-warm"
    questions[0].save()
    quiz = make_quiz(module, title="Module quiz")
    user = make_user()
    first = questions[0]

    # Practice: a wrong answer shows the verdict in words and every explanation.
    practice_url = reverse(
        "quizzes:practice-lesson", kwargs={"module_slug": module.slug, "lesson_slug": lesson.slug}
    )
    page.goto(live_server.url + practice_url)
    expect(page.get_by_role("group", name=re.compile("Question 1 of 3"))).to_be_visible()
    page.get_by_label(choice_text(first, "b")).check()
    page.get_by_role("button", name="Check answer").click()
    expect(page.get_by_role("heading", name=re.compile("Incorrect"))).to_be_visible()
    for choice in first.choices.all():
        expect(page.get_by_text(re.sub(r"</?p>", "", choice.explanation_html))).to_be_visible()
    expect(page.get_by_text(re.sub(r"</?p>", "", first.explanation_html))).to_be_visible()
    expect(page.get_by_role("link", name="See it happen in the sandbox")).to_have_attribute(
        "href", f"/sandbox/{module.slug}/cold-then-warm/"
    )
    expect(page.locator("#practice-announcer")).to_contain_text("Not quite.")

    # Retry: the question comes back unanswered; the right answer is confirmed.
    page.get_by_role("link", name="Try this question again").click()
    page.get_by_label(choice_text(first, "a")).check()
    page.get_by_role("button", name="Check answer").click()
    expect(page.get_by_role("heading", name=re.compile("Correct"))).to_be_visible()

    # Log in and take the graded quiz.
    page.goto(live_server.url + reverse("login") + "?next=" + quiz.get_absolute_url())
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Module quiz")
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("group", name=re.compile(r"^Question \d"))).to_have_count(3)
    for question in questions[:2]:
        page.get_by_label(choice_text(question, "a")).check()
    page.get_by_label(choice_text(questions[2], "c")).check()
    expect(page.locator("#save-status")).to_contain_text("Saved at")
    page.get_by_role("button", name="Submit answers").click()

    expect(page.get_by_role("heading", name="Your score: 67%")).to_be_visible()
    expect(page.get_by_text("Not passed yet")).to_be_visible()
    expect(page.get_by_text("Your choice", exact=True)).to_have_count(3)
    expect(page.get_by_role("heading", name=re.compile("Incorrect"))).to_have_count(1)
    expect(page.get_by_text(re.sub(r"</?p>", "", questions[2].explanation_html))).to_be_visible()


def test_two_tabs_autosave_one_question_at_a_time_and_a_stale_change_is_refused(
    page: Page, live_server: LiveServer
) -> None:
    module, _, _ = make_bank(questions=3)
    quiz = make_quiz(module, title="Module quiz")
    user = make_user()
    attempt = services.start_attempt(quiz=quiz, user=user, now=timezone.now())
    one, two, three = (
        Question.objects.get(key=question["key"]) for question in attempt.snapshot["questions"]
    )
    page.goto(live_server.url + reverse("login") + "?next=" + attempt.get_absolute_url())
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("group", name=re.compile(r"^Question \d"))).to_have_count(3)
    tab_two = page.context.new_page()
    tab_two.goto(live_server.url + attempt.get_absolute_url())

    # Tab one: each change posts its own question and gets that question's new token back,
    # so quick changes to one question follow each other without looking stale.
    page.get_by_label(choice_text(one, "a")).check()
    expect(page.locator(f"#v-{one.key}")).to_have_value("1")
    page.get_by_label(choice_text(two, "a")).check()
    expect(page.locator(f"#v-{two.key}")).to_have_value("2")
    page.get_by_label(choice_text(one, "b")).check()
    page.get_by_label(choice_text(one, "c")).check()
    expect(page.locator(f"#v-{one.key}")).to_have_value("4")
    expect(page.locator("#save-status")).not_to_contain_text("another tab")

    # Tab two, drawn before all that: a question no one else changed saves; one that tab one
    # changed is refused with a message, and nothing tab one saved is lost.
    tab_two.get_by_label(choice_text(three, "a")).check()
    expect(tab_two.locator(f"#v-{three.key}")).to_have_value("5")
    expect(tab_two.locator("#save-status")).to_contain_text("Saved at")
    tab_two.get_by_label(choice_text(one, "a")).check()
    expect(tab_two.locator("#save-status")).to_contain_text(
        "This quiz changed in another tab or window — reload to see your latest answers."
    )
    attempt.refresh_from_db()
    assert attempt.answers == {one.key: ["c"], two.key: ["a"], three.key: ["a"]}

    tab_two.get_by_role("link", name="Reload this quiz").click()
    expect(tab_two.get_by_label(choice_text(one, "c"))).to_be_checked()
    expect(tab_two.get_by_label(choice_text(two, "a"))).to_be_checked()
    expect(tab_two.get_by_label(choice_text(three, "a"))).to_be_checked()
