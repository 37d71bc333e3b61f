"""The Lambda service: route to a version, admit, pick or create an environment, run, bill."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from . import narration as say
from .clock import Clock
from .concurrency import (
    ACCOUNT_REASON,
    RATE_WINDOW_MS,
    REQUESTS_PER_ENV_PER_S,
    AccountPool,
    Gate,
)
from .database import Connections
from .environments import Env, Pool
from .handler import CRASH, ERROR, OK, TIMEOUT, VCPU_MB, Handler
from .items import Item
from .metrics import Recorder
from .scenario import LATEST, Function, Scenario, Version
from .trace import Kind, Tracer

INIT_LIMIT_MS = 10_000  # on-demand INIT limit. §1 [D1]
SCALING = "scaling"
# A tumbling window's final invocation carries the state and no records (streams.py).
WINDOW_TALLY = "the window's tally"
_NO_RECORD = Item(0, WINDOW_TALLY, 0)  # what an init fault is matched against then

# Shutdown phase limits by extension kind. §1 [D2]
SHUTDOWN_LIMIT_MS = {"none": 0, "internal": 500, "external": 2_000}
RUNTIME_SHUTDOWN_MS = 300  # runtime's share with external extensions. §1 [D2]


class Execution:
    """One invocation attempt in flight."""

    __slots__ = (
        "attempt",
        "cold",
        "ctx",
        "db_inside",
        "end_ms",
        "env",
        "error_type",
        "failed_items",
        "items",
        "on_done",
        "outcome",
        "requested_ms",
        "response",
        "side_items",
        "start_ms",
        "version",
    )

    def __init__(
        self,
        env: Env,
        items: list[Item],
        attempt: int,
        version: str,
        requested_ms: int,
        on_done: Callable[[int, Execution], None],
        ctx: Any,
    ) -> None:
        self.env = env
        self.items = items
        self.attempt = attempt
        self.version = version
        self.requested_ms = requested_ms
        self.on_done = on_done
        self.ctx = ctx
        self.start_ms = requested_ms
        self.end_ms = requested_ms
        self.outcome = OK
        self.error_type: str | None = None
        self.response: object = None
        self.side_items: list[Item] = []
        self.failed_items: list[Item] = []
        self.cold = False
        self.db_inside = False

    @property
    def failed(self) -> bool:
        """Return whether the invocation ended in a function error of any kind."""
        return self.outcome != OK


def rate_limits_can_bind(scenario: Scenario, function: Function | None = None) -> bool:
    """Return False when no invocation can be shorter than 100 ms, else True.

    Then no environment can start 10 invocations within a second, and, as in-flight
    invocations never exceed the concurrency limit, the function never starts 10 × the limit
    in a second either (§2 [D4][D12]): the engine skips tracking start times. Every path that
    can end an invocation early (an init error, the idempotency short-circuit, a database
    error, a run-time draw from a distribution) keeps the tracking on.
    """
    if scenario.idempotency is not None or scenario.database is not None:
        return True
    if any(fault.effect == "init-error" for fault in scenario.faults):
        return True
    for version in (function or scenario.function).versions:
        code = version.code
        if code.duration.distribution != "fixed":
            return True
        speed = 1.0
        if code.cpu_bound:
            speed = min(version.memory_mb / VCPU_MB, float(code.threads))
        if code.duration.ms / speed < RATE_WINDOW_MS / REQUESTS_PER_ENV_PER_S:
            return True
    return False


def label(items: list[Item]) -> str:
    """Return a short name for an item or a batch."""
    if not items:
        return WINDOW_TALLY
    if len(items) == 1:
        return items[0].id
    return f"{items[0].id}…{items[-1].id}"


class Service:
    """Run one function's invocations against its environments under the concurrency rules.

    A scenario with several functions has one Service per function; they share the clock,
    the trace, the recorder, the database and the account's concurrency pool.
    """

    def __init__(
        self,
        scenario: Scenario,
        clock: Clock,
        tracer: Tracer | None,
        recorder: Recorder,
        seed: int,
        function: Function | None = None,
        pool: AccountPool | None = None,
        db: Connections | None = None,
    ) -> None:
        function = function or scenario.function
        self.function = function
        self.name = function.name
        self.scenario = scenario
        self.clock = clock
        self.tracer = (
            tracer.for_function(function.name, labelled=scenario.multi)
            if tracer is not None
            else None
        )
        self.rec = recorder
        # The first function keeps the single-function seeds, so old scenarios replay exactly.
        salt = "" if function is scenario.all_functions()[0] else f"{function.name}:"
        self.routing = random.Random(f"{seed}:{salt}routing")
        self.handler = Handler(
            scenario,
            random.Random(f"{seed}:{salt}durations"),
            random.Random(f"{seed}:{salt}faults"),
            function.name if scenario.multi else None,
        )
        if db is None and pool is None and scenario.database is not None:
            db = Connections(scenario.database)
        self.db = db
        # Counted here, summed by the engine: invocations and function errors of this function.
        self.invocations = 0
        self.errors = 0
        self.gb_ms_on_demand = 0.0
        # The engine wires where `Code.Sends` goes: (now, source name, item, function).
        self.send: Callable[[int, str, Item, str], None] | None = None
        self.prefix = f"{function.name}:" if scenario.multi else ""
        lifetime = scenario.environment.idle_lifetime_s * 1000
        provisioned = {v.name: v.provisioned for v in function.versions}
        for alias in function.aliases:
            provisioned[alias.version] += alias.provisioned
        self.gate = Gate(function, scenario.account, sum(provisioned.values()), pool)
        self.gate.track = rate_limits_can_bind(scenario, function)
        self.pools: dict[str, Pool] = {
            v.name: Pool(v, provisioned[v.name], lifetime) for v in function.versions
        }
        self.pool_list = list(self.pools.values())
        # Each qualifier's routing over time: (from_ms, primary, additional, weight), in order.
        self.routes: dict[str, list[tuple[int, str, str | None, float]]] = {
            v.name: [(0, v.name, None, 0.0)] for v in function.versions
        }
        for alias in function.aliases:
            self.routes[alias.name] = [
                (0, alias.version, alias.additional_version, alias.additional_weight),
                *(
                    (s.at_ms, s.version, s.additional_version, s.additional_weight)
                    for s in alias.shifts
                ),
            ]
        self.provisioned_envs: list[Env] = []
        self.price = (
            scenario.pricing.gb_second_arm64
            if function.architecture == "arm64"
            else scenario.pricing.gb_second_x86
        )
        self._allocate_provisioned()

    # --- routing and environments --------------------------------------------------------

    def route(self, qualifier: str, now: int = 0) -> str:
        """Return the version an invocation of qualifier executes (weighted alias: random)."""
        routes = self.routes[qualifier]
        _, primary, extra, weight = routes[0]
        for start, version, additional, share in routes[1:]:  # a handful of shifts: scan
            if start > now:
                break
            primary, extra, weight = version, additional, share
        if extra is not None and self.routing.random() < weight:
            return extra  # a simple probabilistic split. §4 [D18]
        return primary

    def _new_env(self, version: Version, now: int, provisioned: bool) -> Env:
        # Environment ids count every function's environments, so they stay unique in a run.
        self.rec.environments += 1
        return Env(self.rec.environments, version.name, now, provisioned)

    def _allocate_provisioned(self) -> None:
        # Provisioned environments are initialised at allocation, before traffic. §3 [D14a]
        for pool in self.pool_list:
            for _ in range(pool.provisioned):
                env = self._new_env(pool.version, 0, True)
                env.db_connected = self._connect_at_init(env, 0)
                self.provisioned_envs.append(env)
                pool.provisioned_idle.append(env)
                if self.tracer is not None:
                    self.tracer.emit(
                        0,
                        Kind.PROVISION,
                        say.provision(env.id, pool.version.name, self._init_ms(pool.version)),
                        env=env.id,
                        version=pool.version.name,
                        init_ms=self._init_ms(pool.version),
                        initialization_type="provisioned-concurrency",
                    )

    def _init_ms(self, version: Version) -> int:
        code = version.code
        return code.init_ms + (code.setup_ms if code.setup_placement == "outside" else 0)

    def _connect_at_init(self, env: Env, now: int) -> bool:
        db = self.db
        if (
            db is None
            or db.proxy
            or self.pools[env.version].version.code.setup_placement != "outside"
        ):
            return False
        if db.connect():
            self.rec.db_peak = max(self.rec.db_peak, db.peak)
            return True
        return False  # the handler's first query fails; counted by the invocation

    def expire(self, now: int) -> None:
        """Shut down environments whose idle lifetime ended by now."""
        for pool in self.pool_list:
            idle = pool.idle
            if idle and idle[0].idle_since + pool.lifetime_ms <= now:
                pool.expire(now, self._shutdown)

    def _shutdown(self, env: Env, when: int) -> None:
        self.rec.live_ms += when - env.created_ms
        if env.db_connected and self.db is not None:
            self.db.disconnect()
            env.db_connected = False
        if self.tracer is not None:
            code = self.pools[env.version].version.code
            limit = SHUTDOWN_LIMIT_MS[code.extensions]
            budget = limit - RUNTIME_SHUTDOWN_MS if code.extensions == "external" else limit
            killed = code.extensions != "none" and code.extension_shutdown_ms > budget
            self.tracer.emit(
                when,
                Kind.SHUTDOWN,
                say.shutdown(
                    env.id,
                    self.scenario.environment.idle_lifetime_s,
                    limit,
                    killed,
                    runtime_ms=RUNTIME_SHUTDOWN_MS if code.extensions == "external" else 0,
                ),
                env=env.id,
                version=env.version,
                shutdownReason="SPINDOWN",
                limit_ms=limit,
                runtime_ms=min(RUNTIME_SHUTDOWN_MS, limit),
                extension_budget_ms=max(0, budget),
                extension_ms=code.extension_shutdown_ms,
                sigkill=killed,
            )

    # --- invoking ------------------------------------------------------------------------

    def invoke(
        self,
        now: int,
        items: list[Item],
        attempt: int,
        version_name: str,
        on_done: Callable[[int, Execution], None],
        ctx: Any = None,
        batch: str = "none",
        report_failures: bool = False,
    ) -> Execution | str:
        """Start an invocation, or return the throttle reason (429)."""
        gate = self.gate
        ring = gate.ring
        track = gate.track
        # At most 10 × the concurrency limit invocations start per second. §2 [D4][D12]
        if track and (
            ring[gate.cursor] > now - RATE_WINDOW_MS if ring is not None else gate.rate_full(now)
        ):
            return gate.rate_reason
        pool = self.pools[version_name]
        version = pool.version
        env = pool.take_provisioned(now) if pool.provisioned_idle else None
        if env is None:
            # On-demand work may use only what provisioned concurrency leaves of the limit:
            # with PC equal to reserved concurrency, `$LATEST` is throttled. §3 [D14a]
            if gate.on_demand >= gate.on_demand_limit:
                return gate.reason
            # Several functions: those without reserved concurrency share the rest of the
            # account's quota. §3 [D13][D13a]
            if gate.shares and gate.pool.unreserved >= gate.pool.limit:  # type: ignore[union-attr]
                return ACCOUNT_REASON
            env = pool.take(now)
        rec = self.rec
        tracer = self.tracer
        init_phase = 0
        reinit = 0
        init_ms = self._init_ms(version)
        init_error = None
        restore = False
        if env is None:
            if not gate.take_scaling_token(now):
                return SCALING
            env = self._new_env(version, now, False)
            cold = True
            if pool.provisioned:
                rec.spillover += 1  # all provisioned busy: spill over to on-demand. §3 [D14a]
            if self.function.snap_start and version.name != LATEST:
                # SnapStart: INIT ran when the version was published; a new environment resumes
                # from its snapshot instead, outside the 10 s INIT limit. Connections in the
                # snapshot must be made again (uniqueness). §3 [D16], §1 [D1j]
                restore = True
                init_phase = version.code.restore_ms
            elif init_ms > INIT_LIMIT_MS:
                # INIT is cut at 10 s and retried inside the invocation. §1 [D1], §13 S5
                init_phase, reinit = INIT_LIMIT_MS, init_ms
            else:
                init_phase = init_ms
            if not restore:
                env.db_connected = self._connect_at_init(env, now)
        elif env.needs_init:
            cold = True
            reinit = init_ms  # re-init counts against this request's timeout. §1 [D1a][D47]
            env.needs_init = False
            env.db_connected = self._connect_at_init(env, now)
        else:
            cold = False
        # Inlined Gate.enter and Env.started: this runs once per invocation.
        gate.in_flight += 1
        if gate.in_flight > gate.peak:
            gate.peak = gate.in_flight
        if not env.provisioned:
            gate.on_demand += 1
        account = gate.pool
        if account is not None:
            account.in_flight += 1
            if account.in_flight > account.peak:
                account.peak = account.in_flight
            if gate.shares and not env.provisioned:
                account.unreserved += 1
        if track:
            if ring is not None:
                cursor = gate.cursor
                ring[cursor] = now
                gate.cursor = cursor + 1 if cursor + 1 < gate.rate_limit else 0
            else:
                gate.starts.append(now)
            cursor = env.cursor
            env.recent[cursor] = now
            env.cursor = cursor + 1 if cursor + 1 < REQUESTS_PER_ENV_PER_S else 0
        rec.invocations += 1
        self.invocations += 1
        key = self.prefix + version_name if self.prefix else version_name
        rec.by_version[key] = rec.by_version.get(key, 0) + 1
        if cold:
            rec.cold += 1
            first = items[0] if items else _NO_RECORD
            fault = self.handler.init_fails(first, attempt, now, version_name)
            if fault is not None:
                init_error = (
                    fault.error_type if fault.error_type != "Error" else "Runtime.InitError"
                )
        else:
            rec.warm += 1
        env.invocations += 1

        ex = Execution(env, items, attempt, version_name, now, on_done, ctx)
        ex.cold = cold
        timeout_ms = version.timeout_s * 1000
        if init_error is not None:
            work = reinit if reinit else 0
            ex.outcome, ex.error_type = ERROR, init_error
            run = None
        else:
            run = self.handler.run(env, version, items, attempt, now, batch, report_failures)
            work = reinit + run.work_ms
            ex.outcome, ex.error_type = run.outcome, run.error_type
            ex.response, ex.side_items, ex.failed_items = (
                run.response,
                run.side_items,
                run.failed_items,
            )
            if self.db is not None:
                work = self._database(
                    env, now + init_phase, reinit, run.work_ms, timeout_ms, ex, work
                )
        if work > timeout_ms:
            # The work never finished: no side effect is recorded, and an idempotency record
            # stays in progress until it expires with the invocation (below). §10 [D43]
            work = timeout_ms
            ex.outcome, ex.error_type = TIMEOUT, "Sandbox.Timedout"
            ex.response = None
            ex.side_items = []
        start = now + init_phase if init_phase else now  # one int object: a trace keeps them
        end = start + work
        ex.start_ms, ex.end_ms = start, end
        billed = (
            init_phase + work
        )  # INIT billed since Aug 2025; 1-ms granularity. §1 [D10], §2 [D9]
        rec.billed_ms += billed
        gb_ms = billed * version.memory_mb / 1024
        if env.provisioned:
            rec.gb_ms_provisioned += gb_ms
        else:
            rec.gb_ms_on_demand += gb_ms
            self.gb_ms_on_demand += gb_ms
        rec.busy_ms += end - now
        rec.invocation_ms.add(end - now)
        if ex.outcome != OK:
            rec.function_errors += 1
            self.errors += 1
            if ex.outcome == TIMEOUT:
                rec.timeouts += 1
        if self.scenario.idempotency is not None:
            hits = run.idempotent_hits if run is not None else []
            for item in items:
                if item in hits or item.idem_start <= now < item.idem_end:
                    continue
                item.idem_start, item.idem_end = start, end
                item.idem_ok = item in ex.side_items
        if tracer is not None:
            self._trace_start(ex, version, init_phase, init_ms, reinit, work, run, restore)
        self.clock.at(end, self._complete, ex)
        return ex

    def _database(
        self,
        env: Env,
        start: int,
        reinit: int,
        handler_ms: int,
        timeout_ms: int,
        ex: Execution,
        work: int,
    ) -> int:
        db = self.db
        assert db is not None
        tracer = self.tracer
        if db.proxy:
            hold = min(handler_ms, max(0, timeout_ms - reinit))
            wait = db.borrow(start + reinit, hold)
            self.rec.db_peak = max(self.rec.db_peak, db.peak)
            if wait is None:
                # No pooled connection within ConnectionBorrowTimeout. §9 [D41b], §13 S27
                self.rec.db_errors += 1
                ex.outcome, ex.error_type = ERROR, "ConnectionBorrowTimeout"
                ex.side_items, ex.response = [], None
                if tracer is not None:
                    tracer.emit(
                        start,
                        Kind.DB_ERROR,
                        say.db_wait(env.id, db.borrow_timeout_ms)
                        + " It gives up: connection borrow timeout.",
                        env=env.id,
                        outcome="error",
                    )
                return reinit + db.borrow_timeout_ms
            if wait and tracer is not None:
                tracer.emit(
                    start, Kind.DB_WAIT, say.db_wait(env.id, wait), env=env.id, wait_ms=wait
                )
            return work + wait
        placement = self.pools[env.version].version.code.setup_placement
        if placement == "inside":
            if db.connect():
                self.rec.db_peak = max(self.rec.db_peak, db.peak)
                ex.db_inside = True
                return work
        elif env.db_connected:
            return work
        elif db.connect():
            env.db_connected = True
            self.rec.db_peak = max(self.rec.db_peak, db.peak)
            return work
        self.rec.db_errors += 1
        ex.outcome, ex.error_type = ERROR, "DatabaseError"
        ex.side_items, ex.response = [], None
        if tracer is not None:
            tracer.emit(
                start, Kind.DB_ERROR, say.db_error(env.id, db.max_open), env=env.id, outcome="error"
            )
        return reinit + 1

    def _trace_start(
        self,
        ex: Execution,
        version: Version,
        init_phase: int,
        init_ms: int,
        reinit: int,
        work: int,
        run: Any,
        restore: bool = False,
    ) -> None:
        tracer = self.tracer
        assert tracer is not None
        env, now, name = ex.env, ex.requested_ms, label(ex.items)
        outside = version.code.setup_placement == "outside" and version.code.setup_ms > 0
        # A new environment is a cold start even when INIT takes 0 ms: trace it as an INIT.
        fresh = ex.cold and not reinit and env.invocations == 1
        if restore:
            tracer.emit(
                now,
                Kind.RESTORE,
                say.restore(env.id, name, init_phase, ex.version),
                env=env.id,
                request=name,
                attempt=ex.attempt,
                version=ex.version,
                duration_ms=init_phase,
                initialization_type="snap-start",  # UNSOURCED value, §1 [D14a]
            )
        elif init_phase or fresh:
            cut = init_ms > INIT_LIMIT_MS
            tracer.emit(
                now,
                Kind.INIT,
                say.init(env.id, name, init_ms, outside, cut),
                env=env.id,
                request=name,
                attempt=ex.attempt,
                version=ex.version,
                duration_ms=init_phase,
                initialization_type="on-demand",
            )
            if cut:
                tracer.emit(
                    now + init_phase,
                    Kind.INIT_TIMEOUT,
                    say.init_timeout(env.id),
                    env=env.id,
                    version=ex.version,
                )
        elif reinit or ex.cold:
            tracer.emit(
                now,
                Kind.INIT,
                say.reinit(env.id, name, reinit),
                env=env.id,
                request=name,
                attempt=ex.attempt,
                version=ex.version,
                duration_ms=reinit,
                reinit=True,
            )
        else:
            tracer.emit(
                now,
                Kind.THAW,
                (say.thaw_event, env.invocations - 1),  # narrated when read (trace.Said)
                env=env.id,
                request=name,
                attempt=ex.attempt,
                version=ex.version,
            )
        detail: dict[str, object] = {
            "duration_ms": work,
            "billed_ms": init_phase + work if init_phase else work,  # (as `start` above)
            "cold": ex.cold,
        }
        if run is not None and run.tmp is not None:
            detail["tmp_cache"] = run.tmp
        if ex.error_type:
            detail["error_type"] = ex.error_type
        tracer.emit(
            ex.start_ms,
            Kind.INVOKE,
            say.invoke_event,  # narrated when read, from the fields and detail below
            env=env.id,
            request=name,
            attempt=ex.attempt,
            version=ex.version,
            outcome=ex.outcome,
            **detail,
        )
        if run is not None:
            for item in run.idempotent_hits:
                tracer.emit(
                    ex.start_ms,
                    Kind.IDEMPOTENT_HIT,
                    say.idempotent_hit(item.id),
                    env=env.id,
                    request=item.id,
                )

    def _complete(self, now: int, ex: Execution) -> None:
        env = ex.env
        rec = self.rec
        gate = self.gate
        gate.in_flight -= 1
        if not env.provisioned:
            gate.on_demand -= 1
        account = gate.pool
        if account is not None:
            account.in_flight -= 1
            if gate.shares and not env.provisioned:
                account.unreserved -= 1
        tracer = self.tracer
        for item in ex.side_items:
            item.side_effects += 1
            rec.side_effects += 1
            if item.side_effects > 1:
                rec.duplicate_side_effects += 1
            if tracer is not None:
                tracer.emit(
                    now,
                    Kind.SIDE_EFFECT,
                    say.side_effect_event,  # narrated when read, from request and count
                    env=env.id,
                    request=item.id,
                    count=item.side_effects,
                    duplicate=item.side_effects > 1,
                )
        send = self.send
        if send is not None and ex.side_items:
            # The handler sent each item it processed on (SendMessage, Publish, PutEvents).
            for target in self.pools[ex.version].version.code.sends:
                for item in ex.side_items:
                    send(now, target, item, self.name)
        if ex.db_inside and self.db is not None:
            self.db.disconnect()
        if ex.outcome in (TIMEOUT, CRASH) or (
            ex.cold and ex.error_type is not None and ex.error_type.startswith("Runtime.Init")
        ):
            # Crash or timeout resets the runtime; /tmp is kept. §1 [D1a][D2]
            env.needs_init = True
            if env.db_connected and self.db is not None:
                self.db.disconnect()
                env.db_connected = False
            if tracer is not None:
                if ex.outcome == TIMEOUT:
                    version = self.pools[ex.version].version
                    tracer.emit(
                        now,
                        Kind.TIMEOUT,
                        say.timeout(env.id, version.timeout_s),
                        env=env.id,
                        request=label(ex.items),
                        attempt=ex.attempt,
                        version=ex.version,
                        outcome="timeout",
                        errorType="Sandbox.Timedout",
                        errorMessage=f"Task timed out after {version.timeout_s}.00 seconds",
                    )
                tracer.emit(now, Kind.RESET, say.reset(env.id), env=env.id, version=ex.version)
        self.pools[ex.version].release(env, now)
        if tracer is not None:
            tracer.emit(now, Kind.FREEZE, say.freeze_event, env=env.id, version=ex.version)
        ex.on_done(now, ex)

    def finish(self, horizon: int) -> None:
        """Account for environments still alive at the end and trace their shutdowns."""
        for pool in self.pool_list:
            while pool.idle:
                env = pool.idle.popleft()
                when = env.idle_since + pool.lifetime_ms
                self.rec.live_ms -= when - env.created_ms
                self.rec.live_ms += max(0, min(horizon, when) - env.created_ms)
                self._shutdown(env, when)
        self.rec.live_ms += horizon * len(self.provisioned_envs)
