"""The simulated function code: how long one invocation works and how it ends."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from .environments import Env
from .items import Item
from .scenario import Fault, Scenario, Version

VCPU_MB = 1_769  # 1,769 MB = 1 vCPU. §2 [D5][D4]

OK = "ok"
ERROR = "error"
TIMEOUT = "timeout"
CRASH = "crash"


@dataclass(slots=True)
class Run:
    """What the handler did in one invocation, before the timeout is applied."""

    work_ms: int
    outcome: str = OK
    error_type: str | None = None
    response: object = None
    side_items: list[Item] = field(default_factory=list)
    failed_items: list[Item] = field(default_factory=list)
    tmp: str | None = None
    idempotent_hits: list[Item] = field(default_factory=list)


class Handler:
    """Model the handler's work, faults, /tmp cache and idempotency layer."""

    def __init__(
        self,
        scenario: Scenario,
        durations: random.Random,
        faults: random.Random,
        function: str | None = None,
    ):
        self.scenario = scenario
        # A fault with `Match.Functions` hits only those functions.
        self.faults = tuple(
            f
            for f in scenario.faults
            if function is None or f.functions is None or function in f.functions
        )
        self.item_faults = tuple(
            f for f in self.faults if f.effect not in ("init-error", "duplicate", "delivery-error")
        )
        self.init_faults = tuple(f for f in self.faults if f.effect == "init-error")
        self.idempotency = scenario.idempotency
        self.durations = durations
        self.fault_rng = faults

    def speed(self, version: Version) -> float:
        """Return the CPU speed factor of CPU-bound work (1.0 at 1 vCPU)."""
        code = version.code
        if not code.cpu_bound:
            return 1.0
        # CPU is allocated in proportion to memory; one thread uses at most one vCPU. §2 [D5][D53]
        return min(version.memory_mb / VCPU_MB, float(code.threads))

    def draw_ms(self, version: Version) -> int:
        """Draw the handler's base work time."""
        duration = version.code.duration
        if duration.distribution == "fixed":
            base = float(duration.ms)
        elif duration.distribution == "exponential":
            base = self.durations.expovariate(1.0 / duration.ms)
        else:
            base = self.durations.lognormvariate(math.log(duration.ms), duration.sigma)
        if version.code.cpu_bound:
            base /= self.speed(version)
        return math.ceil(base)

    def applies(self, fault: Fault, item: Item, attempt: int, now: int, version: str) -> bool:
        """Return whether a fault hits this item on this attempt."""
        if fault.event_ids is not None and item.id not in fault.event_ids:
            return False
        if fault.attempts is not None and attempt not in fault.attempts:
            return False
        if not fault.from_ms <= now < fault.to_ms:
            return False
        if fault.versions is not None and version not in fault.versions:
            return False
        return fault.probability >= 1.0 or self.fault_rng.random() < fault.probability

    def init_fails(self, item: Item, attempt: int, now: int, version: str) -> Fault | None:
        """Return the init-error fault that makes this INIT fail, if any."""
        for fault in self.init_faults:
            if self.applies(fault, item, attempt, now, version):
                return fault
        return None

    def run(
        self,
        env: Env,
        version: Version,
        items: list[Item],
        attempt: int,
        now: int,
        batch: str,
        report_failures: bool,
    ) -> Run:
        """Simulate the handler on a batch (or a single item when batch == 'none')."""
        code = version.code
        work = self.draw_ms(version)
        if code.setup_placement == "inside":
            work += code.setup_ms  # clients created on every invocation. §13 S1
        tmp = None
        if code.tmp_cache is not None:
            # /tmp survives warm invokes and resets of the same environment only. §1 [D1a]
            tmp = "hit" if env.tmp_cached else "miss"
            work += code.tmp_cache.hit_ms if env.tmp_cached else code.tmp_cache.miss_ms
            env.tmp_cached = True
        run = Run(work, tmp=tmp)
        idem = self.idempotency
        stop_at: int | None = None
        stop_fault: Fault | None = None
        errored: list[int] = []
        error_type = "Error"
        explicit: Fault | None = None
        for index, item in enumerate(items):
            if idem is not None and item.idem_start <= now < item.idem_end:
                # A duplicate while the first is running. §10 [D43]
                errored.append(index)
                error_type = "IdempotencyAlreadyInProgressError"
                continue
            if not self.item_faults:
                continue
            item_attempt = item.receive_count if batch.startswith("sqs") else attempt
            for fault in self.item_faults:
                if not self.applies(fault, item, item_attempt, now, env.version):
                    continue
                effect = fault.effect
                if effect == "slow":
                    run.work_ms += fault.extra_ms
                elif effect == "response":
                    explicit = fault
                elif effect == "error":
                    if not errored or errored[-1] != index:
                        errored.append(index)
                    error_type = fault.error_type
                elif stop_at is None:
                    stop_at, stop_fault = index, fault
            if stop_at is not None:
                break

        if stop_fault is not None and stop_at is not None:
            first_error = errored[0] if errored else len(items)
            if batch == "none" or not report_failures or first_error > stop_at:
                run.side_items = items[: min(stop_at, first_error)]
                run.outcome = {"throw": ERROR, "timeout": TIMEOUT, "crash": CRASH}[
                    stop_fault.effect
                ]
                run.error_type = {
                    "throw": stop_fault.error_type,
                    "timeout": "Sandbox.Timedout",
                    "crash": "Runtime.ExitError",
                }[stop_fault.effect]
                if stop_fault.effect == "timeout":
                    run.work_ms = 10**12  # hangs until the function timeout
                return self._idempotent(run, now, batch)
        if errored:
            first = errored[0]
            if batch == "none" or not report_failures:
                run.outcome = ERROR
                run.error_type = error_type
                run.side_items = items[:first]
                return self._idempotent(run, now, batch)
            if batch == "sqs-fifo":
                # FIFO: stop at the first failure, report it and everything after. §7 [D30a]
                failed = items[first:]
                run.side_items = items[:first]
            else:
                failed = [items[i] for i in errored]
                bad = set(errored)
                run.side_items = [item for i, item in enumerate(items) if i not in bad]
            run.failed_items = failed
            run.response = {"batchItemFailures": [{"itemIdentifier": item.id} for item in failed]}
        else:
            run.side_items = list(items)
        if explicit is not None:
            run.response = explicit.response()
        return self._idempotent(run, now, batch)

    def _idempotent(self, run: Run, now: int, batch: str) -> Run:
        idem = self.idempotency
        if idem is None:
            return run
        expiry = idem.expires_after_s * 1000
        kept = []
        for item in run.side_items:
            if item.idem_ok and now < item.idem_end + expiry:
                # A completed record within its expiry: return the stored result. §10 [D43]
                run.idempotent_hits.append(item)
            else:
                kept.append(item)
        run.side_items = kept
        single_short_circuit = batch == "none" and (
            run.idempotent_hits or run.error_type == "IdempotencyAlreadyInProgressError"
        )
        if single_short_circuit:
            run.work_ms = idem.lookup_ms
        return run
