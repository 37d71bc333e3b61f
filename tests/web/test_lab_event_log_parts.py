"""A long run's lab page: the event log folds into parts and every timeline link finds its line.

The presets are the shipped ones: async-throttling (a detailed timeline whose bars link to a
few hundred log lines) and scaling-rate (15,000 events: the log's cap of 500 lines, the
aggregated timeline and a thousand environments in the parking lot).
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from course.lab.core.event_log import FIRST_LINES, fold
from tests.helpers.lab import make_shipped_preset

pytestmark = pytest.mark.django_db

PAGE_BUDGET = 400_000  # bytes of HTML for the biggest run a preset ships (about 300 KB)


def lab_url(preset) -> str:
    return reverse("lab:sandbox", args=[preset.module.slug, preset.slug])


def parts_of(html: str) -> list[str]:
    return re.findall(r'<details class="event-log__part".*?</details>', html, flags=re.S)


def test_every_timeline_bar_links_to_a_line_in_the_page_folded_or_not(client):
    preset = make_shipped_preset("async-throttling")
    response = client.get(lab_url(preset))
    html = response.content.decode()
    linked = re.findall(r'href="#log-ev-(\d+)"', html)
    lines = re.findall(r'id="log-ev-(\d+)"', html)
    assert len(linked) > FIRST_LINES  # some bars point past the open head of the log
    assert len(lines) == len(set(lines))
    assert set(linked) <= set(lines)
    folded = {index for part in parts_of(html) for index in re.findall(r'id="log-ev-(\d+)"', part)}
    assert len(folded) == fold(response.context["log"], preset.answers).folded_count
    assert set(linked) & folded  # … and those lines are folded, not dropped


def test_the_htmx_lab_and_a_filtered_log_fold_the_same_way(client):
    preset = make_shipped_preset("async-throttling")
    full = client.get(lab_url(preset)).content.decode()
    partial = client.get(lab_url(preset), headers={"HX-Request": "true"}).content.decode()
    assert len(parts_of(partial)) == len(parts_of(full)) > 0
    errors = client.get(lab_url(preset) + "?log=errors").content.decode()
    assert 'aria-current="true">Errors only' in errors
    shown = re.findall(r'class="log-line (log-\w+)"', errors)
    assert len(shown) > FIRST_LINES
    assert set(shown) <= {"log-bad", "log-warn"}
    assert parts_of(errors)


def test_the_biggest_run_stays_a_reasonable_page_with_every_listed_line_reachable(client):
    preset = make_shipped_preset("scaling-rate")
    response = client.get(lab_url(preset))
    html = response.content.decode()
    assert len(response.content) < PAGE_BUDGET, len(response.content)
    assert "showing the first 500" in html
    lines = re.findall(r'id="log-ev-(\d+)"', html)
    assert len(lines) == 500
    in_parts = sum(len(re.findall(r'id="log-ev-\d+"', part)) for part in parts_of(html))
    assert in_parts == fold(response.context["log"], preset.answers).folded_count
    assert in_parts >= 400  # most of the page's 500 lines are folded
    for part in parts_of(html):
        summary = re.search(r"<summary>(.*?)</summary>", part, flags=re.S)
        assert summary
        assert re.search(r"Events \d+–\d+", summary.group(1))


def bar_links(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]*#log-ev-\d+)" id="tl-ev-\d+"', html)


def test_with_errors_only_a_bar_whose_line_is_not_listed_links_to_the_unfiltered_page(client):
    preset = make_shipped_preset("async-throttling")
    response = client.get(lab_url(preset) + "?log=errors")
    html = response.content.decode()
    listed = set(re.findall(r'id="log-ev-(\d+)"', html))
    canonical = response.context["timeline_url"]
    here: list[str] = []
    elsewhere: list[str] = []
    for href in bar_links(html):
        (here if href.startswith("#") else elsewhere).append(href)
    assert here
    assert elsewhere  # the bars of successful invocations
    assert {href.removeprefix("#log-ev-") for href in here} <= listed
    for href in elsewhere:
        page, _, anchor = href.partition("#")
        assert page.replace("&amp;", "&") == canonical  # the run's own knobs, no filter
        assert anchor.removeprefix("log-ev-") not in listed
    target = client.get(elsewhere[0].replace("&amp;", "&").partition("#")[0]).content.decode()
    assert f'id="{elsewhere[0].partition("#")[2]}"' in target
    assert "(a line this log leaves out opens in the whole run's log)" in html
    unfiltered = client.get(lab_url(preset)).content.decode()
    assert all(href.startswith("#") for href in bar_links(unfiltered))
    assert "leaves out" not in unfiltered


def test_the_next_page_of_a_capped_log_lists_the_events_after_the_cap(client):
    preset = make_shipped_preset("scaling-rate")
    html = client.get(lab_url(preset)).content.decode()
    more = re.search(r'<a href="([^"]*log_from=(\d+)[^"]*)">List the next events</a>', html)
    assert more
    assert more.group(2) == "500"
    page = client.get(more.group(1).replace("&amp;", "&").partition("#")[0])
    second = page.content.decode()
    lines = [int(n) for n in re.findall(r'id="log-ev-(\d+)"', second)]
    assert lines[0] == 500
    assert len(lines) == 500
    assert "from event 501 on" in second
    assert '<ol class="event-log__lines" start="501">' in second  # numbered as in the trace
    assert re.search(r"Events 5\d\d–5\d\d", second)
    assert "first events" in second
