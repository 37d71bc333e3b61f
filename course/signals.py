"""Signal handlers of the course app."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from .models import User
from .progress import merge_session_progress
from .roles import bump_roles_version, ensure_instructors_group


@receiver(user_logged_in)
def keep_anonymous_progress(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    """Carry what a visitor read before logging in or signing up into their account."""
    if request is not None and hasattr(request, "session"):
        merge_session_progress(user=user, session=request.session, now=timezone.now())


@receiver(post_migrate)
def create_instructors_group(
    sender: Any, app_config: AppConfig | None = None, **kwargs: Any
) -> None:
    """Keep the Instructors group and its permissions in step with the models."""
    if app_config is not None and app_config.label == "quizzes":
        ensure_instructors_group()


# Who is an instructor, as page headers show it (`roles.shows_instructor_links`): a membership
# added or removed from either side, a group renamed or deleted.
m2m_changed.connect(bump_roles_version, sender=User.groups.through, dispatch_uid="roles-members")
post_save.connect(bump_roles_version, sender=Group, dispatch_uid="roles-group-saved")
post_delete.connect(bump_roles_version, sender=Group, dispatch_uid="roles-group-deleted")
