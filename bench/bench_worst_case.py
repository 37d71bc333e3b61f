"""The most expensive lab request anyone can send, and each preset as shipped, on a cache miss.

Every shipped preset is requested with hostile settings — each knob at the end of its range that
makes the most work, the longest traffic script of the largest bursts — on a cache miss, in
process through Django's test client. For each request the script reports the wall time and
the simulated events (the engine's own count, the cost measure the tests assert on), and the
worst of them as a ratio of the trivial `/healthz/` view measured in the same run.

    .venv/bin/python -m bench.bench_worst_case [--repeat 3] [--preset SLUG ...]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MODULE = "lambda-best-practices"
SCRIPT = ",".join(["burst:200"] * 40)  # the longest script the form accepts


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ["DATABASE_URL"] = "sqlite:///:memory:"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("loadcourse", str(ROOT / "content"), verbosity=0)


def hostile_queries(preset: Any) -> list[dict[str, str]]:
    """Return the knob settings that make a preset do the most work, with and without a script."""
    from course.lab.core.knobs import knobs_for

    worst: dict[str, str] = {"run": "1"}
    for knob in knobs_for(preset.knobs):
        if knob.kind == "bool":
            worst[knob.key] = "on"
        elif knob.kind == "choice":
            worst[knob.key] = str(knob.choices[-1][0])
        elif knob.maximum is not None:
            # Most knobs make more work at their top (rates, bursts, retries, receive counts);
            # a few at their bottom (visibility timeout, batch size): try the top here and
            # let the script below cover the rest.
            value = knob.maximum if knob.key not in {"visibility", "batch_size"} else knob.minimum
            worst[knob.key] = f"{value:g}" if value is not None else ""
    return [worst, {**worst, "steps": SCRIPT}]


def timed(client: Any, url: str, params: dict[str, str]) -> tuple[float, int]:
    """Return the wall time of one uncached request and the events it simulated."""
    from unittest import mock

    from django.core.cache import cache

    from course.lab.core import runs, steps
    from course.sandbox import simulate

    counted: list[int] = []

    def counting(*args: Any, **kwargs: Any) -> Any:
        result = simulate(*args, **kwargs)
        counted.append(result.simulated_events)
        return result

    with (
        mock.patch.object(runs, "simulate", counting),
        mock.patch.object(steps, "simulate", counting),
    ):
        cache.clear()
        start = time.perf_counter()
        response = client.get(url, params)
        elapsed = time.perf_counter() - start
    assert response.status_code == 200, (url, params, response.status_code)
    return elapsed, sum(counted)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per request (median kept)")
    parser.add_argument("--preset", action="append", help="only these presets")
    args = parser.parse_args()
    setup()
    from django.test import Client
    from django.urls import reverse

    from course.lab.core import runs
    from course.lab.models import ScenarioPreset

    client = Client()
    health = [timed_plain(client, reverse("course:health")) for _ in range(200)]
    baseline = statistics.median(health)
    rows = []
    shipped = []
    for preset in ScenarioPreset.objects.filter(module__slug=MODULE).order_by("slug"):
        if args.preset and preset.slug not in args.preset:
            continue
        url = reverse("lab:sandbox", args=[MODULE, preset.slug])
        as_shipped = [timed(client, url, {}) for _ in range(args.repeat)]
        shipped.append((statistics.median(sample[0] for sample in as_shipped), preset.slug))
        for params in hostile_queries(preset):
            samples = [timed(client, url, params) for _ in range(args.repeat)]
            seconds = statistics.median(sample[0] for sample in samples)
            events = samples[0][1]
            label = preset.slug + (" + 40×burst:200" if "steps" in params else "")
            rows.append((seconds, events, label))
    rows.sort(reverse=True)
    print(f"trivial view: {baseline * 1000:.2f} ms (median of 200)")
    print(
        f"caps: run {runs.RUN_MAX_EVENTS:,} events, trace {runs.RUN_MAX_TRACE_EVENTS:,}, ", end=""
    )
    print(f"script replays {runs.SCRIPT_MAX_EVENTS:,}")
    for seconds, events, label in rows[:10]:
        print(
            f"{label:55} {seconds * 1000:8.1f} ms  {seconds / baseline:8.0f}× trivial  "
            f"{events:>9,} simulated events"
        )
    worst_events = max(row[1] for row in rows)
    print(f"most simulated events in one request: {worst_events:,}")
    shipped.sort(reverse=True)
    print("presets as shipped, cache miss, median of the repeats (target: under 0.5 s):")
    for seconds, slug in shipped[:5]:
        print(f"  {slug:53} {seconds * 1000:8.1f} ms  {seconds / baseline:8.0f}× trivial")


def timed_plain(client: Any, url: str) -> float:
    start = time.perf_counter()
    client.get(url)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
