"""Arrival times of the offered items, generated lazily in time order."""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterator
from dataclasses import dataclass

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


def _rate_rng(seed: int, index: int) -> random.Random:
    return random.Random(f"{seed}:traffic:{index}")


@dataclass(frozen=True, slots=True)
class Poisson:
    """A traffic of one Poisson rate, for a loop that draws its arrivals inline.

    Arrival n is `int(clock)` after `clock += rng.expovariate(per_ms)` n times from `start`,
    while fewer than `count` have arrived and before `end` (None: no such limit), as `_rate`.
    """

    rng: random.Random
    per_ms: float
    start: int
    end: int | None
    count: int | None


def single_poisson(traffic: Traffic, seed: int) -> Poisson | None:
    """Return the traffic's draws when it is one Poisson rate and nothing else, else None."""
    if traffic.events or traffic.bursts or len(traffic.rates) != 1:
        return None
    rate = traffic.rates[0]
    if rate.kind != "poisson":
        return None
    return Poisson(
        _rate_rng(seed, 0), rate.per_second / 1000, rate.start_ms, rate.end_ms, rate.count
    )


def arrivals(traffic: Traffic, seed: int) -> Iterator[Arrival]:
    """Yield (time_ms, stream, explicit event or None) in time order."""
    sources: list[Iterator[Arrival]] = []
    if traffic.events:
        sources.append(_explicit(traffic.events))
    for index, rate in enumerate(traffic.rates):
        sources.append(_rate(rate, _rate_rng(seed, index), index + 1))
    offset = len(traffic.rates) + 1
    for index, burst in enumerate(traffic.bursts):
        sources.append(_burst(burst.at_ms, burst.count, offset + index))
    if len(sources) == 1:
        return sources[0]
    return heapq.merge(*sources, key=lambda arrival: (arrival[0], arrival[1]))
