"""The metrics-only fast path: plain synchronous traffic to one function, inlined.

A metrics-only run of the commonest scenario — one function, one version, synchronous
invocations, no faults, no database, no idempotency, no provisioned concurrency — spends most
of its time calling small methods. `run` handles the common case of each arrival and each
completion inline, on the same objects the general engine uses (the service's gate, pool and
environments, the recorder, the clock's heap), and hands anything unusual (a throttle and its
retries, an explicit traffic event, an oversized payload) to the general code, which then goes
on from exactly the same state. The result is bit-identical to the general loop's; a property
test (tests/unit/sandbox/test_fast_sync.py) compares the two on random scenarios.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterator
from dataclasses import fields

from .clock import Clock
from .concurrency import RATE_WINDOW_MS, REQUESTS_PER_ENV_PER_S
from .environments import Env
from .handler import TIMEOUT
from .items import Item
from .metrics import _HALF, _SUB, _SUB_BITS, EXACT_LIMIT, FAILED, SUCCEEDED, THROTTLED, Recorder
from .scenario import Account, Client, Code, Environment, Function, Scenario, TrafficEvent
from .service import INIT_LIMIT_MS, Execution, Service
from .sources.sync import SyncSource
from .traffic import Arrival, single_poisson
from .wiring import Wiring

_RETRY_WHY = "429 TooManyRequestsException"
_NEVER = 1 << 62  # the time of the next arrival once there is none: later than any callback


# The settings this path was written for. A setting added to the engine later is taken only
# at its default value: anything else goes to the general loop, which knows what it means.
KNOWN: dict[type, frozenset[str]] = {
    Scenario: frozenset(
        [
            "seed",
            "function",
            "environment",
            "account",
            "source",
            "traffic",
            "faults",
            "database",
            "idempotency",
            "client",
            "pricing",
            "max_duration_s",
            "functions",
            "sources",
            "multi",
        ]
    ),
    Function: frozenset(
        [
            "name",
            "memory_mb",
            "timeout_s",
            "ephemeral_mb",
            "architecture",
            "reserved",
            "dead_letter_arn",
            "maximum_retry_attempts",
            "maximum_event_age_s",
            "on_success_arn",
            "on_failure_arn",
            "versions",
            "snap_start",
            "aliases",
        ]
    ),
    Code: frozenset(
        [
            "init_ms",
            "duration",
            "cpu_bound",
            "threads",
            "setup_placement",
            "setup_ms",
            "tmp_cache",
            "extensions",
            "extension_shutdown_ms",
            "sends",
            "state_bytes_per_record",
            "restore_ms",
        ]
    ),
    Account: frozenset(
        ["concurrent_executions", "unreserved_minimum", "scaling_rule", "legacy_burst"]
    ),
    Environment: frozenset({"idle_lifetime_s"}),
    Client: frozenset({"retry_mode", "max_attempts", "read_timeout_s"}),
}


def _known_settings_only(*records: object) -> bool:
    for record in records:
        default = type(record)()
        for item in fields(record):  # type: ignore[arg-type]
            name = item.name
            if name not in KNOWN[type(record)] and getattr(record, name) != getattr(default, name):
                return False
    return True


def eligible(scenario: Scenario, service: Service, source: object) -> bool:
    """Return whether `run` reproduces the general engine for this metrics-only run."""
    if type(source) is not SyncSource:
        return False
    function = service.function
    code = function.versions[0].code if len(function.versions) == 1 else None
    routes = service.routes.get(source.qualifier)
    return (
        not scenario.multi
        and code is not None
        and _known_settings_only(
            scenario, function, code, scenario.account, scenario.environment, scenario.client
        )
        and not function.aliases
        and not function.snap_start
        and len(service.pool_list) == 1
        and service.pool_list[0].provisioned == 0
        and routes is not None
        and len(routes) == 1
        and routes[0][2] is None
        and not scenario.faults
        and scenario.database is None
        and scenario.idempotency is None
        and not code.sends
        and service.db is None
        and service.send is None
        and service.gate.pool is None
        and (service.gate.ring is not None or not service.gate.track)
    )


def run(
    scenario: Scenario,
    clock: Clock,
    recorder: Recorder,
    service: Service,
    source: SyncSource,
    incoming: Iterator[Arrival],
    *,
    sized: bool,
    sizes: tuple[int, ...],
    cap: int,
    max_events: int,
) -> tuple[int, int, int | None]:
    """Run the event loop; return (last event time, events processed, where the cap stopped it).

    Mirrors `engine.simulate`'s loop, `SyncSource.offer`/`_done`, `Service.invoke`/`_complete`,
    `Handler.run` and `Recorder.finish` for the case `eligible` admits: read those first.
    """
    rec = recorder
    gate = service.gate
    pool = service.pool_list[0]
    version = pool.version
    version_name = version.name
    code = version.code
    idle = pool.idle
    lifetime = pool.lifetime_ms
    expire_pool = pool.expire
    shutdown = service._shutdown  # noqa: SLF001 - the fast path is the service, inlined
    take = pool.take
    offer = source.offer
    retry = source._retry  # noqa: SLF001
    finish_item = source.finish_item
    source_done = source._done  # noqa: SLF001
    client_timeout = source._client_timeout  # noqa: SLF001
    general_complete = service._complete  # noqa: SLF001
    read_timeout_s = scenario.client.read_timeout_s
    read_timeout_ms = read_timeout_s * 1000 if read_timeout_s is not None else _NEVER
    prefix = source.prefix
    heap = clock._heap  # noqa: SLF001 - the loop owns the clock like engine.simulate does
    heappush = heapq.heappush
    heappop = heapq.heappop
    latency = rec.latency
    lat_counts = latency.counts
    lat_exact = latency.exact
    invocation_ms = rec.invocation_ms
    inv_counts = invocation_ms.counts
    inv_exact = invocation_ms.exact
    # Handler.draw_ms, its arithmetic kept exactly: the same floats from the same draws
    # (`Random.expovariate` is -log(1 - random()) / rate; the tests compare the two paths).
    distribution = code.duration.distribution
    mean_ms = code.duration.ms
    fixed = float(mean_ms)
    rate = 1.0 / mean_ms
    log_ms = math.log(mean_ms)
    sigma = code.duration.sigma
    durations = service.handler.durations
    draw = durations.random
    lognormvariate = durations.lognormvariate
    log = math.log
    ceil = math.ceil
    speed = service.handler.speed(version) if code.cpu_bound else 1.0
    setup_inside = code.setup_ms if code.setup_placement == "inside" else 0
    tmp = code.tmp_cache
    init_ms = service._init_ms(version)  # noqa: SLF001
    init_cut = init_ms > INIT_LIMIT_MS
    timeout_ms = version.timeout_s * 1000
    memory_mb = version.memory_mb
    track = gate.track
    ring = gate.ring if gate.ring is not None else []
    rate_limit = gate.rate_limit
    on_demand_limit = gate.on_demand_limit
    window = RATE_WINDOW_MS
    per_env = REQUESTS_PER_ENV_PER_S
    small = _SUB
    half = _HALF
    sub_bits = _SUB_BITS
    exact_limit = EXACT_LIMIT

    def complete(now: int, arg: tuple[Env, int, bool]) -> None:  # pragma: no cover
        raise AssertionError("the loop handles its own completions")

    # Mirrors of the gate and the clock, written back around every call into general code.
    cseq = clock._seq  # noqa: SLF001
    in_flight, on_demand, peak, cursor = gate.in_flight, gate.on_demand, gate.peak, gate.cursor
    # Counters only ever added to (so added at the end, whatever general code adds meanwhile).
    offered = invocations = warm = billed_ms = busy_ms = succeeded = failed = 0
    lat_count = lat_total = inv_count = inv_total = last_ms = 0

    seq = 0
    last = 0
    processed = 0
    stopped_at = None
    never = _NEVER
    # One Poisson rate (the commonest traffic) is drawn here as `traffic._rate` draws it.
    poisson = single_poisson(scenario.traffic, scenario.seed)
    if poisson is not None:
        arrival_random = poisson.rng.random
        per_ms, clock_ms = poisson.per_ms, float(poisson.start)
        end_ms = poisson.end if poisson.end is not None else never
        left = poisson.count if poisson.count is not None else -1  # -1: no count limit
    stream: int = 1
    spec: TrafficEvent | None = None
    if poisson is None:
        arrival = next(incoming, None)
        arrival_at, stream, spec = arrival if arrival is not None else (never, 0, None)
    elif left:
        clock_ms += -log(1.0 - arrival_random()) / per_ms
        arrival_at = int(clock_ms)
        if arrival_at >= end_ms:
            arrival_at = never
        left -= 1
    else:
        arrival_at = never
    while True:
        if processed >= max_events:
            if arrival_at != never or heap:
                stopped_at = last
            break
        if heap and arrival_at > heap[0][0]:
            entry = heappop(heap)
            now = entry[0]
            if now > cap:
                break
            processed += 1
            if idle and idle[0].idle_since + lifetime <= now:
                expire_pool(now, shutdown)
            last = now
            if entry[2] is not complete:
                gate.in_flight, gate.on_demand, gate.peak, gate.cursor = (
                    in_flight,
                    on_demand,
                    peak,
                    cursor,
                )
                clock._seq = cseq  # noqa: SLF001
                entry[2](now, entry[3])
                cseq = clock._seq  # noqa: SLF001
                in_flight, on_demand, peak, cursor = (
                    gate.in_flight,
                    gate.on_demand,
                    gate.peak,
                    gate.cursor,
                )
                continue
            # Service._complete → SyncSource._done → Source.finish_item → Recorder.finish.
            env, offered_ms, timed_out = entry[3]
            in_flight -= 1
            on_demand -= 1
            if timed_out:
                env.needs_init = True  # a timeout resets the runtime. §1 [D1a][D2]
                failed += 1
            else:
                succeeded += 1  # and one side effect
            env.idle_since = now
            idle.append(env)
            value = now - offered_ms
            if value < small:
                lat_counts[value if value > 0 else 0] += 1
            else:
                shift = value.bit_length() - sub_bits
                lat_counts[shift * half + (value >> shift)] += 1
            lat_count += 1
            lat_total += value
            if lat_exact is not None:
                lat_exact[value] = lat_exact.get(value, 0) + 1
                if len(lat_exact) > exact_limit:
                    latency.exact = lat_exact = None
            if now > last_ms:
                last_ms = now
            continue
        if arrival_at == never:
            break
        now = arrival_at
        if now > cap:
            break
        processed += 1
        if idle and idle[0].idle_since + lifetime <= now:
            expire_pool(now, shutdown)
        last = now
        seq += 1
        this_stream, this_spec = stream, spec
        if poisson is None:
            arrival = next(incoming, None)
            arrival_at, stream, spec = arrival if arrival is not None else (never, 0, None)
        elif left:
            clock_ms += -log(1.0 - arrival_random()) / per_ms
            arrival_at = int(clock_ms)
            if arrival_at >= end_ms:
                arrival_at = never
            left -= 1
        else:
            arrival_at = never
        if this_spec is None and not (sized and sizes[this_stream]):
            # SyncSource.offer → _attempt → Service.invoke: a fresh request's first attempt.
            offered += 1
            env_or_none: Env | None = None
            throttled = (track and ring[cursor] > now - window) or on_demand >= on_demand_limit
            if not throttled:
                if idle:
                    top = idle[-1]
                    env_or_none = (
                        idle.pop() if top.recent[top.cursor] <= now - window else take(now)
                    )
                if env_or_none is None and not gate.take_scaling_token(now):
                    throttled = True
            if not throttled:
                init_phase = 0
                reinit = 0
                cold = True
                if env_or_none is None:
                    rec.environments += 1
                    env = Env(rec.environments, version_name, now, False)
                    rec.cold += 1
                    if init_cut:
                        init_phase, reinit = INIT_LIMIT_MS, init_ms
                    else:
                        init_phase = init_ms
                else:
                    env = env_or_none
                    if env.needs_init:
                        rec.cold += 1
                        reinit = init_ms
                        env.needs_init = False
                        env.db_connected = False
                    else:
                        cold = False
                        warm += 1
                in_flight += 1
                if in_flight > peak:
                    peak = in_flight
                on_demand += 1
                if track:
                    ring[cursor] = now
                    cursor = cursor + 1 if cursor + 1 < rate_limit else 0
                    env_cursor = env.cursor
                    env.recent[env_cursor] = now
                    env.cursor = env_cursor + 1 if env_cursor + 1 < per_env else 0
                invocations += 1
                env.invocations += 1
                # Handler.run without faults: the drawn work, /tmp and setup inside the handler.
                if distribution == "exponential":
                    base = -log(1.0 - draw()) / rate
                elif distribution == "fixed":
                    base = fixed
                else:
                    base = lognormvariate(log_ms, sigma)
                if speed != 1.0:
                    base /= speed
                work = ceil(base) + setup_inside
                if tmp is not None:
                    work += tmp.hit_ms if env.tmp_cached else tmp.miss_ms
                    env.tmp_cached = True
                work += reinit
                timed_out = work > timeout_ms
                if timed_out:
                    work = timeout_ms
                    rec.function_errors += 1
                    service.errors += 1
                    rec.timeouts += 1
                billed = init_phase + work
                billed_ms += billed
                gb_ms = billed * memory_mb / 1024
                rec.gb_ms_on_demand += gb_ms
                service.gb_ms_on_demand += gb_ms
                busy_ms += billed
                if billed < small:
                    inv_counts[billed if billed > 0 else 0] += 1
                else:
                    shift = billed.bit_length() - sub_bits
                    inv_counts[shift * half + (billed >> shift)] += 1
                inv_count += 1
                inv_total += billed
                if inv_exact is not None:
                    inv_exact[billed] = inv_exact.get(billed, 0) + 1
                    if len(inv_exact) > exact_limit:
                        invocation_ms.exact = inv_exact = None
                cseq += 1
                if billed <= read_timeout_ms:
                    heappush(heap, (now + billed, cseq, complete, (env, now, timed_out)))
                    continue
                # The SDK stops reading before the function ends (§5 [D22][D48]): this
                # request completes through the general code, which checks its receipt.
                item = Item(seq, f"{prefix}{seq}", now)
                item.attempts = item.receipt = 1
                ex = Execution(env, [item], 1, version_name, now, source_done, None)
                ex.cold = cold
                ex.start_ms, ex.end_ms = now + init_phase, now + billed
                if timed_out:
                    ex.outcome, ex.error_type = TIMEOUT, "Sandbox.Timedout"
                else:
                    ex.side_items = [item]
                heappush(heap, (now + billed, cseq, general_complete, ex))
                cseq += 1
                heappush(heap, (now + read_timeout_ms, cseq, client_timeout, (item, 1)))
                continue
        gate.in_flight, gate.on_demand, gate.peak, gate.cursor = in_flight, on_demand, peak, cursor
        clock._seq = cseq  # noqa: SLF001
        if this_spec is None and not (sized and sizes[this_stream]):
            # A throttle: SyncSource._attempt's 429 branch, from the same state.
            item = Item(seq, f"{prefix}{seq}", now)
            item.attempts = 1
            rec.throttles += 1
            if not retry(now, item, _RETRY_WHY):
                finish_item(now, item, THROTTLED)
        else:
            if this_spec is None:
                item = Item(seq, f"{prefix}{seq}", now)
                item.payload_bytes = sizes[this_stream]
            else:
                item = Item(
                    seq,
                    this_spec.id or f"{prefix}{seq}",
                    now,
                    this_spec.group,
                    this_spec.shard,
                    this_spec.partition_key,
                    this_spec.payload_bytes,
                )
                if this_spec.body_json is not None or this_spec.attributes_json is not None:
                    Wiring.attach_payload(item, this_spec.body_json, this_spec.attributes_json)
            offer(now, item)
        cseq = clock._seq  # noqa: SLF001
        in_flight, on_demand, peak, cursor = gate.in_flight, gate.on_demand, gate.peak, gate.cursor
    gate.in_flight, gate.on_demand, gate.peak, gate.cursor = in_flight, on_demand, peak, cursor
    clock._seq = cseq  # noqa: SLF001
    clock.now = last
    rec.offered += offered
    rec.invocations += invocations
    service.invocations += invocations
    if invocations:
        key = service.prefix + version_name if service.prefix else version_name
        rec.by_version[key] = rec.by_version.get(key, 0) + invocations
    rec.warm += warm
    rec.billed_ms += billed_ms
    rec.busy_ms += busy_ms
    rec.side_effects += succeeded
    rec.terminal[SUCCEEDED] += succeeded
    rec.terminal[FAILED] += failed
    latency.count += lat_count
    latency.total += lat_total
    invocation_ms.count += inv_count
    invocation_ms.total += inv_total
    rec.last_ms = max(rec.last_ms, last_ms)
    return last, processed, stopped_at
