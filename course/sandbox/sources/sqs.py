"""SQS event source mapping: the buffet. Lambda polls, invokes with batches, deletes (§7)."""

from __future__ import annotations

from collections import deque
from typing import Any

from .. import narration as say
from ..items import Item
from ..limits import BATCH_PAYLOAD_BYTES
from ..metrics import DEAD_LETTERED, DISCARDED, SUCCEEDED
from ..service import Execution
from ..trace import Kind
from .base import Source, parse_batch_failures

START_BATCHES = 5  # pollers start with 5 concurrent batches ... §7 [D31]
RAMP_PER_MINUTE = 300  # ... and add up to 300 per minute ... §7 [D31]
MAX_BATCHES = 1_000  # ... to at most 1,000 per mapping. §7 [D31]
MIN_BATCHES = 2  # an idle mapping may go down to 2 concurrent batches. §7 [D31][D30a][D52]
# After a failed invocation (function error or throttle) Lambda "reduces concurrency allocated
# to the ESM", except with ReportBatchItemFailures on for function errors. §7 [D32] AWS gives
# no rate. Assumption: each failure divides the allowance by this (not below MIN_BATCHES) and
# the +300/min ramp starts again from there.
SCALE_DOWN_DIVISOR = 2
# With low traffic Lambda may wait up to 20 s for a batch even if the window is smaller.
# §7 [D30a][D34] The simulator takes the upper bound, behind the scenario's LowTrafficWait.
LOW_TRAFFIC_WAIT_MS = 20_000
THROTTLE_BACKOFF_MS = 1_000


class Batch:
    """Messages received together, with the receipt each was received under."""

    __slots__ = ("backoff_ms", "items", "receipts", "received_ms")

    def __init__(self, items: list[Item], received_ms: int) -> None:
        self.items = items
        self.receipts = [item.receipt for item in items]
        self.received_ms = received_ms
        self.backoff_ms = THROTTLE_BACKOFF_MS


