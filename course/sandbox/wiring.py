"""Several functions in one scenario: one Service per function, sources wired to them, and the
routes between them (a handler's sends, destinations and dead-letter queues that name a queue,
topic, bus or function of the same scenario).

Functions share the account's concurrency pool (`AccountPool`): those with reserved
concurrency use their own, the others share the rest of the quota (§3 [D13][D13a]). A record
sent or forwarded to a queue with a mapping, a topic, a bus or a function becomes a new item
offered there; one that reaches a queue nobody polls (a DLQ) is counted in
`Metrics.messages_in_queues`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from . import narration as say
from .clock import Clock
from .concurrency import AccountPool
from .database import Connections
from .items import Item
from .metrics import Recorder
from .scenario import LATEST, Scenario
from .scenario import Source as SourceSpec
from .service import Service
from .sources.async_ import AsyncSource
from .sources.base import Source
from .sources.fanout import FanoutSource
from .trace import Kind, Tracer


def arn_target(arn: str) -> tuple[str, str]:
    """Return (service, resource name) of an ARN: ("sqs", "orders"), ("lambda", "worker")."""
    parts = arn.split(":")
    if len(parts) < 6:
        return "", arn
    service = parts[2]
    if service == "lambda" and len(parts) >= 7 and parts[5] == "function":
        return service, parts[6]
    return service, parts[5].split("/")[-1]  # event-bus/NAME → NAME


KINDS = {"sqs": "queue", "sns": "topic", "eventbridge": "event bus", "events": "event bus"}


class Wiring:
    """Build and connect the services and sources of a scenario with several functions."""

    def __init__(
        self,
        scenario: Scenario,
        clock: Clock,
        tracer: Tracer | None,
        recorder: Recorder,
        seed: int,
        kinds: Mapping[str, type[Source]],
    ) -> None:
        self.scenario = scenario
        self.clock = clock
        self.tracer = tracer
        self.rec = recorder
        self.seed = seed
        functions = scenario.all_functions()
        account = scenario.account
        reserved = sum(f.reserved or 0 for f in functions)
        shared_pc = sum(
            sum(v.provisioned for v in f.versions) + sum(a.provisioned for a in f.aliases)
            for f in functions
            if f.reserved is None
        )
        self.pool = AccountPool(account.concurrent_executions - reserved - shared_pc)
        db = Connections(scenario.database) if scenario.database is not None else None
        self.by_function = {
            f.name: Service(scenario, clock, tracer, recorder, seed, f, self.pool, db)
            for f in functions
        }
        self.services = list(self.by_function.values())
        self.sources: dict[str, Source] = {}
        self.sinks: set[str] = set()
        self.sink_counts: dict[str, int] = {}
        self.async_queues: dict[str, AsyncSource] = {}
        for spec in scenario.all_sources():
            if spec.type in ("sns", "eventbridge"):
                source: Source = FanoutSource(scenario, clock, tracer, recorder, None, seed, spec)
            elif spec.function is None:
                self.sinks.add(spec.name)
                continue
            else:
                service = self.by_function[spec.function]
                source = kinds[spec.type](scenario, clock, tracer, recorder, service, seed, spec)
                if isinstance(source, AsyncSource) and spec.function not in self.async_queues:
                    self.async_queues[spec.function] = source
            source.forward = self.forward
            self.sources[spec.name] = source
        for source in list(self.sources.values()):
            if isinstance(source, FanoutSource):
                for route in source.routes:
                    source.targets[route.function] = self.async_queue(route.function)
        for service in self.services:
            service.send = self.send
        self.entry = self.sources[scenario.all_sources()[0].name]

    def async_queue(self, function: str) -> AsyncSource:
        """Return the function's async queue (its `Type: async` source, or a new one)."""
        queue = self.async_queues.get(function)
        if queue is None:
            spec = SourceSpec("async", LATEST, name=f"{function}-async", function=function)
            service = self.by_function[function]
            queue = AsyncSource(
                self.scenario, self.clock, self.tracer, self.rec, service, self.seed, spec
            )
            queue.forward = self.forward
            self.async_queues[function] = queue
        return queue

    def source_of(self, name: str | None) -> Source:
        """Return the source traffic is offered to (None: the first)."""
        return self.entry if name is None else self.sources[name]

    def expire(self, now: int) -> None:
        """Shut down every function's environments whose idle lifetime ended by now."""
        for service in self.services:
            service.expire(now)

    @staticmethod
    def attach_payload(item: Item, body_json: str | None, attributes_json: str | None) -> None:
        """Give an item its payload and SNS message attributes (parsed from the scenario)."""
        if body_json is not None:
            item.body = json.loads(body_json)
        if attributes_json is not None:
            item.attributes = json.loads(attributes_json)

    def _child(self, now: int, parent: Item) -> Item:
        child = Item(parent.seq, parent.id, now, payload_bytes=parent.payload_bytes)
        child.body, child.attributes = parent.body, parent.attributes
        return child

    def send(self, now: int, target: str, parent: Item, function: str) -> None:
        """A function's handler sends an item on to a queue, topic or bus (`Code.Sends`)."""
        tracer = self.by_function[function].tracer
        if tracer is not None:
            tracer.emit(
                now, Kind.SEND, say.sent(parent.id, target), request=parent.id, target=target
            )
        self._arrive(now, target, parent)

    def _arrive(self, now: int, name: str, parent: Item) -> None:
        if name in self.sinks:
            self.sink_counts[name] = self.sink_counts.get(name, 0) + 1
            return
        self.sources[name].offer(now, self._child(now, parent))

    def forward(self, now: int, arn: str, parent: Item) -> bool:
        """Deliver a destination or dead-letter record to the resource its ARN names, if any."""
        service, name = arn_target(arn)
        if service == "lambda":
            if name not in self.by_function:
                return False
            if self.tracer is not None:
                self.tracer.emit(
                    now,
                    Kind.SEND,
                    say.forwarded(parent.id, name, "function"),
                    request=parent.id,
                    target=name,
                    arn=arn,
                )
            queue = self.async_queue(name)
            queue.offer(now, self._child(now, parent))
            return True
        spec_type = {"sqs": "sqs", "sns": "sns", "events": "eventbridge"}.get(service)
        known = self.sources.get(name)
        if name not in self.sinks and (known is None or known.spec.type != spec_type):
            return False
        if self.tracer is not None:
            self.tracer.emit(
                now,
                Kind.SEND,
                say.forwarded(parent.id, name, KINDS.get(service, service)),
                request=parent.id,
                target=name,
                arn=arn,
            )
        self._arrive(now, name, parent)
        return True
