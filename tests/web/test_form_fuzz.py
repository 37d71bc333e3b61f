"""Hostile values in every form: never a 500, never a change to another learner's data.

The forms are not listed by hand: each page a visitor can reach is fetched, every `<form>` in it
is read (action, method, field names), and Hypothesis posts (or gets) hostile values for those
fields plus unknown ones, as the visitor the page was rendered for. Meanwhile a second learner
has progress, attempts with saved answers and an accommodation; none of it may change.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course.models import LessonProgress, User
from quizzes.models import Accommodation, Attempt
from quizzes.services import save_answers, set_accommodation, start_attempt
from tests.factories import make_instructor, make_user
from tests.quizzes_factories import make_bank, make_exam, make_quiz

pytestmark = pytest.mark.django_db

HOSTILE = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(10**18), max_value=10**18).map(str),
    st.sampled_from(
        ["", "0", "-1", "1e309", "NaN", "a", "z", "on", "next", "review", "9" * 40, "\x00"]
    ),
    st.sampled_from(["<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "%00"]),
)
FIELD_VALUES = st.lists(HOSTILE, max_size=3)


@dataclass(frozen=True)
class Form:
    page: str
    action: str
    method: str
    fields: tuple[str, ...]


class _FormReader(HTMLParser):
    """Read each form's fields and every URL it can send them to.

    A form posts to its `action`, to a button's `formaction`, and (with htmx) to an `hx-post`
    on any element inside it: each of those is a target to fuzz with the form's fields.
    """

    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.forms: list[Form] = []
        self._open: tuple[list[tuple[str, str]], list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            targets = [(values.get("action") or self.page, values.get("method", "get").lower())]
            if values.get("hx-post"):
                targets.append((values["hx-post"], "post"))
            self._open = (targets, [])
            return
        if self._open is None:
            return
        targets, fields = self._open
        if values.get("hx-post"):
            targets.append((values["hx-post"], "post"))
        if values.get("formaction"):
            targets.append((values["formaction"], "post"))
        if tag in {"input", "select", "textarea", "button"} and values.get("name"):
            fields.append(values["name"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._open is not None:
            targets, fields = self._open
            names = tuple(dict.fromkeys(fields))
            for action, method in dict.fromkeys(targets):
                self.forms.append(Form(self.page, action, method, names))
            self._open = None


def forms_on(client: Client, page: str) -> list[Form]:
    response = client.get(page)
    assert response.status_code == 200, page
    reader = _FormReader(page)
    reader.feed(response.content.decode())
    return [form for form in reader.forms if form.action.startswith("/")]


@dataclass
class World:
    users: dict[str, User | None]  # role -> whom its pages are rendered for (None: anonymous)
    forms: list[tuple[str, Form]]
    bystander: object
    before: object

    def client(self, role: str) -> Client:
        """Return a new client signed in as the role (a fuzzed logout must not end the run)."""
        client = Client(raise_request_exception=False)
        user = self.users[role]
        if user is not None:
            client.force_login(user)
        return client


def bystander_state(user) -> object:
    attempts = sorted(
        (a.pk, a.status, repr(a.answers), repr(a.answer_versions), a.sequence, repr(a.flags))
        for a in Attempt.objects.filter(user=user)
    )
    progress = sorted(
        LessonProgress.objects.filter(user=user).values_list("lesson_id", "completed_at")
    )
    accommodations = sorted(
        Accommodation.objects.filter(user=user).values_list(
            "quiz_id", "time_multiplier", "extra_attempts"
        )
    )
    return attempts, progress, accommodations


@pytest.fixture
def world() -> World:
    module, lessons, _ = make_bank(questions=4, lessons=2)
    graded = make_quiz(module, slug="graded")
    exam = make_exam(module, slug="exam")
    now = timezone.now()
    learner, bystander = make_user(), make_user()
    for user in (learner, bystander):
        attempt = start_attempt(quiz=graded, user=user, now=now)
        first = attempt.snapshot["questions"][0]["key"]
        save_answers(attempt_id=attempt.pk, answers={first: ["a"]}, versions={}, now=now)
        start_attempt(quiz=exam, user=user, now=now)
    LessonProgress.objects.create(
        user=bystander, lesson=lessons[0], first_seen_at=now, last_seen_at=now, completed_at=now
    )
    set_accommodation(
        quiz=exam,
        user=bystander,
        time_multiplier=Decimal("1.5"),
        extra_attempts=1,
        window_extension_minutes=0,
    )
    users = {"learner": learner, "instructor": make_instructor(), "anonymous": None}
    graded_attempt = Attempt.objects.get(user=learner, quiz=graded)
    exam_attempt = Attempt.objects.get(user=learner, quiz=exam)
    on_module = [module.slug]
    pages = {
        "anonymous": [
            reverse("signup"),
            reverse("login"),
            reverse("password_reset"),
            reverse("course:search"),
            lessons[0].get_absolute_url(),
            reverse("quizzes:practice-lesson", args=[*on_module, lessons[0].slug]),
        ],
        "learner": [
            reverse("password_change"),
            lessons[1].get_absolute_url(),
            reverse("quizzes:quiz-detail", args=[*on_module, "graded"]),
            reverse("quizzes:attempt-detail", args=[*on_module, "graded", graded_attempt.pk]),
            reverse("quizzes:exam-question", args=[*on_module, "exam", exam_attempt.pk, 1]),
            reverse("quizzes:exam-review", args=[*on_module, "exam", exam_attempt.pk]),
        ],
        "instructor": [reverse("quizzes:quiz-accommodations", args=[*on_module, "exam"])],
    }
    world = World(users, [], bystander, bystander_state(bystander))
    for role, role_pages in pages.items():
        client = world.client(role)
        for page in role_pages:
            world.forms += [(role, form) for form in forms_on(client, page)]
    return world


def test_the_reader_finds_the_forms_it_fuzzes(world):
    actions = {form.action for _, form in world.forms}
    assert any("/answer/" in action for action in actions)
    assert any("/save/" in action for action in actions)
    assert any("/submit/" in action for action in actions)
    assert any("/complete/" in action for action in actions)
    assert any("accommodations" in action for action in actions)
    assert len(actions) >= 10


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_hostile_values_in_any_form_never_give_a_500_nor_touch_another_learner(world, data):
    role, form = data.draw(st.sampled_from(world.forms), label="form")
    names = data.draw(
        st.lists(
            st.one_of(st.sampled_from(form.fields or ("x",)), st.text(max_size=8)),
            max_size=len(form.fields) + 2,
        ),
        label="fields",
    )
    payload = {name: data.draw(FIELD_VALUES, label=name) for name in names}
    client = world.client(role)
    send = client.post if form.method == "post" else client.get
    headers = {"HX-Request": "true"} if data.draw(st.booleans(), label="htmx") else {}
    response = send(form.action, payload, headers=headers)
    assert response.status_code < 500, (role, form.action, payload, response.status_code)
    assert bystander_state(world.bystander) == world.before
