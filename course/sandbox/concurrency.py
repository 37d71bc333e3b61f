"""Concurrency limits, the invoke rate limits and the scaling rate (§2, §3)."""

from __future__ import annotations

from collections import deque

from .scenario import Account, Function

RESERVED_REASON = "ReservedFunctionConcurrentInvocationLimitExceeded"  # §3 [D21]
ACCOUNT_REASON = "ConcurrentInvocationLimitExceeded"  # §3 [D21]
RESERVED_RATE_REASON = "ReservedFunctionInvocationRateLimitExceeded"  # §3 [D21]
RATE_REASON = "FunctionInvocationRateLimitExceeded"  # §3 [D21]

# Invoke requests per second: 10 × the concurrency limit, and each environment serves at most
# 10 requests per second. §2 [D4][D12]
REQUESTS_PER_ENV_PER_S = 10
RATE_WINDOW_MS = 1_000
NEVER = -RATE_WINDOW_MS  # a start time old enough never to count
RING_MAX = 100_000  # above this many starts per second, keep a deque instead of a ring


class AccountPool:
    """The account's concurrency when a scenario has several functions (§3 [D13][D13a]).

    Functions with reserved concurrency use their own pool; the others share what is left of
    the quota (`limit`: quota − all reserved − the provisioned concurrency of unreserved
    functions). `in_flight` counts every function, for the account's peak.
    """

    __slots__ = ("in_flight", "limit", "peak", "unreserved")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.unreserved = 0  # on-demand invocations in flight of functions without reserved
        self.in_flight = 0
        self.peak = 0


class Gate:
    """Admit invocations against the function's limits and the environment scaling budget.

    Provisioned environments hold their share of the limit whether busy or idle (PC counts
    toward reserved concurrency, and `$LATEST` is throttled when PC equals it, §3 [D14a]), so
    on-demand invocations may use only `limit - provisioned` at once.
    """

    __slots__ = (
        "capacity",
        "cursor",
        "in_flight",
        "last_ms",
        "limit",
        "on_demand",
        "on_demand_limit",
        "peak",
        "pool",
        "rate_limit",
        "rate_reason",
        "reason",
        "refill",
        "ring",
        "shares",
        "starts",
        "tokens",
        "track",
    )

    def __init__(
        self,
        function: Function,
        account: Account,
        provisioned: int = 0,
        pool: AccountPool | None = None,
    ) -> None:
        self.pool = pool  # the account's pool when the scenario has several functions
        self.shares = pool is not None and function.reserved is None
        if function.reserved is not None:
            # Reserved concurrency is both cap and guarantee; 0 throttles everything. §3 [D13]
            self.limit = function.reserved
            self.reason = RESERVED_REASON
            self.rate_reason = RESERVED_RATE_REASON
        else:
            self.limit = account.concurrent_executions
            self.reason = ACCOUNT_REASON
            self.rate_reason = RATE_REASON
        self.on_demand_limit = self.limit - provisioned
        # At most 10 × the concurrency limit invocations start in any second. §2 [D4][D12]
        self.rate_limit = REQUESTS_PER_ENV_PER_S * self.limit
        # The start times of the last `rate_limit` invocations as a ring (`cursor` at the
        # oldest): full when the oldest is less than a second old. Huge limits use a deque.
        self.ring: list[int] | None = (
            [NEVER] * self.rate_limit if 0 < self.rate_limit <= RING_MAX else None
        )
        self.cursor = 0
        self.starts: deque[int] = deque()
        self.track = True  # False when no invocation can be short enough for the rate limits
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
        self.on_demand = 0
        self.peak = 0

    def full(self) -> bool:
        """Return whether on-demand invocations are at the function's concurrency limit."""
        return self.on_demand >= self.on_demand_limit

    def rate_full(self, now: int) -> bool:
        """Return whether the invocations of the last second reached the rate limit."""
        ring = self.ring
        if ring is not None:
            return ring[self.cursor] > now - RATE_WINDOW_MS
        starts = self.starts
        since = now - RATE_WINDOW_MS
        while starts and starts[0] <= since:
            starts.popleft()
        return len(starts) >= self.rate_limit

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

    def enter(self, now: int, provisioned: bool) -> None:
        """Count one more invocation in flight (the engine inlines this in `Service.invoke`)."""
        ring = self.ring
        if ring is not None:
            ring[self.cursor] = now
            self.cursor = self.cursor + 1 if self.cursor + 1 < self.rate_limit else 0
        else:
            self.starts.append(now)
        self.in_flight += 1
        if not provisioned:
            self.on_demand += 1
        if self.in_flight > self.peak:
            self.peak = self.in_flight

    def leave(self, provisioned: bool) -> None:
        """Count one invocation finished."""
        self.in_flight -= 1
        if not provisioned:
            self.on_demand -= 1
