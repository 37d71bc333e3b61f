"""The lab's writes."""

from __future__ import annotations

from datetime import datetime

from course.models import User

from .models import ChallengeCompletion, ScenarioPreset


def record_challenge(*, user: User, preset: ScenarioPreset, query: str, now: datetime) -> bool:
    """Record that the learner met the preset's challenge; return whether this run was the first."""
    _, created = ChallengeCompletion.objects.get_or_create(
        user=user, preset=preset, defaults={"completed_at": now, "query": query}
    )
    return created
