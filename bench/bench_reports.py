"""Instructors' report pages with 1,000 learners × 3 attempts, against the trivial view.

For each database (a fresh SQLite file, and PostgreSQL when reachable) this migrates and loads
the course, then seeds: `--learners` learners, each with some lessons read and `--attempts`
finished attempts at every graded quiz and exam of the course (real snapshots: every question
as drawn for the quiz, choices shuffled per attempt; answers from a simple ability model so the
statistics have something to find), and `--open` exam attempts in progress. Then, in one
process, it times `GET /healthz/` (a view that touches nothing) and every report page through
Django's test client, signed in as an instructor: the median and the slowest of `--repeat` runs
after a warm-up, the median CPU time of the process (which a busy machine inflates far less than
wall time), the ratio to the trivial view, the number of queries and the page size.

With `--cold` it times each quiz's report as the first request after an attempt closes: only
the quiz reports (and the trivial view), with the cache cleared before every timed request, so
each one computes the item analysis over the quiz's first attempts.

    .venv/bin/python bench/bench_reports.py [--learners 1000] [--attempts 3] [--repeat 5]
        [--cold] [--postgres-url postgres://postgres@127.0.0.1:5432/postgres] [--skip-postgres]

A benchmark, not a test: it prints figures and judges nothing.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.http_load import prepare, server_env  # noqa: E402

BASELINE = "/healthz/"


def seed(learners: int, attempts: int, open_attempts: int) -> float:
    """Fill the database; return the seconds it took."""
    from django.db import transaction
    from django.utils import timezone

    from course.models import Lesson, LessonProgress, User
    from course.roles import ensure_instructors_group
    from quizzes import grading
    from quizzes.item_analysis import record_responses
    from quizzes.models import Attempt, AttemptStatus, Quiz, QuizKind
    from quizzes.services import start_attempt

    started = time.perf_counter()
    rng = random.Random(2026)
    now = timezone.now()
    instructor = User.objects.create(username="bench-instructor")
    instructor.groups.add(ensure_instructors_group())
    users = User.objects.bulk_create(
        User(username=f"bench-learner-{i:04d}", password="!") for i in range(learners)
    )
    ability = {user.pk: rng.gauss(0, 1) for user in users}
    lessons = list(Lesson.objects.published())
    progress = []
    for user in users:
        for lesson in rng.sample(lessons, rng.randint(0, len(lessons))):
            seen = now - timedelta(days=rng.uniform(0, 60))
            progress.append(
                LessonProgress(
                    user=user,
                    lesson=lesson,
                    first_seen_at=seen,
                    last_seen_at=seen,
                    completed_at=seen,
                )
            )
    LessonProgress.objects.bulk_create(progress, batch_size=2000)
    quizzes = list(Quiz.objects.active().exclude(kind=QuizKind.PRACTICE))
    for quiz in quizzes:
        # One real draw (variants computed by the simulator), then shuffled per attempt.
        template = start_attempt(quiz=quiz, user=instructor, now=now, seed=7)
        snapshot = template.snapshot
        template.delete()
        difficulty = {q["key"]: rng.gauss(0, 1) for q in snapshot["questions"]}
        batch: list[Attempt] = []
        for user in users:
            for number in range(attempts):
                asked: Any = dict(snapshot)
                asked["questions"] = [
                    {**q, "choices": rng.sample(q["choices"], len(q["choices"]))}
                    for q in snapshot["questions"]
                ]
                answers = {}
                for q in asked["questions"]:
                    chance = 1 / (
                        1 + math.exp(difficulty[q["key"]] - ability[user.pk] - 0.3 * number)
                    )
                    right = [c["key"] for c in q["choices"] if c["correct"]]
                    wrong = [c["key"] for c in q["choices"] if not c["correct"]]
                    if rng.random() < chance or not wrong:
                        answers[q["key"]] = right
                    else:  # the first distractor in the bank's order is the most tempting
                        weights = [3] + [1] * (len(wrong) - 1)
                        picked = rng.choices(wrong, weights)[0]
                        answers[q["key"]] = ([picked] + right)[: q["pick"]]
                result = grading.grade(asked, answers)
                start = now - timedelta(days=30 - 9 * number, minutes=rng.randint(0, 600))
                limit = (quiz.time_limit_minutes or 30) * 60
                batch.append(
                    Attempt(
                        quiz=quiz,
                        user=user,
                        status=AttemptStatus.SUBMITTED,
                        started_at=start,
                        deadline=start + timedelta(seconds=limit)
                        if quiz.time_limit_minutes
                        else None,
                        finished_at=start + timedelta(seconds=rng.uniform(0.3, 1.0) * limit),
                        snapshot=asked,
                        answers=answers,
                        score=result.score,
                        max_score=result.max_score,
                        passed=result.passed,
                        topic_scores={},
                        item_responses=record_responses(asked, answers),
                    )
                )
            if len(batch) >= 300:
                with transaction.atomic():
                    Attempt.objects.bulk_create(batch)
                batch = []
        Attempt.objects.bulk_create(batch)
    exam = next((quiz for quiz in quizzes if quiz.kind == QuizKind.EXAM), None)
    if exam is not None:
        sample = Attempt.objects.filter(quiz=exam).first()
        assert sample is not None
        Attempt.objects.bulk_create(
            Attempt(
                quiz=exam,
                user=user,
                started_at=now - timedelta(minutes=5),
                deadline=now + timedelta(minutes=rng.randint(1, 40)),
                snapshot=sample.snapshot,
                max_score=sample.max_score,
            )
            for user in users[:open_attempts]
        )
    return time.perf_counter() - started


def time_pages(repeat: int, *, cold: bool) -> list[dict[str, Any]]:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from course.models import User
    from quizzes.models import Quiz, QuizKind

    client = Client()
    client.force_login(User.objects.get(username="bench-instructor"))
    pages = [("trivial view", BASELINE)]
    if not cold:
        pages += [
            ("reports index", reverse("quizzes:report-index")),
            ("learner progress", reverse("quizzes:report-learners")),
            ("learner progress, sorted", reverse("quizzes:report-learners") + "?sort=-average"),
            ("learner progress CSV", reverse("quizzes:report-learners-csv")),
            ("exams in progress", reverse("quizzes:exams-in-progress")),
        ]
    for quiz in Quiz.objects.active().exclude(kind=QuizKind.PRACTICE).select_related("module"):
        url = reverse("quizzes:report-quiz", args=[quiz.module.slug, quiz.slug])
        pages.append((f"{'cold ' if cold else ''}quiz report: {quiz.slug}", url))
    results = []
    for label, url in pages:
        runs = repeat * 10 if url == BASELINE else repeat
        client.get(url)  # warm-up: templates, the session (a cold run then drops the analysis)
        seconds, cpu = [], []
        for _ in range(runs):
            if cold:
                cache.clear()  # as when an attempt has just closed: a new analysis key
            with CaptureQueriesContext(connection) as queries:
                begin, begin_cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                seconds.append(time.perf_counter() - begin)
                cpu.append(time.process_time() - begin_cpu)
            assert response.status_code == 200, (url, response.status_code)
        results.append(
            {
                "label": label,
                "median_ms": statistics.median(seconds) * 1000,
                "max_ms": max(seconds) * 1000,
                "cpu_ms": statistics.median(cpu) * 1000,
                "queries": len(queries),
                "kb": len(response.content) / 1024,
            }
        )
    return results


def inner(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.conf import settings

    from quizzes.models import Attempt

    # A cold run times no page that lists exams in progress, so it seeds none.
    seconds = seed(args.learners, args.attempts, 0 if args.cold else args.open)
    load = os.getloadavg()
    results = time_pages(args.repeat, cold=args.cold)
    print(
        "RESULT="
        + json.dumps(
            {
                "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
                "attempts": Attempt.objects.count(),
                "seed_seconds": seconds,
                "load_before": load,
                "load_after": os.getloadavg(),
                "pages": results,
            }
        )
    )


def fresh_postgres(url: str) -> str | None:
    """Return the URL of a new, empty database next to `url`'s, or None if unreachable."""
    try:
        import psycopg
    except ImportError:
        return None
    name = "bench_reports"
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=3) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            connection.execute(f"CREATE DATABASE {name}")
    except psycopg.Error as error:
        print(f"PostgreSQL skipped: {error}".strip())
        return None
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def report(result: dict[str, Any]) -> None:
    pages = result["pages"]
    baseline = pages[0]["median_ms"]
    width = max(34, *(len(page["label"]) for page in pages))
    print(
        f"\n{result['database']}: {result['attempts']} attempts, seeded in "
        f"{result['seed_seconds']:.0f} s; load average before {result['load_before'][0]:.2f}, "
        f"after {result['load_after'][0]:.2f}"
    )
    print(
        f"{'page':{width}} {'median':>9} {'slowest':>9} {'cpu':>9} {'× trivial':>10} "
        f"{'queries':>8} {'KB':>7}"
    )
    for page in pages:
        print(
            f"{page['label']:{width}} {page['median_ms']:7.1f}ms {page['max_ms']:7.1f}ms "
            f"{page['cpu_ms']:7.1f}ms {page['median_ms'] / baseline:10.1f} "
            f"{page['queries']:8d} {page['kb']:7.0f}"
        )
    print("cpu: this process's CPU time (the web process; PostgreSQL's own work not included)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--attempts", type=int, default=3, help="Per learner, at every quiz.")
    parser.add_argument("--open", type=int, default=50, help="Exam attempts in progress.")
    parser.add_argument("--repeat", type=int, default=5, help="Timed requests per page.")
    parser.add_argument(
        "--cold",
        action="store_true",
        help="Time only the quiz reports, clearing the report cache before every request.",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        inner(args)
        return
    with tempfile.TemporaryDirectory(prefix="bench-reports-") as folder:
        envs = [server_env(folder)]
        postgres = None if args.skip_postgres else fresh_postgres(args.postgres_url)
        if postgres:
            envs.append({**server_env(folder), "DATABASE_URL": postgres})
        for env in envs:
            env["DJANGO_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
            prepare(env)
            inner_args = [
                "--inner",
                "--learners",
                str(args.learners),
                "--attempts",
                str(args.attempts),
                "--open",
                str(args.open),
                "--repeat",
                str(args.repeat),
                *(["--cold"] if args.cold else []),
            ]
            run = subprocess.run(
                [sys.executable, __file__, *inner_args],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            line = next(x for x in run.stdout.splitlines() if x.startswith("RESULT="))
            report(json.loads(line.removeprefix("RESULT=")))


if __name__ == "__main__":
    main()
