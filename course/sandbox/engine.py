"""Run a scenario: the event loop that merges arrivals with scheduled callbacks."""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from . import fast_sync
from .clock import Clock
from .items import Item
from .metrics import UNFINISHED, Metrics, Recorder
from .scenario import Scenario
from .service import Service
from .sources.async_ import AsyncSource
from .sources.base import Source
from .sources.sqs import SqsSource
from .sources.streams import StreamSource
from .sources.sync import SyncSource
from .trace import TraceEvent, Tracer
from .traffic import arrivals
from .wiring import Wiring

PC_BILLING_STEP_MS = 300_000  # provisioned concurrency is billed in 5-min steps. §2 [D9]
# The most events one run may simulate: arrivals plus every scheduled callback (INIT, invoke
# ends, retries, redeliveries, polls). Callers serving untrusted input pass a lower cap.
DEFAULT_MAX_EVENTS = 20_000_000
# Metrics-only runs of plain synchronous traffic take `fast_sync.run` (the same results);
# tests turn it off to compare the two.
FAST_PATH = True

SOURCES: dict[str, type[Source]] = {
    "sync": SyncSource,
    "async": AsyncSource,
    "sqs": SqsSource,
    "kinesis": StreamSource,
    "dynamodb": StreamSource,
}


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome of one simulation: the trace (empty in metrics-only mode) and metrics."""

    events: tuple[TraceEvent, ...]
    metrics: Metrics
    simulated_events: int = 0  # arrivals and callbacks the loop processed
    stopped_at_ms: int | None = None  # set when the event cap ended the run early

    @property
    def stopped(self) -> str | None:
        """Return why the run ended early (the event cap), or None when it ran to the end."""
        if self.stopped_at_ms is None:
            return None
        return (
            f"The simulation stopped at {self.stopped_at_ms:,} ms after {self.simulated_events:,} "
            "simulated events, the most one run may take: what came later is not shown."
        )

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dictionary."""
        return {
            "metrics": self.metrics.as_dict(),
            "events": [event.as_dict() for event in self.events],
            "simulated_events": self.simulated_events,
            "stopped_at_ms": self.stopped_at_ms,
        }


def simulate(
    scenario: Scenario,
    *,
    metrics_only: bool = False,
    max_events: int = DEFAULT_MAX_EVENTS,
    max_trace_events: int = DEFAULT_MAX_EVENTS,
) -> Result:
    """Simulate the scenario; the same scenario and seed always give the same result.

    At most `max_events` arrivals and callbacks are processed, and the trace stops growing soon
    after `max_trace_events` (one callback may record a whole batch): a run that needs more
    stops there, with `Result.stopped_at_ms` set, so no input is unbounded in time or memory.
    """
    seed = scenario.seed
    clock = Clock()
    tracer = None if metrics_only else Tracer()
    recorder = Recorder()
    wiring = None
    if scenario.multi:
        wiring = Wiring(scenario, clock, tracer, recorder, seed, SOURCES)
        services = wiring.services
        source = wiring.entry
    else:
        service = Service(scenario, clock, tracer, recorder, seed)
        services = [service]
        source = SOURCES[scenario.source.type](scenario, clock, tracer, recorder, service, seed)
    source_of = wiring.source_of if wiring is not None else None
    prefix = source.prefix
    cap = scenario.max_duration_s * 1000
    incoming = arrivals(scenario.traffic, seed)
    traffic = scenario.traffic
    # Payload size per arrival stream: explicit events carry their own. Streams are numbered
    # as `arrivals` numbers them: explicit events, then rates, then bursts.
    sizes = (
        0,
        *(r.payload_bytes for r in traffic.rates),
        *(b.payload_bytes for b in traffic.bursts),
    )
    sized = any(sizes)
    # Which source each arrival stream feeds (several sources: `Source` on each traffic entry).
    entries = (
        [source_of(None), *(source_of(r.source) for r in traffic.rates)]
        + [source_of(b.source) for b in traffic.bursts]
        if source_of is not None
        else None
    )
    if (
        FAST_PATH
        and tracer is None
        and wiring is None
        and isinstance(source, SyncSource)
        and fast_sync.eligible(scenario, services[0], source)
    ):
        last, processed, stopped_at = fast_sync.run(
            scenario,
            clock,
            recorder,
            services[0],
            source,
            incoming,
            sized=sized,
            sizes=sizes,
            cap=cap,
            max_events=max_events,
        )
        return _finish(scenario, recorder, services, wiring, tracer, last, processed, stopped_at)
    next_arrival = next(incoming, None)
    expire = wiring.expire if wiring is not None else services[0].expire
    offer = source.offer
    pop = clock.pop
    heap = clock._heap  # noqa: SLF001 - hot loop reads the heap head directly
    seq = 0
    last = 0
    processed = 0
    stopped_at = None
    traced = tracer.events if tracer is not None else []
    while next_arrival is not None or heap:
        if processed >= max_events or len(traced) > max_trace_events:
            stopped_at = last
            break
        if next_arrival is not None and (not heap or next_arrival[0] <= heap[0][0]):
            # Arrivals of an instant come first, so pollers see every item sent at that instant.
            now, stream, spec = next_arrival
            if now > cap:
                break
            processed += 1
            expire(now)
            clock.now = last = now
            seq += 1
            if entries is not None and source_of is not None:
                target = entries[stream] if spec is None else source_of(spec.source)
                offer, prefix = target.offer, target.prefix
            if spec is None:
                item = Item(seq, f"{prefix}{seq}", now)
                if sized:
                    item.payload_bytes = sizes[stream]
            else:
                item = Item(
                    seq,
                    spec.id or f"{prefix}{seq}",
                    now,
                    spec.group,
                    spec.shard,
                    spec.partition_key,
                    spec.payload_bytes,
                )
                if spec.body_json is not None or spec.attributes_json is not None:
                    Wiring.attach_payload(item, spec.body_json, spec.attributes_json)
            offer(now, item)
            next_arrival = next(incoming, None)
        else:
            now, callback, arg = pop()
            if now > cap:
                break
            processed += 1
            expire(now)
            clock.now = last = now
            callback(now, arg)
    return _finish(scenario, recorder, services, wiring, tracer, last, processed, stopped_at)


