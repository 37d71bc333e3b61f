"""Variant questions: numbers from the simulator, checked against independent calculations."""

from __future__ import annotations

from pathlib import Path
from random import Random
from typing import Any

import pytest

from course.content import variants
from course.content.errors import ProblemLog
from course.content.questions import parse_question_file
from course.content.yaml_loader import plain
from quizzes import variants as quiz_variants
from quizzes.snapshot import QuestionSnapshot

ROOT = Path(__file__).resolve().parents[3]
MODULE = ROOT / "content" / "lambda-best-practices"
BANK = MODULE / "questions" / "variants.yaml"
DRAWS = 12


def _specs() -> dict[str, dict[str, Any]]:
    import yaml

    presets = {path.stem: path for path in (MODULE / "scenarios").glob("*.yaml")}
    lessons = {
        "execution-environment-lifecycle", "function-configuration", "function-code",
        "environment-reuse", "database-connections", "cold-starts", "versions-and-aliases",
        "running-and-testing", "error-handling", "sqs-queues", "streams",
    }  # fmt: skip
    log = ProblemLog()
    questions = parse_question_file(
        BANK.read_text(), path="variants.yaml", log=log, lessons=dict.fromkeys(lessons, ""),
        presets=presets,
    )  # fmt: skip
    assert log.problems == []
    specs = {}
    for question in questions:
        assert question.variant is not None
        data = yaml.safe_load(presets[question.scenario or ""].read_text())

        class Preset:
            slug = question.scenario
            title = data["title"]
            scenario = data["scenario"]
            knobs = tuple(data.get("knobs", []))

        specs[question.id] = variants.with_preset(question.variant, Preset)
    return specs


SPECS = _specs()


def test_the_bank_has_at_least_25_templates_on_every_error_mode_lesson():
    assert len(SPECS) >= 25
    text = BANK.read_text()
    lessons = (
        "function-configuration", "error-handling", "sqs-queues", "streams", "cold-starts",
        "execution-environment-lifecycle", "versions-and-aliases", "database-connections",
        "environment-reuse", "function-code", "running-and-testing",
    )  # fmt: skip
    for lesson in lessons:
        assert f"lesson: {lesson}" in text


@pytest.mark.parametrize("question_id", sorted(SPECS))
def test_every_draw_offers_distinct_choices_with_one_right_answer(question_id):
    spec = SPECS[question_id]
    for seed in range(DRAWS):
        drawn = variants.realise(spec, Random(seed))
        texts = [choice.text_html for choice in drawn.choices]
        assert len(texts) == spec["choices"]
        assert len(set(texts)) == len(texts), texts
        assert sum(choice.correct for choice in drawn.choices) == 1
        assert sorted(choice.key for choice in drawn.choices) == list("abcdef"[: len(texts)])
        assert [c.value for c in drawn.choices] == sorted(c.value for c in drawn.choices)


@pytest.mark.parametrize("question_id", sorted(SPECS))
def test_a_draw_depends_only_on_its_seed(question_id):
    first = variants.realise(SPECS[question_id], Random(3))
    again = variants.realise(SPECS[question_id], Random(3))
    assert first == again


def _answer(spec: dict[str, Any], params: dict[str, Any]) -> float:
    return variants.compute(spec, params).answer


def test_throttles_are_the_burst_above_reserved_concurrency():
    spec = SPECS["variant-reserved-burst-throttles"]
    rng = Random(1)
    for _ in range(40):
        params = variants.draw_params(spec, rng)
        expected = max(0, params["burst"] - params["reserved"])
        assert _answer(spec, params) == expected


def bisect_invocations(size: int, poison: int) -> int:
    """Invocations to isolate one always-failing record by halving (first half first)."""
    if size == 1:
        return 1
    first = size // 2
    half = first if poison <= first else size - first
    where = poison if poison <= first else poison - first
    return 2 + bisect_invocations(half, where) if half >= 1 else 1


def test_bisect_invocations_follow_the_documented_recursion():
    spec = SPECS["variant-kinesis-bisect-invocations"]
    rng = Random(2)
    for _ in range(40):
        params = variants.draw_params(spec, rng)
        expected = bisect_invocations(params["batch"], params["poison"])
        assert _answer(spec, params) == expected, params


def test_spillover_is_the_burst_beyond_provisioned_concurrency():
    spec = SPECS["variant-provisioned-spillover"]
    rng = Random(3)
    for _ in range(20):
        params = variants.draw_params(spec, rng)
        assert _answer(spec, params) == params["burst"] - params["provisioned"]


def test_async_attempts_are_events_times_retries_plus_one():
    spec = SPECS["variant-async-retries-attempts"]
    rng = Random(4)
    for _ in range(20):
        params = variants.draw_params(spec, rng)
        assert _answer(spec, params) == params["events"] * (params["retries"] + 1)


