"""Graded quizzes open in several tabs: a save applies only what it posts, from the latest version.

Autosave posts one question with the version token its page was drawn with; the "Save" and
"Submit" buttons post the whole page. A page drawn before another tab saved is stale for the
questions that tab changed: its changes to them are refused with a message, never saved over
them, and its empty answers never erase them.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from quizzes.models import Attempt, AttemptEvent
from tests.factories import make_user
from tests.quizzes_factories import make_bank, make_quiz
from tests.web.quizzes.helpers import start, submit_url

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
STALE = "This quiz changed in another tab or window — reload to see your latest answers."


@pytest.fixture
def learner(client):
    user = make_user()
    client.force_login(user)
    return user


def keys_of(attempt: Attempt) -> list[str]:
    return [question["key"] for question in attempt.snapshot["questions"]]


def save_url(attempt: Attempt) -> str:
    return attempt.get_absolute_url() + "save/"


def tokens_in(html: str) -> dict[str, str]:
    """Return the version token of each question in a page, by question key."""
    return dict(re.findall(r'name="v-([\w-]+)" id="v-[\w-]+" value="(\d+)"', html))


def whole_page(tokens: dict[str, str], answers: dict[str, list[str]]) -> dict[str, object]:
    """Return what the page's "Save" or "Submit" button posts: every token, the chosen answers."""
    data: dict[str, object] = {f"v-{key}": token for key, token in tokens.items()}
    data |= {f"q-{key}": chosen for key, chosen in answers.items()}
    return data


def one_question(tokens: dict[str, str], key: str, chosen: list[str]) -> dict[str, object]:
    """Return what autosave posts when one question changes: its choices and its token."""
    return {f"q-{key}": chosen, f"v-{key}": tokens[key]}


def eleven_questions(client: Client) -> tuple[Attempt, list[str]]:
    module, _, _ = make_bank(questions=11)
    attempt = start(client, make_quiz(module))
    return attempt, keys_of(attempt)


def ten_saved_in_tab_one(client: Client, attempt: Attempt, keys: list[str]) -> None:
    tab_one = tokens_in(client.get(attempt.get_absolute_url()).content.decode())
    for key in keys[:10]:
        data = one_question(tab_one, key, ["a"])
        response = client.post(save_url(attempt), data, headers={"HX-Request": "true"})
        assert STALE not in response.content.decode()


def test_every_question_carries_its_version_token_and_autosaves_alone(client, learner):
    attempt, keys = eleven_questions(client)
    html = client.get(attempt.get_absolute_url()).content.decode()
    assert tokens_in(html) == dict.fromkeys(keys, "0")
    for key in keys:
        assert f'hx-params="q-{key},v-{key}"' in html
    assert 'hx-post="' + save_url(attempt) + '"' in html
    assert '<form method="post" class="attempt-form" action="' + submit_url(attempt) + '">' in html


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "no-js"])
def test_a_stale_tab_saving_one_answer_erases_none_of_the_ten_another_tab_saved(
    client, learner, headers
):
    attempt, keys = eleven_questions(client)
    tab_two = tokens_in(client.get(attempt.get_absolute_url()).content.decode())
    ten_saved_in_tab_one(client, attempt, keys)

    # Tab two, drawn before those saves, posts the whole page with only question 11 answered.
    response = client.post(save_url(attempt), whole_page(tab_two, {keys[10]: ["b"]}), **headers)

    assert response.status_code == 200
    html = response.content.decode()
    assert STALE in html
    assert f'href="{attempt.get_absolute_url()}">Reload this quiz</a>' in html
    attempt.refresh_from_db()
    assert attempt.answers == {key: ["a"] for key in keys[:10]} | {keys[10]: ["b"]}
    refused = attempt.events.filter(kind=AttemptEvent.Kind.REFUSED)
    assert sorted(event.detail["question"] for event in refused) == sorted(keys[:10])
    assert {event.detail["why"] for event in refused} == {"stale"}


def test_a_stale_tab_autosaving_a_question_no_other_tab_changed_saves_it_quietly(client, learner):
    attempt, keys = eleven_questions(client)
    tab_two = tokens_in(client.get(attempt.get_absolute_url()).content.decode())
    ten_saved_in_tab_one(client, attempt, keys)
    response = client.post(save_url(attempt), one_question(tab_two, keys[10], ["b"]), **HTMX)
    html = response.content.decode()
    assert "Saved at" in html
    assert STALE not in html
    attempt.refresh_from_db()
    assert len(attempt.answers) == 11


def test_a_stale_tab_changing_an_answer_another_tab_saved_is_refused_and_says_reload(
    client, learner
):
    attempt, keys = eleven_questions(client)
    tab_two = tokens_in(client.get(attempt.get_absolute_url()).content.decode())
    ten_saved_in_tab_one(client, attempt, keys)
    for chosen in (["c"], []):  # a different answer, and clearing it
        response = client.post(save_url(attempt), one_question(tab_two, keys[2], chosen), **HTMX)
        html = response.content.decode()
        assert STALE in html
        assert "hx-swap-oob" not in html  # the stale token stays stale until a reload
    attempt.refresh_from_db()
    assert attempt.answers[keys[2]] == ["a"]


