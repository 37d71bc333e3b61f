"""Each quiz's report as the first request after an attempt closes: item analysis not cached.

Seeds as `bench/bench_reports.py` does (`--learners` learners × `--attempts` finished attempts at
every graded quiz and exam, real snapshots), then, signed in as an instructor, times every quiz
report page through Django's test client with the cache cleared before each request, so each
one computes the item analysis over the quiz's first attempts: the median and the slowest of
`--repeat` runs, the median CPU time of the process, and the number of queries. `GET /healthz/`
(a view that touches nothing) is timed in the same run. SQLite, and PostgreSQL when reachable.

    .venv/bin/python bench/bench_reports_cold.py [--learners 1000] [--attempts 3] [--repeat 5]
        [--postgres-url postgres://postgres@127.0.0.1:5432/postgres] [--skip-postgres]

A benchmark, not a test: it prints figures and judges nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_reports import BASELINE, fresh_postgres, seed  # noqa: E402
from bench.http_load import prepare, server_env  # noqa: E402


def time_cold_reports(repeat: int) -> list[dict[str, Any]]:
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
    for quiz in Quiz.objects.active().exclude(kind=QuizKind.PRACTICE).select_related("module"):
        url = reverse("quizzes:report-quiz", args=[quiz.module.slug, quiz.slug])
        pages.append((f"cold quiz report: {quiz.slug}", url))
    results = []
    for label, url in pages:
        runs = repeat * 10 if url == BASELINE else repeat
        client.get(url)  # warm-up: templates, the session; then the analysis is dropped
        seconds, cpu = [], []
        for _ in range(runs):
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
            }
        )
    return results


def inner(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.conf import settings

    from quizzes.models import Attempt

    seconds = seed(args.learners, args.attempts, 0)
    load = os.getloadavg()
    results = time_cold_reports(args.repeat)
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


def report(result: dict[str, Any]) -> None:
    pages = result["pages"]
    print(
        f"\n{result['database']}: {result['attempts']} attempts, seeded in "
        f"{result['seed_seconds']:.0f} s; load average before {result['load_before'][0]:.2f}, "
        f"after {result['load_after'][0]:.2f}"
    )
    print(f"{'page':44} {'median':>9} {'slowest':>9} {'cpu':>9} {'queries':>8}")
    for page in pages:
        print(
            f"{page['label']:44} {page['median_ms']:7.1f}ms {page['max_ms']:7.1f}ms "
            f"{page['cpu_ms']:7.1f}ms {page['queries']:8d}"
        )
    print("cpu: this process's CPU time (the web process; PostgreSQL's own work not included)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--attempts", type=int, default=3, help="Per learner, at every quiz.")
    parser.add_argument("--repeat", type=int, default=5, help="Timed requests per page.")
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
    with tempfile.TemporaryDirectory(prefix="bench-reports-cold-") as folder:
        envs = [server_env(folder)]
        postgres = None if args.skip_postgres else fresh_postgres(args.postgres_url)
        if postgres:
            envs.append({**server_env(folder), "DATABASE_URL": postgres})
        for env in envs:
            env["DJANGO_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
            prepare(env)
            inner_args = ["--inner", "--learners", str(args.learners)]
            inner_args += ["--attempts", str(args.attempts), "--repeat", str(args.repeat)]
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