class SqsSource(Source):
    """Poll a standard or FIFO queue."""

    place = "queue (the buffet)"
    prefix = "msg-"

    def setup(self) -> None:
        """Read the queue and mapping settings."""
        source = self.spec
        self.queue = source.queue
        self.mapping = source.mapping
        self.fifo = self.queue.fifo
        self.visibility_ms = self.queue.visibility_timeout_s * 1000
        self.retention_ms = self.queue.retention_s * 1000
        self.window_ms = self.mapping.window_s * 1000
        # A partial batch waits this long after its first message became visible.
        self.wait_ms = self.window_ms
        if self.mapping.low_traffic_wait:
            self.wait_ms = max(self.window_ms, LOW_TRAFFIC_WAIT_MS)
        self.visible: deque[Item] = deque()
        self.groups: dict[str, deque[Item]] = {}
        self.locked: set[str] = set()
        self.active = 0
        self.scale_start: int | None = None
        self.scale_base = START_BATCHES  # the allowance at scale_start, before the ramp
        self.timer_at: int | None = None
        self.poll_pending = False
        self.batch_kind = "sqs-fifo" if self.fifo else "sqs"
        traffic = self.scenario.traffic
        self.sized = (
            any(event.payload_bytes for event in traffic.events)
            or any(rate.payload_bytes for rate in traffic.rates)
            or any(burst.payload_bytes for burst in traffic.bursts)
        )

    def offer(self, now: int, item: Item) -> None:
        """Send a message to the queue."""
        self.rec.offered += 1
        if self.tracer is not None:
            self.tracer.emit(
                now, Kind.OFFER, say.offer(item.id, say.SQS), request=item.id, group=item.group
            )
        item.visible_since = now
        if self.fifo:
            self.groups.setdefault(item.group or "default", deque()).append(item)
        else:
            self.visible.append(item)
        if not self.poll_pending:
            self.poll_pending = True
            self.clock.at(now, self._poll)

    def _allowed(self, now: int) -> int:
        if self.fifo:
            return MAX_BATCHES
        if self.scale_start is None:
            self.scale_start = now
        cap = self.mapping.maximum_concurrency or MAX_BATCHES
        return min(cap, self.scale_base + (now - self.scale_start) * RAMP_PER_MINUTE // 60_000)

    def _scale_down(self, now: int) -> tuple[int, int] | None:
        """Back the pollers off after a failed invocation; return (before, after) if it fell."""
        if self.fifo:
            return None  # FIFO concurrency follows the active message groups. §7 [D31]
        before = self._allowed(now)
        after = max(MIN_BATCHES, before // SCALE_DOWN_DIVISOR)
        self.scale_base, self.scale_start = after, now
        return (before, after) if after < before else None

    def _poll(self, now: int, _: object = None) -> None:
        self.poll_pending = False
        if self.timer_at is not None and self.timer_at <= now:
            self.timer_at = None
        while self.active < self._allowed(now):
            items = self._take_fifo(now) if self.fifo else self._take(now)
            if not items:
                return
            self.active += 1
            batch = Batch(items, now)
            self.clock.at(now + self.visibility_ms, self._visibility_end, batch)
            if self.tracer is not None:
                text = say.batch_start(len(items), "the queue", say.SQS)
                waited = now - items[0].visible_since
                if self.wait_ms > self.window_ms and waited > self.window_ms:
                    text += say.low_traffic_wait(waited)
                self.tracer.emit(
                    now,
                    Kind.BATCH_START,
                    text,
                    request=items[0].id if len(items) == 1 else f"{items[0].id}…{items[-1].id}",
                    batch=[item.id for item in items],
                    receive_counts=[item.receive_count for item in items],
                )
            self._invoke(now, batch)

    def _receive(self, now: int, item: Item) -> bool:
        """Receive one message; return False if it expired or was moved to the DLQ."""
        if now - item.offered_ms >= self.retention_ms:
            if self.tracer is not None:
                self.tracer.emit(
                    now,
                    Kind.EXPIRE,
                    say.expire(item.id, "message retention period", say.SQS),
                    request=item.id,
                )
            self.finish_item(now, item, DISCARDED)
            return False
        limit = self.queue.max_receive_count
        if limit is not None and item.receive_count >= limit:
            # Redrive: past maxReceiveCount the message goes to the queue's DLQ. §7 [D30a]
            self.rec.dead_letter("RedrivePolicy")
            if self.tracer is not None:
                self.tracer.emit(
                    now,
                    Kind.DLQ,
                    say.redrive(item.id, item.receive_count),
                    request=item.id,
                    outcome="maxReceiveCount",
                    ApproximateReceiveCount=item.receive_count,
                )
            arn = self.queue.dead_letter_arn
            if self.forward is not None and arn is not None:
                self.forward(now, arn, item)
            self.finish_item(now, item, DEAD_LETTERED)
            return False
        item.receive_count += 1
        item.receipt += 1
        item.in_flight = True
        return True

    def _take(self, now: int) -> list[Item]:
        visible = self.visible
        size = self.mapping.batch_size
        if (
            self.wait_ms
            and 0 < len(visible) < size
            and visible[0].visible_since + self.wait_ms > now
            and not (self.sized and self._payload_full(visible))
        ):
            self._timer(visible[0].visible_since + self.wait_ms)
            return []
        items: list[Item] = []
        total = 0
        while visible and len(items) < size:
            # A batch is invoked once its payload reaches 6 MB. §7 [D30a][D34]
            if self.sized and items and total + visible[0].payload_bytes > BATCH_PAYLOAD_BYTES:
                break
            item = visible.popleft()
            if self._receive(now, item):
                items.append(item)
                total += item.payload_bytes
        return items

    def _payload_full(self, visible: deque[Item]) -> bool:
        """Return whether the waiting messages fill a batch's 6 MB (§7 [D30a][D34])."""
        total = 0
        for item in visible:
            total += item.payload_bytes
            if total >= BATCH_PAYLOAD_BYTES:
                return True
        return False

    def _take_fifo(self, now: int) -> list[Item]:
        best: str | None = None
        best_since = 0
        for group, queue in self.groups.items():
            if group in self.locked or not queue:
                continue
            if best is None or queue[0].visible_since < best_since:
                best, best_since = group, queue[0].visible_since
        if best is None:
            return []
        queue = self.groups[best]
        items: list[Item] = []
        total = 0
        # One group per batch keeps the group's order and lets other groups run. §7 [D31]
        for item in list(queue):
            if len(items) >= self.mapping.batch_size:
                break
            if items and total + item.payload_bytes > BATCH_PAYLOAD_BYTES:
                break  # a batch is invoked once its payload reaches 6 MB. §7 [D30a][D34]
            if self._receive(now, item):
                items.append(item)
                total += item.payload_bytes
            else:
                queue.remove(item)
        if items:
            self.locked.add(best)
        return items

    def _timer(self, when: int) -> None:
        if self.timer_at is None or when < self.timer_at:
            self.timer_at = when
            self.clock.at(when, self._poll)

    def _invoke(self, now: int, batch: Batch) -> None:
        version = self.service.route(self.qualifier, now)
        attempt = max(item.receive_count for item in batch.items)
        result = self.service.invoke(
            now,
            batch.items,
            attempt,
            version,
            self._done,
            batch,
            self.batch_kind,
            self.mapping.report_batch_item_failures,
        )
        if not isinstance(result, str):
            return
        # Throttled: back off and retry until the visibility timeout runs out. §7 [D32]
        self.rec.throttles += 1
        delay = batch.backoff_ms
        batch.backoff_ms = min(delay * 2, 60_000)
        fell = self._scale_down(now)
        if self.tracer is not None:
            text = say.throttle_poller("the tray", delay, say.SQS)
            extra: dict[str, Any] = {}
            if fell is not None:
                text += say.poller_scale_down(*fell)
                extra["batches_allowed"] = fell[1]
            self.tracer.emit(now, Kind.THROTTLE, text, outcome="429", Reason=result, **extra)
        if now + delay < batch.received_ms + self.visibility_ms:
            self.clock.at(now + delay, self._retry, batch)
        else:
            self.active -= 1

    def _retry(self, now: int, batch: Batch) -> None:
        if all(item.receipt == r for item, r in zip(batch.items, batch.receipts, strict=True)):
            self._invoke(now, batch)
        else:
            self.active -= 1

    def _done(self, now: int, ex: Execution) -> None:
        batch: Batch = ex.ctx
        self.active -= 1
        failed: set[str] | None
        if ex.failed:
            failed = None
        elif self.mapping.report_batch_item_failures:
            failed = parse_batch_failures(ex.response, {item.id for item in batch.items})
        else:
            failed = set()
        deleted = []
        for item, receipt in zip(batch.items, batch.receipts, strict=True):
            if item.receipt != receipt or item.terminal is not None:
                continue
            if failed is None or item.id in failed:
                continue  # stays invisible until the visibility timeout ends. §7 [D30a]
            item.in_flight = False
            deleted.append(item)
            self.finish_item(now, item, SUCCEEDED)
            if self.fifo:
                self.groups[item.group or "default"].remove(item)
        # A function error backs the pollers off, unless partial batch responses are on. §7 [D32]
        fell = None
        if ex.failed and not self.mapping.report_batch_item_failures:
            fell = self._scale_down(now)
        if self.tracer is not None:
            text = self._result_text(failed, len(batch.items), len(deleted))
            extra: dict[str, Any] = {}
            if fell is not None:
                text += say.poller_scale_down(*fell)
                extra["batches_allowed"] = fell[1]
            self.tracer.emit(
                now,
                Kind.BATCH_RESULT,
                text,
                outcome="failed" if failed is None else ("partial" if failed else "ok"),
                deleted=[item.id for item in deleted],
                failed=sorted(failed) if failed else ([] if failed is not None else "all"),
                **extra,
            )
        if self.fifo:
            self._unlock_groups(batch)
        self._poll(now)

    def _result_text(self, failed: set[str] | None, size: int, deleted: int) -> str:
        return say.batch_result(size, deleted, None if failed is None else len(failed))

    def _unlock_groups(self, batch: Batch) -> None:
        for group in {item.group or "default" for item in batch.items}:
            queue = self.groups.get(group)
            if not queue or not any(item.in_flight for item in queue):
                self.locked.discard(group)

    def _visibility_end(self, now: int, batch: Batch) -> None:
        returned = False
        for item, receipt in zip(batch.items, batch.receipts, strict=True):
            if item.terminal is not None or item.receipt != receipt or not item.in_flight:
                continue
            item.in_flight = False
            item.visible_since = now
            returned = True
            if self.tracer is not None:
                self.tracer.emit(
                    now,
                    Kind.VISIBLE_AGAIN,
                    say.visible_again(item.id, item.receive_count),
                    request=item.id,
                    ApproximateReceiveCount=item.receive_count,
                )
            if not self.fifo:
                self.visible.append(item)
        if self.fifo:
            self._unlock_groups(batch)
        if returned or self.fifo:
            self._poll(now)
