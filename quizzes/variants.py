"""Variant questions as an attempt or a practice page asks them: drawn, run, recorded.

The template comes from the bank (`Question.variant`, in the pool snapshot as `template`); the
engine work is `course.content.variants`. What is drawn depends only on the seed and the
question's key, so practice feedback redrawn from the seed a page carries matches what was asked,
and an attempt stores the result (`variant`: parameters, numbers, the run and its replay) so its
review never changes. No Django here.
"""

from __future__ import annotations

from random import Random

from course.content import variants

from .snapshot import ChoiceSnapshot, QuestionSnapshot


def realise(question: QuestionSnapshot, seed: int) -> QuestionSnapshot:
    """Return `question` as asked with `seed`: a variant drawn and computed, anything else as is."""
    template = question.get("template")
    if not template:
        return question
    drawn = variants.realise(template, Random(f"{seed}:{question['key']}"))
    asked = QuestionSnapshot(
        key=question["key"],
        kind=question["kind"],
        pick=1,
        topic=question["topic"],
        topic_title=question["topic_title"],
        stem_html=drawn.stem_html,
        explanation_html=drawn.explanation_html,
        scenario_slug=question["scenario_slug"],
        # Numbers are shown in ascending order (locked, so shuffling keeps it); the keys were
        # shuffled instead, so that the answer's key tells nothing.
        choices=[
            ChoiceSnapshot(
                key=choice.key,
                text_html=choice.text_html,
                correct=choice.correct,
                explanation_html=choice.explanation_html,
                misconception=choice.misconception,
                locked=True,
            )
            for choice in drawn.choices
        ],
        variant=drawn.record | {"sources": {choice.key: choice.source for choice in drawn.choices}},
    )
    return asked
