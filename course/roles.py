"""The Instructors group and what it may do."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from .models import User

# Instructors author content and read learners' results: every permission on these apps' models,
# except that learners' own records (accounts, progress, attempts and their append-only event
# log, practice answers, met challenges) are view-only to them.
INSTRUCTOR_APPS = ("course", "lab", "quizzes")
LEARNER_DATA_MODELS = (
    "user",
    "lessonprogress",
    "challengecompletion",
    "attempt",
    "attemptevent",
    "practiceanswer",
)


def ensure_instructors_group() -> Group:
    """Create or update the Instructors group with its permissions; return it."""
    group, _ = Group.objects.get_or_create(name=User.INSTRUCTORS_GROUP)
    permissions = Permission.objects.filter(content_type__app_label__in=INSTRUCTOR_APPS).exclude(
        Q(content_type__model__in=LEARNER_DATA_MODELS) & ~Q(codename__startswith="view_")
    )
    group.permissions.set(permissions)
    return group
