"""Kinesis and DynamoDB stream mappings: the assembly line, in order per shard (§8)."""

from __future__ import annotations

import zlib
from collections import deque
from typing import Any

from .. import narration as say
from ..items import Item
from ..metrics import DEAD_LETTERED, DISCARDED, SUCCEEDED
from ..service import Execution
from ..trace import Kind
from .base import Source, parse_batch_failures

POLL_INTERVAL_MS = {"kinesis": 1_000, "dynamodb": 250}  # polls per shard. §8 [D36a][D37]
THROTTLE_BACKOFF_MS = 1_000


class Lane:
    """One shard, or one of its ParallelizationFactor in-order lanes (§8 [D36a])."""

    __slots__ = (
        "backoff_ms",
        "base",
        "busy",
        "name",
        "next",
        "pending",
        "poll_at",
        "records",
        "retry_at",
        "shard",
        "throttle_ms",
    )

    def __init__(self, shard: int, index: int, factor: int) -> None:
        self.shard = shard
        self.name = f"shardId-{shard:012d}" + (f"/lane {index}" if factor > 1 else "")
        self.records: list[Item] = []
        self.base = 0  # absolute index of records[0]
        self.next = 0  # checkpoint: absolute index of the first unprocessed record
        self.pending: deque[list[int]] = deque()  # [low, high, failures] ranges to run first
        self.busy = False
        self.poll_at: int | None = None
        self.backoff_ms = 0
        self.throttle_ms = THROTTLE_BACKOFF_MS
        self.retry_at = 0  # a retry backoff ends here: no poll of this lane before it

    def end(self) -> int:
        """Return the absolute index after the last record."""
        return self.base + len(self.records)

    def get(self, index: int) -> Item:
        """Return the record at an absolute index."""
        return self.records[index - self.base]

    def slice(self, low: int, high: int) -> list[Item]:
        """Return records [low, high)."""
        return self.records[low - self.base : high - self.base]

    def trim(self) -> None:
        """Forget records before the checkpoint, keeping memory flat."""
        done = self.next - self.base
        if done > 1_024 and not self.pending:
            del self.records[:done]
            self.base = self.next


