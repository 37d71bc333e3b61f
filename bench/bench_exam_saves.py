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

`--autosave` runs the scenario of issue 16 instead, on PostgreSQL + Redis (`--redis-url`) in the
shipped gunicorn configuration: `--candidates` (200) candidates, each on its own keep-alive
connection, save an answer, think 2-6 s (`--think`), save the next, for `--seconds` (60). It
prints p50/p99 of the acknowledged saves with the load average, then reads every attempt's
event log and answers back from the database and counts acknowledged saves that are missing
(lost; must be 0):

    .venv/bin/python bench/bench_exam_saves.py --autosave [--candidates 200] [--seconds 60]
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
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
# The autosave scenario's candidates go back and forth over this many questions.
REVISITED = 3
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
        "attempt": attempt.pk,
        "keys": [q["key"] for q in questions],
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


def _autosave_candidate(
    port: int,
    candidate: dict[str, Any],
    deadline: float,
    think: tuple[float, float],
    out: list[dict[str, Any]],
) -> None:
    """One candidate: save an answer, think, save the next... until the deadline.

    Appends one record per save: latency, whether it was acknowledged (200, "Saved", a version),
    and what was acknowledged (question key, choice, version) for the check afterwards.
    """
    rng = random.Random(candidate["attempt"])
    connection = _connection(port)
    headers = {
        "Host": "127.0.0.1",
        "Cookie": f"sessionid={candidate['session']}; csrftoken={CSRF}",
        "HX-Request": "true",
        "X-CSRFToken": CSRF,
        "Content-Type": "application/x-www-form-urlencoded",
    }
    versions = [0] * len(candidate["answer_urls"])
    flips = [0] * len(candidate["answer_urls"])
    time.sleep(rng.uniform(0, think[1]))  # candidates do not start in step
    step = 0
    while time.perf_counter() < deadline:
        # Back and forth over the first questions: later saves overwrite earlier ones.
        number = step % min(REVISITED, len(versions))
        flips[number] ^= 1
        choice = candidate["choices"][number][flips[number]]
        body = urlencode({"choice": choice, "version": versions[number]})
        start = time.perf_counter()
        record: dict[str, Any] = {"ok": False, "ms": 0.0}
        try:
            connection.request("POST", candidate["answer_urls"][number], body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read().decode()
            record["ms"] = (time.perf_counter() - start) * 1000
            match = VERSION.search(payload)
            if response.status == 200 and match is not None and "Saved" in payload:
                versions[number] = int(match.group(1))
                record |= {
                    "ok": True,
                    "attempt": candidate["attempt"],
                    "key": candidate["keys"][number],
                    "choice": choice,
                    "version": versions[number],
                }
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = _connection(port)
        out.append(record)
        step += 1
        time.sleep(rng.uniform(*think))


def _autosave_process(
    port: int,
    group: list[dict[str, Any]],
    think: tuple[float, float],
    deadline: float,
    queue: multiprocessing.Queue,  # type: ignore[type-arg]
) -> None:
    out: list[dict[str, Any]] = []
    threads = [
        threading.Thread(target=_autosave_candidate, args=(port, c, deadline, think, out))
        for c in group
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put(out)


CHECK = """
import json
from quizzes.models import Attempt, AttemptEvent
acked = json.loads(open({path!r}).read())
logged = set()
for attempt_id, detail in AttemptEvent.objects.filter(
    attempt_id__in={{a["attempt"] for a in acked}}, kind="answered"
).values_list("attempt_id", "detail"):
    logged.add((attempt_id, detail["question"], detail["sequence"], tuple(detail["chosen"])))
final = {{a.pk: (a.answers, a.answer_versions) for a in Attempt.objects.filter(
    pk__in={{a["attempt"] for a in acked}})}}
lost = [a for a in acked if (a["attempt"], a["key"], a["version"], (a["choice"],)) not in logged]
last = {{}}
for a in acked:
    key = (a["attempt"], a["key"])
    if key not in last or a["version"] > last[key]["version"]:
        last[key] = a
overwritten = [a for a in last.values() if final[a["attempt"]][0].get(a["key"]) != [a["choice"]]
               or final[a["attempt"]][1].get(a["key"]) != a["version"]]
print("CHECK=" + json.dumps({{"acked": len(acked), "lost": len(lost),
                             "final_mismatch": len(overwritten), "questions": len(last)}}))
"""


def autosave(args: argparse.Namespace) -> None:
    """The issue-16 scenario: many candidates autosaving with think time, on PostgreSQL + Redis."""
    url = fresh_postgres(args.postgres_url)
    if url is None:
        raise SystemExit("--autosave needs PostgreSQL")
    with tempfile.TemporaryDirectory() as database_dir:
        env = server_env(database_dir) | {"DATABASE_URL": url, "REDIS_URL": args.redis_url}
        env["DJANGO_CACHE_PREFIX"] = f"bench-autosave-{os.getpid()}"  # not another run's keys
        prepare(env)
        candidates = seed_candidates(env, args.candidates)
        processes = max(1, min(4, len(candidates)))
        groups = [candidates[i::processes] for i in range(processes)]
        with gunicorn(env, args.workers) as port:
            load_before = os.getloadavg()
            queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
            deadline = time.perf_counter() + args.seconds
            think = (args.think[0], args.think[1])
            procs = [
                multiprocessing.Process(
                    target=_autosave_process, args=(port, group, think, deadline, queue)
                )
                for group in groups
            ]
            for proc in procs:
                proc.start()
            records: list[dict[str, Any]] = []
            for _ in procs:
                records += queue.get()
            for proc in procs:
                proc.join()
            load_after = os.getloadavg()
        acked = [r for r in records if r["ok"]]
        path = Path(database_dir) / "acked.json"
        path.write_text(json.dumps(acked))
        check = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", CHECK.format(path=str(path))],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
    line = next(x for x in check.stdout.splitlines() if x.startswith("CHECK="))
    result = json.loads(line.removeprefix("CHECK="))
    latencies = Measurement("saves", len(acked), 0, args.seconds, [r["ms"] for r in acked])
    print(
        f"autosave: {args.candidates} candidates, think {args.think[0]:g}-{args.think[1]:g} s, "
        f"{args.seconds:.0f} s, PostgreSQL + Redis, gunicorn "
        f"{args.workers or 'config/gunicorn.py'} workers, {os.cpu_count()} CPUs"
    )
    print(
        f"saves sent {len(records)}, acknowledged {len(acked)} ({latencies.rps:.1f}/s), "
        f"failed {len(records) - len(acked)}"
    )
    print(
        f"acknowledged saves: p50 {latencies.percentile(0.5):.1f} ms, "
        f"p99 {latencies.percentile(0.99):.1f} ms, "
        f"max {max(latencies.latencies_ms, default=0):.1f} ms"
        f"  (load average before {load_before[0]:.2f}, after {load_after[0]:.2f}"
        f" / {load_after[1]:.2f} / {load_after[2]:.2f})"
    )
    print(
        f"checked in the database: {result['acked']} acknowledged saves, {result['lost']} lost; "
        f"{result['final_mismatch']} of {result['questions']} answers differ from the last "
        "acknowledged save"
    )


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
    parser.add_argument(
        "--autosave", action="store_true", help="The issue-16 autosave scenario (see above)."
    )
    parser.add_argument(
        "--think", type=float, nargs=2, default=[2.0, 6.0], help="Think time range, seconds."
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    )
    args = parser.parse_args()
    if args.autosave:
        if "--candidates" not in sys.argv:
            args.candidates = 200
        if "--seconds" not in sys.argv:
            args.seconds = 60.0
        autosave(args)
        return

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
