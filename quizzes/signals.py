"""Signal handlers of the quizzes app."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from course.models import User

from .practice import merge_session_answers


@receiver(user_logged_in)
def keep_anonymous_practice(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    """Carry a visitor's practice answers into the account they log in to or sign up for."""
    if request is not None and hasattr(request, "session"):
        merge_session_answers(user=user, session=request.session, now=timezone.now())
