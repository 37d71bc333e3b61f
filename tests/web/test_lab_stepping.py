"""Stepping through a run with `?at=N`: the state at an event, plain links, clear messages."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils.html import escape

from course.lab.models import ScenarioPreset
from course.sandbox import Kind, Scenario, simulate
from tests.factories import make_lesson

pytestmark = pytest.mark.django_db

# Four messages in one batch; msg-2 fails and is reported alone; after two receives it goes to
# the DLQ (maxReceiveCount 2).
QUEUE = {
    "seed": 1,
    "Function": {"Timeout": 30},
    "Code": {"InitDurationMs": 200, "DurationMs": 1000},
    "Source": {
        "Type": "sqs",
        "Queue": {"VisibilityTimeout": 60, "RedrivePolicy": {"maxReceiveCount": 2}},
        "EventSourceMapping": {
            "BatchSize": 4,
            "FunctionResponseTypes": ["ReportBatchItemFailures"],
        },
    },
    "Traffic": {"Bursts": [{"AtMs": 0, "Count": 4}]},
    "Faults": [{"Effect": "error", "Match": {"EventIds": ["msg-2"]}}],
}


@pytest.fixture
def preset():
    lesson = make_lesson(slug="sqs-queues")
    return ScenarioPreset.objects.create(
        module=lesson.module,
        lesson=lesson,
        slug="queue",
        title="A small queue",
        goal="Watch msg-2 reach the DLQ.",
        knobs=[],
        scenario=QUEUE,
    )


@pytest.fixture
def events():
    return simulate(Scenario.from_dict(QUEUE)).events


def url(preset, query=""):
    base = reverse("lab:sandbox", args=[preset.module.slug, preset.slug]) + "?run=1"
    return base + (f"&{query}" if query else "")


def test_the_whole_run_shows_how_it_works_and_offers_to_step_from_the_first_event(client, preset):
    response = client.get(url(preset))
    html = response.content.decode()
    assert "How it works" in html
    assert [view.key for view in response.context["run"].views] == ["pool", "sqs"]
    assert "The buffet" in html
    assert "The parking lot" in html
    assert "Traffic script" in html
    assert "Step mode" not in html
    assert re.search(r'href="[^"]*&amp;at=0"[^>]*>\s*step through it', html)


def test_a_step_shows_the_event_its_time_and_links_either_way(client, preset, events):
    first_dlq = next(i for i, e in enumerate(events) if e.kind == Kind.DLQ)
    response = client.get(url(preset, f"at={first_dlq}"))
    assert response.status_code == 200
    html = response.content.decode()
    moment = response.context["moment"]
    assert moment.at == first_dlq
    assert f"Event {first_dlq + 1} of {len(events)}" in html
    assert escape(events[first_dlq].narration) in html
    assert f"&amp;at={first_dlq - 1}" in html
    assert f"&amp;at={first_dlq + 1}" in html
    sqs = next(view for view in moment.views if view.key == "sqs")
    assert {m.id: m.state for m in sqs.messages}["msg-2"] == "dlq"
    # The pictures are the state at that event, not at the end of the run.
    assert all(view.until == first_dlq for view in moment.views)


@pytest.mark.parametrize("junk", ["abc", "-1", "1e3", "", "%20", "3.5", "٣", "9" * 40])
def test_junk_at_gives_a_clear_message_and_the_whole_run(client, preset, junk):
    response = client.get(url(preset, f"at={junk}"))
    assert response.status_code == 200
    assert response.context["moment"] is None
    assert "is not an event number" in response.context["step_problem"]
    assert "is not an event number" in response.content.decode()
    assert response.context["run"].views  # the whole run is still drawn


def test_an_index_past_the_end_says_how_many_events_there_are(client, preset, events):
    response = client.get(url(preset, f"at={len(events)}"))
    assert response.status_code == 200
    problem = response.context["step_problem"]
    assert f"has {len(events)} events" in problem
    assert f"no event {len(events)}" in problem
    last = client.get(url(preset, f"at={len(events) - 1}"))
    assert last.context["moment"].at == len(events) - 1
    assert "No later event" in last.content.decode()


def test_htmx_steps_swap_only_how_it_works_and_push_the_step_url(client, preset):
    response = client.get(
        url(preset, "at=3"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET=f"lab-how-{preset.slug}"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="lab-how"')
    assert "lab__form" not in html
    assert response.headers["HX-Push-Url"].endswith("&at=3")


def test_stepping_costs_the_same_queries_and_caches_no_page_per_step(
    client, preset, django_assert_num_queries
):
    from unittest import mock

    client.get(url(preset))  # the run is cached once
    # session lookups are skipped for anonymous readers, the preset is a shared part: none
    with django_assert_num_queries(0):
        client.get(url(preset))
    writes = [
        mock.patch.object(cache, name, wraps=getattr(cache, name))
        for name in ("set", "add", "set_many")
    ]
    with writes[0] as set_, writes[1] as add, writes[2] as set_many:
        for at in range(5):
            with django_assert_num_queries(0):
                client.get(url(preset, f"at={at}"))
    # Whatever the cache backend (local memory or Redis), no step writes an entry.
    assert set_.call_count == add.call_count == set_many.call_count == 0
