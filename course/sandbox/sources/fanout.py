"""SNS topics and EventBridge buses: fan-out to several functions, each an async invocation.

A published message (or a put event) is matched against every subscription's filter policy
(or rule's event pattern); each match is one delivery, handed to the subscribed function's
async queue, where Lambda's own retries, destinations and DLQ apply. SNS and EventBridge retry
only the hand-over itself, when it fails (a `delivery-error` fault): SNS with its fixed policy
for AWS-managed endpoints, EventBridge with the target's RetryPolicy. A client-side error is
never retried. A delivery they give up on goes to the subscription's or the target's DLQ, or is
dropped. Facts and sources: docs/scenarios.md, "SNS and EventBridge".
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .. import narration as say
from ..filters import matches
from ..items import Item
from ..metrics import DEAD_LETTERED, DISCARDED, SUCCEEDED
from ..scenario import Fault
from ..trace import Kind
from .async_ import AsyncSource
from .base import Source

# SNS delivery policy for AWS-managed endpoints (Lambda, SQS): 3 attempts without delay, 2
# one second apart, 10 with exponential backoff from 1 s to 20 s, 100,000 twenty seconds apart:
# 100,015 attempts over 23 days (the first attempt is one of the 3 immediate ones).
SNS_IMMEDIATE = 3
SNS_PRE_BACKOFF = 2
SNS_PRE_BACKOFF_MS = 1_000
SNS_BACKOFF = 10
SNS_BACKOFF_MIN_MS = 1_000
SNS_BACKOFF_MAX_MS = 20_000
SNS_TOTAL_ATTEMPTS = 100_015
# EventBridge retries "with an exponential back off and jitter"; the cadence is not documented.
# Simulator: 1 s, doubling, at most 5 min (no jitter).
EB_RETRY_START_MS = 1_000
EB_RETRY_MAX_MS = 300_000


def sns_delay_ms(attempt: int) -> int:
    """Return the wait before SNS's delivery attempt number `attempt` (2 or more) to Lambda."""
    if attempt <= SNS_IMMEDIATE:
        return 0
    if attempt <= SNS_IMMEDIATE + SNS_PRE_BACKOFF:
        return SNS_PRE_BACKOFF_MS
    step = attempt - SNS_IMMEDIATE - SNS_PRE_BACKOFF  # 1 … 10 in the backoff phase
    if step <= SNS_BACKOFF:
        # Exponential from the minimum to the maximum delay over the phase (no jitter).
        ratio = SNS_BACKOFF_MAX_MS / SNS_BACKOFF_MIN_MS
        return int(round(SNS_BACKOFF_MIN_MS * ratio ** ((step - 1) / (SNS_BACKOFF - 1))))
    return SNS_BACKOFF_MAX_MS


class Route:
    """One subscription or one rule target: where a matching message is delivered."""

    __slots__ = (
        "dlq",
        "function",
        "label",
        "max_age_ms",
        "max_attempts",
        "pattern",
        "pattern_json",
        "scope",
    )

    def __init__(
        self,
        function: str,
        label: str,
        pattern: Mapping[str, Any] | None,
        scope: str,
        dlq: str | None,
        max_attempts: int,
        max_age_ms: int | None,
    ) -> None:
        self.function = function
        self.label = label
        self.pattern = pattern
        # The policy or pattern as compact JSON for the trace (None: no filter, every message).
        self.pattern_json = json.dumps(pattern, ensure_ascii=False) if pattern is not None else None
        self.scope = scope
        self.dlq = dlq
        self.max_attempts = max_attempts
        self.max_age_ms = max_age_ms


class Delivery:
    """One message on its way to one subscriber."""

    __slots__ = ("attempts", "item", "route", "started_ms")

    def __init__(self, item: Item, route: Route, started_ms: int) -> None:
        self.item = item
        self.route = route
        self.started_ms = started_ms
        self.attempts = 0


