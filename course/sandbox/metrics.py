"""Run metrics: counters, time averages, latency percentiles and cost.

Percentiles come from a fixed-size log-linear histogram (HDR style, 10 significant bits):
values under 1,024 ms are exact, larger ones within 0.1 %; exact counts are also kept while
there are at most 4,096 distinct values. Its size does not depend on the run length, so
metrics-only runs use flat memory.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

SUCCEEDED = "succeeded"
FAILED = "failed"
THROTTLED = "throttled"
DEAD_LETTERED = "dead-lettered"
DISCARDED = "discarded"
UNFINISHED = "unfinished"

_SUB_BITS = 10
_SUB = 1 << _SUB_BITS
_HALF = _SUB >> 1
_BUCKETS = 64 * _HALF + _SUB


def _bucket(value: int) -> int:
    if value < _SUB:
        return value if value > 0 else 0
    shift = value.bit_length() - _SUB_BITS
    return shift * _HALF + (value >> shift)


def _value(index: int) -> int:
    if index < _SUB:
        return index
    shift = index // _HALF - 1
    mantissa = index - shift * _HALF
    return (mantissa << shift) + ((1 << shift) >> 1)


EXACT_LIMIT = 4_096


class Histogram:
    """Count integer values in fixed log-linear buckets.

    While there are at most EXACT_LIMIT distinct values the exact counts are kept too, so
    small runs report exact percentiles; memory stays bounded either way.
    """

    __slots__ = ("count", "counts", "exact", "total")

    def __init__(self) -> None:
        self.counts = [0] * _BUCKETS
        self.exact: dict[int, int] | None = {}
        self.count = 0
        self.total = 0

    def add(self, value: int) -> None:
        """Record one value (negative values count as 0)."""
        self.counts[_bucket(value)] += 1
        self.count += 1
        self.total += value
        exact = self.exact
        if exact is not None:
            exact[value] = exact.get(value, 0) + 1
            if len(exact) > EXACT_LIMIT:
                self.exact = None

    def percentile(self, fraction: float) -> int:
        """Return the nearest-rank percentile (0 when empty)."""
        if not self.count:
            return 0
        rank = max(1, math.ceil(fraction * self.count))
        seen = 0
        if self.exact is not None:
            for value in sorted(self.exact):
                seen += self.exact[value]
                if seen >= rank:
                    return value
        for index, hits in enumerate(self.counts):
            seen += hits
            if seen >= rank:
                return _value(index)
        return 0  # pragma: no cover

    def mean(self) -> float:
        """Return the exact mean."""
        return self.total / self.count if self.count else 0.0


@dataclass(frozen=True, slots=True)
class Metrics:
    """A summary of one simulated run; times in ms, money in USD."""

    requests_offered: int
    invocations: int
    cold_starts: int
    warm_starts: int
    throttles: int
    function_errors: int
    timeouts: int
    retries: int
    succeeded: int
    failed: int
    throttled: int
    dead_lettered: MappingProxyType[str, int]
    discarded: int
    unfinished: int
    success_destinations: int
    side_effects: int
    duplicate_side_effects: int
    environments_created: int
    avg_live_environments: float
    avg_busy_environments: float
    avg_idle_environments: float
    peak_concurrency: int
    latency_p50_ms: int
    latency_p95_ms: int
    latency_p99_ms: int
    latency_mean_ms: float
    mean_invocation_ms: float
    billed_ms: int
    billed_gb_seconds: float
    request_cost_usd: float
    duration_cost_usd: float
    provisioned_cost_usd: float
    cost_usd: float
    provisioned_spillover_invocations: int
    iterator_age_max_ms: int
    db_errors: int
    db_peak_connections: int
    horizon_ms: int
    terminal: MappingProxyType[str, int] = field(default_factory=lambda: MappingProxyType({}))
    # Invocations per executed version ("$LATEST", "1", …): an alias's split, counted.
    invocations_by_version: MappingProxyType[str, int] = field(
        default_factory=lambda: MappingProxyType({})
    )
    # Per function (a scenario with several functions; one entry otherwise).
    invocations_by_function: MappingProxyType[str, int] = field(
        default_factory=lambda: MappingProxyType({})
    )
    function_errors_by_function: MappingProxyType[str, int] = field(
        default_factory=lambda: MappingProxyType({})
    )
    # Records left in queues nobody polls (dead-letter queues), by queue name.
    messages_in_queues: MappingProxyType[str, int] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dictionary."""
        data: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            data[item.name] = dict(value) if isinstance(value, MappingProxyType) else value
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Metrics:
        """Rebuild metrics from `as_dict()` output (e.g. stored in a session or a cache)."""
        values = dict(data)
        for name in (
            "dead_lettered",
            "terminal",
            "invocations_by_version",
            "invocations_by_function",
            "function_errors_by_function",
            "messages_in_queues",
        ):
            values[name] = MappingProxyType(dict(values.get(name, {})))
        return cls(**values)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle through `as_dict()`: read-only mappings cannot be pickled directly."""
        return (Metrics.from_dict, (self.as_dict(),))


class Recorder:
    """Mutable counters the engine updates while it runs."""

    def __init__(self) -> None:
        self.offered = 0
        self.invocations = 0
        self.cold = 0
        self.warm = 0
        self.throttles = 0
        self.function_errors = 0
        self.timeouts = 0
        self.retries = 0
        self.terminal: dict[str, int] = {
            SUCCEEDED: 0,
            FAILED: 0,
            THROTTLED: 0,
            DEAD_LETTERED: 0,
            DISCARDED: 0,
            UNFINISHED: 0,
        }
        self.dead_lettered: dict[str, int] = {}
        self.by_version: dict[str, int] = {}
        self.success_destinations = 0
        self.side_effects = 0
        self.duplicate_side_effects = 0
        self.environments = 0
        self.live_ms = 0
        self.busy_ms = 0
        self.peak = 0
        self.latency = Histogram()
        self.invocation_ms = Histogram()
        self.billed_ms = 0
        self.gb_ms_on_demand = 0.0
        self.gb_ms_provisioned = 0.0
        self.spillover = 0
        self.iterator_age_max = 0
        self.db_errors = 0
        self.db_peak = 0
        self.last_ms = 0

    def finish(self, when: int, how: str, latency_ms: int) -> None:
        """Record that an offered item reached its terminal place."""
        self.terminal[how] += 1
        self.latency.add(latency_ms)
        if when > self.last_ms:
            self.last_ms = when

    def dead_letter(self, place: str) -> None:
        """Count one delivery to a failure destination or dead-letter queue."""
        self.dead_lettered[place] = self.dead_lettered.get(place, 0) + 1
