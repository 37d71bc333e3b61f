"""Timed exams: the server's clock, autosave with version tokens, navigation, expiry, results."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import resolve, reverse

from quizzes import services
from quizzes.models import Attempt, AttemptEvent, AttemptStatus, Quiz
from quizzes.receipt import receipt_hash
from tests.factories import make_instructor, make_user
from tests.quizzes_factories import make_accommodation, make_bank, make_exam

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(client, clock):
    """A logged-in learner; the session is made on the fake clock, so it does not expire."""
    user = make_user()
    client.force_login(user)
    return user


def start_exam(client: Client, quiz: Quiz) -> Attempt:
    url = reverse(
        "quizzes:quiz-start", kwargs={"module_slug": quiz.module.slug, "quiz_slug": quiz.slug}
    )
    response = client.post(url)
    assert response.status_code == 302
    attempt = Attempt.objects.get(pk=resolve(response["Location"]).kwargs["attempt_id"])
    assert attempt.status == AttemptStatus.IN_PROGRESS
    assert response["Location"] == attempt.question_url(1)
    return attempt


def key_of(attempt: Attempt, number: int) -> str:
    return str(attempt.snapshot["questions"][number - 1]["key"])


def right(attempt: Attempt, number: int) -> list[str]:
    question = attempt.snapshot["questions"][number - 1]
    return [c["key"] for c in question["choices"] if c["correct"]]


def wrong(attempt: Attempt, number: int) -> list[str]:
    question = attempt.snapshot["questions"][number - 1]
    return [c["key"] for c in question["choices"] if not c["correct"]][: question["pick"]]


def save(
    client: Client,
    attempt: Attempt,
    number: int,
    choices: list[str],
    *,
    version: int | None = None,
    flag: bool = False,
    htmx: bool = True,
    go: str | None = None,
):
    if version is None:
        attempt.refresh_from_db()
        version = int(attempt.answer_versions.get(key_of(attempt, number), 0))
    data: dict[str, object] = {"choice": choices, "version": version}
    if flag:
        data["flag"] = "on"
    if go:
        data["go"] = go
    if htmx:
        return client.post(attempt.answer_url(number), data, headers={"HX-Request": "true"})
    return client.post(attempt.answer_url(number), data)


def submit(client: Client, attempt: Attempt, **data: str):
    return client.post(attempt.submit_url(), data)


def main_of(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def assert_no_answers_in(html: str) -> None:
    """Nothing that says which choice is right reaches the page (factory texts are marked)."""
    assert "Because-" not in html
    assert "Why-" not in html
    assert not re.search(r"correct", main_of(html) if "<main" in html else html, re.IGNORECASE)


# Sitting the exam -----------------------------------------------------------------------------


def test_an_exam_opens_at_question_one_with_the_time_left_from_the_server(client, learner, clock):
    module, _, _ = make_bank(questions=5, lessons=2, multiple_every=2)
    quiz = make_exam(module, time_limit_minutes=10)
    attempt = start_exam(client, quiz)
    assert attempt.deadline == clock.now + timedelta(minutes=10)
    clock.advance(seconds=75)
    html = client.get(attempt.question_url(1)).content.decode()
    assert "Question 1 of 5" in html
    assert '<span class="exam-timer__clock" data-timer-clock>8:45</span>' in html
    assert "Ends at 10:10:00" in html
    assert 'data-remaining="525"' in html
    assert html.count('id="grid-cell-') == 5
    assert f'action="{attempt.answer_url(1)}"' in html
    assert f'hx-post="{attempt.answer_url(1)}"' in html
    assert_no_answers_in(html)


@pytest.mark.parametrize("size", [5, 30])
def test_question_and_review_pages_have_a_constant_query_count(
    client, learner, clock, django_assert_num_queries, size
):
    module, _, _ = make_bank(questions=size, lessons=3)
    attempt = start_exam(client, make_exam(module))
    client.get(attempt.question_url(1))
    # Session, user, attempt with quiz and module (the header's instructor check is cached).
    with django_assert_num_queries(3):
        assert client.get(attempt.question_url(2)).status_code == 200
    with django_assert_num_queries(3):
        assert client.get(attempt.review_url()).status_code == 200
    # Session, user; savepoint, the attempt read once and locked, its update, the event,
    # release (no instructor check: the partial has no header).
    with django_assert_num_queries(7):
        assert save(client, attempt, 1, ["a"], version=0).status_code == 200


def test_an_htmx_save_stores_the_answer_and_answers_with_a_receipt_and_the_grid_cell(
    client, learner, clock
):
    module, _, _ = make_bank(questions=3)
    attempt = start_exam(client, make_exam(module))
    clock.advance(seconds=7)
    response = save(client, attempt, 2, ["b"], version=0)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Saved 10:00:07" in html
    assert '<input type="hidden" name="version" value="1">' in html
    assert 'id="grid-cell-2" hx-swap-oob="true"' in html
    assert "grid-cell--answered" in html
    assert 'data-exam-remaining="593"' in html
    attempt.refresh_from_db()
    assert attempt.answers == {key_of(attempt, 2): ["b"]}
    assert attempt.answer_versions == {key_of(attempt, 2): 1}
    event = attempt.events.get(kind=AttemptEvent.Kind.ANSWERED)
    assert event.detail["question"] == key_of(attempt, 2)
    html = client.get(attempt.question_url(2)).content.decode()
    assert re.search(r'value="b" id="choice-b" checked', html)
    assert "Saved 10:00:07" in html


def test_without_javascript_every_button_saves_and_moves(client, learner, clock):
    module, _, _ = make_bank(questions=3)
    attempt = start_exam(client, make_exam(module))
    response = save(client, attempt, 1, ["a"], htmx=False, go="next")
    assert response["Location"] == attempt.question_url(2)
    response = save(client, attempt, 2, ["c"], htmx=False, go="prev", flag=True)
    assert response["Location"] == attempt.question_url(1)
    response = save(client, attempt, 1, ["b"], htmx=False, go="review")
    assert response["Location"] == attempt.review_url()
    attempt.refresh_from_db()
    assert attempt.answers == {key_of(attempt, 1): ["b"], key_of(attempt, 2): ["c"]}
    assert attempt.flags == [key_of(attempt, 2)]


def test_flags_are_saved_and_the_review_screen_lists_unanswered_and_flagged(client, learner, clock):
    module, _, _ = make_bank(questions=4)
    attempt = start_exam(client, make_exam(module))
    save(client, attempt, 1, ["a"])
    save(client, attempt, 2, [], flag=True)
    save(client, attempt, 3, ["b"], flag=True)
    html = client.get(attempt.review_url()).content.decode()
    assert "You have answered 2 of 4 questions" in html
    unanswered = html[html.index("Unanswered (2)") : html.index("Flagged for review")]
    assert "Question 2" in unanswered
    assert "Question 4" in unanswered
    assert "Question 3" not in unanswered
    flagged = html[html.index("Flagged for review (2)") : html.index("All questions")]
    assert "Question 2</a> (not answered)" in flagged
    assert "Question 3</a></li>" in flagged
    assert f'action="{attempt.submit_url()}"' in html
    assert_no_answers_in(html)
    kinds = list(attempt.events.values_list("kind", flat=True))
    assert kinds.count(AttemptEvent.Kind.FLAGGED) == 2


def test_an_answer_that_breaks_the_rules_is_not_saved_and_says_why(client, learner, clock):
    module, _, _ = make_bank(questions=2)
    attempt = start_exam(client, make_exam(module))
    html = save(client, attempt, 1, ["a", "b"]).content.decode()
    assert "Select only one choice. Nothing was saved." in html
    html = save(client, attempt, 1, ["z"], htmx=False).content.decode()
    assert "That choice is not part of this question" in html
    attempt.refresh_from_db()
    assert attempt.answers == {}


# Integrity -------------------------------------------------------------------------------------


def test_a_stale_second_tab_cannot_overwrite_a_newer_answer(client, learner, clock):
    module, _, _ = make_bank(questions=2)
    attempt = start_exam(client, make_exam(module))
    # Both tabs drew question 1 with version 0; tab B saves first.
    clock.advance(seconds=30)
    save(client, attempt, 1, ["b"], version=0)
    clock.advance(seconds=30)
    response = save(client, attempt, 1, ["c"], version=0)
    html = response.content.decode()
    assert response.status_code == 200
    assert "This answer was changed in another tab or window at 10:00:30; reload to see it." in html
    assert '<input type="hidden" name="version" value="0">' in html
    attempt.refresh_from_db()
    assert attempt.answers == {key_of(attempt, 1): ["b"]}
    refused = attempt.events.get(kind=AttemptEvent.Kind.REFUSED)
    assert refused.detail["why"] == "stale"
    assert refused.detail["chosen"] == ["c"]

    # Without JavaScript the page comes back showing what is saved now, with the message.
    html = save(client, attempt, 1, ["c"], version=0, htmx=False, go="next").content.decode()
    assert "changed in another tab or window at 10:00:30" in html
    assert re.search(r'value="b" id="choice-b" checked', html)
    assert '<input type="hidden" name="version" value="1">' in html


def test_a_double_click_saves_once(client, learner, clock):
    module, _, _ = make_bank(questions=2)
    attempt = start_exam(client, make_exam(module))
    first = save(client, attempt, 1, ["b"], version=0)
    second = save(client, attempt, 1, ["b"], version=0)
    assert "Saved 10:00:00" in first.content.decode()
    assert "Saved 10:00:00" in second.content.decode()
    assert attempt.events.filter(kind=AttemptEvent.Kind.ANSWERED).count() == 1
    assert not attempt.events.filter(kind=AttemptEvent.Kind.REFUSED).exists()


def test_submitting_twice_returns_the_first_result(client, learner, clock):
    module, _, _ = make_bank(questions=2)
    attempt = start_exam(client, make_exam(module))
    save(client, attempt, 1, right(attempt, 1))
    clock.advance(minutes=2)
    assert submit(client, attempt)["Location"] == attempt.result_url()
    clock.advance(seconds=1)
    save(client, attempt, 2, right(attempt, 2), version=0)
    assert submit(client, attempt)["Location"] == attempt.result_url()
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED
    assert attempt.finished_at == attempt.started_at + timedelta(minutes=2)
    assert attempt.score == 1
    assert attempt.events.filter(kind=AttemptEvent.Kind.SUBMITTED).count() == 1


def test_a_save_to_a_finished_exam_changes_nothing_and_says_so(client, learner, clock):
    module, _, _ = make_bank(questions=2)
    attempt = start_exam(client, make_exam(module))
    submit(client, attempt)
    html = save(client, attempt, 1, ["a"], version=0).content.decode()
    assert "This exam is already finished; nothing was changed." in html
    response = save(client, attempt, 1, ["a"], version=0, htmx=False)
    assert response["Location"] == attempt.result_url()


def test_answers_and_explanations_never_reach_the_browser_before_the_end(client, learner, clock):
    module, _, _ = make_bank(questions=4, multiple_every=2)
    attempt = start_exam(client, make_exam(module))
    for number in range(1, 5):
        assert_no_answers_in(client.get(attempt.question_url(number)).content.decode())
        assert_no_answers_in(save(client, attempt, number, wrong(attempt, number)).content.decode())
    assert_no_answers_in(client.get(attempt.review_url()).content.decode())
    assert client.get(attempt.receipt_url())["Location"] == attempt.get_absolute_url()


def test_learners_cannot_reach_another_learners_exam(client, learner, clock):
    module, _, _ = make_bank(questions=2)
    attempt = start_exam(client, make_exam(module))
    client.force_login(make_user())
    assert client.get(attempt.question_url(1)).status_code == 404
    assert save(client, attempt, 1, ["a"], version=0).status_code == 404
    assert client.get(attempt.question_url(1)[:-2] + "9/").status_code == 404


# The clock -------------------------------------------------------------------------------------


def test_submit_exactly_at_the_deadline_counts_as_submitted(client, learner, clock):
    module, _, _ = make_bank(questions=2)
    attempt = start_exam(client, make_exam(module, time_limit_minutes=10))
    save(client, attempt, 1, right(attempt, 1))
    clock.advance(minutes=10)
    assert submit(client, attempt)["Location"] == attempt.result_url()
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED
    assert attempt.finished_at == attempt.deadline
    assert attempt.score == 1


def test_an_answer_within_the_network_grace_still_counts(client, learner, clock):
    module, _, _ = make_bank(questions=2)
    attempt = start_exam(client, make_exam(module, time_limit_minutes=10))
    clock.advance(minutes=10, seconds=4)
    assert "Saved 10:10:04" in save(client, attempt, 1, ["a"]).content.decode()
    attempt.refresh_from_db()
    assert attempt.is_open
    assert attempt.answers == {key_of(attempt, 1): ["a"]}


def test_a_late_answer_is_refused_and_the_exam_closes_at_the_deadline(client, learner, clock):
    module, _, _ = make_bank(questions=2)
    attempt = start_exam(client, make_exam(module, time_limit_minutes=10))
    save(client, attempt, 1, right(attempt, 1))
    clock.advance(minutes=10, seconds=6)
    html = save(client, attempt, 2, right(attempt, 2)).content.decode()
    assert (
        "Time is up: this answer reached the server after the deadline and was not saved." in html
    )
    assert f'href="{attempt.result_url()}"' in html
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.EXPIRED
    assert attempt.finished_at == attempt.deadline
    assert attempt.answers == {key_of(attempt, 1): right(attempt, 1)}
    assert attempt.score == 1
    kinds = list(attempt.events.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds[-2:] == [AttemptEvent.Kind.EXPIRED, AttemptEvent.Kind.REFUSED]
    # Without JavaScript the same refusal leads to the result, with the message.
    response = save(client, attempt, 2, right(attempt, 2), htmx=False)
    assert response["Location"] == attempt.result_url()


def test_expiry_while_away_is_graded_at_the_deadline_by_the_command(client, learner, clock):
    module, _, _ = make_bank(questions=3)
    attempt = start_exam(client, make_exam(module, time_limit_minutes=10))
    save(client, attempt, 1, right(attempt, 1))
    save(client, attempt, 2, right(attempt, 2))
    clock.advance(minutes=10, seconds=5)  # the deadline has passed, the grace not yet
    out = StringIO()
    call_command("close_expired_attempts", stdout=out)
    assert "0 expired attempts closed." in out.getvalue()
    clock.advance(seconds=1)
    call_command("close_expired_attempts", stdout=out)
    assert "1 expired attempt closed." in out.getvalue()
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.EXPIRED
    assert attempt.finished_at == attempt.deadline
    assert attempt.score == 2
    assert attempt.receipt_hash
    expired = attempt.events.get(kind=AttemptEvent.Kind.EXPIRED)
    assert expired.at == attempt.deadline
    assert expired.detail["noticed_at"] == clock.now.isoformat()
    out = StringIO()
    call_command("close_expired_attempts", stdout=out)
    assert "0 expired attempts closed." in out.getvalue()


@pytest.mark.parametrize("page", ["module-quizzes", "quiz-detail", "history", "question"])
def test_expiry_while_away_is_noticed_by_any_quiz_page(client, learner, clock, page):
    module, _, _ = make_bank(questions=2)
    quiz = make_exam(module, time_limit_minutes=10)
    attempt = start_exam(client, quiz)
    save(client, attempt, 1, right(attempt, 1))
    clock.advance(hours=3)
    url = {
        "module-quizzes": reverse("quizzes:module-quizzes", kwargs={"module_slug": module.slug}),
        "quiz-detail": quiz.get_absolute_url(),
        "history": reverse("quizzes:history"),
        "question": attempt.question_url(1),
    }[page]
    response = client.get(url)
    assert response.status_code in (200, 302)
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.EXPIRED
    assert attempt.finished_at == attempt.deadline
    assert attempt.score == 1


def test_the_expired_result_says_time_ran_out(client, learner, clock):
    module, _, _ = make_bank(questions=2)
    attempt = start_exam(client, make_exam(module, time_limit_minutes=10))
    clock.advance(minutes=11)
    response = client.get(attempt.question_url(1))
    assert response["Location"] == attempt.result_url()
    html = client.get(attempt.result_url()).content.decode()
    assert (
        "Time ran out. Your exam was graded on the answers saved by the deadline, 10:10:00." in html
    )


def test_the_page_timer_cannot_end_an_exam_early_but_does_at_zero(client, learner, clock):
    module, _, _ = make_bank(questions=2)
    attempt = start_exam(client, make_exam(module, time_limit_minutes=10))
    clock.advance(minutes=9, seconds=58)
    assert submit(client, attempt, auto="1")["Location"] == attempt.review_url()
    attempt.refresh_from_db()
    assert attempt.is_open
    clock.advance(seconds=3)
    assert submit(client, attempt, auto="1")["Location"] == attempt.result_url()
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.EXPIRED
    assert attempt.finished_at == attempt.deadline


def test_resuming_on_a_second_client_keeps_the_same_deadline(client, learner, clock):
    module, _, _ = make_bank(questions=3)
    attempt = start_exam(client, make_exam(module, time_limit_minutes=10))
    save(client, attempt, 1, ["b"])
    client.get(attempt.question_url(1))  # a reload in the same browser is no resume
    clock.advance(minutes=4)
    other = Client(HTTP_USER_AGENT="Phone browser")
    other.force_login(learner)
    response = other.get(attempt.get_absolute_url())
    assert response["Location"] == attempt.question_url(2)  # the first unanswered question
    html = other.get(attempt.question_url(1)).content.decode()
    assert "Ends at 10:10:00" in html
    assert 'data-remaining="360"' in html
    assert re.search(r'value="b" id="choice-b" checked', html)
    other.get(attempt.question_url(2))
    resumed = attempt.events.filter(kind=AttemptEvent.Kind.RESUMED)
    assert [event.detail["client"] for event in resumed] == ["Phone browser"]
    attempt.refresh_from_db()
    assert attempt.deadline == attempt.started_at + timedelta(minutes=10)


@pytest.mark.parametrize(
    ("remaining", "level", "text"),
    [(121, "normal", ""), (119, "warning", "Less than 20%"), (29, "danger", "Less than 5%")],
)
def test_the_timer_warns_at_20_and_5_percent_left(client, learner, clock, remaining, level, text):
    module, _, _ = make_bank(questions=1)
    attempt = start_exam(client, make_exam(module, time_limit_minutes=10))
    clock.advance(seconds=600 - remaining)
    html = client.get(attempt.question_url(1)).content.decode()
    assert f"exam-timer exam-timer--{level}" in html
    assert text in html


# Accommodations, attempts and windows ----------------------------------------------------------


def test_a_time_multiplier_extends_the_deadline(client, learner, clock):
    module, _, _ = make_bank(questions=2)
    quiz = make_exam(module, time_limit_minutes=10)
    make_accommodation(quiz, learner, time_multiplier=Decimal("1.5"))
    html = client.get(quiz.get_absolute_url()).content.decode()
    assert "you have 15 minutes (×1.50)" in html
    attempt = start_exam(client, quiz)
    assert attempt.deadline == clock.now + timedelta(minutes=15)
    clock.advance(minutes=12)
    assert "Saved" in save(client, attempt, 1, ["a"]).content.decode()
    assert 'data-remaining="180"' in client.get(attempt.question_url(1)).content.decode()


def test_a_window_close_cuts_short_only_learners_without_extra_time(client, learner, clock):
    module, _, _ = make_bank(questions=2)
    quiz = make_exam(module, time_limit_minutes=60, closes_at=clock.now + timedelta(minutes=20))
    attempt = start_exam(client, quiz)
    assert attempt.deadline == clock.now + timedelta(minutes=20)

    other = make_user()
    make_accommodation(quiz, other, time_multiplier=Decimal("1.25"))
    extra = services.start_attempt(quiz=quiz, user=other, now=clock.now)
    assert extra.deadline == clock.now + timedelta(minutes=75)

    late = make_user()
    make_accommodation(quiz, late, time_multiplier=1, window_extension_minutes=30)
    clock.advance(minutes=25)
    with pytest.raises(services.AttemptRefused, match="closed"):
        services.start_attempt(quiz=quiz, user=make_user(), now=clock.now)
    extended = services.start_attempt(quiz=quiz, user=late, now=clock.now)
    assert quiz.closes_at is not None
    assert extended.deadline == quiz.closes_at + timedelta(minutes=30)


def test_attempt_limit_and_retake_delay_count_extra_attempts(client, learner, clock):
    module, _, _ = make_bank(questions=2)
    quiz = make_exam(module, attempts_allowed=1, retake_delay_minutes=60)
    attempt = start_exam(client, quiz)
    submit(client, attempt)
    html = client.get(quiz.get_absolute_url()).content.decode()
    assert "You have used all 1 attempt at this quiz." in html
    make_accommodation(quiz, learner, time_multiplier=1, extra_attempts=1)
    html = client.get(quiz.get_absolute_url()).content.decode()
    assert "You can take this quiz again in 60 minutes." in html
    clock.advance(minutes=60)
    html = client.get(quiz.get_absolute_url()).content.decode()
    assert "1 of 2 used" in html
    assert "Take the exam again" in html
    second = start_exam(client, quiz)
    submit(client, second)
    clock.advance(days=1)
    assert "You have used all 2 attempts" in client.get(quiz.get_absolute_url()).content.decode()


def test_the_draw_prefers_questions_the_learner_has_not_seen(client, learner, clock):
    module, _, _ = make_bank(questions=10, lessons=2)
    quiz = make_exam(module, question_count=4)
    first = start_exam(client, quiz)
    submit(client, first)
    second = start_exam(client, quiz)
    keys = {q["key"] for q in first.snapshot["questions"]}
    assert keys.isdisjoint(q["key"] for q in second.snapshot["questions"])
    started = second.events.get(kind=AttemptEvent.Kind.STARTED)
    assert started.detail["previously_seen"] == 0
    assert started.detail["seed"] == second.snapshot["seed"]


# Results, receipt, certificate -----------------------------------------------------------------


def sit(client: Client, quiz: Quiz, right_count: int) -> Attempt:
    attempt = start_exam(client, quiz)
    for number in range(1, len(attempt.snapshot["questions"]) + 1):
        chosen = right(attempt, number) if number <= right_count else wrong(attempt, number)
        save(client, attempt, number, chosen)
    submit(client, attempt)
    attempt.refresh_from_db()
    return attempt


def test_the_result_shows_pass_scaled_score_domains_and_the_review(client, learner, clock):
    module, lessons, _ = make_bank(questions=4, lessons=2)
    quiz = make_exam(module, pass_mark=70)
    attempt = sit(client, quiz, right_count=3)
    html = client.get(attempt.result_url()).content.decode()
    assert "Pass: scaled score 775" in html
    assert "730 passes (the equivalent of 70%)" in html
    assert "By domain" in html
    for lesson in lessons:
        assert lesson.title in html
    assert html.count("Your choice") == 4
    assert "Because-" in html
    assert f'href="{attempt.receipt_url()}"' in html
    assert f'href="{attempt.certificate_url()}"' in html


def test_a_fail_has_no_certificate(client, learner, clock):
    module, _, _ = make_bank(questions=4)
    attempt = sit(client, make_exam(module, pass_mark=70), right_count=2)
    html = client.get(attempt.result_url()).content.decode()
    assert "Fail: scaled score 550" in html
    assert attempt.certificate_url() not in html
    assert client.get(attempt.certificate_url()).status_code == 404


@pytest.mark.parametrize("size", [4, 20])
def test_result_receipt_and_certificate_query_counts_are_constant(
    client, learner, clock, django_assert_num_queries, size
):
    module, _, _ = make_bank(questions=size, lessons=2)
    attempt = sit(client, make_exam(module, pass_mark=50), right_count=size)
    client.get(attempt.result_url())  # the header's instructor check, cached from then on
    # Session, user, attempt with quiz and module.
    for url in (attempt.result_url(), attempt.receipt_url(), attempt.certificate_url()):
        with django_assert_num_queries(3):
            assert client.get(url).status_code == 200


def test_an_after_close_review_waits_for_everyone_to_finish(client, learner, clock):
    module, _, _ = make_bank(questions=2)
    quiz = make_exam(
        module,
        review="after_close",
        time_limit_minutes=30,
        closes_at=clock.now + timedelta(hours=1),
    )
    slow = make_user()
    make_accommodation(quiz, slow, time_multiplier=Decimal("2"))
    clock.advance(minutes=50)
    services.start_attempt(quiz=quiz, user=slow, now=clock.now)  # due at 11:50
    attempt = sit(client, quiz, right_count=2)
    html = client.get(attempt.result_url()).content.decode()
    assert "Pass: scaled score 1000" in html
    assert "opens when the exam closes, on 15 Jan 2030, 11:50" in html
    assert "Because-" not in html
    clock.advance(hours=1)
    assert "Because-" in client.get(attempt.result_url()).content.decode()


def test_the_receipt_lists_answers_with_times_and_a_hash_that_matches(client, learner, clock):
    module, _, _ = make_bank(questions=3)
    attempt = start_exam(client, make_exam(module))
    clock.advance(seconds=12)
    save(client, attempt, 1, ["b"], flag=True)
    clock.advance(seconds=12)
    submit(client, attempt)
    attempt.refresh_from_db()
    assert attempt.finished_at is not None
    expected = receipt_hash(
        attempt_id=attempt.pk,
        username=learner.username,
        quiz=f"{module.slug}/{attempt.quiz.slug}",
        started_at=attempt.started_at,
        finished_at=attempt.finished_at,
        status=attempt.status,
        question_keys=[q["key"] for q in attempt.snapshot["questions"]],
        answers=attempt.answers,
        answer_times=attempt.answer_times,
        flags=attempt.flags,
    )
    assert attempt.receipt_hash == expected
    html = client.get(attempt.receipt_url()).content.decode()
    assert expected in html
    assert "Answered</dt><dd>1 of 3 questions" in html
    letter = "ABCD"[[c["key"] for c in attempt.snapshot["questions"][0]["choices"]].index("b")]
    assert f"{letter}: Option b of" in html
    assert "10:00:12" in html
    text = client.get(attempt.receipt_url() + "?format=txt")
    assert text["Content-Disposition"].startswith("attachment;")
    body = text.content.decode()
    assert f"Receipt hash: {expected}" in body
    assert f"1. [flagged] {letter} at 10:00:12" in body
    assert "2. (not answered)" in body


# Instructors -----------------------------------------------------------------------------------


def test_the_event_log_is_for_instructors_only(client, learner, clock):
    module, _, _ = make_bank(questions=2)
    attempt = start_exam(client, make_exam(module))
    save(client, attempt, 1, ["b"], flag=True)
    save(client, attempt, 1, ["c"], version=0)
    submit(client, attempt)
    assert client.get(attempt.events_url()).status_code == 403
    client.logout()
    assert client.get(attempt.events_url()).status_code == 302
    client.force_login(make_instructor())
    html = client.get(attempt.events_url()).content.decode()
    for label in ("Started", "Answered", "Flag changed", "Save refused", "Submitted"):
        assert f'<th scope="row">{label}</th>' in html
    assert "Question 1: refused, stale version from another tab" in html
    assert "Question 1: flagged" in html


@pytest.mark.parametrize("size", [3, 20])
def test_event_log_query_count_is_constant(client, clock, django_assert_num_queries, size):
    module, _, _ = make_bank(questions=size)
    learner = make_user()
    client.force_login(learner)
    attempt = sit(client, make_exam(module), right_count=size)
    client.force_login(make_instructor())
    # Session, user, instructor check (the view's, reused by the header), attempt, events.
    with django_assert_num_queries(5):
        assert client.get(attempt.events_url()).status_code == 200


def test_instructors_grant_accommodations_that_reach_an_open_attempt(client, learner, clock):
    module, _, _ = make_bank(questions=2)
    quiz = make_exam(module, time_limit_minutes=20)
    attempt = start_exam(client, quiz)
    url = reverse(
        "quizzes:quiz-accommodations",
        kwargs={"module_slug": module.slug, "quiz_slug": quiz.slug},
    )
    assert client.get(url).status_code == 403
    assert client.post(url, {"username": learner.username}).status_code == 403
    client.force_login(make_instructor())
    html = client.get(url).content.decode()
    assert attempt.events_url() in html
    data = {
        "username": learner.username,
        "time_multiplier": "1.5",
        "extra_attempts": "1",
        "window_extension_minutes": "0",
        "note": "Agreed with the learner",
    }
    assert client.post(url, data)["Location"] == url
    attempt.refresh_from_db()
    assert attempt.deadline == attempt.started_at + timedelta(minutes=30)
    assert "×1.50" in client.get(url).content.decode()
    response = client.post(url, data | {"username": "nobody", "time_multiplier": "9"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is no learner with the username" in html
    assert "Ensure this value is less than or equal to 4" in html


def test_instructors_can_edit_accommodations_in_the_admin(client, learner):
    module, _, _ = make_bank(questions=1)
    quiz = make_exam(module)
    make_accommodation(quiz, learner)
    client.force_login(make_user(is_staff=True, is_superuser=True))
    html = client.get(reverse("admin:quizzes_accommodation_changelist")).content.decode()
    assert learner.username in html


# Kept promises ---------------------------------------------------------------------------------


def test_a_submit_within_the_grace_counts_as_submitted_at_the_deadline_not_later(
    client, learner, clock
):
    module, _, _ = make_bank(questions=2)
    attempt = start_exam(client, make_exam(module, time_limit_minutes=10))
    save(client, attempt, 1, right(attempt, 1))
    clock.advance(minutes=10, seconds=3)
    assert submit(client, attempt)["Location"] == attempt.result_url()
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED
    assert attempt.finished_at == attempt.deadline
    submitted = attempt.events.get(kind=AttemptEvent.Kind.SUBMITTED)
    assert submitted.at == attempt.deadline
    assert submitted.detail["noticed_at"] == clock.now.isoformat()


def test_a_double_click_on_start_opens_one_exam(client, learner, clock):
    module, _, _ = make_bank(questions=3)
    quiz = make_exam(module)
    url = reverse("quizzes:quiz-start", kwargs={"module_slug": module.slug, "quiz_slug": quiz.slug})
    first, second = client.post(url), client.post(url)
    assert first.status_code == second.status_code == 302
    attempt = Attempt.objects.get()
    assert first["Location"] == second["Location"] == attempt.question_url(1)
    assert attempt.events.filter(kind=AttemptEvent.Kind.STARTED).count() == 1
    client.get(attempt.question_url(1))
    assert not attempt.events.filter(kind=AttemptEvent.Kind.RESUMED).exists()


def test_starting_again_after_the_deadline_closes_the_old_attempt_and_opens_a_new_one(
    client, learner, clock
):
    module, _, _ = make_bank(questions=2)
    quiz = make_exam(module, time_limit_minutes=10)
    old = start_exam(client, quiz)
    save(client, old, 1, right(old, 1))
    clock.advance(minutes=30)
    new = start_exam(client, quiz)
    assert new.pk != old.pk
    old.refresh_from_db()
    assert old.status == AttemptStatus.EXPIRED
    assert old.finished_at == old.deadline
    assert old.score == 1
    assert new.deadline == clock.now + timedelta(minutes=10)


def test_clearing_an_answer_and_a_flag_leaves_the_question_unanswered(client, learner, clock):
    module, _, _ = make_bank(questions=2)
    attempt = start_exam(client, make_exam(module))
    save(client, attempt, 1, ["b"], flag=True)
    html = save(client, attempt, 1, []).content.decode()
    assert "grid-cell--answered" not in html
    assert "grid-cell--flagged" not in html
    attempt.refresh_from_db()
    assert attempt.answers == {}
    assert attempt.flags == []
    html = client.get(attempt.review_url()).content.decode()
    assert "You have answered 0 of 2 questions" in html
    assert "Flagged for review (0)" in html
    client.force_login(make_instructor())
    html = client.get(attempt.events_url()).content.decode()
    assert "Question 1: cleared (version 2)" in html
    assert "Question 1: flag removed" in html


@pytest.mark.parametrize(
    ("minutes", "multiplier", "words"),
    [
        (10, "1.5", "15 minutes"),
        (25, "1.25", "31 minutes 15 seconds"),
        (45, "1.5", "67 minutes 30 seconds"),
        (1, "1.01", "1 minute"),
    ],
)
def test_the_quiz_page_states_exactly_the_time_the_deadline_gives(
    client, learner, clock, minutes, multiplier, words
):
    module, _, _ = make_bank(questions=1)
    quiz = make_exam(module, time_limit_minutes=minutes)
    make_accommodation(quiz, learner, time_multiplier=Decimal(multiplier))
    html = client.get(quiz.get_absolute_url()).content.decode()
    stated = re.search(r"you have (\d+) minutes?(?: (\d+) seconds?)? \(×", html)
    assert stated, html
    assert f"you have {words} (×{Decimal(multiplier):.2f})" in html
    attempt = start_exam(client, quiz)
    assert attempt.deadline is not None
    given = attempt.deadline - attempt.started_at
    assert given == timedelta(minutes=int(stated[1]), seconds=int(stated[2] or 0))
