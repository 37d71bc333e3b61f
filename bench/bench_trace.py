"""Benchmark a full trace: its memory and CPU per request, and the lab's budget with its timeline.

Run: .venv/bin/python -m bench.bench_trace [--repeat 5]

- Memory: the bytes a kept trace holds per request (tracemalloc, the result alive), for
  synchronous requests with a fixed and with an exponential duration.
- CPU: microseconds per request with the trace kept, and as a ratio of the same run
  metrics-only, measured in the same rounds.
- The lab's budget: the biggest run a lab request may make (MAX_OFFERED requests, stopped by
  the lab's caps: RUN_MAX_EVENTS, RUN_MAX_TRACE_EVENTS), traced, then its timeline drawn;
  also the heaviest shipped preset as shipped. Issue 15 asks for trace + timeline under 0.3 s.

Not a test: CI does not run it. Figures are medians of the repeats (and the best of them for
the lab's budget), with the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import tracemalloc
from pathlib import Path
from typing import Any

import yaml

from course.lab.core import runs
from course.lab.core.timeline import build_timeline
from course.sandbox import Scenario, simulate

ROOT = Path(__file__).resolve().parents[1]
HEAVIEST_PRESET = ROOT / "content/lambda-best-practices/scenarios/kinesis-parallelization.yaml"


def sync_requests(count: int, duration: Any = 1_000) -> dict[str, Any]:
    """Return a synchronous Poisson workload of `count` requests at 50 per second."""
    return {
        "seed": 1,
        "Code": {"InitDurationMs": 200, "DurationMs": duration},
        "Traffic": {"Rates": [{"Kind": "poisson", "PerSecond": 50, "Count": count}]},
    }


def bytes_per_request(data: dict[str, Any]) -> tuple[float, float]:
    """Return (bytes the kept trace holds per request, trace events per request)."""
    scenario = Scenario.from_dict(data)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    result = simulate(scenario)
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    offered = result.metrics.requests_offered
    return held / offered, len(result.events) / offered


def cpu_per_request(data: dict[str, Any], *, metrics_only: bool) -> float:
    """Return CPU microseconds per request of one run."""
    scenario = Scenario.from_dict(data)
    start = time.process_time()
    result = simulate(scenario, metrics_only=metrics_only)
    return (time.process_time() - start) * 1e6 / result.metrics.requests_offered


def lab_budget(data: dict[str, Any]) -> tuple[float, float, float, float, int]:
    """Return trace and timeline wall seconds, then CPU seconds, and the trace events of one
    lab run as `run_lab` makes it."""
    scenario = Scenario.from_dict(data)
    start, cpu = time.perf_counter(), time.process_time()
    result = runs._simulate(scenario)  # noqa: SLF001 - the lab's own caps
    traced, traced_cpu = time.perf_counter(), time.process_time()
    build_timeline(result)
    drawn, drawn_cpu = time.perf_counter(), time.process_time()
    return (
        traced - start,
        drawn - traced,
        traced_cpu - cpu,
        drawn_cpu - traced_cpu,
        len(result.events),
    )


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} at the start")
    exponential = {"Distribution": "exponential", "MeanMs": 1_000}
    for label, duration in (("fixed 1 s", 1_000), ("exponential 1 s", exponential)):
        held, per = bytes_per_request(sync_requests(5_000, duration))
        print(
            f"trace memory, sync {label}: {held:,.0f} bytes per request "
            f"({per:.1f} events, {held / per:,.0f} bytes per event)"
        )
    traced_us: list[float] = []
    ratios: list[float] = []
    for _ in range(args.repeat):
        full = cpu_per_request(sync_requests(5_000), metrics_only=False)
        bare = cpu_per_request(sync_requests(5_000), metrics_only=True)
        traced_us.append(full)
        ratios.append(full / bare)
    print(
        f"trace CPU, sync fixed 1 s: {statistics.median(traced_us):.1f} µs per request, "
        f"{statistics.median(ratios):.1f}× metrics-only (load {os.getloadavg()[0]:.1f})"
    )
    budget = sync_requests(runs.MAX_OFFERED)
    preset = yaml.safe_load(HEAVIEST_PRESET.read_text())["scenario"]
    for label, data in (
        (f"lab budget ({runs.MAX_OFFERED:,} sync requests)", budget),
        ("heaviest preset as shipped (kinesis-parallelization)", preset),
    ):
        samples = [lab_budget(data) for _ in range(args.repeat)]
        trace_s, timeline_s, trace_cpu, timeline_cpu = (
            statistics.median(sample[part] for sample in samples) for part in range(4)
        )
        best = min(sample[0] + sample[1] for sample in samples)
        verdict = "met" if trace_s + timeline_s < 0.3 else "NOT met"
        print(
            f"{label}: trace {trace_s:.3f} s + timeline {timeline_s:.3f} s = "
            f"{trace_s + timeline_s:.3f} s wall, best {best:.3f} s (CPU {trace_cpu:.3f} + "
            f"{timeline_cpu:.3f} s); {samples[0][4]:,} trace events; target < 0.3 s: {verdict}; "
            f"load {os.getloadavg()[0]:.1f}"
        )


if __name__ == "__main__":
    main()
