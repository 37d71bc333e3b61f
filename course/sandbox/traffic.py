"""Arrival times of the offered items, generated lazily in time order."""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterator

from .scenario import Rate, Traffic, TrafficEvent

Arrival = tuple[int, int, TrafficEvent | None]


def _explicit(events: tuple[TrafficEvent, ...]) -> Iterator[Arrival]:
    order = sorted(range(len(events)), key=lambda i: events[i].at_ms)
    for index in order:
        yield events[index].at_ms, 0, events[index]


def _rate(rate: Rate, rng: random.Random, stream: int) -> Iterator[Arrival]:
    per_ms = rate.per_second / 1000
    count = 0
    limit = rate.count
    end = rate.end_ms
    start = rate.start_ms
    if rate.kind == "constant":
        gap = 1 / per_ms
        while limit is None or count < limit:
            at = start + int(count * gap)
            if end is not None and at >= end:
                return
            yield at, stream, None
            count += 1
        return
    expovariate = rng.expovariate
    clock = float(start)
    while limit is None or count < limit:
        clock += expovariate(per_ms)
        at = int(clock)
        if end is not None and at >= end:
            return
        yield at, stream, None
        count += 1


def _burst(at_ms: int, count: int, stream: int) -> Iterator[Arrival]:
    for _ in range(count):
        yield at_ms, stream, None


def arrivals(traffic: Traffic, seed: int) -> Iterator[Arrival]:
    """Yield (time_ms, stream, explicit event or None) in time order."""
    sources: list[Iterator[Arrival]] = []
    if traffic.events:
        sources.append(_explicit(traffic.events))
    for index, rate in enumerate(traffic.rates):
        rng = random.Random(f"{seed}:traffic:{index}")
        sources.append(_rate(rate, rng, index + 1))
    offset = len(traffic.rates) + 1
    for index, burst in enumerate(traffic.bursts):
        sources.append(_burst(burst.at_ms, burst.count, offset + index))
    if len(sources) == 1:
        return sources[0]
    return heapq.merge(*sources, key=lambda arrival: (arrival[0], arrival[1]))
