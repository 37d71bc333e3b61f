"""Create (or reset) the demo accounts: a learner and an instructor, and print their passwords."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from course.models import User
from course.roles import ensure_instructors_group

DEMO_ACCOUNTS = (
    ("learner", "learner@example.com", "lambda-learner", False),
    ("instructor", "instructor@example.com", "lambda-instructor", True),
)


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: object, **options: object) -> None:
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
