"""Synchronous invocation: the restaurant counter. The caller waits and sees every error (§5)."""

from __future__ import annotations

from typing import Any

from .. import narration as say
from ..concurrency import ACCOUNT_REASON
from ..items import Item
from ..limits import SYNC_PAYLOAD_BYTES
from ..metrics import FAILED, SUCCEEDED, THROTTLED
from ..service import SCALING, Execution
from ..trace import Kind
from .base import Source


class SyncSource(Source):
    """Invoke with RequestResponse; an optional SDK retry policy retries 429s and timeouts."""

    place = "restaurant counter"

    def offer(self, now: int, item: Item) -> None:
        """Invoke the function for one caller request."""
        self.rec.offered += 1
        if self.tracer is not None:
            self.tracer.emit(now, Kind.OFFER, say.offer_at_counter, request=item.id)
        if self.refuse_too_large(now, item, SYNC_PAYLOAD_BYTES, say.SYNC):
            return
        self._attempt(now, item)

    def _attempt(self, now: int, item: Item) -> None:
        item.attempts += 1
        attempt = item.attempts
        version = self.service.route(self.qualifier, now)
        result = self.service.invoke(now, [item], attempt, version, self._done)
        if isinstance(result, str):
            self.rec.throttles += 1
            reason = ACCOUNT_REASON if result == SCALING else result
            if self.tracer is not None:
                extra: dict[str, Any] = {"cause": "scaling-rate"} if result == SCALING else {}
                self.tracer.emit(
                    now,
                    Kind.THROTTLE,
                    say.throttle_sync(item.id, reason)
                    + (" (Scaling: at most 1,000 new environments per 10 s.)" if extra else ""),
                    request=item.id,
                    attempt=attempt,
                    outcome="429",
                    status=429,
                    errorType="TooManyRequestsException",
                    Reason=reason,
                    **extra,
                )
            if not self._retry(now, item, "429 TooManyRequestsException"):
                self.finish_item(now, item, THROTTLED)
            return
        item.receipt = attempt
        read_timeout = self.scenario.client.read_timeout_s
        if read_timeout is not None and result.end_ms - now > read_timeout * 1000:
            # The SDK gives up reading but the function keeps running. §5 [D22][D48]
            self.clock.at(now + read_timeout * 1000, self._client_timeout, (item, attempt))

    def _client_timeout(self, now: int, arg: tuple[Item, int]) -> None:
        item, attempt = arg
        if item.receipt != attempt or item.terminal is not None:
            return
        item.receipt = 0
        if self.tracer is not None:
            seconds = self.scenario.client.read_timeout_s or 0
            self.tracer.emit(
                now,
                Kind.CLIENT_TIMEOUT,
                say.client_timeout(item.id, seconds),
                request=item.id,
                attempt=attempt,
                outcome="read-timeout",
            )
        if not self._retry(now, item, "read timeout"):
            self.finish_item(now, item, FAILED)

    def _retry(self, now: int, item: Item, why: str) -> bool:
        client = self.scenario.client
        if client.retry_mode == "none" or item.attempts >= client.max_attempts:
            return False
        # boto3 legacy: random × 2^(n-1) s; standard: the same capped at 20 s. §5 [D23]
        delay_s = self.rng.random() * 2 ** (item.attempts - 1)
        if client.retry_mode == "standard":
            delay_s = min(delay_s, 20.0)
        delay = max(1, int(delay_s * 1000))
        self.rec.retries += 1
        if self.tracer is not None:
            self.tracer.emit(
                now,
                Kind.CLIENT_RETRY,
                say.client_retry(item.id, item.attempts + 1, delay, why),
                request=item.id,
                attempt=item.attempts + 1,
                delay_ms=delay,
            )
        self.clock.at(now + delay, self._attempt_later, item)
        return True

    def _attempt_later(self, now: int, item: Item) -> None:
        self._attempt(now, item)

    def _done(self, now: int, ex: Execution) -> None:
        item = ex.items[0]
        if item.receipt != ex.attempt or item.terminal is not None:
            return  # the client stopped waiting for this attempt
        item.receipt = 0
        error = ex.error_type if ex.failed else None
        if self.tracer is not None:
            detail: dict[str, object] = {"status": 200, "X-Amz-Executed-Version": ex.version}
            if error:
                # Function errors: HTTP 200 with X-Amz-Function-Error. §5 [D19][D20][D7a]
                detail["X-Amz-Function-Error"] = "Unhandled"
                detail["errorType"] = error
                if ex.outcome == "timeout":
                    timeout_s = self.function.version(ex.version).timeout_s
                    detail["errorMessage"] = f"Task timed out after {timeout_s}.00 seconds"
            self.tracer.emit(
                now,
                Kind.RESPONSE,
                say.response_at_counter,  # narrated when read, from status and errorType
                env=ex.env.id,
                request=item.id,
                attempt=ex.attempt,
                version=ex.version,
                outcome="error" if error else "ok",
                **detail,
            )
        self.finish_item(now, item, FAILED if error else SUCCEEDED)
