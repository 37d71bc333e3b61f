"""Benchmark the simulator against SimFaaS on the same workload, in alternating rounds.

Run: .venv/bin/python -m bench.bench_simfaas [--seconds 200] [--rounds 5]

The workload is SimFaaS's own example at λ = 100: Poisson arrivals at 100 requests/s, an
exponential service time with a 2 s mean (SimFaaS: `warm_service_rate=1/2`; a cold start's
service time has a 2.2 s mean, ours is a 200 ms INIT then the 2 s handler), idle instances
expire after 600 s, no concurrency limit in reach. Both simulate the same number of seconds
with their progress output off; each round runs SimFaaS, then this engine metrics-only (its
fast path), then this engine with the fast path turned off, so load on the machine hits all
three alike. The figure is simulated requests per wall-clock second, and the ratio of the two
in the same round (issue 15 asks for at least 30×).

SimFaaS is not a dependency of the project: `pip install simfaas==0.2.2` to compare (it pulls
numpy, pandas, scipy and matplotlib). Without it the bench prints this engine's figures only.
Not a test: CI does not run it.
"""

from __future__ import annotations

import argparse
import importlib
import os
import statistics
import time
from typing import Any

from course.sandbox import Scenario, engine, simulate

TARGET = 30.0


def workload(seconds: int) -> Scenario:
    """Return SimFaaS's λ = 100 workload as a scenario of this engine."""
    return Scenario.from_dict(
        {
            "seed": 1,
            "Function": {"Timeout": 900},
            "Account": {"ConcurrentExecutions": 10_000},
            "Code": {
                "InitDurationMs": 200,
                "DurationMs": {"Distribution": "exponential", "MeanMs": 2_000},
            },
            "Environment": {"IdleLifetimeSeconds": 600},
            "Traffic": {
                "Rates": [{"Kind": "poisson", "PerSecond": 100, "DurationSeconds": seconds}]
            },
        }
    )


def simfaas_class() -> Any:
    """Return SimFaaS's simulator class, or None when it is not installed."""
    try:
        module = importlib.import_module("simfaas.ServerlessSimulator")
    except ImportError:
        return None
    return module.ServerlessSimulator


def run_simfaas(simulator: Any, seconds: int, seed: int) -> tuple[int, float, float]:
    """Return (requests, wall seconds, CPU seconds) of one SimFaaS trace."""
    importlib.import_module("numpy").random.seed(seed)  # SimFaaS draws from numpy's generator
    sim = simulator(
        arrival_rate=100,
        warm_service_rate=1 / 2,
        cold_service_rate=1 / 2.2,
        expiration_threshold=600,
        max_time=seconds,
    )
    start, cpu = time.perf_counter(), time.process_time()
    sim.generate_trace(debug_print=False, progress=False)
    return (
        int(sim.total_req_count),
        time.perf_counter() - start,
        time.process_time() - cpu,
    )


def run_engine(scenario: Scenario, *, fast: bool, least_s: float) -> tuple[int, float, float]:
    """Return (requests, wall seconds, CPU seconds) of metrics-only runs of this engine.

    The run repeats until `least_s` wall seconds have passed, so a short run is measured over
    a window as long as SimFaaS's and a moment of load elsewhere weighs on both alike.
    """
    engine.FAST_PATH = fast
    requests = 0
    start, cpu = time.perf_counter(), time.process_time()
    try:
        while True:
            requests += simulate(scenario, metrics_only=True).metrics.requests_offered
            if time.perf_counter() - start >= least_s:
                break
    finally:
        engine.FAST_PATH = True
    return requests, time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=200, help="simulated seconds per run")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    simulator = simfaas_class()
    if simulator is None:
        print("SimFaaS is not installed: pip install simfaas==0.2.2 to compare (ratio skipped)")
    scenario = workload(args.seconds)
    print(
        f"λ = 100/s, exponential 2 s service, 600 s expiry, {args.seconds} simulated s per run; "
        f"load average {os.getloadavg()[0]:.1f} at the start"
    )
    ratios: list[float] = []
    cpu_ratios: list[float] = []
    fast_gains: list[float] = []
    for round_ in range(1, args.rounds + 1):
        cells = []
        theirs = theirs_cpu = 0.0
        window = 0.5
        if simulator is not None:
            count, elapsed, cpu = run_simfaas(simulator, args.seconds, round_)
            theirs, theirs_cpu, window = count / elapsed, count / cpu, elapsed
            cells.append(f"SimFaaS {theirs:>7,.0f} req/s")
        count, elapsed, cpu = run_engine(scenario, fast=True, least_s=window)
        ours, ours_cpu = count / elapsed, count / cpu
        count, elapsed, _ = run_engine(scenario, fast=False, least_s=window)
        general = count / elapsed
        fast_gains.append(ours / general)
        cells.append(f"engine {ours:>9,.0f} req/s (general loop {general:>9,.0f})")
        if theirs:
            ratios.append(ours / theirs)
            cpu_ratios.append(ours_cpu / theirs_cpu)
            cells.append(f"ratio {ours / theirs:5.1f}× (CPU time {ours_cpu / theirs_cpu:5.1f}×)")
        print(f"round {round_}: " + ", ".join(cells) + f"; load {os.getloadavg()[0]:.1f}")
    print(f"fast path vs general loop: median {statistics.median(fast_gains):.2f}×")
    if ratios:
        median = statistics.median(ratios)
        verdict = "met" if median >= TARGET else "NOT met"
        print(
            f"engine vs SimFaaS, simulated requests per wall second: median {median:.1f}× "
            f"(rounds {min(ratios):.1f}–{max(ratios):.1f}×; per CPU second "
            f"{statistics.median(cpu_ratios):.1f}×; target ≥ {TARGET:g}×: {verdict})"
        )
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
