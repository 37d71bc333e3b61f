"""Small test-data builders with keyword overrides."""

from __future__ import annotations

from itertools import count
from typing import Any

from course.models import Lesson, Module, User
from course.roles import ensure_instructors_group

_ids = count(1)
PASSWORD = "a-long-test-password"


def make_user(**overrides: Any) -> User:
    n = next(_ids)
    fields = {"username": f"learner{n}", "email": f"learner{n}@example.com"} | overrides
    user = User(**fields)
    user.set_password(PASSWORD)
    user.save()
    return user


def make_instructor(**overrides: Any) -> User:
    user = make_user(**({"username": f"instructor{next(_ids)}"} | overrides))
    user.groups.add(ensure_instructors_group())
    return user


def make_module(**overrides: Any) -> Module:
    n = next(_ids)
    fields = {"slug": f"module-{n}", "title": f"Module {n}", "summary": "A module.", "order": n}
    return Module.objects.create(**(fields | overrides))


def make_lesson(module: Module | None = None, **overrides: Any) -> Lesson:
    n = next(_ids)
    fields = {
        "module": module or make_module(),
        "slug": f"lesson-{n}",
        "title": f"Lesson {n}",
        "order": n,
        "minutes": 5,
        "html": f"<p>Body of lesson {n}.</p>",
        "plain_text": f"Body of lesson {n}.",
        "objectives": ["Understand things"],
    }
    return Lesson.objects.create(**(fields | overrides))