class StreamSource(Source):
    """Poll Kinesis or DynamoDB stream shards."""

    place = "stream (the assembly line)"
    prefix = ""

    def setup(self) -> None:
        """Create the lanes."""
        source = self.spec
        self.kind = source.type
        self.stream = source.stream
        self.mapping = source.mapping
        self.factor = self.mapping.parallelization
        self.lanes = [
            Lane(shard, index, self.factor)
            for shard in range(self.stream.shards)
            for index in range(self.factor)
        ]
        self.interval = POLL_INTERVAL_MS[self.kind]
        self.retention_ms = self.stream.retention_hours * 3_600_000
        age = self.mapping.maximum_record_age_s
        self.max_age_ms = age * 1000 if age >= 0 else None
        self.window_ms = self.mapping.window_s * 1000

    def offer(self, now: int, item: Item) -> None:
        """Put a record on its shard."""
        self.rec.offered += 1
        shards = self.stream.shards
        shard = item.shard if item.shard is not None else (item.seq - 1) % shards
        item.shard = shard
        if item.partition_key is not None:
            index = zlib.crc32(item.partition_key.encode()) % self.factor
        else:
            index = ((item.seq - 1) // shards) % self.factor
        lane = self.lanes[shard * self.factor + index]
        lane.records.append(item)
        if self.tracer is not None:
            self.tracer.emit(
                now,
                Kind.OFFER,
                say.offer(f"Record {item.id}", say.STREAM, lane.name),
                request=item.id,
                shard=lane.name,
            )
        if not lane.busy:
            tick = -(-now // self.interval) * self.interval
            self._schedule(lane, max(tick, now))

    def _schedule(self, lane: Lane, when: int) -> None:
        if when < lane.retry_at:
            when = lane.retry_at  # new records never cut a retry backoff short
        if lane.poll_at is None or when < lane.poll_at:
            lane.poll_at = when
            self.clock.at(when, self._poll, lane)

    def _poll(self, now: int, lane: Lane) -> None:
        if lane.poll_at != now:
            return  # superseded by an earlier poll
        lane.poll_at = None
        if lane.busy:
            return
        size = self.mapping.batch_size
        while True:
            if not lane.pending:
                low = lane.next
                high = min(low + size, lane.end())
                if low >= high:
                    lane.trim()
                    return
                first = lane.get(low)
                if self.window_ms and high - low < size and first.offered_ms + self.window_ms > now:
                    self._schedule(lane, first.offered_ms + self.window_ms)
                    return
                lane.pending.append([low, high, 0])
            span = lane.pending[0]
            self._drop_old(now, lane, span)
            if span[0] >= span[1]:
                lane.pending.popleft()
                lane.next = max(lane.next, span[1])
                continue
            break
        items = lane.slice(span[0], span[1])
        age = now - items[0].offered_ms
        if age > self.rec.iterator_age_max:
            self.rec.iterator_age_max = age  # IteratorAge. §8 [D36a]
        version = self.service.route(self.qualifier, now)
        result = self.service.invoke(
            now,
            items,
            span[2] + 1,
            version,
            self._done,
            (lane, span),
            "stream",
            self.mapping.report_batch_item_failures,
        )
        if self.tracer is not None:
            self.tracer.emit(
                now,
                Kind.BATCH_START,
                say.batch_start(len(items), lane.name, say.STREAM),
                request=f"{items[0].id}…{items[-1].id}" if len(items) > 1 else items[0].id,
                attempt=span[2] + 1,
                shard=lane.name,
                first_sequence=items[0].id,
                last_sequence=items[-1].id,
                iterator_age_ms=age,
            )
        if isinstance(result, str):
            # Throttles retry until expiry and don't count as retries. §8 [D36a][D36c]
            self.rec.throttles += 1
            delay = lane.throttle_ms
            lane.throttle_ms = min(delay * 2, self.stream.retry_max_ms)
            if self.tracer is not None:
                self.tracer.emit(
                    now,
                    Kind.THROTTLE,
                    say.throttle_poller(f"{lane.name}'s batch", delay, say.STREAM),
                    outcome="429",
                    Reason=result,
                    shard=lane.name,
                )
            lane.retry_at = now + delay
            self._schedule(lane, now + delay)
            return
        lane.throttle_ms = THROTTLE_BACKOFF_MS
        lane.busy = True

    def _drop_old(self, now: int, lane: Lane, span: list[int]) -> None:
        """Drop expired records (retention) and records past MaximumRecordAgeInSeconds."""
        aged: list[Item] = []
        while span[0] < span[1]:
            item = lane.get(span[0])
            age = now - item.offered_ms
            if age >= self.retention_ms:
                # Past retention the records are gone from the stream. §8 [D40][D37b], §13 S18
                if self.tracer is not None:
                    self.tracer.emit(
                        now,
                        Kind.EXPIRE,
                        say.expire(f"Record {item.id}", "stream retention", say.STREAM),
                        request=item.id,
                        shard=lane.name,
                    )
                self.finish_item(now, item, DISCARDED)
            elif self.max_age_ms is not None and age > self.max_age_ms:
                aged.append(item)
            else:
                break
            span[0] += 1
        if aged:
            self._discard(now, lane, aged, "RecordAgeExceeded", span[2])

    def _discard(self, now: int, lane: Lane, items: list[Item], condition: str, count: int) -> None:
        arn = self.mapping.on_failure_arn
        how = DISCARDED
        if arn is not None:
            how = DEAD_LETTERED
            self.rec.dead_letter("OnFailure")
            if self.tracer is not None:
                info = "KinesisBatchInfo" if self.kind == "kinesis" else "DDBStreamBatchInfo"
                batch_info: dict[str, Any] = {
                    info: {
                        "shardId": f"shardId-{lane.shard:012d}",
                        "startSequenceNumber": items[0].id,
                        "endSequenceNumber": items[-1].id,
                        "batchSize": len(items),
                    }
                }
                # A metadata record, not the records themselves. §8 [D36a][D36c]
                self.tracer.emit(
                    now,
                    Kind.DESTINATION,
                    say.stream_failure_record(
                        say.records(items[0].id, items[-1].id), condition, arn
                    ),
                    outcome=condition,
                    condition=condition,
                    approximateInvokeCount=count,
                    destination=arn,
                    **batch_info,
                )
            if self.forward is not None:
                self.forward(now, arn, items[0])  # one record describing the batch
        elif self.tracer is not None:
            self.tracer.emit(
                now,
                Kind.DISCARD,
                say.discard(say.records(items[0].id, items[-1].id), condition, None, say.STREAM),
                outcome=condition,
                shard=lane.name,
            )
        for item in items:
            self.finish_item(now, item, how)

    def _done(self, now: int, ex: Execution) -> None:
        lane, span = ex.ctx
        lane.busy = False
        low, high = span[0], span[1]
        items = ex.items
        failed: set[str] | None
        if ex.failed:
            failed = None
        elif self.mapping.report_batch_item_failures:
            failed = parse_batch_failures(ex.response, {item.id for item in items})
        else:
            failed = set()
        if failed is not None and not failed:
            for item in items:
                self.finish_item(now, item, SUCCEEDED)
            lane.pending.popleft()
            lane.next = max(lane.next, high)
            lane.backoff_ms = 0
            self._checkpoint(now, lane, items[-1].id)
            self._schedule(lane, now)
            return
        if failed:
            # Checkpoint at the lowest failed sequence number and retry from there. §8 [D36a]
            cut = min(index for index, item in enumerate(items) if item.id in failed)
            for item in items[:cut]:
                self.finish_item(now, item, SUCCEEDED)
            if cut:
                self._checkpoint(now, lane, items[cut - 1].id)
            span[0] = low + cut
        elif self.mapping.bisect and high - low > 1:
            # Split in two; splits don't use up retries. §8 [D36a][D39]
            middle = (low + high) // 2
            lane.pending.popleft()
            lane.pending.appendleft([middle, high, 0])
            lane.pending.appendleft([low, middle, 0])
            if self.tracer is not None:
                self.tracer.emit(
                    now,
                    Kind.BATCH_BISECT,
                    say.bisect(items[0].id, items[-1].id),
                    shard=lane.name,
                    halves=[
                        [items[0].id, lane.get(middle - 1).id],
                        [lane.get(middle).id, items[-1].id],
                    ],
                )
            self._schedule(lane, now)
            return
        span[2] += 1
        limit = self.mapping.maximum_retry_attempts
        if limit != -1 and span[2] > limit:
            # Retries exhausted: discard, send metadata, move on. §8 [D36a], §13 S19
            lane.pending.popleft()
            lane.next = max(lane.next, span[1])
            self._discard(
                now, lane, lane.slice(span[0], span[1]), "RetryAttemptsExhausted", span[2]
            )
            self._schedule(lane, now)
            return
        self.rec.retries += 1
        # AWS does not document the retry cadence: exponential backoff is a simulator choice.
        delay = lane.backoff_ms * 2 if lane.backoff_ms else self.stream.retry_initial_ms
        lane.backoff_ms = min(delay, self.stream.retry_max_ms)
        if self.tracer is not None:
            self.tracer.emit(
                now,
                Kind.RETRY_SCHEDULED,
                say.stream_retry(lane.backoff_ms),
                shard=lane.name,
                attempt=span[2] + 1,
                delay_ms=lane.backoff_ms,
            )
        lane.retry_at = now + lane.backoff_ms
        self._schedule(lane, now + lane.backoff_ms)

    def _checkpoint(self, now: int, lane: Lane, position: str) -> None:
        if self.tracer is not None:
            self.tracer.emit(
                now,
                Kind.CHECKPOINT,
                say.checkpoint(lane.name, position),
                shard=lane.name,
                sequence_number=position,
            )
