"""Practice questions: one at a time, instant feedback, retry, practice only what I missed."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from quizzes.models import PracticeAnswer
from quizzes.practice import SESSION_KEY
from tests.factories import PASSWORD, make_user
from tests.quizzes_factories import make_bank, make_question
from tests.web.quizzes.helpers import answer, assert_no_answers_in, practice_url

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_lesson_practice_url_is_the_one_lessons_link_to():
    _, (lesson,), _ = make_bank(questions=1)
    assert practice_url(lesson) == f"/quizzes/{lesson.module.slug}/practice/{lesson.slug}/"


def test_practice_shows_one_question_without_revealing_the_answer(client):
    _, (lesson,), questions = make_bank(questions=3, multiple_every=3)
    response = client.get(practice_url(lesson))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Stem of question" in html
    assert html.count("<fieldset") == 1
    assert "Question 1 of 3" in html
    assert_no_answers_in(html, questions)


def test_a_multiple_response_question_uses_checkboxes_and_says_how_many(client):
    _, (lesson,), (question,) = make_bank(questions=1, multiple_every=1)
    html = client.get(practice_url(lesson)).content.decode()
    legend = re.search(r"<legend[^>]*>(.*?)</legend>", html, re.DOTALL)
    assert legend
    assert "Select 2." in legend.group(1)
    assert html.count('type="checkbox"') == 4
    assert 'type="radio"' not in html


@pytest.mark.parametrize("size", [5, 20])
def test_practice_page_query_count_is_constant(client, django_assert_num_queries, size):
    _, (lesson,), _ = make_bank(questions=size, multiple_every=4)
    # Lesson with module, the set's ids and keys, the one question shown, its choices; no
    # practice rows for a visitor.
    with django_assert_num_queries(4):
        assert client.get(practice_url(lesson)).status_code == 200


@pytest.mark.parametrize("size", [5, 20])
def test_practice_page_query_count_is_constant_for_a_learner(
    client, django_assert_num_queries, size
):
    _, (lesson,), questions = make_bank(questions=size, multiple_every=4)
    client.force_login(make_user())
    for question in questions[:3]:
        answer(client, lesson, question, ["b"])
    # Lesson, the set's ids and keys, the question shown, its choices, session, user,
    # practice answers, instructor check (header).
    with django_assert_num_queries(8):
        assert client.get(practice_url(lesson) + "?missed=1").status_code == 200


def test_a_wrong_answer_shows_every_explanation_and_the_sandbox_link(client):
    _, (lesson,), _ = make_bank(questions=0)
    question = make_question(lesson, scenario_slug="cold-then-warm")
    response = answer(client, lesson, question, ["b"])
    assert response.status_code == 302
    assert "answered=1" in response["Location"]
    html = client.get(response["Location"]).content.decode()
    assert "✗</span> Incorrect" in html
    for choice in question.choices.all():
        assert choice.explanation_html in html
    assert question.explanation_html in html
    assert f'href="/sandbox/{lesson.module.slug}/cold-then-warm/"' in html
    assert "See it happen in the sandbox" in html
    assert "Your choice" in html
    assert "Try this question again" in html


def test_htmx_answer_returns_the_feedback_fragment_and_announces_it(client):
    _, (lesson,), (question, _) = make_bank(questions=2)
    response = answer(client, lesson, question, ["a"], htmx=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="practice-question"' in html
    assert "✓</span> Correct" in html
    assert 'hx-swap-oob="innerHTML"' in html
    assert "Correct. The explanation of every choice follows." in html
    assert '<div id="practice-status" hx-swap-oob="true">' in html
    assert "You have answered 1 of 2 questions; 1 right" in html
    assert "Next question" in html


def test_retry_shows_the_same_question_unanswered_again(client):
    _, (lesson,), (question, _) = make_bank(questions=2)
    answer(client, lesson, question, ["b"])
    html = client.get(practice_url(lesson) + f"?q={question.key}").content.decode()
    assert question.stem_html in html
    assert "Check answer" in html
    assert_no_answers_in(html, [question])


def test_feedback_keeps_the_choice_order_the_learner_saw(client):
    _, (lesson,), (question,) = make_bank(questions=1)
    shown = client.get(practice_url(lesson) + "?seed=12345").content.decode()
    order = re.findall(r'name="choice" value="(\w+)"', shown)
    answer(client, lesson, question, ["a"], seed=12345)
    url = practice_url(lesson) + f"?q={question.key}&seed=12345&answered=1"
    feedback = client.get(url).content.decode()
    texts = re.findall(r"Option (\w) of question", feedback)
    assert texts == order


@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        (["zz"], "That choice is not part of this question"),
        ([], "Select 2 choices (you selected 0)."),
        (["a"], "Select 2 choices (you selected 1)."),
        (["a", "b", "c"], "Select only 2 choices."),
    ],
)
def test_bad_answers_get_a_clear_message_with_status_200(client, chosen, message):
    _, (lesson,), (question,) = make_bank(questions=1, multiple_every=1)
    for htmx in (False, True):
        response = answer(client, lesson, question, chosen, htmx=htmx)
        assert response.status_code == 200
        html = response.content.decode()
        assert message in html
        assert 'aria-invalid="true"' in html
        assert_no_answers_in(html, [question])
    assert SESSION_KEY not in client.session


def test_an_unknown_question_or_bad_seed_gets_a_message_not_an_error(client):
    _, (lesson,), (question,) = make_bank(questions=1)
    response = client.post(practice_url(lesson), {"question": "nope", "seed": 1, "choice": "a"})
    assert response.status_code == 200
    assert "no longer part of this practice set" in response.content.decode()
    response = client.post(
        practice_url(lesson), {"question": question.key, "seed": "x", "choice": "a"}
    )
    assert response.status_code == 200
    assert "Enter a whole number" in response.content.decode()


def test_anonymous_answers_live_in_the_session(client):
    _, (lesson,), (question,) = make_bank(questions=1)
    answer(client, lesson, question, ["b"])
    assert client.session[SESSION_KEY] == {str(question.pk): {"chosen": ["b"], "correct": False}}
    assert not PracticeAnswer.objects.exists()


def test_a_learner_keeps_every_try_as_a_row(client):
    user = make_user()
    client.force_login(user)
    _, (lesson,), (question,) = make_bank(questions=1)
    answer(client, lesson, question, ["b"])
    answer(client, lesson, question, ["a"])
    rows = list(
        PracticeAnswer.objects.order_by("answered_at", "pk").values_list("chosen", "correct")
    )
    assert rows == [(["b"], False), (["a"], True)]


def test_logging_in_keeps_the_visitors_practice_answers(client):
    user = make_user()
    _, (lesson,), (question,) = make_bank(questions=1)
    answer(client, lesson, question, ["b"])
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert list(PracticeAnswer.objects.values_list("user", "question", "correct")) == [
        (user.pk, question.pk, False)
    ]


@pytest.mark.parametrize("signed_in", [False, True])
def test_practice_only_what_i_missed_draws_the_last_wrong_answers(client, signed_in):
    if signed_in:
        client.force_login(make_user())
    _, (lesson,), (q1, q2, q3, q4) = make_bank(questions=4)
    answer(client, lesson, q1, ["b"])  # wrong
    answer(client, lesson, q2, ["a"])  # right
    answer(client, lesson, q3, ["b"])  # wrong, then right: no longer missed
    answer(client, lesson, q3, ["a"])
    answer(client, lesson, q4, ["c"])  # wrong

    html = client.get(practice_url(lesson) + "?missed=1").content.decode()
    assert "Practice only what I missed (2)" in html
    assert "Missed question 1 of 2" in html
    assert q1.stem_html in html

    # Answering the first missed question moves on to the next missed one, skipping q2 and q3.
    response = answer(client, lesson, q1, ["a"], htmx=True, missed="1")
    html = response.content.decode()
    assert f"?q={q4.key}&amp;missed=1" in html

    html = client.get(practice_url(lesson) + "?missed=1").content.decode()
    assert q4.stem_html in html
    assert "Missed question 1 of 1" in html


def test_nothing_missed_says_so(client):
    _, (lesson,), (question,) = make_bank(questions=1)
    answer(client, lesson, question, ["a"])
    html = client.get(practice_url(lesson) + "?missed=1").content.decode()
    assert "you have no wrong answers in this set" in html


def test_module_practice_draws_from_every_lesson(client):
    module, lessons, questions = make_bank(questions=4, lessons=2)
    url = reverse("quizzes:practice-module", kwargs={"module_slug": module.slug})
    html = client.get(url).content.decode()
    assert "Question 1 of 4" in html
    response = client.post(url, {"question": questions[1].key, "seed": 3, "choice": "a"})
    assert response.status_code == 302
    assert response["Location"].startswith(url)


def test_practice_posts_need_a_csrf_token():
    _, (lesson,), (question,) = make_bank(questions=1)
    client = Client(enforce_csrf_checks=True)
    response = answer(client, lesson, question, ["a"])
    assert response.status_code == 403


def test_unknown_lessons_are_not_found(client):
    module, _, _ = make_bank(questions=1)
    url = reverse(
        "quizzes:practice-lesson", kwargs={"module_slug": module.slug, "lesson_slug": "nope"}
    )
    assert client.get(url).status_code == 404


def test_an_answer_for_a_retired_question_is_refused_politely(client):
    _, (lesson,), (question,) = make_bank(questions=1)
    question.is_active = False
    question.save()
    response = answer(client, lesson, question, ["a"])
    assert response.status_code == 200
    html = response.content.decode()
    assert "There are no practice questions here yet." in html
    assert "no longer part of this practice set" in html