def test_each_autosave_hands_the_page_its_new_token(client, learner):
    attempt, keys = eleven_questions(client)
    tokens = tokens_in(client.get(attempt.get_absolute_url()).content.decode())
    for chosen in (["a"], ["b"], ["c"]):
        response = client.post(save_url(attempt), one_question(tokens, keys[0], chosen), **HTMX)
        html = response.content.decode()
        assert STALE not in html
        swapped = re.search(rf'name="v-{keys[0]}" id="v-{keys[0]}" value="(\d+)" hx-swap-oob', html)
        assert swapped
        tokens[keys[0]] = swapped.group(1)
    attempt.refresh_from_db()
    assert attempt.answers == {keys[0]: ["c"]}
    assert tokens[keys[0]] == str(attempt.answer_versions[keys[0]]) == "3"


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "no-js"])
def test_a_double_click_sends_the_same_token_twice_and_is_saved_once(client, learner, headers):
    attempt, keys = eleven_questions(client)
    tokens = tokens_in(client.get(attempt.get_absolute_url()).content.decode())
    data = whole_page(tokens, {keys[0]: ["b"], keys[1]: ["c"]})
    for _ in range(2):
        response = client.post(save_url(attempt), data, **headers)
        assert STALE not in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.answers == {keys[0]: ["b"], keys[1]: ["c"]}
    assert attempt.events.filter(kind=AttemptEvent.Kind.ANSWERED).count() == 2
    assert not attempt.events.filter(kind=AttemptEvent.Kind.REFUSED).exists()


def test_a_question_sent_as_its_token_alone_is_cleared_and_one_not_sent_is_untouched(
    client, learner
):
    attempt, keys = eleven_questions(client)
    tokens = tokens_in(client.get(attempt.get_absolute_url()).content.decode())
    client.post(save_url(attempt), whole_page(tokens, {keys[0]: ["a"], keys[1]: ["b"]}), **HTMX)
    attempt.refresh_from_db()
    fresh = {key: str(version) for key, version in attempt.answer_versions.items()}

    response = client.post(save_url(attempt), {f"v-{keys[0]}": fresh[keys[0]]}, **HTMX)

    assert STALE not in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.answers == {keys[0]: [], keys[1]: ["b"]}


def test_saving_the_whole_page_without_javascript_saves_and_redirects(client, learner):
    attempt, keys = eleven_questions(client)
    tokens = tokens_in(client.get(attempt.get_absolute_url()).content.decode())
    response = client.post(save_url(attempt), whole_page(tokens, {keys[0]: ["b"]}))
    assert response.status_code == 302
    assert response["Location"] == attempt.get_absolute_url()
    html = client.get(attempt.get_absolute_url()).content.decode()
    assert "Your answers are saved." in html
    assert STALE not in html
    assert tokens_in(html)[keys[0]] == "1"


def test_a_stale_page_saved_without_javascript_keeps_its_stale_tokens(client, learner):
    """The re-drawn page still cannot overwrite what the other tab saved; a reload can."""
    attempt, keys = eleven_questions(client)
    tab_two = tokens_in(client.get(attempt.get_absolute_url()).content.decode())
    ten_saved_in_tab_one(client, attempt, keys)
    html = client.post(save_url(attempt), whole_page(tab_two, {keys[10]: ["b"]})).content.decode()
    redrawn = tokens_in(html)
    assert {redrawn[key] for key in keys[:10]} == {"0"}
    assert redrawn[keys[10]] == "11"

    again = client.post(save_url(attempt), whole_page(redrawn, {keys[10]: ["b"]}))
    assert STALE in again.content.decode()
    reloaded = tokens_in(client.get(attempt.get_absolute_url()).content.decode())
    assert (
        client.post(save_url(attempt), whole_page(reloaded, {keys[10]: ["b"]})).status_code == 302
    )
    attempt.refresh_from_db()
    assert attempt.answers == {keys[10]: ["b"]} | {key: [] for key in keys[:10]}


def test_submitting_a_stale_page_submits_nothing_and_says_reload(client, learner):
    attempt, keys = eleven_questions(client)
    tab_two = tokens_in(client.get(attempt.get_absolute_url()).content.decode())
    ten_saved_in_tab_one(client, attempt, keys)
    answers = dict.fromkeys(keys, ["b"])

    response = client.post(submit_url(attempt), whole_page(tab_two, answers))

    assert response.status_code == 200
    assert STALE in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.is_open
    assert attempt.answers == {key: ["a"] for key in keys[:10]} | {keys[10]: ["b"]}
    reloaded = tokens_in(client.get(attempt.get_absolute_url()).content.decode())
    response = client.post(submit_url(attempt), whole_page(reloaded, answers))
    assert response["Location"] == attempt.result_url()
    attempt.refresh_from_db()
    assert attempt.answers == answers


def test_a_token_that_is_no_number_is_refused_as_stale_unless_it_changes_nothing(client, learner):
    attempt, keys = eleven_questions(client)
    client.post(save_url(attempt), {f"q-{keys[0]}": ["a"], f"v-{keys[0]}": "0"}, **HTMX)
    unchanged = {f"q-{keys[0]}": ["a"], f"v-{keys[0]}": "x"}
    assert STALE not in client.post(save_url(attempt), unchanged, **HTMX).content.decode()
    changed = {f"q-{keys[0]}": ["b"], f"v-{keys[0]}": "x"}
    assert STALE in client.post(save_url(attempt), changed, **HTMX).content.decode()
    attempt.refresh_from_db()
    assert attempt.answers == {keys[0]: ["a"]}
