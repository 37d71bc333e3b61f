"""What every event source shares: terminal bookkeeping and destination records."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from .. import narration as say
from ..clock import Clock
from ..items import Item
from ..metrics import FAILED, Recorder
from ..scenario import Function, Scenario
from ..scenario import Source as SourceSpec
from ..service import Service
from ..trace import Kind, Tracer

# Forward a record to a destination or dead-letter ARN of the scenario (a queue, topic, bus or
# function it names): (now, arn, item, delay_ms) → whether the scenario had that resource.
Forward = Callable[[int, str, Item], bool]


class Source:
    """Base class of the event sources.

    `spec` is this source's settings (a single-function scenario's `Source`, or one entry of
    `Sources`); `service` is the function it invokes (None for SNS and EventBridge, which
    invoke each subscriber through that function's async queue).
    """

    place = "function"
    prefix = "req-"

    def __init__(
        self,
        scenario: Scenario,
        clock: Clock,
        tracer: Tracer | None,
        recorder: Recorder,
        service: Service | None,
        seed: int,
        spec: SourceSpec | None = None,
    ) -> None:
        self.scenario = scenario
        self.spec = spec if spec is not None else scenario.source
        self.clock = clock
        self.rec = recorder
        # Never None for the sources that invoke one function (all but fan-out).
        self.service: Service = service  # type: ignore[assignment]
        if service is not None:
            self.function: Function = service.function
            self.tracer = service.tracer
        else:
            self.tracer = tracer
        self.qualifier = self.spec.qualifier
        # The first source keeps the single-function seed, so old scenarios replay exactly.
        salt = "" if self.spec is scenario.all_sources()[0] else f"{self.spec.name}:"
        self.rng = random.Random(f"{seed}:{salt}{type(self).__name__}")
        self.forward: Forward | None = None  # wired by the engine in multi-function scenarios
        self.setup()

    def setup(self) -> None:
        """Prepare source-specific state."""

    def offer(self, now: int, item: Item) -> None:
        """Accept one offered item."""
        raise NotImplementedError

    def refuse_too_large(self, now: int, item: Item, limit: int, voice: say.Voice) -> bool:
        """Refuse an Invoke whose payload is over the limit; return whether it was refused.

        An invocation error: HTTP 413 `RequestTooLargeException` before the function runs, no
        202 for an async event, and SDKs don't retry it. §5 [D7a][D19][D23], §2 [D4][D7][D8]
        """
        size = item.payload_bytes
        if size <= limit:
            return False
        if self.tracer is not None:
            self.tracer.emit(
                now,
                Kind.RESPONSE,
                say.too_large(item.id, size, limit, voice),
                request=item.id,
                outcome="error",
                status=413,
                errorType="RequestTooLargeException",
                payload_bytes=size,
                limit_bytes=limit,
            )
        self.finish_item(now, item, FAILED)
        return True

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
