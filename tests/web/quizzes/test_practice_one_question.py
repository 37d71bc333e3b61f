"""A practice page fetches the one question it shows: its work does not grow with the set."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_user
from tests.quizzes_factories import make_bank
from tests.web.quizzes.helpers import answer, practice_url

pytestmark = pytest.mark.django_db

STEM = re.compile(r"Stem of question \d+")


def _page(client, url: str) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [query["sql"] for query in queries.captured_queries]


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "learner"])
def test_a_set_of_3_and_a_set_of_30_cost_the_same_queries_and_show_one_question(client, signed_in):
    if signed_in:
        client.force_login(make_user())
        client.get("/")  # the header's instructor check, cached from then on
    seen = []
    for size in (3, 30):
        _, (lesson,), questions = make_bank(questions=size, multiple_every=4)
        if signed_in:
            answer(client, lesson, questions[1], ["b"])  # a wrong answer: a missed question
        html, sql = _page(client, practice_url(lesson) + f"?q={questions[1].key}")
        assert f"Question 2 of {size}" in html
        assert STEM.findall(html) == [f"Stem of question {questions[1].key.split('-')[1]}"]
        # One query reads question text, for one question; one reads that question's choices.
        texts = [query for query in sql if "stem_html" in query]
        assert len(texts) == 1
        assert str(questions[1].pk) in texts[0]
        choices = [query for query in sql if 'FROM "quizzes_choice"' in query]
        assert len(choices) == 1
        assert f"IN ({questions[1].pk})" in choices[0]
        seen.append(len(sql))
    # Visitor: lesson, the set's ids and keys, the question, its choices. A learner adds the
    # session, the user and their practice answers (the header's instructor check is cached).
    assert seen == ([7, 7] if signed_in else [4, 4])


def test_answering_fetches_only_the_posted_question(client):
    _, (lesson,), questions = make_bank(questions=30)
    with CaptureQueriesContext(connection) as queries:
        response = answer(client, lesson, questions[5], ["a"])
    assert response.status_code == 302
    texts = [query["sql"] for query in queries.captured_queries if "stem_html" in query["sql"]]
    assert len(texts) == 1
    assert str(questions[5].pk) in texts[0]
    assert "Correct." in client.get(response["Location"]).content.decode()


def test_the_missed_only_walk_still_counts_the_whole_set(client):
    client.force_login(make_user())
    _, (lesson,), questions = make_bank(questions=30)
    for question in questions[:3]:
        answer(client, lesson, question, ["b"])
    html, _ = _page(client, practice_url(lesson) + "?missed=1")
    assert "Missed question 1 of 3" in html
    assert "All questions (30)" in html
    assert "Practice only what I missed (3)" in html
