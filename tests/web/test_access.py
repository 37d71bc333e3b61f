"""Who may open what: every URL pattern, five kinds of visitor, one declared expectation each.

The test enumerates the URL resolver, so a new URL without a line in `EXPECTED` fails here
until someone decides who may reach it. Expectations per visitor, in `ROLES` order:

- `ok`: the page (2xx, or a redirect that is not to the login page);
- `login`: a redirect to the login page;
- `denied`: 403 or 404 (another learner's attempt is a 404: it does not exist for them);
- `post`: the URL accepts only POST (GET answers 405).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from course.lab.models import ScenarioPreset
from course.studio.models import StudioAnalogy
from course.studio.services.tokens import preview_token
from quizzes.models import Attempt, Question
from quizzes.services import start_attempt, submit_attempt
from tests.factories import make_instructor, make_lesson, make_user
from tests.quizzes_factories import make_bank, make_exam, make_quiz
from tests.web.studio import svgs

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "owner", "other", "instructor", "staff")
ALL_OK = ("ok",) * 5
SIGNED_IN = ("login", "ok", "ok", "ok", "ok")
OWNER_ONLY = ("login", "ok", "denied", "denied", "denied")
INSTRUCTORS = ("login", "denied", "denied", "ok", "ok")
POST_ONLY = ("post",) * 5
SIGNED_IN_POST = ("login", "post", "post", "post", "post")

EXPECTED: dict[str, tuple[str, ...]] = {
    "course:module-list": ALL_OK,
    "course:health": ALL_OK,
    "course:search": ALL_OK,
    "course:module-detail": ALL_OK,
    "course:lesson-detail": ALL_OK,
    "course:lesson-print": ALL_OK,
    "course:lesson-complete": POST_ONLY,
    "lab:sandbox-gallery": ALL_OK,
    "lab:sandbox": ALL_OK,
    "signup": ALL_OK,
    "profile": SIGNED_IN,
    "login": ALL_OK,
    "logout": POST_ONLY,
    "password_change": SIGNED_IN,
    "password_change_done": SIGNED_IN,
    "password_reset": ALL_OK,
    "password_reset_done": ALL_OK,
    "password_reset_confirm": ALL_OK,
    "password_reset_complete": ALL_OK,
    "quizzes:history": SIGNED_IN,
    "quizzes:attempt-events": INSTRUCTORS,
    "quizzes:attempt-override": INSTRUCTORS,
    "quizzes:exams-in-progress": INSTRUCTORS,
    "quizzes:report-index": INSTRUCTORS,
    "quizzes:report-learners": INSTRUCTORS,
    "quizzes:report-learners-csv": INSTRUCTORS,
    "quizzes:report-quiz": INSTRUCTORS,
    "quizzes:module-quizzes": ALL_OK,
    "quizzes:practice-module": ALL_OK,
    "quizzes:practice-lesson": ALL_OK,
    "quizzes:quiz-detail": SIGNED_IN,
    "quizzes:quiz-start": SIGNED_IN_POST,
    "quizzes:quiz-accommodations": INSTRUCTORS,
    "quizzes:attempt-detail": OWNER_ONLY,
    "quizzes:attempt-save": SIGNED_IN_POST,
    "quizzes:attempt-submit": SIGNED_IN_POST,
    "quizzes:attempt-result": OWNER_ONLY,
    "quizzes:exam-question": OWNER_ONLY,
    "quizzes:exam-answer": SIGNED_IN_POST,
    "quizzes:exam-review": OWNER_ONLY,
    "quizzes:attempt-receipt": OWNER_ONLY,
    "quizzes:attempt-certificate": OWNER_ONLY,
    "studio:index": INSTRUCTORS,
    "studio:lesson-new": INSTRUCTORS,
    "studio:lesson-edit": INSTRUCTORS,
    "studio:lesson-preview": POST_ONLY,
    "studio:question-edit": INSTRUCTORS,
    "studio:question-preview": POST_ONLY,
    "studio:question-new": INSTRUCTORS,
    "studio:question-new-preview": POST_ONLY,
    "studio:question-discard": POST_ONLY,
    "studio:analogy-new": INSTRUCTORS,
    "studio:analogy-edit": INSTRUCTORS,
    "studio:analogy-delete": INSTRUCTORS,
    "studio:analogy-preview": POST_ONLY,
    "studio:preset-list": INSTRUCTORS,
    "studio:preset-new": INSTRUCTORS,
    "studio:preset-edit": INSTRUCTORS,
    "studio:preset-preview": POST_ONLY,
    # A preview link: 404 for everyone but instructors (it does not exist for them).
    "studio:preview-open": ("denied", "denied", "denied", "ok", "ok"),
    "studio:preview-exit": POST_ONLY,
}

# POST endpoints that act on one learner's attempt: nobody else may post to them.
OWNED_POSTS = {"quizzes:attempt-save", "quizzes:attempt-submit", "quizzes:exam-answer"}


def project_url_names() -> set[str]:
    """Return the name of every URL pattern outside the admin (which has its own test)."""
    names: set[str] = set()

    def walk(patterns: list[URLPattern | URLResolver], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = ":".join(filter(None, [namespace, pattern.namespace or ""]))
                walk(pattern.url_patterns, inner)
            else:
                assert pattern.name, f"{pattern.pattern} has no name"
                names.add(":".join(filter(None, [namespace, pattern.name])))

    walk(get_resolver().url_patterns, "")
    return names


@dataclass
class World:
    clients: dict[str, Client]
    kwargs: dict[str, dict[str, object]]


@pytest.fixture
def world() -> World:
    module, lessons, _ = make_bank(questions=4, lessons=2)
    lesson = lessons[0]
    make_lesson(module)
    ScenarioPreset.objects.create(
        module=module,
        lesson=lesson,
        slug="demo",
        title="Demo",
        goal="Look",
        scenario={"Traffic": {"Events": [{"AtMs": 0}]}},
    )
    make_quiz(module, slug="graded")
    analogy = StudioAnalogy.objects.create(
        module=module,
        key="stopwatch",
        name="The stopwatch",
        colour="teal",
        icon_svg=svgs.ICON,
        scene_svg=svgs.SCENE,
        alt=svgs.ALT,
    )
    exam = make_exam(module, slug="exam", pass_mark=0)
    owner, other = make_user(), make_user()
    now = timezone.now()
    attempt = start_attempt(quiz=exam, user=owner, now=now)
    submit_attempt(attempt_id=attempt.pk, now=now)
    attempt = Attempt.objects.get(pk=attempt.pk)
    staff = make_user(is_staff=True, is_superuser=True)
    users = {"owner": owner, "other": other, "instructor": make_instructor(), "staff": staff}
    clients = {"anonymous": Client()}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    on_module: dict[str, object] = {"module_slug": module.slug}
    on_exam = on_module | {"quiz_slug": exam.slug}
    on_attempt = on_exam | {"attempt_id": attempt.pk}
    kwargs: dict[str, dict[str, object]] = {
        "course:module-detail": on_module,
        "course:lesson-detail": on_module | {"lesson_slug": lesson.slug},
        "course:lesson-print": on_module | {"lesson_slug": lesson.slug},
        "course:lesson-complete": on_module | {"lesson_slug": lesson.slug},
        "lab:sandbox": on_module | {"preset_slug": "demo"},
        "password_reset_confirm": {
            "uidb64": urlsafe_base64_encode(force_bytes(other.pk)),
            "token": default_token_generator.make_token(other),
        },
        "quizzes:attempt-events": {"attempt_id": attempt.pk},
        "quizzes:attempt-override": {"attempt_id": attempt.pk},
        "quizzes:report-quiz": on_exam,
        "quizzes:module-quizzes": on_module,
        "quizzes:practice-module": on_module,
        "quizzes:practice-lesson": on_module | {"lesson_slug": lesson.slug},
        "quizzes:quiz-detail": on_exam,
        "quizzes:quiz-start": on_exam,
        "quizzes:quiz-accommodations": on_exam,
        "quizzes:exam-question": on_attempt | {"number": 1},
        "quizzes:exam-answer": on_attempt | {"number": 1},
        "studio:lesson-new": on_module,
        "studio:lesson-edit": on_module | {"lesson_slug": lesson.slug},
        "studio:lesson-preview": on_module,
        "studio:question-edit": on_module | {"key": Question.objects.earliest("pk").key},
        "studio:question-preview": on_module | {"key": Question.objects.earliest("pk").key},
        "studio:question-new": on_module,
        "studio:question-new-preview": on_module,
        "studio:question-discard": on_module | {"key": Question.objects.earliest("pk").key},
        "studio:preview-open": {"token": preview_token(module.slug, lesson.slug)},
        "studio:analogy-new": on_module,
        "studio:analogy-edit": on_module | {"key": analogy.key},
        "studio:analogy-delete": on_module | {"key": analogy.key},
        "studio:analogy-preview": on_module,
        "studio:preset-new": on_module,
        "studio:preset-edit": on_module | {"preset_slug": "demo"},
        "studio:preset-preview": on_module,
    }
    for name in EXPECTED:
        if "attempt-" in name or name.startswith("quizzes:exam-"):
            kwargs.setdefault(name, on_attempt)
    return World(clients=clients, kwargs=kwargs)


def outcome(response, login_url: str) -> str:
    if response.status_code == 405:
        return "post"
    if response.status_code in {403, 404}:
        return "denied"
    if response.status_code in {301, 302} and response.url.startswith(login_url):
        return "login"
    if response.status_code < 400:
        return "ok"
    return f"status {response.status_code}"


def test_every_url_pattern_has_a_declared_expectation():
    assert project_url_names() == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_visitor_gets_what_the_declaration_says(world, name):
    url = reverse(name, kwargs=world.kwargs.get(name, {}))
    login_url = reverse("login")
    got = tuple(outcome(world.clients[role].get(url), login_url) for role in ROLES)
    assert dict(zip(ROLES, got, strict=True)) == dict(zip(ROLES, EXPECTED[name], strict=True))


@pytest.mark.parametrize("name", sorted(OWNED_POSTS))
def test_nobody_but_the_owner_can_post_to_an_attempt(world, name):
    url = reverse(name, kwargs=world.kwargs[name])
    login_url = reverse("login")
    for role in ("other", "instructor", "staff"):
        response = world.clients[role].post(url, {"version": "1"})
        assert outcome(response, login_url) == "denied", role
    assert outcome(world.clients["anonymous"].post(url, {}), login_url) == "login"


def test_the_admin_lets_in_staff_only(world):
    login_url = reverse("admin:login")
    url = reverse("admin:index")
    got = {role: outcome(world.clients[role].get(url), login_url) for role in ROLES}
    assert got == {
        "anonymous": "login",
        "owner": "login",
        "other": "login",
        "instructor": "login",
        "staff": "ok",
    }
