"""Trace events: narrations written when read, details shared between events."""

from __future__ import annotations

from course.sandbox import Kind, Scenario, TraceEvent, simulate
from course.sandbox import narration as say
from course.sandbox.trace import Tracer


def test_a_sentence_or_a_narrator_reads_the_same() -> None:
    tracer = Tracer()
    tracer.emit(5, Kind.FREEZE, say.freeze(3), env=3)
    tracer.emit(5, Kind.FREEZE, say.freeze_event, env=3)
    tracer.emit(7, Kind.THAW, (say.thaw_event, 2), env=3, request="req-9")
    plain, lazy, thaw = tracer.events
    assert lazy.narration == plain.narration == say.freeze(3)
    assert thaw.narration == say.thaw(3, "req-9", 2)
    assert lazy.as_dict() == plain.as_dict()
    assert "frozen between customers" in repr(lazy)


def test_a_labelled_tracer_writes_its_label_before_the_narration() -> None:
    tracer = Tracer().for_function("worker", labelled=True)
    tracer.emit(0, Kind.FREEZE, say.freeze_event, env=1)
    assert tracer.events[0].narration == "worker: " + say.freeze(1)


def test_equal_details_are_shared_but_true_is_not_one() -> None:
    tracer = Tracer()
    tracer.emit(0, Kind.SIDE_EFFECT, "a", count=1, duplicate=False)
    tracer.emit(1, Kind.SIDE_EFFECT, "b", count=1, duplicate=False)
    tracer.emit(2, Kind.SIDE_EFFECT, "c", count=True, duplicate=0)
    tracer.emit(3, Kind.FANOUT, "d", matched=["x"])  # unhashable: kept as it is
    first, second, third, fourth = tracer.events
    assert first.detail is second.detail
    assert third.detail == {"count": True, "duplicate": 0}
    assert third.detail["count"] is True
    assert fourth.detail == {"matched": ["x"]}


def test_a_run_s_events_read_like_records_and_repeat() -> None:
    data = {"Traffic": {"Events": [{"AtMs": 0}, {"AtMs": 2_000}]}}
    events = simulate(Scenario.from_dict(data)).events
    assert all(isinstance(event, TraceEvent) for event in events)
    assert [event.kind for event in events][:2] == [Kind.OFFER, Kind.INIT]
    assert events[0].narration == say.offer("req-1", say.SYNC)
    assert simulate(Scenario.from_dict(data)).events == events
