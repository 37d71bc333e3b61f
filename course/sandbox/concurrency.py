"""Concurrency limits and the scaling rate (§3)."""

from __future__ import annotations

from .scenario import Account, Function

RESERVED_REASON = "ReservedFunctionConcurrentInvocationLimitExceeded"  # §3 [D21]
ACCOUNT_REASON = "ConcurrentInvocationLimitExceeded"  # §3 [D21]


class Gate:
    """Admit invocations against the function's limit and the environment scaling budget."""

    __slots__ = ("capacity", "in_flight", "last_ms", "limit", "peak", "reason", "refill", "tokens")

    def __init__(self, function: Function, account: Account) -> None:
        if function.reserved is not None:
            # Reserved concurrency is both cap and guarantee; 0 throttles everything. §3 [D13]
            self.limit = function.reserved
            self.reason = RESERVED_REASON
        else:
            self.limit = account.concurrent_executions
            self.reason = ACCOUNT_REASON
        if account.scaling_rule == "current":
            # 1,000 new environments per 10 s per function, refilled continuously, no carry-over
            # beyond 1,000. §3 [D11]
            self.capacity = 1_000.0
            self.refill = 1_000 / 10_000
        else:
            # Legacy: a Regional burst of 500-3,000, then +500 environments per minute. §3 [D15]
            self.capacity = float(account.legacy_burst)
            self.refill = 500 / 60_000
        self.tokens = self.capacity
        self.last_ms = 0
        self.in_flight = 0
        self.peak = 0

    def full(self) -> bool:
        """Return whether the function is at its concurrency limit."""
        return self.in_flight >= self.limit

    def take_scaling_token(self, now: int) -> bool:
        """Spend one unit of scaling budget to create an environment, if any is left."""
        if now > self.last_ms:
            tokens = self.tokens + (now - self.last_ms) * self.refill
            self.tokens = tokens if tokens < self.capacity else self.capacity
            self.last_ms = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False

    def enter(self) -> None:
        """Count one more invocation in flight."""
        self.in_flight += 1
        if self.in_flight > self.peak:
            self.peak = self.in_flight

    def leave(self) -> None:
        """Count one invocation finished."""
        self.in_flight -= 1
