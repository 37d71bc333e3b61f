"""What every event source shares: terminal bookkeeping and destination records."""

from __future__ import annotations

import random
from typing import Any

from ..clock import Clock
from ..items import Item
from ..metrics import Recorder
from ..scenario import Scenario
from ..service import Service
from ..trace import Tracer


class Source:
    """Base class of the event sources."""

    place = "function"
    prefix = "req-"

    def __init__(
        self,
        scenario: Scenario,
        clock: Clock,
        tracer: Tracer | None,
        recorder: Recorder,
        service: Service,
        seed: int,
    ) -> None:
        self.scenario = scenario
        self.clock = clock
        self.tracer = tracer
        self.rec = recorder
        self.service = service
        self.qualifier = scenario.source.qualifier
        self.rng = random.Random(f"{seed}:{type(self).__name__}")
        self.setup()

    def setup(self) -> None:
        """Prepare source-specific state."""

    def offer(self, now: int, item: Item) -> None:
        """Accept one offered item."""
        raise NotImplementedError

    def finish_item(self, now: int, item: Item, how: str) -> None:
        """Record an item's terminal place once."""
        if item.terminal is None:
            item.terminal = how
            self.rec.finish(now, how, now - item.offered_ms)


def arn_kind(arn: str) -> str:
    """Return the service of a destination ARN (sqs, sns, lambda, events, s3)."""
    parts = arn.split(":")
    return parts[2] if len(parts) > 2 else arn


def parse_batch_failures(response: Any, ids: set[str]) -> set[str] | None:
    """Return the failed item ids of a partial batch response, or None if it is invalid.

    Success: null or empty response, empty or null list. Whole-batch failure: a bad key,
    an empty, null or unknown itemIdentifier, anything that is not JSON. §7 [D30a][D32], §8 [D36a]
    """
    if response is None:
        return set()
    if not isinstance(response, dict):
        return None
    if not response:
        return set()
    if "batchItemFailures" not in response:
        return None
    entries = response["batchItemFailures"]
    if entries is None:
        return set()
    if not isinstance(entries, list):
        return None
    failed = set()
    for entry in entries:
        if not isinstance(entry, dict) or "itemIdentifier" not in entry:
            return None
        ident = entry["itemIdentifier"]
        if not isinstance(ident, str) or ident == "" or ident not in ids:
            return None
        failed.add(ident)
    return failed
