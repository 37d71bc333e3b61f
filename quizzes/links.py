"""Links from quiz pages to the lab's sandbox, by URL name: quizzes and the lab import neither."""

from __future__ import annotations

from dataclasses import replace

from django.urls import reverse

from .grading import ReviewItem
from .models import Question


def sandbox_url(module_slug: str, preset_slug: str) -> str:
    """Return the sandbox page of a preset, or "" when the question names none."""
    if not preset_slug:
        return ""
    return reverse("lab:sandbox", kwargs={"module_slug": module_slug, "preset_slug": preset_slug})


def without_retired_scenarios(reviews: list[ReviewItem], *, module_id: int) -> list[ReviewItem]:
    """Return the reviews of an attempt, without sandbox links to presets that may be gone.

    Content validation refuses a question whose `scenario` is not one of its module's presets
    (`course/content/questions.py`), and a load writes a module's questions and presets together,
    retiring those whose files are gone. So a preset that an active question of the module names
    has a sandbox page, and practice (which asks active questions only) needs no check. A
    snapshot outlives the bank: its question may name a preset retired since. Such a review
    shows no link rather than one to a missing page (one query, only if a question names one).
    """
    named = {review.question["scenario_slug"] for review in reviews} - {""}
    if not named:
        return reviews
    live = set(
        Question.objects.active()
        .filter(module_id=module_id, scenario_slug__in=named)
        .values_list("scenario_slug", flat=True)
    )
    kept = []
    for review in reviews:
        if review.question["scenario_slug"] in live | {""}:
            kept.append(review)
            continue
        question = review.question.copy()
        question["scenario_slug"] = ""
        kept.append(replace(review, question=question))
    return kept
