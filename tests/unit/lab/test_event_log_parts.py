"""A long event log folds into parts: the head listed, the rest in summarised `<details>`.

Runs come from the shipped async-throttling preset (a few hundred events, a detailed timeline)
and from a one-request scenario; expected counts come from the log's own lines.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import yaml
from django.template.loader import render_to_string

from course.lab.core.event_log import (
    FIRST_LINES,
    FOLD_ABOVE,
    PART_LINES,
    EventLog,
    build_log,
    is_error,
)
from course.lab.core.timeline import build_timeline
from course.sandbox import Result, Scenario, simulate

SCENARIOS = Path(__file__).resolve().parents[3] / "content" / "lambda-best-practices" / "scenarios"


def shipped(slug: str) -> Result:
    data = yaml.safe_load((SCENARIOS / f"{slug}.yaml").read_text(encoding="utf-8"))
    return simulate(Scenario.from_dict(data["scenario"]))


def render(log: EventLog) -> str:
    return render_to_string(
        "lab/_event_log.html",
        {
            "log": log,
            "log_filter_urls": {"all": "?#event-log", "errors": "?log=errors#event-log"},
            "request_filter_base": "?log_request=",
            "timeline_url": "?",
        },
    )


def test_a_short_log_is_listed_whole() -> None:
    result = simulate(
        Scenario.from_dict({"Source": {"Type": "sync"}, "Traffic": {"Events": [{"AtMs": 0}]}})
    )
    log = build_log(result)
    assert len(log.lines) <= FOLD_ABOVE
    assert (log.folded, log.head, log.parts) == (False, log.lines, ())
    assert "<details" not in render(log)


def test_a_long_log_lists_its_head_and_folds_the_rest_in_order() -> None:
    result = shipped("async-throttling")
    log = build_log(result)
    assert len(log.lines) > FOLD_ABOVE
    assert log.head == log.lines[:FIRST_LINES]
    folded = [line for part in log.parts for line in part.lines]
    assert log.head + tuple(folded) == log.lines
    assert log.folded_count == len(folded)
    for part in log.parts:
        assert 0 < len(part.lines) <= PART_LINES
        assert log.lines[part.first - 1] == part.lines[0]
        assert part.last == part.first + len(part.lines) - 1
        events = [result.events[line.index] for line in part.lines]
        assert part.errors == sum(is_error(event) for event in events)
        assert part.lines[0].time_label in part.span_label
        assert part.lines[-1].time_label in part.span_label
        kinds = Counter(line.kind for line in part.lines)
        assert f"{kinds.most_common(1)[0][1]} {kinds.most_common(1)[0][0]}" in part.kinds_label


def test_every_line_is_rendered_once_the_folded_ones_inside_a_closed_part() -> None:
    result = shipped("async-throttling")
    timeline = build_timeline(result)
    log = build_log(result, timeline=timeline)
    html = render(log)
    ids = re.findall(r'id="log-ev-(\d+)"', html)
    assert ids == [str(line.index) for line in log.lines]
    parts = re.findall(r"<details ([^>]*)>(.*?)</details>", html, flags=re.S)
    assert len(parts) == len(log.parts)
    for (attributes, body), part in zip(parts, log.parts, strict=True):
        assert "open" not in attributes
        assert f'id="{part.id}"' in attributes
        assert re.findall(r'id="log-ev-(\d+)"', body) == [str(line.index) for line in part.lines]
        assert f"Events {part.first}–{part.last}" in body
        assert (f"{part.errors} error" in body) == bool(part.errors)
    # Every bar of the timeline has its line in the page (the timeline links to #log-ev-N).
    assert {str(index) for index in timeline.anchors} <= set(ids)
