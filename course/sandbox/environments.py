"""Execution environments and the per-version pools that keep idle ones.

Idle on-demand environments sit in a deque: reuse takes the most recently frozen one (LIFO,
an assumption: AWS does not document which idle environment it picks), expiry removes the
longest-idle one from the other end. Because environments are frozen in time order, the left
end is always the next to expire, so no event ever scans all environments.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from .concurrency import NEVER, RATE_WINDOW_MS, REQUESTS_PER_ENV_PER_S
from .scenario import Version


class Env:
    """One execution environment: it serves one request at a time (§1 [D12][D15]).

    It also serves at most 10 requests per second (§2 [D4][D12]): `recent` holds the start
    times of its last 10 invocations as a ring, `cursor` pointing at the oldest.
    """

    __slots__ = (
        "created_ms",
        "cursor",
        "db_connected",
        "id",
        "idle_since",
        "invocations",
        "needs_init",
        "provisioned",
        "recent",
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
        self.recent = [NEVER] * REQUESTS_PER_ENV_PER_S
        self.cursor = 0

    def ready(self, now: int) -> bool:
        """Return whether a request may start now: fewer than 10 started in the last second."""
        return self.recent[self.cursor] <= now - RATE_WINDOW_MS

    def started(self, now: int) -> None:
        """Record an invocation's start in the rate window."""
        cursor = self.cursor
        self.recent[cursor] = now
        self.cursor = cursor + 1 if cursor + 1 < REQUESTS_PER_ENV_PER_S else 0


class Pool:
    """The idle environments of one version."""

    __slots__ = ("idle", "lifetime_ms", "provisioned", "provisioned_idle", "version")

    def __init__(self, version: Version, provisioned: int, lifetime_ms: int) -> None:
        self.version = version
        self.provisioned = provisioned
        self.lifetime_ms = lifetime_ms
        self.idle: deque[Env] = deque()
        self.provisioned_idle: list[Env] = []

    def take_provisioned(self, now: int) -> Env | None:
        """Return an idle pre-initialised environment that may start a request now."""
        envs = self.provisioned_idle
        if envs:
            top = envs[-1]
            if top.recent[top.cursor] <= now - RATE_WINDOW_MS:  # inlined `ready`
                return envs.pop()
            for index in range(len(envs) - 2, -1, -1):
                if envs[index].ready(now):
                    return envs.pop(index)
        return None

    def take(self, now: int) -> Env | None:
        """Return an idle environment that may start a request now.

        The most recently frozen one, unless it started 10 requests in the last second
        (§2 [D4][D12]): then the longest idle one, which rarely is that busy, then any other.
        """
        idle = self.idle
        if idle:
            top = idle[-1]
            if top.recent[top.cursor] <= now - RATE_WINDOW_MS:  # inlined `ready`
                return idle.pop()
            if idle[0].ready(now):
                return idle.popleft()
            for index in range(len(idle) - 2, 0, -1):
                env = idle[index]
                if env.ready(now):
                    del idle[index]
                    return env
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
