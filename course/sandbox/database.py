"""Database connections: one per environment without a proxy, pooled through RDS Proxy (§9)."""

from __future__ import annotations

import heapq

from .scenario import Database


class Connections:
    """Track open database connections and the proxy's borrowed ones."""

    __slots__ = (
        "borrow_timeout_ms",
        "busy_until",
        "max_open",
        "open",
        "peak",
        "pool_size",
        "proxy",
    )

    def __init__(self, config: Database) -> None:
        self.proxy = config.proxy
        self.max_open = config.max_connections
        # The proxy may use MaxConnectionsPercent of max_connections. §9 [D41b]
        self.pool_size = max(1, config.max_connections * config.max_connections_percent // 100)
        self.borrow_timeout_ms = config.borrow_timeout_s * 1000
        self.open = 0
        self.peak = 0
        self.busy_until: list[int] = []

    def connect(self) -> bool:
        """Open a direct connection; fail beyond max_connections. §9 [D42], §13 S27."""
        if self.open >= self.max_open:
            return False
        self.open += 1
        if self.open > self.peak:
            self.peak = self.open
        return True

    def disconnect(self) -> None:
        """Close a direct connection."""
        self.open -= 1

    def borrow(self, start_ms: int, hold_ms: int) -> int | None:
        """Borrow a pooled connection for hold_ms; return the wait, or None after the timeout.

        Connections are handed out first come, first served: the earliest one to come back
        goes to the next client, who waits at most ConnectionBorrowTimeout. §9 [D41b]
        """
        busy = self.busy_until
        while busy and busy[0] <= start_ms:
            heapq.heappop(busy)
        if len(busy) < self.pool_size:
            heapq.heappush(busy, start_ms + hold_ms)
            self.peak = max(self.peak, len(busy))
            return 0
        free_at = busy[0]
        wait = max(0, free_at - start_ms)
        if wait > self.borrow_timeout_ms:
            return None
        heapq.heapreplace(busy, start_ms + wait + hold_ms)
        return wait
