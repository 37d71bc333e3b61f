"""HTTP throughput and latency of named pages against a trivial view, measured in one run.

Starts gunicorn on 127.0.0.1 with a fresh SQLite database (or DATABASE_URL), loads the course,
then drives each URL from a separate load-generator process with keep-alive connections and
prints requests/s, p50 and p99 latency, and each page's throughput as a ratio of the trivial
view's (`/healthz/`) from the same run. A benchmark, not a test.

    .venv/bin/python bench/http_load.py [--seconds 5] [--connections 8] [--workers 2] [URL ...]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def _worker(port: int, url: str, deadline: float, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies: list[float] = []
    errors = 0
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        try:
            connection.request("GET", url, headers={"Host": "127.0.0.1"})
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


def measure(port: int, url: str, seconds: float, connections: int) -> Measurement:
    """Drive one URL from `connections` load-generator processes for `seconds`."""
    return drive(url, _worker, [(port, url)] * connections, seconds)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="*", default=DEFAULT_PAGES, help="Paths to measure.")
    parser.add_argument(
        "--presets", action="store_true", help="Measure the lab page of every sandbox preset."
    )
    parser.add_argument("--seconds", type=float, default=5.0, help="Load duration per URL.")
    parser.add_argument("--connections", type=int, default=8, help="Concurrent clients.")
    parser.add_argument(
        "--workers", type=int, default=None, help="gunicorn workers (default: config/gunicorn.py)."
    )
    args = parser.parse_args()
    if args.presets:
        args.urls = preset_pages()

    with tempfile.TemporaryDirectory() as database_dir:
        env = server_env(database_dir)
        prepare(env)
        with gunicorn(env, args.workers) as port:
            measure(port, BASELINE, 1.0, args.connections)  # warm-up
            results = [
                measure(port, url, args.seconds, args.connections) for url in [BASELINE, *args.urls]
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
