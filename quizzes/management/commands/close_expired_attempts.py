"""Close every attempt whose deadline has passed: graded on what was saved, finished at the
deadline. Safe to run at any time and as often as you like (for example every minute from cron
or an EventBridge schedule); pages also close a learner's overdue attempts when they are
visited."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from quizzes.services import close_expired_attempts


class Command(BaseCommand):
    help = "Grade and close attempts whose deadline (plus network grace) has passed."

    def handle(self, *args: Any, **options: Any) -> None:
        closed = close_expired_attempts(now=timezone.now())
        for attempt in closed:
            self.stdout.write(
                f"Closed attempt {attempt.pk} ({attempt.user.get_username()}, {attempt.quiz}) "
                f"at its deadline {attempt.deadline:%Y-%m-%d %H:%M:%S}: "
                f"{attempt.score:g} of {attempt.max_score:g}."
            )
        self.stdout.write(f"{len(closed)} expired attempt{'s' if len(closed) != 1 else ''} closed.")
