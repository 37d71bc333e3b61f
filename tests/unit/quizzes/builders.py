"""Plain-data questions for the unit tests of grading, snapshots and exam rules."""

from __future__ import annotations

from quizzes.snapshot import ChoiceSnapshot, QuestionSnapshot


def choice(key: str, *, correct: bool = False, locked: bool = False) -> ChoiceSnapshot:
    return ChoiceSnapshot(
        key=key,
        text_html=f"Text {key}",
        correct=correct,
        explanation_html=f"Because {key}",
        misconception="",
        locked=locked,
    )


def question(
    key: str = "q", *, right: str = "a", keys: str = "abcd", topic: str = "t1"
) -> QuestionSnapshot:
    """Return a question; `right` lists its correct keys (more than one: multiple response)."""
    return QuestionSnapshot(
        key=key,
        kind="multiple" if len(right) > 1 else "single",
        pick=len(right),
        topic=topic,
        topic_title=topic.upper(),
        stem_html=f"Stem {key}",
        explanation_html="General",
        scenario_slug="",
        choices=[choice(k, correct=k in right) for k in keys],
    )


def pool(per_topic: dict[str, int]) -> list[QuestionSnapshot]:
    return [
        question(f"{topic}-{i}", topic=topic)
        for topic, count in per_topic.items()
        for i in range(count)
    ]
