"""HTTP throughput and latency of named pages against a trivial view, measured in one run.

Starts gunicorn on 127.0.0.1 with a fresh SQLite database (or DATABASE_URL), loads the course,
then drives each URL from a separate load-generator process with keep-alive connections and
prints requests/s, p50 and p99 latency, and each page's throughput as a ratio of the trivial
view's (`/healthz/`) from the same run. A benchmark, not a test.

    .venv/bin/python bench/http_load.py [--seconds 5] [--connections 8] [--workers 2] [URL ...]

`--interleave` measures the pages of issue 16 (lesson page, lab as a cached run, catalogue; or
the URLs given) in alternating short rounds, trivial view, page, trivial view, page... (`--rounds`
of `--seconds` each), so that a change of machine load hits both sides of every ratio; it prints
each page's ratio to the trivial rounds around it, the target, and the load average.

    .venv/bin/python bench/http_load.py --interleave [--rounds 6] [--seconds 1] [URL ...]

`--signed-in` logs in as the demo learner through the login form first, and every request
(the trivial view's too) carries that session's cookies: the pages a learner gets, rendered per
request around the shared parts cached under the content version.

    .venv/bin/python bench/http_load.py --interleave --signed-in [URL ...]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import multiprocessing
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "/healthz/"
MODULE = "lambda-best-practices"
DEFAULT_PAGES = [
    "/",
    f"/modules/{MODULE}/",
    f"/modules/{MODULE}/execution-environment-lifecycle/",
    f"/quizzes/{MODULE}/practice/streams/",
    "/sandbox/",
    f"/sandbox/{MODULE}/cold-then-warm/",
]


LESSON = f"/modules/{MODULE}/execution-environment-lifecycle/"
LAB = f"/sandbox/{MODULE}/cold-then-warm/"
# Issue 16's pages and targets (throughput as a fraction of the trivial view's).
TARGETS = {LESSON: 0.6, LAB: 0.3, "/": 0.4}
NAMES = {LESSON: "lesson page", LAB: "lab (cached run)", "/": "catalogue"}


def preset_pages() -> list[str]:
    """Return the lab URL of every preset in the course content."""
    folder = ROOT / "content" / MODULE / "scenarios"
    return [f"/sandbox/{MODULE}/{path.stem}/" for path in sorted(folder.glob("*.yaml"))]


@dataclass
class Measurement:
    url: str
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else float("nan")


def _worker(
    port: int,
    url: str,
    cookie: str,
    deadline: float,
    queue: multiprocessing.Queue,  # type: ignore[type-arg]
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": "127.0.0.1", **({"Cookie": cookie} if cookie else {})}
    latencies: list[float] = []
    errors = 0
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        try:
            connection.request("GET", url, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                errors += 1
        except (OSError, http.client.HTTPException):
            errors += 1
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        latencies.append((time.perf_counter() - start) * 1000)
    queue.put((latencies, errors))


def drive(
    label: str, worker: Callable[..., None], worker_args: list[tuple[Any, ...]], seconds: float
) -> Measurement:
    """Run one load-generator process per argument tuple for `seconds`; gather latencies.

    Each worker is called as `worker(*args, deadline, queue)` and puts `(latencies, errors)`.
    """
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    start = time.perf_counter()
    deadline = start + seconds
    procs = [
        multiprocessing.Process(target=worker, args=(*args, deadline, queue))
        for args in worker_args
    ]
    for proc in procs:
        proc.start()
    latencies: list[float] = []
    errors = 0
    for _ in procs:
        got, failed = queue.get()
        latencies += got
        errors += failed
    for proc in procs:
        proc.join()
    return Measurement(label, len(latencies), errors, time.perf_counter() - start, latencies)


def measure(port: int, url: str, seconds: float, connections: int, cookie: str = "") -> Measurement:
    """Drive one URL from `connections` load-generator processes for `seconds`.

    `cookie` is the `Cookie` header every request sends (a signed-in session: `sign_in`).
    """
    return drive(url, _worker, [(port, url, cookie)] * connections, seconds)


def sign_in(port: int, username: str = "learner", password: str = "lambda-learner") -> str:
    """Log in through the login form (the demo learner of seed_demo); return the Cookie header."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    jar: SimpleCookie = SimpleCookie()
    connection.request("GET", "/accounts/login/", headers={"Host": "127.0.0.1"})
    response = connection.getresponse()
    page = response.read().decode()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if token is None:
        raise SystemExit("the login page has no CSRF token")
    form = {"username": username, "password": password, "csrfmiddlewaretoken": token[1]}
    connection.request(
        "POST",
        "/accounts/login/",
        body=urlencode(form),
        headers={
            "Host": "127.0.0.1",
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items()),
        },
    )
    response = connection.getresponse()
    response.read()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    if response.status != 302 or "sessionid" not in jar:
        raise SystemExit(f"logging in as {username!r} failed ({response.status})")
    return "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(port: int, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", BASELINE)
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def server_env(database_dir: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_HSTS_SECONDS": "0",
    }
    env.setdefault("DATABASE_URL", f"sqlite:///{database_dir}/bench.sqlite3")
    return env


