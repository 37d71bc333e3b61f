"""Create (or reset) the demo accounts: a learner and an instructor, and print their passwords."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from course.models import User
from course.roles import ensure_instructors_group

DEMO_ACCOUNTS = (
    ("learner", "learner@example.com", "lambda-learner", False),
    ("instructor", "instructor@example.com", "lambda-instructor", True),
)


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Create them even without DJANGO_DEBUG (their passwords are published).",
        )

    def handle(self, *args: object, force: bool, **options: object) -> None:
        if not (settings.DEBUG or force):
            raise CommandError(
                "The demo accounts have published passwords (one is staff), so seed_demo runs "
                "only with DJANGO_DEBUG=1. Add --force to create them anyway."
            )
        instructors = ensure_instructors_group()
        for username, email, password, is_instructor in DEMO_ACCOUNTS:
            user, _ = User.objects.get_or_create(username=username, defaults={"email": email})
            user.email = email
            user.set_password(password)
            user.is_staff = is_instructor  # the admin is the authoring back office for now
            user.save()
            if is_instructor:
                user.groups.add(instructors)
            role = "instructor" if is_instructor else "learner"
            self.stdout.write(f"Demo {role}: username {username!r}, password {password!r}")
