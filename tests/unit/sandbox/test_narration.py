"""Narration speaks with one voice: the food truck for environments, one analogy per source.

Each rule of `course/sandbox/narration.py` is checked here: plurals, human times, the zero-init
cold start, and that a run never mixes two sources' analogies.
"""

from __future__ import annotations

from typing import Any

import pytest

from course.sandbox import Kind, Scenario, simulate
from course.sandbox import narration as say

# The words that belong to one source's analogy and to no other.
SOURCE_WORDS = {
    "sync": ("counter",),
    "async": ("kitchen", "ticket", "problems tray"),
    "sqs": ("buffet", "attendant", "tray of"),
    "kinesis": ("assembly line", "rejection bin", "belt", "the line "),
}
NOT_OURS = ("oven", "time(s)", "request(s)")


def narrations(data: dict[str, Any]) -> list[str]:
    return [event.narration for event in simulate(Scenario.from_dict(data)).events]


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 messages"), (1, "1 message"), (2, "2 messages"), (1200, "1,200 messages")],
)
def test_a_count_agrees_with_its_noun(count, expected):
    assert say.plural(count, "message") == expected


def test_one_successful_message_is_not_all_one_messages():
    assert say.batch_result(1, 1, 0) == "Batch succeeded: Lambda deletes its 1 message."
    assert say.batch_result(2, 2, 0) == "Batch succeeded: Lambda deletes all 2 messages."


@pytest.mark.parametrize(("count", "words"), [(1, "received once"), (2, "received twice")])
def test_receive_counts_read_as_words(count, words):
    assert words in say.visible_again("msg-1", count)
    assert "(s)" not in say.visible_again("msg-1", count)


def test_a_third_receive_is_counted_in_times():
    assert "received 3 times so far" in say.visible_again("msg-1", 3)


def test_earlier_requests_are_singular_for_one():
    assert "from 1 earlier request are" in say.thaw(1, "req-2", 1)
    assert "from 2 earlier requests are" in say.thaw(1, "req-3", 2)


@pytest.mark.parametrize(
    ("ms", "text"),
    [
        (0, "0 ms"),
        (350, "350 ms"),
        (1_500, "1.5 s"),
        (60_000, "1 min"),
        (90_000, "1 min 30 s"),
        (600_352, "10 min 0.352 s"),
        (3_600_000, "1 h"),
        (3_725_000, "1 h 2 min 5 s"),
    ],
)
def test_times_are_in_human_units(ms, text):
    assert say.duration(ms) == text


def test_no_narration_of_a_long_run_shows_raw_milliseconds_past_a_second():
    # A 90-second function, a 10-minute idle lifetime, a 2-minute async retry.
    lines = narrations(
        {
            "Code": {"DurationMs": 90_000, "InitDurationMs": 1_500},
            "Function": {"Timeout": 120},
            "Source": {"Type": "async"},
            "Traffic": {"Events": [{"AtMs": 0}]},
            "Faults": [{"Effect": "error"}],
        }
    )
    text = " ".join(lines)
    assert "1 min 30 s" in text
    assert "INIT 1.5 s" in text
    assert "drives away after 10 min without customers" in text
    assert "in about 2 min" in text
    for line in lines:
        assert not any(
            word.rstrip(",").isdigit() and int(word.replace(",", "")) >= 1000
            for word in _words_before(line, "ms")
        ), line


def _words_before(line: str, unit: str) -> list[str]:
    words = line.replace("(", " ").split()
    return [word for word, after in zip(words, words[1:], strict=False) if after.startswith(unit)]


def test_a_cold_start_with_zero_init_is_narrated_as_cold():
    result = simulate(
        Scenario.from_dict(
            {"Code": {"InitDurationMs": 0}, "Traffic": {"Events": [{"AtMs": 0}, {"AtMs": 5000}]}}
        )
    )
    first = [event for event in result.events if event.request == "req-1"]
    init = next(event for event in first if event.kind == Kind.INIT)
    assert init.detail["duration_ms"] == 0
    assert "Cold start for req-1" in init.narration
    assert "INIT 0 ms" in init.narration
    assert "Warm start" not in " ".join(event.narration for event in first)
    assert not [event for event in first if event.kind == Kind.THAW]
    # The second request really is warm: same truck, no INIT.
    second = [event for event in result.events if event.request == "req-2"]
    assert [event.kind for event in second if event.kind in (Kind.INIT, Kind.THAW)] == [Kind.THAW]
    assert result.metrics.cold_starts == 1