class FanoutSource(Source):
    """An SNS topic or an EventBridge event bus with Lambda subscribers or rule targets."""

    prefix = "msg-"

    def setup(self) -> None:
        """Compile the filter policies or event patterns into routes."""
        spec = self.spec
        self.kind = spec.type
        if self.kind == "eventbridge":
            self.prefix = "evt-"
        self.routes: list[Route] = []
        for sub in spec.subscriptions:
            policy = json.loads(sub.filter_json) if sub.filter_json else None
            self.routes.append(
                Route(
                    sub.function,
                    sub.function,
                    policy,
                    sub.scope,
                    sub.dead_letter_arn,
                    SNS_TOTAL_ATTEMPTS,
                    None,
                )
            )
        for rule in spec.rules:
            pattern = json.loads(rule.pattern_json) if rule.pattern_json else None
            for target in rule.targets:
                self.routes.append(
                    Route(
                        target.function,
                        f"{rule.name}→{target.function}",
                        pattern,
                        "Event",
                        target.dead_letter_arn,
                        target.maximum_retry_attempts + 1,
                        target.maximum_event_age_s * 1000,
                    )
                )
        # FANOUT events share this mapping: route label → its filter policy or rule pattern.
        self.filters: dict[str, str | None] = {r.label: r.pattern_json for r in self.routes}
        self.faults: tuple[Fault, ...] = tuple(
            f for f in self.scenario.faults if f.effect == "delivery-error"
        )
        self.targets: dict[str, AsyncSource] = {}  # wired by the engine: function → async queue

    def offer(self, now: int, item: Item) -> None:
        """Publish a message (SNS) or put an event (EventBridge), then fan it out."""
        self.rec.offered += 1
        tracer = self.tracer
        if tracer is not None:
            tracer.emit(
                now,
                Kind.OFFER,
                say.published(item.id, self.spec.name, self.kind),
                request=item.id,
                source=self.spec.name,
            )
        matched: list[Route] = []
        filtered: list[str] = []
        for route in self.routes:
            message = item.body if route.scope != "MessageAttributes" else item.attributes
            fields = message if isinstance(message, Mapping) else None
            if route.pattern is None or matches(route.pattern, fields):
                matched.append(route)
            else:
                filtered.append(route.label)
        if tracer is not None:
            tracer.emit(
                now,
                Kind.FANOUT,
                say.fanout(item.id, [r.label for r in matched], filtered, self.kind),
                request=item.id,
                source=self.spec.name,
                delivered_to=[r.function for r in matched],
                filtered_out=filtered,
                filters=self.filters,
            )
        # Publish / PutEvents succeeded: each delivery is an item of its own from here on.
        self.finish_item(now, item, SUCCEEDED)
        for route in matched:
            copy = Item(item.seq, item.id, now, payload_bytes=item.payload_bytes)
            copy.body, copy.attributes = item.body, item.attributes
            self.rec.offered += 1
            self._attempt(now, Delivery(copy, route, now))

    def _fault(self, delivery: Delivery, now: int) -> Fault | None:
        item = delivery.item
        for fault in self.faults:
            if fault.functions is not None and delivery.route.function not in fault.functions:
                continue
            if fault.event_ids is not None and item.id not in fault.event_ids:
                continue
            if fault.attempts is not None and delivery.attempts not in fault.attempts:
                continue
            if not fault.from_ms <= now < fault.to_ms:
                continue
            if fault.probability >= 1.0 or self.rng.random() < fault.probability:
                return fault
        return None

    def _attempt(self, now: int, delivery: Delivery) -> None:
        delivery.attempts += 1
        route = delivery.route
        fault = self._fault(delivery, now)
        if fault is None:
            self.targets[route.function].accept(now, delivery.item)
            return
        tracer = self.tracer
        error = (
            fault.error_type
            if fault.error_type != "Error"
            else ("ServiceException" if fault.retryable else "AccessDeniedException")
        )
        if tracer is not None:
            tracer.emit(
                now,
                Kind.DELIVERY_FAILED,
                say.delivery_failed(delivery.item.id, route.function, error, fault.retryable),
                request=delivery.item.id,
                attempt=delivery.attempts,
                outcome="error",
                source=self.spec.name,
                subscriber=route.function,
                errorType=error,
                retryable=fault.retryable,
            )
        if not fault.retryable or delivery.attempts >= route.max_attempts:
            self._give_up(now, delivery, error)
            return
        if self.kind == "sns":
            delay = sns_delay_ms(delivery.attempts + 1)
        else:
            delay = min(EB_RETRY_START_MS * 2 ** (delivery.attempts - 1), EB_RETRY_MAX_MS)
            age = route.max_age_ms
            if age is not None and now + delay - delivery.started_ms >= age:
                self._give_up(now, delivery, error)  # the next retry would be too old
                return
        if tracer is not None:
            tracer.emit(
                now,
                Kind.RETRY_SCHEDULED,
                say.delivery_retry(delivery.item.id, route.function, delivery.attempts + 1, delay),
                request=delivery.item.id,
                attempt=delivery.attempts + 1,
                delay_ms=delay,
                source=self.spec.name,
                subscriber=route.function,
            )
        self.clock.at(now + delay, self._attempt, delivery)

    def _give_up(self, now: int, delivery: Delivery, error: str) -> None:
        route = delivery.route
        item = delivery.item
        place = "SubscriptionDLQ" if self.kind == "sns" else "TargetDLQ"
        if self.tracer is not None:
            self.tracer.emit(
                now,
                Kind.DLQ if route.dlq is not None else Kind.DISCARD,
                say.delivery_dlq(item.id, route.function, route.dlq, delivery.attempts),
                request=item.id,
                attempt=delivery.attempts,
                outcome="undeliverable",
                source=self.spec.name,
                subscriber=route.function,
                ERROR_CODE=error,
            )
        if route.dlq is None:
            self.finish_item(now, item, DISCARDED)
            return
        self.rec.dead_letter(place)
        if self.forward is not None:
            self.forward(now, route.dlq, item)
        self.finish_item(now, item, DEAD_LETTERED)
