"""Answer-save latency of timed exams under concurrent candidates, against the trivial view.

For each database (a fresh SQLite file, and PostgreSQL when reachable) this starts gunicorn on
127.0.0.1, loads the course, starts one "Practice exam" attempt per candidate, then drives, from
one load-generator process per candidate with a keep-alive connection:

1. `GET /healthz/` (a view that touches nothing), the baseline of the same run;
2. `GET` of an exam question page;
3. htmx answer saves: each candidate clicks through its own exam, every save changing the answer
   and carrying the version token from the previous response (so every save is a real write).

It prints requests/s, p50 and p99 latency and the ratio to the baseline. A benchmark, not a test.

    .venv/bin/python bench/bench_exam_saves.py [--seconds 5] [--candidates 8] [--workers 2]
        [--postgres-url postgres://postgres@127.0.0.1:5432/postgres] [--skip-postgres]
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.http_load import (  # noqa: E402
    BASELINE,
    Measurement,
    drive,
    gunicorn,
    prepare,
    server_env,
)

CSRF = "benchcsrftoken0123456789abcdefgh"  # any 32 letters/digits is a valid CSRF cookie
VERSION = re.compile(r'name="version" value="(\d+)"')

SEED = """
import json
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from importlib import import_module
from django.utils import timezone
from course.models import User
from quizzes.models import Quiz
from quizzes.services import start_attempt

store = import_module(settings.SESSION_ENGINE).SessionStore
quiz = Quiz.objects.get(module__slug="lambda-best-practices", slug="practice-exam")
out = []
for i in range({candidates}):
    user, _ = User.objects.get_or_create(username=f"bench-candidate-{{i}}")
    attempt = start_attempt(quiz=quiz, user=user, now=timezone.now())
    questions = attempt.snapshot["questions"]
    session = store()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    out.append({{
        "session": session.session_key,
        "question_url": attempt.question_url(1),
        "answer_urls": [attempt.answer_url(n) for n in range(1, len(questions) + 1)],
        "choices": [[c["key"] for c in q["choices"]][:2] for q in questions],
    }})
print("CANDIDATES=" + json.dumps(out))
"""


def seed_candidates(env: dict[str, str], candidates: int) -> list[dict[str, Any]]:
    run = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SEED.format(candidates=candidates)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    line = next(x for x in run.stdout.splitlines() if x.startswith("CANDIDATES="))
    result: list[dict[str, Any]] = json.loads(line.removeprefix("CANDIDATES="))
    return result


def _connection(port: int) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", port, timeout=30)


def _worker(
    port: int,
    mode: str,
    candidate: dict[str, Any],
    deadline: float,
    queue: multiprocessing.Queue,  # type: ignore[type-arg]
) -> None:
    connection = _connection(port)
    cookies = f"sessionid={candidate['session']}; csrftoken={CSRF}"
    headers = {"Host": "127.0.0.1", "Cookie": cookies}
    versions = [0] * len(candidate["answer_urls"])
    flips = [0] * len(candidate["answer_urls"])
    latencies: list[float] = []
    errors = 0
    step = 0
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        try:
            if mode == "save":
                number = step % len(versions)
                flips[number] ^= 1
                body = urlencode(
                    {
                        "choice": candidate["choices"][number][flips[number]],
                        "version": versions[number],
                    }
                )
                connection.request(
                    "POST",
                    candidate["answer_urls"][number],
                    body=body,
                    headers=headers
                    | {
                        "HX-Request": "true",
                        "X-CSRFToken": CSRF,
                        "Content-Type": "application/x-www-form-urlencoded",
                    },
                )
            else:
                url = BASELINE if mode == "baseline" else candidate["question_url"]
                connection.request("GET", url, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            if response.status != 200:
                errors += 1
            elif mode == "save":
                match = VERSION.search(payload.decode())
                if match is None or b"Saved" not in payload:
                    errors += 1
                else:
                    versions[number] = int(match.group(1))
        except (OSError, http.client.HTTPException):
            errors += 1
            connection.close()
            connection = _connection(port)
            continue
        latencies.append((time.perf_counter() - start) * 1000)
        step += 1
    queue.put((latencies, errors))


def measure(
    port: int, mode: str, label: str, candidates: list[dict[str, Any]], seconds: float
) -> Measurement:
    """Drive one kind of request from every candidate at once for `seconds`."""
    return drive(label, _worker, [(port, mode, candidate) for candidate in candidates], seconds)


def fresh_postgres(url: str) -> str | None:
    """Return the URL of a new, empty database next to `url`'s, or None if unreachable."""
    try:
        import psycopg
    except ImportError:
        return None
    name = "bench_exam_saves"
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=3) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            connection.execute(f"CREATE DATABASE {name}")
    except psycopg.Error as error:
        print(f"PostgreSQL skipped: {error}".strip())
        return None
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def run(label: str, env: dict[str, str], args: argparse.Namespace) -> list[Measurement]:
    prepare(env)
    candidates = seed_candidates(env, args.candidates)
    with gunicorn(env, args.workers) as port:
        measure(port, "baseline", "warm-up", candidates, 1.0)
        return [
            measure(port, "baseline", f"{label}: GET {BASELINE}", candidates, args.seconds),
            measure(port, "page", f"{label}: GET exam question page", candidates, args.seconds),
            measure(port, "save", f"{label}: POST answer save (htmx)", candidates, args.seconds),
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="Load duration per URL.")
    parser.add_argument("--candidates", type=int, default=8, help="Concurrent candidates.")
    parser.add_argument(
        "--workers", type=int, default=None, help="gunicorn workers (default: config/gunicorn.py)."
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="A PostgreSQL server to create the bench database on.",
    )
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()

    results: list[list[Measurement]] = []
    with tempfile.TemporaryDirectory() as database_dir:
        env = server_env(database_dir)
        env["DATABASE_URL"] = f"sqlite:///{database_dir}/bench.sqlite3"
        results.append(run("SQLite", env, args))
    if not args.skip_postgres:
        url = fresh_postgres(args.postgres_url)
        if url:
            with tempfile.TemporaryDirectory() as database_dir:
                env = server_env(database_dir)
                env["DATABASE_URL"] = url
                results.append(run("PostgreSQL", env, args))

    print(
        f"gunicorn {args.workers or 'config/gunicorn.py'} workers, "
        f"{args.candidates} concurrent candidates "
        f"(one keep-alive connection each), {args.seconds:.0f} s each"
    )
    print(f"{'What':<48} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'vs trivial':>10}")
    for group in results:
        baseline = group[0]
        for item in group:
            print(
                f"{item.url:<48} {item.rps:8.1f} {item.percentile(0.5):8.2f}"
                f" {item.percentile(0.99):8.2f} {item.errors:7d} {item.rps / baseline.rps:10.2f}"
            )


if __name__ == "__main__":
    main()
