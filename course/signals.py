"""Signal handlers of the course app."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from .models import User
from .progress import merge_session_progress
from .roles import ensure_instructors_group


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