def test_database_errors_are_the_environments_beyond_max_connections():
    spec = SPECS["variant-db-connections-errors"]
    rng = Random(5)
    for _ in range(5):
        params = variants.draw_params(spec, rng)
        assert _answer(spec, params) == max(0, params["burst"] - params["connections"])


def test_slow_init_wait_is_the_cut_init_the_rerun_and_the_handler():
    spec = SPECS["variant-slow-init-wait"]
    for init in (11000, 13000, 15000):
        assert _answer(spec, {"init": init}) == 10_000 + init + 500


def test_an_exact_replay_is_the_preset_with_the_drawn_knobs():
    drawn = variants.realise(SPECS["variant-reserved-burst-throttles"], Random(8))
    replay = drawn.record["replay"]
    params = drawn.record["params"]
    assert replay["exact"] is True
    assert f"reserved={params['reserved']}" in replay["query"]
    assert f"burst={params['burst']}" in replay["query"]
    not_exact = variants.realise(SPECS["variant-kinesis-bisect-invocations"], Random(8))
    assert not_exact.record["replay"]["exact"] is False
    assert "{poison}" not in not_exact.record["replay"]["note_html"]
    assert (
        f"record {not_exact.record['params']['poison']}" in not_exact.record["replay"]["note_html"]
    )


def test_a_misconception_equal_to_the_answer_is_dropped_for_a_near_miss():
    spec = dict(SPECS["variant-reserved-burst-throttles"])
    spec["misconceptions"] = [
        {"name": "same", "label": "Same", "explanation": "x", "metric": "throttled", "run": None},
        {"name": "ran", "label": "Ran", "explanation": "x", "metric": "succeeded", "run": None},
    ]
    drawn = variants.realise(spec, Random(1))
    sources = [choice.source for choice in drawn.choices]
    assert "same" not in sources
    assert sources.count("near-miss") == 2
    assert len({choice.text_html for choice in drawn.choices}) == 4


def test_the_quiz_snapshot_records_the_draw_and_drops_the_template():
    question = QuestionSnapshot(
        key="v", kind="single", pick=1, topic="t", topic_title="T", stem_html="",
        explanation_html="", scenario_slug="reserved-concurrency-burst", choices=[],
        template=SPECS["variant-reserved-burst-throttles"],
    )  # fmt: skip
    asked = quiz_variants.realise(question, 99)
    assert "template" not in asked
    assert asked["variant"]["params"]
    assert all(choice["locked"] for choice in asked["choices"])
    assert quiz_variants.realise(question, 99) == asked
    assert str(asked["variant"]["params"]["reserved"]) in asked["stem_html"]


def _problems(yaml_text: str) -> list[str]:
    log = ProblemLog()
    parse_question_file(
        yaml_text, path="v.yaml", log=log, lessons={"streams": "Streams"}, presets={"p": "P"}
    )
    return [str(problem) for problem in log.problems]


GOOD = """\
lesson: streams
questions:
  - id: v
    kind: variant
    scenario: p
    parameters:
      n: {from: 1, to: 3}
    run:
      Traffic: {Bursts: [{AtMs: 0, Count: "{n}"}]}
    answer: invocations
    stem: "{n} requests: how many invocations?"
    answer_explanation: "{answer}"
    misconceptions:
      - {name: a, label: A, metric: cold_starts, explanation: "{value}"}
      - {name: b, label: B, run: {Code: {DurationMs: 5}}, explanation: "{value}"}
"""


def test_a_good_template_parses():
    assert _problems(GOOD) == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("answer: invocations", "answer: invokations", "v.yaml:10: unknown metric `invokations`"),
        ("{n} requests", "{m} requests", "v.yaml:11: unknown placeholder `{m}`"),
        ("to: 3", "to: 20000", "v.yaml:8: with n = 20,000: the run needs more than"),
        ('Count: "{n}"', "Count: -1", "v.yaml:8: with n = 1: invalid scenario"),
        ("DurationMs: 5", "DurationMs: -5", "v.yaml:15: misconception `b` with n = 1"),
        ("name: b", "name: a", "v.yaml:15: question `v` has two misconceptions named `a`"),
        ("from: 1, to: 3", "from: 3, to: 1", "v.yaml:7: parameter `n`: `to` (1) is below"),
    ],
)
def test_template_mistakes_are_reported_with_file_and_line(old, new, expected):
    found = _problems(GOOD.replace(old, new))
    assert any(problem.startswith(expected) for problem in found), found


def test_the_item_writing_check_skips_variants():
    from course.content.item_writing import read_items

    assert read_items(BANK.read_text(), path="variants.yaml") == []


def test_fill_keeps_types_and_leaves_other_braces():
    assert variants.fill({"a": "{n}", "b": ["x-{n}"], "c": "{other}"}, {"n": 3}) == {
        "a": 3,
        "b": ["x-3"],
        "c": "{other}",
    }
    assert plain(variants.merged({"a": {"b": 1, "c": 2}}, {"a": {"c": None}})) == {"a": {"b": 1}}
