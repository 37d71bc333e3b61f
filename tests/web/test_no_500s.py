"""Whatever a visitor types into the sandbox, the answer is a page with a message, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course.lab.models import ScenarioPreset
from tests.factories import make_lesson

pytestmark = pytest.mark.django_db

KNOBS = ["memory", "timeout", "reserved", "idle", "burst", "rate", "client_retry", "bisect"]
SCENARIO = {
    "Function": {"MemorySize": 256, "Timeout": 3},
    "Source": {"Type": "sync"},
    "Traffic": {"Rates": [{"PerSecond": 2, "Count": 10}], "Bursts": [{"AtMs": 0, "Count": 3}]},
}
values = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.text(max_size=20),
    st.sampled_from(["", "on", "legacy", "1e309", "NaN", "-0", "０", "５"]),
)


@pytest.fixture
def preset():
    lesson = make_lesson()
    return ScenarioPreset.objects.create(
        module=lesson.module,
        lesson=lesson,
        slug="fuzz",
        title="Fuzz",
        goal="Survive anything",
        knobs=KNOBS,
        scenario=SCENARIO,
    )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    query=st.dictionaries(
        st.sampled_from([*KNOBS, "steps", "action", "log", "log_request"]), values
    ),
    submitted=st.booleans(),
)
def test_any_sandbox_query_renders_a_page(preset, query, submitted):
    client = Client(raise_request_exception=False)
    params = {**query, **({"run": "1"} if submitted else {})}
    response = client.get(reverse("lab:sandbox", args=[preset.module.slug, "fuzz"]), params)
    assert response.status_code in {200, 302}


@override_settings(ROOT_URLCONF="tests.web.broken_urls")
def test_a_server_error_shows_the_friendly_page():
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    form=st.dictionaries(
        st.sampled_from(["question", "seed", "missed", "answer", "q-answer", "choice"]),
        st.lists(values, max_size=3),
    )
)
def test_any_practice_answer_post_renders_a_page(course_content, form):
    client = Client(raise_request_exception=False, enforce_csrf_checks=False)
    url = reverse("quizzes:practice-lesson", args=["lambda-best-practices", "streams"])
    response = client.post(url, form)
    assert response.status_code in {200, 302, 400}
