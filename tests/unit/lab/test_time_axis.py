"""The timeline's time axis: quiet stretches squeezed into marked breaks, zoom windows, units."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
import yaml

from course.lab.core.event_log import build_log
from course.lab.core.timeline import DETAILED, Timeline, build_timeline, clock
from course.sandbox import Result, Scenario, simulate

IDLE_S = 300
ARRIVALS_MS = (0, 60_000, 500_000)  # the third comes after the idle lifetime: cold again


def waits() -> Result:
    """Three requests with long waits between them, as in the idle-expiry preset."""
    scenario = {
        "seed": 1,
        "Code": {"InitDurationMs": 400, "DurationMs": 100},
        "Environment": {"IdleLifetimeSeconds": IDLE_S},
        "Source": {"Type": "sync"},
        "Traffic": {"Events": [{"AtMs": at} for at in ARRIVALS_MS]},
    }
    return simulate(Scenario.from_dict(scenario))


def drawn_times(result: Result, timeline: Timeline) -> list[tuple[float, float]]:
    """Return (event time, x) of every drawn bar and marker that is not an idle span."""
    return [
        (result.events[bar.index].time_ms, bar.x + (bar.width / 2 if bar.points else 0))
        for bar in timeline.bars()
        if bar.index is not None and "tl-idle" not in bar.css
    ]


def test_long_waits_become_marked_breaks_and_the_requests_keep_their_room() -> None:
    result = waits()
    timeline = build_timeline(result)
    assert timeline.mode == DETAILED
    # Between the arrivals there are two waits of about 1 min and 7 min 20 s (and the
    # environment's shutdown, IDLE_S after it froze, falls inside the second).
    assert len(timeline.breaks) >= 2
    for brk in timeline.breaks:
        assert brk.end_ms - brk.start_ms >= 1000
        assert brk.label == "" or brk.length in brk.label
        for time, _ in drawn_times(result, timeline):
            assert not brk.start_ms < time < brk.end_ms, "nothing happens inside a break"
    assert "quiet" in timeline.axis_note
    # Each request's INIT (400 ms) is drawn at least 40 units wide: not a sliver.
    inits = [bar for bar in timeline.bars() if "tl-init" in bar.css.split()]
    assert len(inits) == 2
    assert all(bar.width >= 40 for bar in inits)


def test_ticks_stay_correct_on_each_side_of_a_break() -> None:
    result = waits()
    timeline = build_timeline(result)
    ticks = list(timeline.ticks)
    assert [tick.x for tick in ticks] == sorted(tick.x for tick in ticks)
    assert [tick.time_ms for tick in ticks] == sorted(tick.time_ms for tick in ticks)
    for tick in ticks:
        assert not any(b.start_ms < tick.time_ms < b.end_ms for b in timeline.breaks)
    # A tick and a drawn event are in the same order in time and in x, across every break.
    for time, x in drawn_times(result, timeline):
        for tick in ticks:
            if time < tick.time_ms:
                assert x <= tick.x + 0.1
            elif time > tick.time_ms:
                assert x >= tick.x - 0.1
    # Some tick after the last break reads in minutes: the third request is at 8 min 20 s.
    last = timeline.breaks[-1]
    assert any(t.time_ms >= last.end_ms and "min" in t.label for t in ticks)


@pytest.mark.parametrize(
    ("ms", "step", "label"),
    [
        (0, 1000, "0"),
        (250, 250, "250 ms"),
        (1500, 500, "1.5 s"),
        (600_000, 60_000, "10 min"),
        (600_500, 500, "10 min 0.5 s"),
        (3_900_000, 60_000, "1 h 5 min"),
        (-500, 500, "−500 ms"),
    ],
)
def test_tick_labels_use_human_units(ms: float, step: float, label: str) -> None:
    assert clock(ms, step) == label


def test_no_raw_milliseconds_in_the_axis_titles_or_log_times() -> None:
    result = waits()
    timeline = build_timeline(result)
    texts = [tick.label for tick in timeline.ticks] + [b.label for b in timeline.breaks]
    texts += [bar.title for bar in timeline.bars()]
    texts += [line.time_label for line in build_log(result, timeline=timeline).lines]
    texts += [timeline.summary, timeline.axis_note]
    for text in texts:
        assert not re.search(r"\d{4,} ms", text.replace(",", "")), text


def test_a_zoom_window_draws_only_that_stretch_and_its_log() -> None:
    result = waits()
    window = (ARRIVALS_MS[1] - 100, ARRIVALS_MS[1] + 1_000)
    timeline = build_timeline(result, window=window)
    assert timeline.zoomed
    assert (timeline.start_ms, timeline.end_ms) == window
    assert all(window[0] <= tick.time_ms <= window[1] for tick in timeline.ticks)
    for time, _ in drawn_times(result, timeline):
        assert time <= window[1]
    log = build_log(result, timeline=timeline, window=window)
    assert log.lines
    assert all(window[0] <= line.time_ms <= window[1] for line in log.lines)
    assert all(line.anchor is None or line.anchor in timeline.anchors for line in log.lines)
    assert any(link.whole for link in timeline.zoom_links), "a way back to the whole run"


@pytest.mark.parametrize(
    "window",
    [(5, 5), (10**12, 10**12 + 100), (-(10**12), -(10**12) + 100), (0, 3), (-1, 10**12)],
)
def test_a_window_that_shows_nothing_usable_draws_the_whole_run(
    window: tuple[int, int],
) -> None:
    result = waits()
    timeline = build_timeline(result, window=window)
    whole = build_timeline(result)
    assert not timeline.zoomed
    assert (timeline.start_ms, timeline.end_ms) == (whole.start_ms, whole.end_ms)


def test_zooming_in_on_a_crowded_run_brings_back_individual_bars() -> None:
    scenario = {
        "seed": 3,
        "Code": {"InitDurationMs": 200, "DurationMs": 50},
        "Traffic": {"Rates": [{"Kind": "constant", "PerSecond": 100, "Count": 2000}]},
    }
    result = simulate(Scenario.from_dict(scenario))
    assert build_timeline(result).aggregated
    zoomed = build_timeline(result, window=(1000, 2000))
    assert zoomed.detailed
    assert zoomed.zoomed


SHIPPED = Path(__file__).resolve().parents[3] / "content" / "lambda-best-practices" / "scenarios"
WIDEST_CHAR = 7.2  # a 10px label's widest glyphs ("×", "m", digits), a fifth over the estimate


def shipped_timeline(slug: str) -> Timeline:
    data = yaml.safe_load((SHIPPED / f"{slug}.yaml").read_text(encoding="utf-8"))
    return build_timeline(simulate(Scenario.from_dict(data["scenario"])))


@pytest.mark.parametrize("slug", ["sqs-poller-backoff", "chain-fanout", "snapstart-restore"])
def test_tick_labels_stay_inside_the_picture_and_marker_labels_clear_the_next_marker(slug):
    timeline = shipped_timeline(slug)
    for tick in timeline.ticks:
        width = len(tick.label) * 5.6
        right = tick.x if tick.anchor == "end" else tick.x + width / 2
        assert right <= timeline.width, tick
    for lane in timeline.lanes:
        marks = sorted(lane.markers, key=lambda mark: mark.x)
        for mark, following in itertools.pairwise(marks):
            if mark.label:
                assert mark.label_x + len(mark.label) * WIDEST_CHAR <= following.x, mark.label


def test_the_sqs_back_off_runs_last_tick_ends_at_the_right_edge():
    timeline = shipped_timeline("sqs-poller-backoff")
    last = timeline.ticks[-1]
    assert last.anchor == "end"
    assert last.label.endswith(" s")
