"""The Instructors group, what it may do, and who is in it (as page headers show it)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db.models import Q

from .caching import bump_version
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


ROLES_VERSION_KEY = "roles:version"


def shows_instructor_links(user: Any) -> bool:
    """Return whether a page shows the visitor the instructors' links (the header's admin link).

    Asked on every signed-in page, so the group lookup is kept in the cache per user, under a
    roles version that any change of group membership (or a group's rename or deletion) bumps:
    a learner made an instructor sees the links on their next page. With the local cache (one
    per process), other processes see the change when the entry expires (PAGE_CACHE_SECONDS).
    It decides what a page shows, never what a visitor may do: views that gate access ask
    `user.is_instructor`, which reads the database every time.
    """
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:  # read from the user's row, loaded anyway
        return True
    key = f"roles:{cache.get(ROLES_VERSION_KEY, 1)}:{user.pk}"
    known = user.known_instructor()  # a view that gates the page asked the database already
    if known is not None:
        if cache.get(key) is not known:
            cache.set(key, known, settings.PAGE_CACHE_SECONDS)
        return bool(known)
    value = cache.get(key)
    if value is None:
        value = bool(user.is_instructor)
        cache.set(key, value, settings.PAGE_CACHE_SECONDS)
    return bool(value)


def bump_roles_version(**kwargs: Any) -> None:
    """Forget every cached `shows_instructor_links` answer (a membership or a group changed)."""
    bump_version(ROLES_VERSION_KEY)