SCENARIOS: dict[str, dict[str, Any]] = {
    "sync": {
        "Function": {"ReservedConcurrentExecutions": 1},
        "Code": {"DurationMs": 2_000},
        "Client": {"MaxAttempts": 3},
        "Traffic": {"Bursts": [{"AtMs": 0, "Count": 3}], "Events": [{"AtMs": 700_000}]},
        "Faults": [{"Effect": "timeout", "Match": {"EventIds": ["req-4"]}}],
    },
    "async": {
        "Function": {
            "DeadLetterConfig": {"TargetArn": "arn:aws:sqs:us-east-1:1:dlq"},
            "ReservedConcurrentExecutions": 1,
        },
        "Code": {"DurationMs": 2_000},
        "Source": {"Type": "async"},
        "Traffic": {"Bursts": [{"AtMs": 0, "Count": 3}]},
        "Faults": [{"Effect": "error", "Match": {"EventIds": ["req-1"]}}],
    },
    "sqs": {
        "Source": {
            "Type": "sqs",
            "Queue": {"VisibilityTimeout": 30, "RedrivePolicy": {"maxReceiveCount": 2}},
        },
        "Traffic": {"Bursts": [{"AtMs": 0, "Count": 12}]},
        "Faults": [{"Effect": "error", "Match": {"EventIds": ["msg-3"]}}],
    },
    "kinesis": {
        "Source": {
            "Type": "kinesis",
            "EventSourceMapping": {
                "BisectBatchOnFunctionError": True,
                "MaximumRetryAttempts": 1,
                "DestinationConfig": {"OnFailure": {"Destination": "arn:aws:sqs:us-east-1:1:f"}},
            },
        },
        "Traffic": {"Bursts": [{"AtMs": 0, "Count": 8}]},
        "Faults": [{"Effect": "error", "Match": {"EventIds": ["6"]}}],
    },
}


@pytest.mark.parametrize("source", sorted(SCENARIOS))
def test_one_run_speaks_one_source_analogy_and_the_food_truck(source):
    lines = narrations(SCENARIOS[source])
    text = " ".join(lines).lower()
    own = SOURCE_WORDS[source]
    assert any(word in text for word in own), f"{source} never uses its own analogy"
    for other, words in SOURCE_WORDS.items():
        if other == source:
            continue
        for word in words:
            assert word not in text, f"a {source} run says {word!r} ({other}'s analogy)"
    for word in NOT_OURS:
        assert word not in text
    assert "food truck #1 parks" in text
    assert "truck #1 is frozen between customers" in text


def test_every_voice_names_its_lessons_analogy():
    assert {voice.analogy for voice in say.VOICES.values()} == {
        "restaurant counter",
        "restaurant kitchen",
        "buffet",
        "assembly line",
    }


def test_a_single_stream_record_is_not_a_range():
    assert say.records("6", "6") == "record 6"
    assert say.records("5", "8") == "records 5–8"


def test_destination_records_take_the_right_article():
    assert say.destination("e", "EventAgeExceeded", "arn").startswith("An EventAgeExceeded")
    assert say.destination("e", "RetriesExhausted", "arn").startswith("A RetriesExhausted")


def test_a_tmp_read_says_hit_or_miss():
    lines = narrations(
        {
            "Code": {"TmpCache": {"MissMs": 300, "HitMs": 5}},
            "Traffic": {"Events": [{"AtMs": 0}, {"AtMs": 5000}]},
        }
    )
    invokes = [
        line for line in lines if " serves req-" in line and "for " in line and "Truck" in line
    ]
    assert "cache miss" in invokes[0]
    assert "cache hit" in invokes[1]


def test_an_external_extensions_shutdown_names_each_share():
    text = say.shutdown(1, 60, 2_000, True, runtime_ms=300)
    assert "2 s allowed: 300 ms for the runtime, 1.7 s for the extensions" in text
    assert "SIGKILL" in text
    assert "for the runtime" not in say.shutdown(1, 60, 500, False)


def test_an_async_destination_record_gives_its_invoke_count():
    lines = narrations(
        {
            "Function": {
                "EventInvokeConfig": {
                    "MaximumRetryAttempts": 0,
                    "DestinationConfig": {
                        "OnFailure": {"Destination": "arn:aws:sqs:us-east-1:1:f"}
                    },
                }
            },
            "Source": {"Type": "async"},
            "Traffic": {"Events": [{"AtMs": 0}]},
            "Faults": [{"Effect": "error"}],
        }
    )
    assert any(
        "RetriesExhausted record for req-1 (approximateInvokeCount 1)" in line for line in lines
    )