def _finish(
    scenario: Scenario,
    recorder: Recorder,
    services: list[Service],
    wiring: Wiring | None,
    tracer: Tracer | None,
    last: int,
    processed: int,
    stopped_at: int | None,
) -> Result:
    horizon = max(last, 1)
    for service in services:
        service.finish(horizon)
    events = tracer.ordered() if tracer is not None else ()
    sinks = wiring.sink_counts if wiring is not None else {}
    metrics = _metrics(scenario, recorder, services, horizon, sinks)
    return Result(events, metrics, processed, stopped_at)


def _metrics(
    scenario: Scenario,
    rec: Recorder,
    services: list[Service],
    horizon: int,
    sinks: dict[str, int],
) -> Metrics:
    finished = sum(rec.terminal.values())
    rec.terminal[UNFINISHED] += rec.offered - finished
    pricing = scenario.pricing
    request_cost = rec.invocations * pricing.per_million_requests / 1_000_000
    if len(services) == 1:
        on_demand_cost = rec.gb_ms_on_demand / 1000 * services[0].price
    else:  # each function at its own architecture's price
        on_demand_cost = sum(s.gb_ms_on_demand / 1000 * s.price for s in services)
    duration_cost = (
        on_demand_cost + rec.gb_ms_provisioned / 1000 * pricing.provisioned_duration_gb_second
    )
    provisioned_gb = sum(
        pool.provisioned * pool.version.memory_mb / 1024
        for service in services
        for pool in service.pool_list
    )
    billed_pc_ms = math.ceil(horizon / PC_BILLING_STEP_MS) * PC_BILLING_STEP_MS
    provisioned_cost = provisioned_gb * billed_pc_ms / 1000 * pricing.provisioned_gb_second
    live = rec.live_ms / horizon
    busy = rec.busy_ms / horizon
    return Metrics(
        requests_offered=rec.offered,
        invocations=rec.invocations,
        cold_starts=rec.cold,
        warm_starts=rec.warm,
        throttles=rec.throttles,
        function_errors=rec.function_errors,
        timeouts=rec.timeouts,
        retries=rec.retries,
        succeeded=rec.terminal["succeeded"],
        failed=rec.terminal["failed"],
        throttled=rec.terminal["throttled"],
        dead_lettered=MappingProxyType(dict(sorted(rec.dead_lettered.items()))),
        discarded=rec.terminal["discarded"],
        unfinished=rec.terminal[UNFINISHED],
        success_destinations=rec.success_destinations,
        side_effects=rec.side_effects,
        duplicate_side_effects=rec.duplicate_side_effects,
        environments_created=rec.environments,
        avg_live_environments=round(live, 4),
        avg_busy_environments=round(busy, 4),
        avg_idle_environments=round(max(0.0, live - busy), 4),
        peak_concurrency=(
            services[0].gate.pool.peak
            if services[0].gate.pool is not None
            else services[0].gate.peak
        ),
        latency_p50_ms=rec.latency.percentile(0.50),
        latency_p95_ms=rec.latency.percentile(0.95),
        latency_p99_ms=rec.latency.percentile(0.99),
        latency_mean_ms=round(rec.latency.mean(), 3),
        mean_invocation_ms=round(rec.invocation_ms.mean(), 3),
        billed_ms=rec.billed_ms,
        billed_gb_seconds=round((rec.gb_ms_on_demand + rec.gb_ms_provisioned) / 1000, 6),
        request_cost_usd=round(request_cost, 10),
        duration_cost_usd=round(duration_cost, 10),
        provisioned_cost_usd=round(provisioned_cost, 10),
        cost_usd=round(request_cost + duration_cost + provisioned_cost, 10),
        provisioned_spillover_invocations=rec.spillover,
        iterator_age_max_ms=rec.iterator_age_max,
        db_errors=rec.db_errors,
        db_peak_connections=rec.db_peak,
        horizon_ms=horizon,
        terminal=MappingProxyType(dict(rec.terminal)),
        invocations_by_version=MappingProxyType(dict(sorted(rec.by_version.items()))),
        invocations_by_function=MappingProxyType({s.name: s.invocations for s in services}),
        function_errors_by_function=MappingProxyType({s.name: s.errors for s in services}),
        messages_in_queues=MappingProxyType(dict(sorted(sinks.items()))),
    )
