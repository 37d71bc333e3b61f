"""Graded quizzes: start, answer every question, submit once, review; snapshots outlive edits."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes import services
from quizzes.grading import grade
from quizzes.models import Attempt, AttemptEvent, AttemptStatus, Choice, Question
from tests.factories import make_user
from tests.quizzes_factories import make_bank, make_question, make_quiz
from tests.web.quizzes.helpers import (
    assert_no_answers_in,
    main_of,
    right_answers,
    start,
    submit_url,
    wrong_answers,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def learner(client):
    user = make_user()
    client.force_login(user)
    return user


def test_graded_quizzes_need_a_login(client):
    module, _, _ = make_bank(questions=2)
    quiz = make_quiz(module)
    response = client.get(quiz.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_starting_draws_the_quiz_questions_into_a_snapshot(client, learner):
    module, lessons, _ = make_bank(questions=12, lessons=3, multiple_every=3)
    quiz = make_quiz(module, question_count=6)
    attempt = start(client, quiz)
    questions = attempt.snapshot["questions"]
    assert len(questions) == 6
    assert sorted({q["topic"] for q in questions}) == sorted(lesson.slug for lesson in lessons)
    assert attempt.max_score == 6
    assert AttemptEvent.objects.filter(attempt=attempt, kind="started").count() == 1


def test_starting_twice_resumes_the_open_attempt(client, learner):
    module, _, _ = make_bank(questions=3)
    quiz = make_quiz(module)
    first = start(client, quiz)
    assert start(client, quiz) == first
    assert Attempt.objects.count() == 1


def test_the_attempt_page_asks_every_question_and_reveals_no_answer(client, learner):
    module, _, questions = make_bank(questions=6, multiple_every=2)
    attempt = start(client, make_quiz(module))
    response = client.get(attempt.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<fieldset") == 6
    assert html.count("<legend") == 6
    assert html.count("Select 2.") == 3
    assert html.count("Choose one.") == 3
    assert_no_answers_in(html, questions)


def test_the_page_shows_choices_in_the_recorded_shuffled_order(client, learner):
    module, (lesson,), _ = make_bank(questions=0)
    make_question(
        lesson,
        choices=[
            {"is_correct": True},
            {},
            {},
            {},
            {},
            {"locked": True, "text_html": "All of the above"},
        ],
    )
    attempt = start(client, make_quiz(module))
    html = client.get(attempt.get_absolute_url()).content.decode()
    recorded = [c["key"] for c in attempt.snapshot["questions"][0]["choices"]]
    assert re.findall(r'name="q-[\w-]+" value="(\w+)"', html) == recorded
    assert recorded[5] == "f"


@pytest.mark.parametrize("size", [5, 20])
def test_attempt_page_query_count_is_constant(client, learner, django_assert_num_queries, size):
    module, _, _ = make_bank(questions=size, lessons=2, multiple_every=3)
    attempt = start(client, make_quiz(module))
    # Session, user, attempt with quiz and module, instructor check (header).
    with django_assert_num_queries(4):
        assert client.get(attempt.get_absolute_url()).status_code == 200


def test_submitting_shows_score_pass_topics_and_a_full_review(client, learner):
    module, lessons, questions = make_bank(questions=4, lessons=2, multiple_every=2)
    quiz = make_quiz(module, pass_mark=75)
    attempt = start(client, quiz)
    answers = right_answers(attempt)
    wrong = wrong_answers(attempt)
    first_key = next(iter(answers))
    answers[first_key] = wrong[first_key]
    response = client.post(submit_url(attempt), answers)
    assert response.status_code == 302
    assert response["Location"] == attempt.result_url()
    attempt.refresh_from_db()
    assert (attempt.score, attempt.max_score, attempt.passed) == (3.0, 4.0, True)
    assert attempt.status == AttemptStatus.SUBMITTED

    html = client.get(attempt.result_url()).content.decode()
    assert "Your score: 75%" in html
    assert "✓</span> Passed" in html
    for lesson in lessons:
        assert lesson.title in html
    assert html.count("Your choice") == 6  # 2 single + 2 multiple × 2 picks
    assert html.count("✗</span> Incorrect") == 1
    for question in questions:
        assert question.stem_html in html
        assert question.explanation_html in html
        for choice in question.choices.all():
            assert choice.explanation_html in html


def test_a_failing_score_says_not_passed_in_words(client, learner):
    module, _, _ = make_bank(questions=2)
    attempt = start(client, make_quiz(module))
    client.post(submit_url(attempt), wrong_answers(attempt))
    html = client.get(attempt.result_url()).content.decode()
    assert "Your score: 0%" in html
    assert "✗</span> Not passed yet" in html


@pytest.mark.parametrize("size", [5, 20])
def test_result_page_query_count_is_constant(client, learner, django_assert_num_queries, size):
    module, _, _ = make_bank(questions=size, lessons=3, multiple_every=3)
    attempt = start(client, make_quiz(module))
    client.post(submit_url(attempt), right_answers(attempt))
    with django_assert_num_queries(4):
        assert client.get(attempt.result_url()).status_code == 200


def test_submitting_twice_keeps_the_first_result(client, learner):
    module, _, _ = make_bank(questions=3)
    attempt = start(client, make_quiz(module))
    client.post(submit_url(attempt), right_answers(attempt))
    response = client.post(submit_url(attempt), wrong_answers(attempt))
    assert response.status_code == 302
    assert response["Location"] == attempt.result_url()
    attempt.refresh_from_db()
    assert attempt.score == 3.0
    assert attempt.events.filter(kind="submitted").count() == 1


def test_the_submit_service_is_a_no_op_on_a_closed_attempt(learner):
    module, _, _ = make_bank(questions=2)
    quiz = make_quiz(module)
    now = timezone.now()
    attempt = services.start_attempt(quiz=quiz, user=learner, now=now)
    keys = {
        q["key"]: [c["key"] for c in q["choices"] if c["correct"]]
        for q in attempt.snapshot["questions"]
    }
    first = services.submit_answers(
        attempt_id=attempt.pk, answers=keys, versions={}, now=now
    ).attempt
    again = services.submit_answers(
        attempt_id=attempt.pk, answers={}, versions={}, now=now + timedelta(minutes=1)
    ).attempt
    assert (again.score, again.finished_at, again.answers) == (first.score, first.finished_at, keys)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda q, a: a.pop(f"q-{q['key']}"), "Choose an answer."),
        (lambda q, a: a.__setitem__(f"q-{q['key']}", ["zz"]), "not part of this question"),
    ],
)
def test_an_incomplete_or_bad_submission_is_re_shown_with_a_message(
    client, learner, mutate, message
):
    module, _, _ = make_bank(questions=3)
    attempt = start(client, make_quiz(module))
    answers = right_answers(attempt)
    mutate(attempt.snapshot["questions"][1], answers)
    response = client.post(submit_url(attempt), answers)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "Some answers need attention" in html
    assert 'href="#item-2"' in html
    assert html.count(" checked") == 2
    attempt.refresh_from_db()
    assert attempt.is_open
    assert len(attempt.answers) == 2  # the good answers were saved


def test_a_multiple_response_with_the_wrong_number_of_picks_is_refused(client, learner):
    module, _, _ = make_bank(questions=1, multiple_every=1)
    attempt = start(client, make_quiz(module))
    key = attempt.snapshot["questions"][0]["key"]
    response = client.post(submit_url(attempt), {f"q-{key}": ["a"]})
    assert response.status_code == 200
    assert "Select 2 choices (you selected 1)." in response.content.decode()
    response = client.post(submit_url(attempt), {f"q-{key}": ["a", "b", "c"]})
    assert "Select only 2 choices." in response.content.decode()


def test_htmx_autosave_stores_drafts_and_reports(client, learner):
    module, _, _ = make_bank(questions=2, multiple_every=2)
    attempt = start(client, make_quiz(module))
    single, multiple = sorted(attempt.snapshot["questions"], key=lambda q: q["kind"] == "multiple")
    url = attempt.get_absolute_url() + "save/"
    data = {f"q-{single['key']}": ["b"], f"q-{multiple['key']}": ["a"]}
    response = client.post(url, data, **HTMX)
    assert response.status_code == 200
    assert "Saved at" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.answers == {single["key"]: ["b"], multiple["key"]: ["a"]}
    assert attempt.sequence == 2
    html = client.get(attempt.get_absolute_url()).content.decode()
    assert html.count(" checked") == 2


def test_saving_without_javascript_redirects_back_to_the_attempt(client, learner):
    module, _, _ = make_bank(questions=1)
    attempt = start(client, make_quiz(module))
    key = attempt.snapshot["questions"][0]["key"]
    response = client.post(attempt.get_absolute_url() + "save/", {f"q-{key}": ["a"]})
    assert response.status_code == 302
    assert response["Location"] == attempt.get_absolute_url()


def test_attempt_posts_need_a_csrf_token(learner):
    module, _, _ = make_bank(questions=1)
    quiz = make_quiz(module)
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    url = reverse("quizzes:quiz-start", kwargs={"module_slug": module.slug, "quiz_slug": quiz.slug})
    assert client.post(url).status_code == 403


def test_another_learners_attempt_is_not_found(client, learner):
    module, _, _ = make_bank(questions=1)
    quiz = make_quiz(module)
    other = services.start_attempt(quiz=quiz, user=make_user(), now=timezone.now())
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.post(submit_url(other), {}).status_code == 404


def test_attempts_allowed_and_retake_delay_are_enforced(client, learner):
    module, _, _ = make_bank(questions=1)
    quiz = make_quiz(module, retake_delay_minutes=30, attempts_allowed=2)
    attempt = start(client, quiz)
    client.post(submit_url(attempt), right_answers(attempt))
    html = client.get(quiz.get_absolute_url()).content.decode()
    assert "You can take this quiz again in 30 minutes." in html
    response = client.post(quiz.get_absolute_url() + "start/", follow=True)
    assert "You can take this quiz again in 30 minutes." in response.content.decode()
    assert Attempt.objects.count() == 1

    Attempt.objects.update(finished_at=timezone.now() - timedelta(hours=1))
    attempt = start(client, quiz)
    client.post(submit_url(attempt), right_answers(attempt))
    Attempt.objects.update(finished_at=timezone.now() - timedelta(hours=1))
    html = client.get(quiz.get_absolute_url()).content.decode()
    assert "You have used all 2 attempts at this quiz." in html


@pytest.mark.parametrize("size", [5, 20])
def test_quiz_page_query_count_is_constant(client, learner, django_assert_num_queries, size):
    module, _, _ = make_bank(questions=size, lessons=2)
    quiz = make_quiz(module, question_count=4)
    for _ in range(2):
        attempt = start(client, quiz)
        client.post(submit_url(attempt), right_answers(attempt))
    # Session, user, quiz with module, the learner's attempts, accommodation, instructor check.
    with django_assert_num_queries(6):
        assert client.get(quiz.get_absolute_url()).status_code == 200


# Snapshots -------------------------------------------------------------------------------------


def test_editing_the_bank_never_changes_an_old_attempts_review_or_score(client, learner):
    module, _, questions = make_bank(questions=3, multiple_every=3)
    attempt = start(client, make_quiz(module))
    client.post(submit_url(attempt), right_answers(attempt))
    before = main_of(client.get(attempt.result_url()).content.decode())
    attempt.refresh_from_db()
    score = attempt.score

    # Reword, re-key and flip every answer, retire one question and delete another's choices.
    for question in questions:
        question.stem_html = "<p>Rewritten stem</p>"
        question.explanation_html = "<p>Rewritten explanation</p>"
        question.save()
    Choice.objects.update(is_correct=False, explanation_html="<p>Rewritten choice</p>")
    Choice.objects.filter(key="b").update(is_correct=True)
    Question.objects.filter(pk=questions[0].pk).update(is_active=False)
    questions[1].choices.all().delete()

    after = main_of(client.get(attempt.result_url()).content.decode())
    assert "Rewritten" not in after
    assert after == before
    attempt.refresh_from_db()
    assert attempt.score == score == 3.0
    assert grade(attempt.snapshot, attempt.answers).score == score


def test_an_open_attempt_keeps_asking_what_it_drew_after_an_edit(client, learner):
    module, _, questions = make_bank(questions=2)
    attempt = start(client, make_quiz(module))
    Question.objects.update(stem_html="<p>Rewritten stem</p>")
    html = client.get(attempt.get_absolute_url()).content.decode()
    assert "Rewritten stem" not in html
    for question in questions:
        assert question.stem_html in html


def test_partial_credit_recorded_at_start_applies_even_if_the_quiz_changes(client, learner):
    module, _, _ = make_bank(questions=1, multiple_every=1)
    quiz = make_quiz(module, partial_credit=True)
    attempt = start(client, quiz)
    question = attempt.snapshot["questions"][0]
    right = [c["key"] for c in question["choices"] if c["correct"]]
    html = client.get(attempt.get_absolute_url()).content.decode()
    assert "Select up to 2." in html
    quiz.partial_credit = False
    quiz.save()
    client.post(submit_url(attempt), {f"q-{question['key']}": right[:1]})
    attempt.refresh_from_db()
    assert attempt.score == 0.5  # one of two right choices, nothing wrong: (1 - 0) / 2
    other = services.start_attempt(quiz=quiz, user=make_user(), now=timezone.now())
    assert other.snapshot["partial_credit"] is False


# Starting --------------------------------------------------------------------------------------


def test_a_quiz_without_topics_draws_from_every_lesson_of_its_module(client, learner):
    module, lessons, questions = make_bank(questions=4, lessons=2)
    attempt = start(client, make_quiz(module, topics=[]))
    assert {q["key"] for q in attempt.snapshot["questions"]} == {q.key for q in questions}
    assert {q["topic"] for q in attempt.snapshot["questions"]} == {
        lesson.slug for lesson in lessons
    }


def test_a_quiz_that_has_not_opened_says_when_it_opens_and_cannot_be_started(client, learner):
    module, _, _ = make_bank(questions=2)
    opens_at = timezone.now() + timedelta(days=1)
    quiz = make_quiz(module, opens_at=opens_at)
    expected = f"This quiz opens on {opens_at:%d %B %Y at %H:%M}."
    html = client.get(quiz.get_absolute_url()).content.decode()
    assert expected in html
    assert "Start the quiz" not in html
    response = client.post(quiz.get_absolute_url() + "start/", follow=True)
    assert expected in response.content.decode()
    assert not Attempt.objects.exists()


def test_a_quiz_without_questions_cannot_be_started_and_says_so(client, learner):
    module, _, _ = make_bank(questions=0)
    quiz = make_quiz(module)
    response = client.post(quiz.get_absolute_url() + "start/", follow=True)
    assert response.redirect_chain == [(quiz.get_absolute_url(), 302)]
    assert "This quiz has no questions yet." in response.content.decode()
    assert not Attempt.objects.exists()


def test_an_autosave_that_changes_nothing_records_nothing(client, learner):
    module, _, _ = make_bank(questions=2)
    attempt = start(client, make_quiz(module))
    key = attempt.snapshot["questions"][0]["key"]
    url = attempt.get_absolute_url() + "save/"
    for _ in range(2):
        assert client.post(url, {f"q-{key}": ["b"]}, **HTMX).status_code == 200
    attempt.refresh_from_db()
    assert attempt.answers == {key: ["b"]}
    assert attempt.sequence == 1
    assert attempt.events.filter(kind=AttemptEvent.Kind.ANSWERED).count() == 1


def test_an_untimed_quiz_with_a_window_opens_its_review_when_the_window_closes(client, learner):
    module, _, _ = make_bank(questions=2)
    closes_at = timezone.now() + timedelta(hours=2)
    quiz = make_quiz(module, review="after_close", closes_at=closes_at)
    attempt = start(client, quiz)
    client.post(submit_url(attempt), right_answers(attempt))
    html = client.get(attempt.result_url()).content.decode()
    local = timezone.localtime(closes_at)
    assert f"opens when the quiz closes, on {local.day} {local:%b %Y, %H:%M}." in html
    assert "Because-" not in html


def test_a_passed_graded_quiz_has_no_certificate(client, learner):
    """Graded quizzes allow retakes and show their answers: only a passed exam is certified."""
    module, _, _ = make_bank(questions=2)
    attempt = start(client, make_quiz(module))
    client.post(submit_url(attempt), right_answers(attempt))
    attempt.refresh_from_db()
    assert attempt.passed
    assert not attempt.has_certificate
    html = client.get(attempt.result_url()).content.decode()
    assert "certificate" not in html.lower()
    assert client.get(attempt.certificate_url()).status_code == 404


def scenario_question_attempt(client, *, still_asked: bool) -> Attempt:
    module, _, questions = make_bank(questions=2)
    for question in questions:
        question.scenario_slug = "cold-then-warm"
        question.save()
    attempt = start(client, make_quiz(module))
    client.post(submit_url(attempt), right_answers(attempt))
    if not still_asked:  # a later load retired the questions that named the preset
        Question.objects.filter(module=module).update(is_active=False)
    return attempt


def test_the_review_links_each_question_to_its_sandbox_preset(client, learner):
    attempt = scenario_question_attempt(client, still_asked=True)
    html = client.get(attempt.result_url()).content.decode()
    url = reverse(
        "lab:sandbox",
        kwargs={"module_slug": attempt.quiz.module.slug, "preset_slug": "cold-then-warm"},
    )
    assert html.count(f'href="{url}"') == 2


def test_the_review_drops_links_to_presets_the_bank_no_longer_names(client, learner):
    attempt = scenario_question_attempt(client, still_asked=False)
    response = client.get(attempt.result_url())
    assert "cold-then-warm" not in response.content.decode()
    assert "See it happen in the sandbox" not in response.content.decode()
