"""Execution environments and the per-version pools that keep idle ones.

Idle on-demand environments sit in a deque: reuse takes the most recently frozen one (LIFO,
an assumption: AWS does not document which idle environment it picks), expiry removes the
longest-idle one from the other end. Because environments are frozen in time order, the left
end is always the next to expire, so no event ever scans all environments.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from .scenario import Version


class Env:
    """One execution environment: it serves one request at a time (§1 [D12][D15])."""

    __slots__ = (
        "created_ms",
        "db_connected",
        "id",
        "idle_since",
        "invocations",
        "needs_init",
        "provisioned",
        "tmp_cached",
        "version",
    )

    def __init__(self, env_id: int, version: str, created_ms: int, provisioned: bool) -> None:
        self.id = env_id
        self.version = version
        self.created_ms = created_ms
        self.provisioned = provisioned
        self.idle_since = created_ms
        self.needs_init = False
        self.tmp_cached = False
        self.invocations = 0
        self.db_connected = False


class Pool:
    """The idle environments of one version."""

    __slots__ = ("idle", "lifetime_ms", "provisioned", "provisioned_idle", "version")

    def __init__(self, version: Version, provisioned: int, lifetime_ms: int) -> None:
        self.version = version
        self.provisioned = provisioned
        self.lifetime_ms = lifetime_ms
        self.idle: deque[Env] = deque()
        self.provisioned_idle: list[Env] = []

    def take(self) -> Env | None:
        """Return an idle environment, preferring pre-initialised provisioned ones."""
        if self.provisioned_idle:
            return self.provisioned_idle.pop()
        if self.idle:
            return self.idle.pop()
        return None

    def release(self, env: Env, now: int) -> None:
        """Freeze an environment after its invocation."""
        env.idle_since = now
        if env.provisioned:
            self.provisioned_idle.append(env)
        else:
            self.idle.append(env)

    def expire(self, now: int, shutdown: Callable[[Env, int], None]) -> None:
        """Shut down every environment idle for the whole idle lifetime by now."""
        idle, lifetime = self.idle, self.lifetime_ms
        while idle and idle[0].idle_since + lifetime <= now:
            env = idle.popleft()
            shutdown(env, env.idle_since + lifetime)
