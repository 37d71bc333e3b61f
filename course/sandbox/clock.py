"""The simulation clock: a heap of timed callbacks in integer milliseconds."""

from __future__ import annotations

import heapq
from collections.abc import Callable
from typing import Any

Callback = Callable[[int, Any], None]


class Clock:
    """Run callbacks in time order; ties run in the order they were scheduled."""

    __slots__ = ("_heap", "_seq", "now")

    def __init__(self) -> None:
        self._heap: list[tuple[int, int, Callback, Any]] = []
        self._seq = 0
        self.now = 0

    def at(self, time_ms: int, callback: Callback, arg: Any = None) -> None:
        """Schedule callback(time_ms, arg)."""
        self._seq += 1
        heapq.heappush(self._heap, (time_ms, self._seq, callback, arg))

    def pop(self) -> tuple[int, Callback, Any]:
        """Remove and return the earliest callback."""
        time_ms, _, callback, arg = heapq.heappop(self._heap)
        return time_ms, callback, arg

    def __len__(self) -> int:
        return len(self._heap)
