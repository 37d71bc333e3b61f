"""Variant questions on the pages: drawn per attempt and per practice seed, reviews frozen."""

from __future__ import annotations

import copy
import re

import pytest
from django.urls import reverse

from quizzes.models import Attempt, Question, QuestionKind
from tests.factories import make_lesson, make_module, make_user
from tests.quizzes_factories import make_quiz
from tests.unit.quizzes.test_variants import SPECS
from tests.web.quizzes.helpers import main_of, practice_url, right_answers, start, submit_url

pytestmark = pytest.mark.django_db

PRESET = "reserved-concurrency-burst"


def make_variant(lesson, key="variant-throttles"):
    spec = SPECS["variant-reserved-burst-throttles"]
    return Question.objects.create(
        module=lesson.module,
        lesson=lesson,
        key=key,
        kind=QuestionKind.VARIANT,
        pick=1,
        stem_html="<p>template</p>",
        explanation_html="",
        scenario_slug=PRESET,
        variant=copy.deepcopy(spec),
    )


@pytest.fixture
def learner(client):
    user = make_user()
    client.force_login(user)
    return user


def test_a_review_keeps_the_numbers_it_was_asked_with_after_the_template_changes(client, learner):
    module = make_module()
    lesson = make_lesson(module)
    question = make_variant(lesson)
    quiz = make_quiz(module)
    attempt = start(client, quiz)
    asked = attempt.snapshot["questions"][0]
    params = asked["variant"]["params"]
    assert f"reserved concurrency {params['reserved']}" in asked["stem_html"]
    assert client.post(submit_url(attempt), right_answers(attempt)).status_code == 302
    attempt = Attempt.objects.get(pk=attempt.pk)
    first = main_of(client.get(attempt.result_url()).content.decode())
    answer = next(c for c in asked["choices"] if c["correct"])
    assert answer["text_html"] in first
    assert "Replay exactly this run in the sandbox" in first
    assert f"reserved={params['reserved']}" in first

    # The bank is reloaded with a changed template: other ranges, other words.
    changed = copy.deepcopy(question.variant)
    changed["stem"] = "Completely new wording with {burst}."
    changed["parameters"] = [
        {"name": "reserved", "from": 50, "to": 60, "step": 1},
        {"name": "burst", "from": 70, "to": 80, "step": 1},
        {"name": "duration", "choices": [2000]},
    ]
    Question.objects.filter(pk=question.pk).update(variant=changed)
    again = main_of(client.get(attempt.result_url()).content.decode())
    assert again == first
    assert "Completely new wording" not in again


def test_two_attempts_draw_their_own_parameters(client, learner):
    module = make_module()
    lesson = make_lesson(module)
    make_variant(lesson)
    quiz = make_quiz(module)
    drawn = set()
    for _ in range(6):
        attempt = start(client, quiz)
        client.post(submit_url(attempt), right_answers(attempt))
        drawn.add(tuple(sorted(attempt.snapshot["questions"][0]["variant"]["params"].items())))
    assert len(drawn) > 1


def test_practice_feedback_is_judged_on_the_drawn_numbers_and_shows_the_replay(client):
    module = make_module()
    lesson = make_lesson(module)
    question = make_variant(lesson)
    page = client.get(practice_url(lesson) + "?seed=41").content.decode()
    values = re.findall(r'name="choice" value="([a-f])"', page)
    assert len(values) == 4
    from quizzes.variants import realise

    asked = realise(question.as_snapshot(), 41)
    right = next(c["key"] for c in asked["choices"] if c["correct"])
    response = client.post(
        practice_url(lesson), {"question": question.key, "seed": 41, "choice": [right]}
    )
    assert response.status_code == 302
    feedback = client.get(response["Location"]).content.decode()
    assert "Correct" in feedback
    assert "Replay exactly this run in the sandbox" in feedback
    sandbox = reverse("lab:sandbox", kwargs={"module_slug": module.slug, "preset_slug": PRESET})
    assert sandbox in feedback