def prepare(env: dict[str, str]) -> None:
    """Migrate, collect static files, and load the course and demo accounts."""
    python = sys.executable
    for args in (
        ["migrate", "--noinput"],
        ["collectstatic", "--noinput"],
        ["loadcourse", "content/"],
        ["seed_demo", "--force"],  # a local benchmark server, not a deployment
    ):
        subprocess.run(
            [python, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
        )


@contextlib.contextmanager
def gunicorn(env: dict[str, str], workers: int | None = None) -> Iterator[int]:
    """Serve the project with the shipped gunicorn configuration on a free loopback port.

    `workers` overrides the configuration's sizing (one process per CPU, 4 threads each).
    Yields the port.
    """
    port = _free_port()
    server_env = env | {"GUNICORN_BIND": f"127.0.0.1:{port}"}
    if workers is not None:
        server_env["GUNICORN_WORKERS"] = str(workers)
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "-c",
            str(ROOT / "config" / "gunicorn.py"),
            "config.wsgi",
        ],
        cwd=ROOT,
        env=server_env,
    )
    try:
        _wait_until_up(port)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f}/{five:.2f}"


def interleaved(
    port: int, urls: list[str], rounds: int, seconds: float, connections: int, cookie: str = ""
) -> None:
    """Alternate short rounds of the trivial view and each page; print the ratios as they come."""
    print(
        f"interleaved: {rounds} rounds of {seconds:g} s (trivial, page, trivial, page...), "
        f"{connections} connections, {os.cpu_count()} CPUs"
        f"{', signed in as the demo learner' if cookie else ''}"
    )
    print(
        f"{'page':<24} {'req/s':>8} {'trivial':>8} {'ratio':>6} {'target':>7} "
        f"{'p50 ms':>7} {'p99 ms':>7} {'err':>4}  load (1/5 min)"
    )
    for url in urls:
        measure(port, url, 0.5, 1, cookie)  # render once: the cached page or the cached run
        page: list[Measurement] = []
        trivial: list[Measurement] = []
        for _ in range(rounds):
            trivial.append(measure(port, BASELINE, seconds, connections, cookie))
            page.append(measure(port, url, seconds, connections, cookie))
        # Closes the last pair.
        trivial.append(measure(port, BASELINE, seconds, connections, cookie))
        page_rps = sum(m.requests for m in page) / sum(m.seconds for m in page)
        trivial_rps = sum(m.requests for m in trivial) / sum(m.seconds for m in trivial)
        latencies = Measurement(url, 0, 0, 1, [x for m in page for x in m.latencies_ms])
        target = TARGETS.get(url)
        ratio = page_rps / trivial_rps
        verdict = "" if target is None else f"{'≥' if ratio >= target else '<'}{target:.1f}"
        print(
            f"{NAMES.get(url, url)[:24]:<24} {page_rps:8.1f} {trivial_rps:8.1f} {ratio:6.2f} "
            f"{verdict:>7} {latencies.percentile(0.5):7.2f} {latencies.percentile(0.99):7.2f} "
            f"{sum(m.errors for m in page):4d}  {load_average()}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="*", help="Paths to measure.")
    parser.add_argument(
        "--interleave", action="store_true", help="Alternate trivial and page rounds (issue 16)."
    )
    parser.add_argument("--rounds", type=int, default=6, help="Rounds per page (--interleave).")
    parser.add_argument(
        "--presets", action="store_true", help="Measure the lab page of every sandbox preset."
    )
    parser.add_argument(
        "--signed-in",
        action="store_true",
        help="Log in as the demo learner first; every request sends its session cookie.",
    )
    parser.add_argument("--seconds", type=float, default=5.0, help="Load duration per URL.")
    parser.add_argument("--connections", type=int, default=8, help="Concurrent clients.")
    parser.add_argument(
        "--workers", type=int, default=None, help="gunicorn workers (default: config/gunicorn.py)."
    )
    args = parser.parse_args()
    if args.presets:
        args.urls = preset_pages()
    if args.interleave:
        seconds = args.seconds if "--seconds" in sys.argv else 1.0
        with tempfile.TemporaryDirectory() as database_dir:
            env = server_env(database_dir)
            prepare(env)
            with gunicorn(env, args.workers) as port:
                cookie = sign_in(port) if args.signed_in else ""
                measure(port, BASELINE, 1.0, args.connections, cookie)  # warm-up
                print(f"({os.environ.get('DATABASE_URL', 'SQLite')}, {load_average()} at start)")
                urls = args.urls or list(TARGETS)
                interleaved(port, urls, args.rounds, seconds, args.connections, cookie)
        return
    args.urls = args.urls or DEFAULT_PAGES

    with tempfile.TemporaryDirectory() as database_dir:
        env = server_env(database_dir)
        prepare(env)
        with gunicorn(env, args.workers) as port:
            cookie = sign_in(port) if args.signed_in else ""
            measure(port, BASELINE, 1.0, args.connections, cookie)  # warm-up
            results = [
                measure(port, url, args.seconds, args.connections, cookie)
                for url in [BASELINE, *args.urls]
            ]

    baseline = results[0]
    print(
        f"gunicorn {args.workers or 'config/gunicorn.py'} workers, {args.connections} connections, "
        f"{args.seconds:.0f} s each ({os.environ.get('DATABASE_URL', 'SQLite')})"
    )
    print(f"{'URL':<70} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'vs trivial':>10}")
    for item in results:
        print(
            f"{item.url:<70} {item.rps:8.1f} {item.percentile(0.5):8.2f}"
            f" {item.percentile(0.99):8.2f} {item.errors:7d} {item.rps / baseline.rps:10.2f}"
        )
    spread = statistics.pstdev(baseline.latencies_ms) if baseline.latencies_ms else 0
    print(f"(trivial view latency standard deviation {spread:.2f} ms)")


if __name__ == "__main__":
    main()
