"""The real content/ folder loads cleanly and covers every topic and analogy of the seed."""

from __future__ import annotations

from pathlib import Path

import pytest

from course.content import parse_course

CONTENT = Path(__file__).resolve().parents[2] / "content"

# Each topic of the seed material, with words a lesson must use to teach it.
SEED_TOPICS = {
    "function configuration": ["MemorySize", "timeout", "reserved concurrency"],
    "layers, environment variables, idempotency": ["layer", "environment variable", "idempotent"],
    "versions and aliases": ["publish", "alias", "AdditionalVersionWeights"],
    "running and testing": ["sam local invoke", "test event", "unit test"],
    "ephemeral environments": ["INIT", "INVOKE", "SHUTDOWN", "cold start", "warm"],
    "init outside the handler": ["outside the handler"],
    "background processes": ["background"],
    "RDS Proxy": ["RDS Proxy", "connection"],
    "persist state externally": ["DynamoDB", "S3", "ElastiCache", "EFS"],
    "package size": ["package size"],
    "provisioned concurrency": ["provisioned concurrency"],
    "/tmp cache": ["/tmp", "10,240 MB"],
    "sync errors": ["synchronous", "X-Amz-Function-Error"],
    "async errors": ["asynchronous", "MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DLQ"],
    "SQS errors": ["ReportBatchItemFailures", "visibility timeout", "maxReceiveCount"],
    "stream errors": ["BisectBatchOnFunctionError", "checkpoint", "OnFailure"],
    "Kiro": ["Kiro", "spec", "hooks", "steering", "MCP"],
    "module summary": ["summary"],
}
SEED_ANALOGIES = {
    "food-truck",
    "oven",
    "parking",
    "waiters",
    "restaurant-counter",
    "restaurant-kitchen",
    "buffet",
    "assembly-line",
}


@pytest.fixture(scope="module")
def course():
    return parse_course(CONTENT)


def test_the_course_folder_parses_without_a_problem(course):
    assert [module.slug for module in course.modules] == ["lambda-best-practices"]
    assert len(course.modules[0].lessons) >= 13


@pytest.mark.parametrize("topic", sorted(SEED_TOPICS))
def test_every_seed_topic_is_taught_in_a_lesson(course, topic):
    text = " ".join(lesson.plain_text for lesson in course.modules[0].lessons).lower()
    missing = [word for word in SEED_TOPICS[topic] if word.lower() not in text]
    assert not missing, f"{topic}: no lesson mentions {missing}"


def test_every_seed_analogy_appears_as_a_callout(course):
    used = {name for lesson in course.modules[0].lessons for name in lesson.analogies}
    assert used >= SEED_ANALOGIES


def test_every_lesson_has_objectives_takeaways_and_a_check_yourself_link(course):
    for lesson in course.modules[0].lessons:
        assert lesson.objectives, lesson.slug
        assert "callout--takeaways" in lesson.html, lesson.slug
        assert lesson.quiz_refs, lesson.slug


def test_every_sandbox_reference_names_an_existing_preset(course):
    module = course.modules[0]
    presets = {preset.slug for preset in module.presets}
    for lesson in module.lessons:
        assert set(lesson.scenario_refs) <= presets, lesson.slug


def test_outdated_rules_are_pointed_out(course):
    text = " ".join(lesson.plain_text for lesson in course.modules[0].lessons)
    assert "1 MB" in text
    assert "256 KB" in text
    assert "1,000" in text
    assert "3,000" in text
    assert "August 2025" in text or "Aug 2025" in text or "1 Aug" in text
