"""Kinesis and DynamoDB stream mappings: the assembly line, in order per shard (§8).

With `TumblingWindowInSeconds`, each shard's records are grouped into windows aligned to
multiples of the window length (by arrival time). Batches never mix windows; each invocation
of a window receives the state the previous one returned, and after the window ends Lambda
invokes once more with `isFinalInvokeForWindow` and the whole window's state. A state over
1 MB ends the window early. §8 [D36a], §10 [D36a]
"""

from __future__ import annotations

import zlib
from collections import deque
from typing import Any

from .. import narration as say
from ..items import Item
from ..metrics import DEAD_LETTERED, DISCARDED, SUCCEEDED
from ..scenario import WINDOW_STATE_BYTES
from ..service import WINDOW_TALLY, Execution
from ..trace import Kind
from .base import Source, parse_batch_failures

POLL_INTERVAL_MS = {"kinesis": 1_000, "dynamodb": 250}  # polls per shard. §8 [D36a][D37]
THROTTLE_BACKOFF_MS = 1_000
# A pending span: [low, high, failures, final]; `final` 1 is a window's last invoke (no records).
FINAL = 3


class Window:
    """A lane's open tumbling window: its bounds and the state the function returned so far."""

    __slots__ = ("early", "end", "records", "start", "state")

    def __init__(self, start: int, end: int) -> None:
        self.start = start
        self.end = end
        self.state = 0  # bytes of state the last successful invocation returned
        self.records = 0  # records aggregated into the state
        self.early = False  # the state went over 1 MB: the window ends now. §8 [D36a]


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
        "window",
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
        self.window: Window | None = None  # the open tumbling window, if any

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
        self.tumbling_ms = self.mapping.tumbling_window_s * 1000

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
            if not lane.pending and self.tumbling_ms:
                window_span = self._window_span(now, lane, size)
                if window_span is None:
                    lane.trim()
                    return
                lane.pending.append(window_span)
            elif not lane.pending:
                low = lane.next
                high = min(low + size, lane.end())
                if low >= high:
                    lane.trim()
                    return
                first = lane.get(low)
                if self.window_ms and high - low < size and first.offered_ms + self.window_ms > now:
                    self._schedule(lane, first.offered_ms + self.window_ms)
                    return
                lane.pending.append([low, high, 0, 0])
            span = lane.pending[0]
            self._drop_old(now, lane, span)
            if span[0] >= span[1] and not span[FINAL]:
                lane.pending.popleft()
                lane.next = max(lane.next, span[1])
                continue
            break
        items = lane.slice(span[0], span[1])
        age = now - items[0].offered_ms if items else 0
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
            narration = say.batch_start(len(items), lane.name, say.STREAM)
            window: dict[str, Any] = {}
            open_window = lane.window
            if self.tumbling_ms and open_window is not None:
                final = bool(span[FINAL])
                narration += say.window(
                    open_window.start,
                    open_window.end,
                    open_window.state,
                    final,
                    open_window.early,
                )
                window = {
                    "window_start_ms": open_window.start,
                    "window_end_ms": open_window.end,
                    "state_bytes": open_window.state,
                    "window_records": open_window.records,
                    "isFinalInvokeForWindow": final,
                    "isWindowTerminatedEarly": final and open_window.early,
                }
            if not items:
                request = WINDOW_TALLY
            else:
                request = f"{items[0].id}…{items[-1].id}" if len(items) > 1 else items[0].id
            self.tracer.emit(
                now,
                Kind.BATCH_START,
                narration,
                request=request,
                attempt=span[2] + 1,
                shard=lane.name,
                first_sequence=items[0].id if items else None,
                last_sequence=items[-1].id if items else None,
                iterator_age_ms=age,
                **window,
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

    def _window_span(self, now: int, lane: Lane, size: int) -> list[int] | None:
        """Return the next span of a lane with tumbling windows, or None to wait.

        A batch holds records of one window only. Once the window has ended (or its state
        went over 1 MB), its remaining records go first, then the final invoke: no records,
        only the state. §8 [D36a]. Whether the final invoke carries records is not in the
        fact sheet: sending it empty is our choice, so it holds the whole window's state.
        """
        low = lane.next
        window = lane.window
        if window is not None and (window.early or now >= window.end):
            high = low
            if not window.early:
                limit = min(low + size, lane.end())
                while high < limit and lane.get(high).offered_ms < window.end:
                    high += 1
            return [low, high, 0, 0 if high > low else 1]
        if low >= lane.end():
            if window is not None:
                self._schedule(lane, window.end)  # the final invoke, even with no new records
            return None
        first = lane.get(low)
        if window is None:
            start = first.offered_ms // self.tumbling_ms * self.tumbling_ms
            window = lane.window = Window(start, start + self.tumbling_ms)
        limit = min(low + size, lane.end())
        high = low + 1
        while high < limit and lane.get(high).offered_ms < window.end:
            high += 1
        waiting = high == lane.end() and high - low < size
        if self.window_ms and waiting and first.offered_ms + self.window_ms > now:
            self._schedule(lane, min(first.offered_ms + self.window_ms, window.end))
            return None
        return [low, high, 0, 0]

    def _window_done(self, lane: Lane, span: list[int], ex: Execution, count: int) -> None:
        """Carry the state a successful invocation returned; close the window after its last."""
        window = lane.window
        if window is None:
            return
        if span[FINAL]:
            lane.window = None  # the state is deleted once the final invoke succeeds. §8 [D36a]
            return
        per_record = self.service.pools[ex.version].version.code.state_bytes_per_record
        window.state += per_record * count
        window.records += count
        if window.state > WINDOW_STATE_BYTES:
            window.early = True  # state ≤ 1 MB per shard, else the window ends early. §8 [D36a]

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
            if self.tumbling_ms:
                self._window_done(lane, span, ex, len(items))
            if items:
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
                if self.tumbling_ms:
                    self._window_done(lane, span, ex, cut)
            span[0] = low + cut
        elif self.mapping.bisect and high - low > 1:
            # Split in two; splits don't use up retries. §8 [D36a][D39]
            middle = (low + high) // 2
            lane.pending.popleft()
            lane.pending.appendleft([middle, high, 0, 0])
            lane.pending.appendleft([low, middle, 0, 0])
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
            if span[FINAL]:
                # The final invoke never succeeded: the window's state is lost. §8 [D36a]
                lane.window = None
                if self.tracer is not None:
                    self.tracer.emit(
                        now,
                        Kind.DISCARD,
                        say.discard(WINDOW_TALLY, "RetryAttemptsExhausted", None, say.STREAM),
                        outcome="RetryAttemptsExhausted",
                        shard=lane.name,
                    )
            else:
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
