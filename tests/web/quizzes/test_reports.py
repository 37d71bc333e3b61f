"""Instructors' reports, exams in progress and grade overrides (issue 14, items 5 and 6)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from course.models import LessonProgress, User
from quizzes import services
from quizzes.models import Accommodation, Attempt, AttemptEvent, Quiz
from tests.factories import make_instructor, make_user
from tests.quizzes_factories import make_bank, make_exam, make_question, make_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(clock):
    module, lessons, questions = make_bank(questions=4, lessons=2)
    make_question(
        lessons[0],
        choices=[
            {"is_correct": True},
            {"misconception": "Lambda keeps state between invocations"},
            {"misconception": "Timeouts are retried"},
        ],
    )
    quiz = make_quiz(module, slug="graded", title="Graded quiz")
    exam = make_exam(module, slug="exam", title="Final exam", pass_mark=50)
    instructor = make_instructor()
    client = Client()
    client.force_login(instructor)
    return {"module": module, "lessons": lessons, "quiz": quiz, "exam": exam, "client": client}


def sit(quiz: Quiz, user: User, *, right: int, now) -> Attempt:
    """Start and submit an attempt with the first `right` questions right, the rest wrong."""
    attempt = services.start_attempt(quiz=quiz, user=user, now=now)
    answers = {}
    for n, question in enumerate(attempt.snapshot["questions"]):
        keys = [c["key"] for c in question["choices"] if c["correct"] == (n < right)]
        answers[question["key"]] = keys[: question["pick"]]
    services.submit_answers(attempt_id=attempt.pk, answers=answers, versions={}, now=now)
    return Attempt.objects.get(pk=attempt.pk)


def add_learners(world, count: int, clock) -> list[User]:
    """Add learners, each with a lesson read and two attempts at the quiz and one at the exam."""
    users = []
    for i in range(count):
        user = make_user()
        LessonProgress.objects.create(
            user=user,
            lesson=world["lessons"][0],
            first_seen_at=clock.now,
            last_seen_at=clock.now,
            completed_at=clock.now,
        )
        sit(world["quiz"], user, right=i % 5, now=clock.now)
        clock.advance(minutes=3)
        sit(world["quiz"], user, right=(i + 2) % 5, now=clock.now)
        sit(world["exam"], user, right=(i + 1) % 5, now=clock.now)
        users.append(user)
    return users


def report_urls(world) -> list[str]:
    on_quiz = {"module_slug": world["module"].slug, "quiz_slug": world["quiz"].slug}
    return [
        reverse("quizzes:report-index"),
        reverse("quizzes:report-learners"),
        reverse("quizzes:report-learners") + "?sort=-average&activity=7",
        reverse("quizzes:report-learners-csv"),
        reverse("quizzes:report-quiz", kwargs=on_quiz),
        reverse("quizzes:exams-in-progress"),
    ]


# Session, user and the instructor check (3, the header reuses the view's), then the report's
# own reads: summaries 1; progress 7 (modules, learners, lessons, practice, attempts,
# quizzes, lesson count); the quiz 1 + 4 (attempts, first attempts, questions, choices; 3 when
# the item analysis is cached, as here it never is: each call follows new attempts); open
# exams 2 (attempts, accommodations).
QUERIES = [3 + 1, 3 + 7, 3 + 7, 3 + 7, 3 + 1 + 4, 3 + 2]


@pytest.mark.parametrize("index", range(6))
def test_reports_use_as_many_queries_for_3_learners_as_for_9(
    world, clock, django_assert_num_queries, index
):
    add_learners(world, 3, clock)
    services.start_attempt(quiz=world["exam"], user=make_user(), now=clock.now)
    url = report_urls(world)[index]
    with django_assert_num_queries(QUERIES[index]):
        assert world["client"].get(url).status_code == 200
    add_learners(world, 6, clock)
    services.start_attempt(quiz=world["exam"], user=make_user(), now=clock.now)
    with django_assert_num_queries(QUERIES[index]):
        assert world["client"].get(url).status_code == 200


def test_learner_progress_shows_lessons_results_and_last_activity(world, clock):
    first, second = add_learners(world, 2, clock)
    response = world["client"].get(reverse("quizzes:report-learners"))
    html = response.content.decode()
    assert first.username in html
    assert second.username in html
    assert "1/2" in html  # one lesson of two done
    assert "Graded quiz" in html
    assert "Final exam" in html
    assert clock.now.strftime("%Y-%m-%d") in html


def test_learner_progress_filters_and_sorts(world, clock):
    users = add_learners(world, 4, clock)
    url = reverse("quizzes:report-learners")
    html = world["client"].get(url, {"q": users[2].username}).content.decode()
    assert users[2].username in html
    assert users[1].username not in html
    rows = world["client"].get(url, {"sort": "-average"}).context["progress"].rows
    averages = [row.average_best for row in rows]
    assert averages == sorted(averages, reverse=True)
    never = world["client"].get(url, {"activity": "never"}).context["progress"].rows
    assert never == []
    bad = world["client"].get(url, {"sort": "nonsense", "module": "nowhere"})
    assert bad.status_code == 200
    assert len(bad.context["progress"].rows) == 4


def test_learner_progress_csv_has_a_column_per_quiz_and_defuses_formulas(world, clock):
    add_learners(world, 2, clock)
    make_user(username="=cmd")
    response = world["client"].get(reverse("quizzes:report-learners-csv"), {"sort": "username"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["username", "lessons_done", "lessons_total", "last_activity"]
    assert f"{world['module'].slug}/graded best_percent" in rows[0]
    assert rows[1][0] == "'=cmd"
    assert len(rows) == 4


def test_the_item_analysis_is_cached_until_an_attempt_finishes(
    world, clock, django_assert_num_queries
):
    add_learners(world, 3, clock)
    on_quiz = {"module_slug": world["module"].slug, "quiz_slug": world["quiz"].slug}
    url = reverse("quizzes:report-quiz", kwargs=on_quiz)
    computed = world["client"].get(url)
    with django_assert_num_queries(QUERIES[4] - 1):  # no read of the first attempts
        cached = world["client"].get(url)
    assert cached.context["report"] == computed.context["report"]
    assert cached.content.decode().count("<tr") == computed.content.decode().count("<tr")

    # An override changes the score, never the responses the analysis reads: still cached.
    first = Attempt.objects.filter(quiz=world["quiz"]).earliest("pk")
    services.override_score(
        attempt_id=first.pk, score=0, reason="Regraded", by=make_instructor(), now=clock.now
    )
    with django_assert_num_queries(QUERIES[4] - 1):
        assert world["client"].get(url).context["report"].passed is not None

    # A new learner's first attempt finishes: the analysis is computed again and includes it.
    add_learners(world, 1, clock)
    with django_assert_num_queries(QUERIES[4]):
        report = world["client"].get(url).context["report"]
    assert report.first_attempts == 4
    # An open attempt changes nothing the analysis reads: it stays cached.
    services.start_attempt(quiz=world["quiz"], user=make_user(), now=clock.now)
    with django_assert_num_queries(QUERIES[4] - 1):
        assert world["client"].get(url).context["report"].first_attempts == 4


def test_quiz_report_draws_the_distribution_and_analyses_first_attempts(world, clock):
    add_learners(world, 5, clock)
    on_quiz = {"module_slug": world["module"].slug, "quiz_slug": world["quiz"].slug}
    response = world["client"].get(reverse("quizzes:report-quiz", kwargs=on_quiz))
    report = response.context["report"]
    assert report.attempts == 10
    assert report.learners == 5
    assert report.first_attempts == 5
    assert sum(b.count for b in report.bins) == 10
    assert len(report.items) == 5
    html = response.content.decode()
    assert 'role="img"' in html
    assert "<desc" in html
    assert "Cronbach" in html
    assert "Item analysis" in html
    assert "style=" not in html


def test_misconceptions_picked_are_counted(world, clock):
    learner = make_user()
    attempt = services.start_attempt(quiz=world["quiz"], user=learner, now=clock.now)
    answers = {}
    for question in attempt.snapshot["questions"]:
        wrong = [c for c in question["choices"] if not c["correct"]]
        picked = next((c for c in wrong if c["misconception"].startswith("Lambda")), wrong[0])
        answers[question["key"]] = [picked["key"]]
    services.submit_answers(attempt_id=attempt.pk, answers=answers, versions={}, now=clock.now)
    on_quiz = {"module_slug": world["module"].slug, "quiz_slug": world["quiz"].slug}
    html = world["client"].get(reverse("quizzes:report-quiz", kwargs=on_quiz)).content.decode()
    assert "Lambda keeps state between invocations" in html


def test_practice_quizzes_have_no_report(world):
    practice = make_quiz(world["module"], slug="drill", kind="practice")
    url = reverse("quizzes:report-quiz", kwargs={"module_slug": "x", "quiz_slug": "y"})
    assert world["client"].get(url).status_code == 404
    url = reverse(
        "quizzes:report-quiz", kwargs={"module_slug": world["module"].slug, "quiz_slug": "drill"}
    )
    assert practice.slug == "drill"
    assert world["client"].get(url).status_code == 404


# Exams in progress ---------------------------------------------------------------------------


def test_exams_in_progress_show_time_left(world, clock):
    learner = make_user()
    attempt = services.start_attempt(quiz=world["exam"], user=learner, now=clock.now)
    clock.advance(minutes=4)
    html = world["client"].get(reverse("quizzes:exams-in-progress")).content.decode()
    assert learner.username in html
    assert "6:00" in html
    assert attempt.events_url() in html
    clock.advance(minutes=7)  # past the deadline and grace: no longer in progress
    html = world["client"].get(reverse("quizzes:exams-in-progress")).content.decode()
    assert learner.username not in html


def test_extra_time_moves_the_open_attempts_deadline_and_is_logged(world, clock):
    learner = make_user()
    attempt = services.start_attempt(quiz=world["exam"], user=learner, now=clock.now)
    response = world["client"].post(
        reverse("quizzes:exams-in-progress"), {"attempt": attempt.pk, "extra_minutes": "5"}
    )
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.deadline == clock.now + timedelta(minutes=15)
    accommodation = Accommodation.objects.get(quiz=world["exam"], user=learner)
    assert accommodation.time_multiplier == Decimal("1.5")
    event = attempt.events.get(kind=AttemptEvent.Kind.EXTENDED)
    assert event.detail["time_multiplier"] == "1.50"
    log = world["client"].get(attempt.events_url()).content.decode()
    assert "Deadline changed" in log


def test_an_extra_attempt_keeps_the_deadline_and_adds_to_the_allowance(world, clock):
    learner = make_user()
    Accommodation.objects.create(quiz=world["exam"], user=learner, note="Doctor's note")
    attempt = services.start_attempt(quiz=world["exam"], user=learner, now=clock.now)
    deadline = attempt.deadline
    world["client"].post(
        reverse("quizzes:exams-in-progress"),
        {"attempt": attempt.pk, "extra_minutes": "0", "extra_attempts": "1"},
    )
    accommodation = Accommodation.objects.get(quiz=world["exam"], user=learner)
    assert accommodation.extra_attempts == 1
    assert accommodation.note.startswith("Doctor's note; Granted by")
    attempt.refresh_from_db()
    assert attempt.deadline == deadline
    assert not attempt.events.filter(kind=AttemptEvent.Kind.EXTENDED).exists()


def test_granting_nothing_is_refused_with_a_message(world, clock):
    attempt = services.start_attempt(quiz=world["exam"], user=make_user(), now=clock.now)
    response = world["client"].post(
        reverse("quizzes:exams-in-progress"), {"attempt": attempt.pk, "extra_minutes": "0"}
    )
    assert response.status_code == 200
    assert "Choose extra time" in response.content.decode()


def test_extra_time_without_a_time_limit_changes_nothing_and_is_capped_at_4(world, clock):
    untimed = make_quiz(world["module"], slug="untimed")
    assert services.multiplier_for_extra_minutes(
        quiz=untimed, current=Decimal(1), minutes=30
    ) == Decimal(1)
    assert services.multiplier_for_extra_minutes(
        quiz=world["exam"], current=Decimal("3.9"), minutes=60
    ) == Decimal(4)
    assert services.multiplier_for_extra_minutes(
        quiz=world["exam"], current=Decimal(1), minutes=1
    ) == Decimal("1.10")


# Grade override ------------------------------------------------------------------------------


def override_url(attempt: Attempt) -> str:
    return reverse("quizzes:attempt-override", kwargs={"attempt_id": attempt.pk})


def test_a_grade_override_needs_a_reason(world, clock):
    attempt = sit(world["exam"], make_user(), right=1, now=clock.now)
    assert world["client"].get(override_url(attempt)).status_code == 200
    response = world["client"].post(override_url(attempt), {"score": "4", "reason": "   "})
    assert response.status_code == 200
    assert Attempt.objects.get(pk=attempt.pk).score == 1
    response = world["client"].post(override_url(attempt), {"score": "9", "reason": "Too much"})
    assert response.status_code == 200
    assert Attempt.objects.get(pk=attempt.pk).score == 1


def test_a_grade_override_is_logged_and_shown_to_the_learner(world, clock):
    learner = make_user()
    attempt = sit(world["exam"], learner, right=1, now=clock.now)
    response = world["client"].post(
        override_url(attempt), {"score": "4", "reason": "Question 3's key was wrong"}
    )
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert (attempt.score, attempt.graded_score, attempt.passed) == (4, 1, True)
    event = attempt.events.get(kind=AttemptEvent.Kind.OVERRIDDEN)
    assert event.detail["reason"] == "Question 3's key was wrong"
    assert event.detail["from"] == 1
    assert event.detail["to"] == 4
    log = world["client"].get(attempt.events_url()).content.decode()
    assert "Score changed from 1 to 4 of 5" in log
    assert "key was wrong" in log
    again = world["client"].post(override_url(attempt), {"score": "2", "reason": "Recount"})
    assert again.status_code == 302
    attempt.refresh_from_db()
    assert (attempt.score, attempt.graded_score, attempt.passed) == (2, 1, False)
    owner = Client()
    owner.force_login(learner)
    result = owner.get(attempt.result_url()).content.decode()
    assert "An instructor changed this score from 20% (as graded) to 40%: Recount" in result


def test_an_open_attempt_cannot_be_overridden(world, clock):
    attempt = services.start_attempt(quiz=world["exam"], user=make_user(), now=clock.now)
    response = world["client"].get(override_url(attempt))
    assert response.status_code == 302
    assert response["Location"] == attempt.events_url()
    with pytest.raises(services.OverrideRefused, match="still open"):
        services.override_score(
            attempt_id=attempt.pk, score=1, reason="x", by=attempt.user, now=clock.now
        )


def test_the_override_service_refuses_a_blank_reason_or_a_score_out_of_range(world, clock):
    attempt = sit(world["exam"], make_user(), right=1, now=clock.now)
    with pytest.raises(services.OverrideRefused, match="reason"):
        services.override_score(
            attempt_id=attempt.pk, score=1, reason=" ", by=attempt.user, now=clock.now
        )
    with pytest.raises(services.OverrideRefused, match="between 0 and 5"):
        services.override_score(
            attempt_id=attempt.pk, score=6, reason="x", by=attempt.user, now=clock.now
        )


def test_learners_may_not_open_reports_or_override(world, clock):
    learner = make_user()
    attempt = sit(world["exam"], learner, right=1, now=clock.now)
    client = Client()
    client.force_login(learner)
    for url in [*report_urls(world), override_url(attempt)]:
        assert client.get(url).status_code == 403, url
    assert client.post(override_url(attempt), {"score": "5", "reason": "me"}).status_code == 403
    assert Attempt.objects.get(pk=attempt.pk).score == 1
