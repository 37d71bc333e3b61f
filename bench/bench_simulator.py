"""Benchmark the Lambda simulator: simulated requests per wall-clock second.

Run: .venv/bin/python -m bench.bench_simulator [--requests N] [--big N]

Per-request cost must not grow with the number of environments: idle environments are kept
in a deque (LIFO reuse, expiry from the other end), so no event scans all environments.
Not a test: CI does not run it.
"""

from __future__ import annotations

import argparse
import time

from course.sandbox import Scenario, simulate


def scenario(rate: float, duration_ms: int, count: int, idle_s: int = 600) -> Scenario:
    """Return a sync Poisson workload keeping about rate × duration environments busy."""
    return Scenario.from_dict(
        {
            "seed": 1,
            "Function": {"Timeout": 900},
            "Account": {"ConcurrentExecutions": 10_000},
            "Code": {"InitDurationMs": 200, "DurationMs": duration_ms},
            "Environment": {"IdleLifetimeSeconds": idle_s},
            "Traffic": {"Rates": [{"Kind": "poisson", "PerSecond": rate, "Count": count}]},
        }
    )


def measure(label: str, subject: Scenario, *, metrics_only: bool = True) -> float:
    """Simulate once and print requests per second; return the rate."""
    start = time.perf_counter()
    result = simulate(subject, metrics_only=metrics_only)
    elapsed = time.perf_counter() - start
    metrics = result.metrics
    rate = metrics.requests_offered / elapsed
    print(
        f"{label:<34} {metrics.requests_offered:>9,} requests in {elapsed:6.2f} s = "
        f"{rate:>9,.0f} req/s ({1e6 / rate:5.2f} µs/req); avg busy envs "
        f"{metrics.avg_busy_environments:7.1f}, peak {metrics.peak_concurrency}, "
        f"trace events {len(result.events):,}"
    )
    return rate


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200_000)
    parser.add_argument("--big", type=int, default=1_000_000)
    args = parser.parse_args()

    print("metrics-only, 1 s handler, Poisson arrivals")
    base = 0.0
    for envs in (3, 30, 300):
        rate = measure(f"{envs:>3} concurrent environments", scenario(envs, 1_000, args.requests))
        base = base or rate
        print(f"{'':<34} ratio vs 3 environments: {rate / base:.2f}")
    print("with trace")
    traced = max(10_000, args.requests // 10)
    trace_base = 0.0
    for envs in (3, 30, 300):
        rate = measure(
            f"{envs:>3} envs, trace kept", scenario(envs, 1_000, traced), metrics_only=False
        )
        trace_base = trace_base or rate
        print(f"{'':<34} ratio vs 3 environments: {rate / trace_base:.2f}")
    print("big run: Poisson 100 rps, 2 s durations, 600 s idle lifetime, metrics-only")
    start = time.perf_counter()
    rate = measure(f"{args.big:,} requests", scenario(100, 2_000, args.big))
    total = time.perf_counter() - start
    print(f"{'':<34} ratio vs 3 environments: {rate / base:.2f}; wall {total:.1f} s")
    print(f"{'':<34} target: under 20 s")


if __name__ == "__main__":
    main()
