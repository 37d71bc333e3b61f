"""Asynchronous invocation: the kitchen. An internal queue, retries, destinations, DLQ (§6)."""

from __future__ import annotations

from typing import Any

from .. import narration as say
from ..items import Item
from ..limits import ASYNC_PAYLOAD_BYTES
from ..metrics import DEAD_LETTERED, DISCARDED, SUCCEEDED
from ..service import Execution
from ..trace import Kind
from .base import Source, arn_kind

THROTTLE_BACKOFF_START_MS = 1_000  # throttles retried with backoff from 1 s ... §6 [D24]
THROTTLE_BACKOFF_MAX_MS = 300_000  # ... to at most 5 min. §6 [D24]
RETRY_STEP_MS = 60_000  # ~1 min before attempt 2, ~2 min before attempt 3. §6 [D24]


class Event:
    """One delivery of an async event on the internal queue."""

    __slots__ = ("accepted_ms", "attempts", "backoff_ms", "duplicate", "item")

    def __init__(self, item: Item, accepted_ms: int, duplicate: bool) -> None:
        self.item = item
        self.accepted_ms = accepted_ms
        self.attempts = 0
        self.backoff_ms = THROTTLE_BACKOFF_START_MS
        self.duplicate = duplicate


class AsyncSource(Source):
    """Invoke with InvocationType=Event."""

    place = "kitchen (async internal queue)"

    def setup(self) -> None:
        """Read the function's async invoke configuration."""
        function = self.function
        self.max_age_ms = function.maximum_event_age_s * 1000
        self.max_retries = function.maximum_retry_attempts
        self.duplicates = tuple(f for f in self.scenario.faults if f.effect == "duplicate")

    def offer(self, now: int, item: Item) -> None:
        """Accept an event (HTTP 202) and queue it."""
        self.rec.offered += 1
        self.accept(now, item)

    def accept(self, now: int, item: Item) -> None:
        """Queue an event already counted as offered (an SNS or EventBridge delivery)."""
        if item.payload_bytes > ASYNC_PAYLOAD_BYTES:
            # Over 1 MB the Invoke call itself fails: the event is never queued. §2 [D7][D8]
            if self.tracer is not None:
                self.tracer.emit(now, Kind.OFFER, say.offer(item.id, say.ASYNC), request=item.id)
            self.refuse_too_large(now, item, ASYNC_PAYLOAD_BYTES, say.ASYNC)
            return
        if self.tracer is not None:
            self.tracer.emit(now, Kind.OFFER, say.accepted(item.id), request=item.id, status=202)
        event = Event(item, now, duplicate=False)
        if self.function.reserved == 0:
            # Reserved concurrency 0: straight to failure handling, no retries. §3 [D26][D29]
            self._fail(now, event, "ZeroReservedConcurrency")
            return
        for fault in self.duplicates:
            if self.service.handler.applies(fault, item, 1, now, self.qualifier):
                # At-least-once: the queue may deliver the same event twice. §6 [D24]
                copy = Event(item, now, duplicate=True)
                self.clock.at(now + fault.delay_ms, self._attempt, copy)
        self._attempt(now, event)

    def _attempt(self, now: int, event: Event) -> None:
        if now - event.accepted_ms >= self.max_age_ms:
            self._fail(now, event, "EventAgeExceeded")
            return
        version = self.service.route(self.qualifier, now)
        result = self.service.invoke(
            now, [event.item], event.attempts + 1, version, self._done, event
        )
        if isinstance(result, str):
            # Throttled inside Lambda: back to the queue, no retry used up. §6 [D24][D29]
            self.rec.throttles += 1
            delay = event.backoff_ms
            event.backoff_ms = min(delay * 2, THROTTLE_BACKOFF_MAX_MS)
            if self.tracer is not None:
                self.tracer.emit(
                    now,
                    Kind.THROTTLE,
                    say.throttle_async(event.item.id, delay),
                    request=event.item.id,
                    attempt=event.attempts + 1,
                    outcome="429",
                    delay_ms=delay,
                    Reason=result,
                )
            deadline = event.accepted_ms + self.max_age_ms
            self.clock.at(min(now + delay, deadline), self._attempt, event)
            return
        event.attempts += 1

    def _done(self, now: int, ex: Execution) -> None:
        event: Event = ex.ctx
        item = event.item
        tracer = self.tracer
        function = self.function
        if not ex.failed:
            arn = function.on_success_arn
            if arn is not None:
                self.rec.success_destinations += 1
                if tracer is not None:
                    tracer.emit(
                        now,
                        Kind.DESTINATION,
                        say.destination(item.id, "Success", arn, event.attempts),
                        request=item.id,
                        version=ex.version,
                        outcome="Success",
                        **self._record(event, ex, "Success"),
                    )
                if self.forward is not None:
                    self.forward(now, arn, item)
            if not event.duplicate:
                self.finish_item(now, item, SUCCEEDED)
            return
        if event.attempts <= self.max_retries:
            delay = RETRY_STEP_MS * event.attempts
            if now + delay - event.accepted_ms >= self.max_age_ms:
                # The retry would land at or past the maximum age. §6 [D25], §13 S11
                when = max(now, event.accepted_ms + self.max_age_ms)
                self.clock.at(when, self._expire, (event, ex))
                return
            self.rec.retries += 1
            if tracer is not None:
                tracer.emit(
                    now,
                    Kind.RETRY_SCHEDULED,
                    say.retry_async(item.id, event.attempts + 1, delay),
                    request=item.id,
                    attempt=event.attempts + 1,
                    delay_ms=delay,
                )
            self.clock.at(now + delay, self._attempt, event)
            return
        self._fail(now, event, "RetriesExhausted", ex)

    def _expire(self, now: int, arg: tuple[Event, Execution]) -> None:
        event, ex = arg
        self._fail(now, event, "EventAgeExceeded", ex)

    def _record(self, event: Event, ex: Execution | None, condition: str) -> dict[str, Any]:
        # Destination record fields. §6 [D28]
        record: dict[str, Any] = {
            "condition": condition,
            "approximateInvokeCount": event.attempts,
            "requestId": event.item.id,
        }
        if ex is not None:
            record["statusCode"] = 200
            record["executedVersion"] = ex.version
            if ex.failed:
                record["functionError"] = "Unhandled"
                record["errorType"] = ex.error_type
        return record

    def _fail(self, now: int, event: Event, condition: str, ex: Execution | None = None) -> None:
        function = self.function
        tracer = self.tracer
        item = event.item
        places = []
        if function.on_failure_arn is not None:
            places.append("OnFailure")
            self.rec.dead_letter("OnFailure")
            if tracer is not None:
                tracer.emit(
                    now,
                    Kind.DESTINATION,
                    say.destination(item.id, condition, function.on_failure_arn, event.attempts),
                    request=item.id,
                    outcome=condition,
                    destination=function.on_failure_arn,
                    destination_type=arn_kind(function.on_failure_arn),
                    **self._record(event, ex, condition),
                )
            if self.forward is not None:
                self.forward(now, function.on_failure_arn, item)
        if function.dead_letter_arn is not None:
            places.append("DeadLetterConfig")
            self.rec.dead_letter("DeadLetterConfig")
            if tracer is not None:
                # The DLQ gets only the payload plus three attributes. §6 [D28]
                tracer.emit(
                    now,
                    Kind.DLQ,
                    say.dlq(item.id, function.dead_letter_arn),
                    request=item.id,
                    outcome=condition,
                    RequestID=item.id,
                    ErrorCode=200 if ex is not None else 429,
                    ErrorMessage=(ex.error_type if ex is not None else condition) or condition,
                )
            if self.forward is not None:
                self.forward(now, function.dead_letter_arn, item)
        if tracer is not None:
            names = {"OnFailure": "the OnFailure destination", "DeadLetterConfig": "the DLQ"}
            where = " and ".join(names[place] for place in places) if places else None
            tracer.emit(
                now,
                Kind.DISCARD,
                say.discard(item.id, condition, where),
                request=item.id,
                outcome=condition,
                approximateInvokeCount=event.attempts,
            )
        if not event.duplicate:
            self.finish_item(now, item, DEAD_LETTERED if places else DISCARDED)
