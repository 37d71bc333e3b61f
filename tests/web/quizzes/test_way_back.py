"""A way back: weak topics link to their lesson's sections and to a set of the missed questions."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from course.models import Lesson
from quizzes.models import Attempt, Question
from tests.factories import make_user
from tests.quizzes_factories import make_bank, make_quiz
from tests.web.quizzes.helpers import (
    answer,
    practice_url,
    right_answers,
    start,
    submit_url,
    wrong_answers,
)

pytestmark = pytest.mark.django_db

LESSON_HTML = (
    '<p>Intro.</p><h2 id="cold-starts">Cold starts</h2><p>Why.</p>'
    '<div class="sandbox-embed" data-module="m" data-scenario="slow-init">'
    '<p class="sandbox-embed__title">Sandbox: Slow init</p></div>'
    '<h2 id="pinning">Pinning</h2><h3 id="more">More</h3>'
    '<div class="sandbox-embed" data-module="m" data-scenario="pinned">x</div>'
)
TOC = [
    {"level": 2, "anchor": "cold-starts", "title": "Cold starts"},
    {"level": 2, "anchor": "pinning", "title": "Pinning"},
    {"level": 3, "anchor": "more", "title": "More"},
]


@pytest.fixture
def learner(client: Client):
    user = make_user()
    client.force_login(user)
    return user


def sit(client: Client, quiz, *, wrong_topics: set[str], unanswered: int = 0) -> Attempt:
    """Submit an attempt: right everywhere except the questions of `wrong_topics`."""
    attempt = start(client, quiz)
    answers = right_answers(attempt)
    wrong = wrong_answers(attempt)
    for question in attempt.snapshot["questions"]:
        if question["topic"] in wrong_topics:
            answers[f"q-{question['key']}"] = wrong[f"q-{question['key']}"]
    response = client.post(submit_url(attempt), answers)
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert not attempt.is_open
    return attempt


def missed_keys(attempt: Attempt, lesson: Lesson) -> set[str]:
    return {q["key"] for q in attempt.snapshot["questions"] if q["topic"] == lesson.slug}


def hrefs(html: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'href="([^"]*)"', html)]


def set_keys(client: Client, url: str) -> list[str]:
    """Return the keys of the questions a practice page walks through."""
    response = client.get(url)
    assert response.status_code == 200
    keys: list[str] = response.context["pset"].keys
    return keys


def topic_row(html: str, title: str) -> str:
    match = re.search(rf"<tr>\s*<th scope=\"row\">{title}</th>.*?</tr>", html, re.DOTALL)
    assert match is not None
    return match.group(0)


# The result page -------------------------------------------------------------------------------


def test_the_result_links_only_weak_topics_to_their_lesson_and_missed_questions(client, learner):
    module, (strong, weak), _ = make_bank(questions=6, lessons=2)
    attempt = sit(client, make_quiz(module), wrong_topics={weak.slug})
    html = client.get(attempt.result_url()).content.decode()
    weak_row = topic_row(html, weak.title)
    strong_row = topic_row(html, strong.title)
    missed_url = f"{practice_url(weak)}?attempt={attempt.pk}"
    assert missed_url in hrefs(weak_row)
    assert weak.get_absolute_url() in hrefs(weak_row)
    assert "Practise the 3 questions you missed" in weak_row
    assert "Needs work" not in weak_row
    assert not any("/practice/" in href or "/modules/" in href for href in hrefs(strong_row))
    assert set_keys(client, missed_url) == sorted(
        missed_keys(attempt, weak), key=lambda key: int(key.rsplit("-", 1)[1])
    )


def test_a_weak_topic_links_the_sections_whose_sandbox_its_missed_questions_replay(client, learner):
    module, (lesson,), questions = make_bank(questions=3)
    Lesson.objects.filter(pk=lesson.pk).update(html=LESSON_HTML, toc=TOC)
    Question.objects.filter(pk=questions[0].pk).update(scenario_slug="pinned")
    Question.objects.filter(pk=questions[1].pk).update(scenario_slug="slow-init")
    Question.objects.filter(pk=questions[2].pk).update(scenario_slug="not-embedded")
    attempt = sit(client, make_quiz(module), wrong_topics={lesson.slug})
    row = topic_row(client.get(attempt.result_url()).content.decode(), lesson.title)
    url = lesson.get_absolute_url()
    # Reading order, the nearest heading above each embed.
    assert [h for h in hrefs(row) if h.startswith(url + "#")] == [
        f"{url}#cold-starts",
        f"{url}#more",
    ]
    assert "Cold starts</a>, <a" in row


def test_a_weak_topic_without_a_known_section_links_the_whole_lesson(client, learner):
    module, (lesson,), _ = make_bank(questions=2)
    attempt = sit(client, make_quiz(module), wrong_topics={lesson.slug})
    row = topic_row(client.get(attempt.result_url()).content.decode(), lesson.title)
    assert lesson.get_absolute_url() in hrefs(row)
    assert not any("#" in href for href in hrefs(row))


def test_the_missed_set_of_an_attempt_holds_exactly_the_missed_questions(client, learner):
    module, (lesson,), questions = make_bank(questions=5, multiple_every=2)
    quiz = make_quiz(module)
    attempt = start(client, quiz)
    answers = right_answers(attempt)
    wrong = wrong_answers(attempt)
    asked = [q["key"] for q in attempt.snapshot["questions"]]
    answers[f"q-{asked[0]}"] = wrong[f"q-{asked[0]}"]
    answers[f"q-{asked[3]}"] = wrong[f"q-{asked[3]}"]
    client.post(submit_url(attempt), answers)
    keys = set_keys(client, f"{practice_url(lesson)}?attempt={attempt.pk}")
    assert sorted(keys) == sorted([asked[0], asked[3]])


def test_answering_in_the_missed_set_stays_in_it(client, learner):
    module, (lesson,), questions = make_bank(questions=4)
    attempt = sit(client, make_quiz(module), wrong_topics={lesson.slug})
    url = f"{practice_url(lesson)}?attempt={attempt.pk}"
    html = client.get(url).content.decode()
    assert f'action="{practice_url(lesson)}?attempt={attempt.pk}"' in unescape(html)
    question = next(q for q in questions if q.key in html)
    response = client.post(url, {"question": question.key, "seed": 7, "choice": ["b"]})
    assert response.status_code == 302
    assert parse_qs(urlsplit(response["Location"]).query)["attempt"] == [str(attempt.pk)]
    page = client.get(response["Location"])
    assert page.context["answered"]
    assert len(page.context["pset"].keys) == 4


def test_another_learners_attempt_gives_404(client, learner):
    module, (lesson,), _ = make_bank(questions=2)
    quiz = make_quiz(module)
    attempt = sit(client, quiz, wrong_topics={lesson.slug})
    url = f"{practice_url(lesson)}?attempt={attempt.pk}"
    client.force_login(make_user())
    assert client.get(url).status_code == 404
    assert client.post(url, {"question": "x", "seed": 7, "choice": ["a"]}).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("attempt_param", ["abc", "99999", "12345678901", ""])
def test_an_unknown_attempt_gives_404(client, learner, attempt_param):
    _, (lesson,), _ = make_bank(questions=2)
    assert client.get(practice_url(lesson), {"attempt": attempt_param}).status_code == 404


def test_an_open_attempt_has_no_missed_set(client, learner):
    module, (lesson,), _ = make_bank(questions=2)
    attempt = start(client, make_quiz(module))
    assert client.get(f"{practice_url(lesson)}?attempt={attempt.pk}").status_code == 404


def test_before_the_review_opens_the_way_back_practises_the_whole_lesson(client, clock, learner):
    module, (lesson,), _ = make_bank(questions=3)
    quiz = make_quiz(module, review="after_close", time_limit_minutes=30)
    attempt = sit(client, quiz, wrong_topics={lesson.slug})
    row = topic_row(client.get(attempt.result_url()).content.decode(), lesson.title)
    assert practice_url(lesson) in hrefs(row)
    assert "attempt=" not in row
    assert f"Practise {lesson.title}" in row
    missed_url = f"{practice_url(lesson)}?attempt={attempt.pk}"
    assert client.get(missed_url).status_code == 404
    clock.advance(minutes=31)
    assert sorted(set_keys(client, missed_url)) == sorted(missed_keys(attempt, lesson))
    row = topic_row(client.get(attempt.result_url()).content.decode(), lesson.title)
    assert missed_url in hrefs(row)


def test_an_attempt_at_another_module_gives_404(client, learner):
    module, (lesson,), _ = make_bank(questions=2)
    other, _, _ = make_bank(questions=2)
    attempt = sit(
        client, make_quiz(other), wrong_topics=set(other.lessons.values_list("slug", flat=True))
    )
    assert client.get(f"{practice_url(lesson)}?attempt={attempt.pk}").status_code == 404


@pytest.mark.parametrize("size", [4, 16])
def test_result_page_with_weak_topics_uses_a_fixed_number_of_queries(
    client, learner, django_assert_num_queries, size
):
    module, lessons, _ = make_bank(questions=size, lessons=4, multiple_every=3)
    attempt = sit(client, make_quiz(module), wrong_topics={lesson.slug for lesson in lessons[:3]})
    url = attempt.result_url()
    # Session, user, attempt with quiz and module, missed questions, lessons, instructor check.
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("size", [4, 16])
def test_the_missed_set_uses_a_fixed_number_of_queries(
    client, learner, django_assert_num_queries, size
):
    module, (lesson,), _ = make_bank(questions=size, multiple_every=3)
    attempt = sit(client, make_quiz(module), wrong_topics={lesson.slug})
    url = f"{practice_url(lesson)}?attempt={attempt.pk}"
    # Session, user, lesson with module, attempt, the set's ids and keys, the question shown,
    # its choices, practice answers, instructor check.
    with django_assert_num_queries(9):
        assert client.get(url).status_code == 200


# The history page ------------------------------------------------------------------------------


def history_row(client: Client, lesson: Lesson) -> str:
    return topic_row(client.get(reverse("quizzes:history")).content.decode(), lesson.title)


def history_missed_url(client: Client, lesson: Lesson) -> str:
    row = history_row(client, lesson)
    return next(href for href in hrefs(row) if "keys=" in href)


def test_history_links_weak_topics_to_their_missed_questions_across_attempts(client, learner):
    module, (strong, weak), questions = make_bank(questions=6, lessons=2)
    first = sit(client, make_quiz(module), wrong_topics={weak.slug})
    second = sit(client, make_quiz(module), wrong_topics={weak.slug})
    row = history_row(client, weak)
    assert weak.get_absolute_url() in hrefs(row)
    assert "Practise the 3 questions you missed" in row
    url = history_missed_url(client, weak)
    assert url.startswith(practice_url(weak) + "?keys=")
    assert sorted(set_keys(client, url)) == sorted(
        missed_keys(first, weak) | missed_keys(second, weak)
    )
    assert not any("/practice/" in href for href in hrefs(history_row(client, strong)))


def test_a_question_answered_right_later_leaves_the_history_set(client, learner):
    module, (lesson,), questions = make_bank(questions=4)
    sit(client, make_quiz(module), wrong_topics={lesson.slug})
    answer(client, lesson, questions[0], ["a"])  # right in practice, after the quiz
    answer(client, lesson, questions[1], ["a"])
    url = history_missed_url(client, lesson)
    assert sorted(set_keys(client, url)) == sorted(q.key for q in questions[2:])
    # The set a link names stays fixed while the learner walks it.
    answer(client, lesson, questions[2], ["a"])
    assert sorted(set_keys(client, url)) == sorted(q.key for q in questions[2:])


def test_practice_misses_alone_make_a_weak_topic_with_its_missed_set(client, learner):
    _, (lesson,), questions = make_bank(questions=3)
    for question in questions:
        answer(client, lesson, question, ["b"])
    row = history_row(client, lesson)
    assert "0%" in row
    assert "Practise the 3 questions you missed" in row
    assert sorted(set_keys(client, history_missed_url(client, lesson))) == sorted(
        q.key for q in questions
    )


def test_another_learner_cannot_use_a_history_link(client, learner):
    _, (lesson,), questions = make_bank(questions=2)
    answer(client, lesson, questions[0], ["b"])
    url = history_missed_url(client, lesson)
    client.force_login(make_user())
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404


def test_a_changed_history_link_gives_404(client, learner):
    _, (lesson, other), questions = make_bank(questions=4, lessons=2)
    answer(client, lesson, questions[0], ["b"])
    url = history_missed_url(client, lesson)
    assert client.get(url.replace("keys=", "keys=x")).status_code == 404
    # A token is signed for its lesson: it does not open another lesson's set.
    moved = url.replace(practice_url(lesson), practice_url(other))
    assert client.get(moved).status_code == 404


def test_history_hides_misses_of_an_exam_whose_review_is_not_open(client, clock, learner):
    module, (lesson,), _ = make_bank(questions=3)
    quiz = make_quiz(module, review="after_close", time_limit_minutes=30)
    sit(client, quiz, wrong_topics={lesson.slug})
    row = history_row(client, lesson)
    assert "keys=" not in row
    assert practice_url(lesson) in hrefs(row)
    clock.advance(minutes=31)
    assert "Practise the 3 questions you missed" in history_row(client, lesson)


def test_history_waits_for_a_windowed_review(client, clock, learner):
    module, (lesson,), _ = make_bank(questions=2)
    quiz = make_quiz(
        module,
        review="after_close",
        time_limit_minutes=30,
        closes_at=clock.now + timedelta(hours=1),
    )
    sit(client, quiz, wrong_topics={lesson.slug})
    assert "keys=" not in history_row(client, lesson)
    clock.advance(hours=1)
    assert "keys=" in history_row(client, lesson)


@pytest.mark.parametrize("size", [4, 16])
def test_history_with_weak_topics_uses_a_fixed_number_of_queries(
    client, learner, django_assert_num_queries, size
):
    module, lessons, questions = make_bank(questions=size, lessons=4)
    for question in questions[: size // 2]:
        answer(client, question.lesson, question, ["b"])
    for _ in range(2):
        sit(client, make_quiz(module), wrong_topics={lesson.slug for lesson in lessons[:3]})
    # Session, user, attempts with quizzes and modules, practice answers, missed questions,
    # lessons, instructor check.
    with django_assert_num_queries(7):
        assert client.get(reverse("quizzes:history")).status_code == 200
