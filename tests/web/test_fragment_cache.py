"""Signed-in pages: the parts every reader gets alike are cached, the learner's own are not.

A signed-in learner's catalogue, module, lesson, gallery and lab pages are rendered per request,
around shared parts cached under the content version (`course.caching.shared` and the
templates' `{% cache %}` fragments): the lesson with its siblings and rendered body, the
module's lessons, the catalogue, the gallery, a whole run's metrics and timeline.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from course.caching import content_version
from course.lab.models import ScenarioPreset
from course.loading import load_course
from course.models import ContentState, Lesson, LessonProgress, User
from course.progress import VISIT_REFRESH
from course.studio.services.tokens import preview_token
from tests.factories import make_instructor, make_lesson, make_module, make_user

pytestmark = pytest.mark.django_db

SCENARIO = {
    "seed": 1,
    "Function": {"Timeout": 5, "ReservedConcurrentExecutions": 5},
    "Code": {"InitDurationMs": 300, "DurationMs": 2000},
    "Source": {"Type": "sync"},
    "Traffic": {"Bursts": [{"AtMs": 0, "Count": 10}]},
}


@pytest.fixture
def lessons():
    module = make_module(slug="lambda", title="Lambda")
    return [make_lesson(module, slug=f"l{i}", title=f"Lesson {i}", order=i) for i in range(3)]


@pytest.fixture
def preset(lessons):
    return ScenarioPreset.objects.create(
        module=lessons[0].module,
        lesson=lessons[0],
        slug="burst",
        title="A burst",
        goal="Let all ten requests through.",
        knobs=["reserved"],
        challenge={"checks": [{"metric": "throttles", "max": 0}]},
        scenario=SCENARIO,
    )


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(make_user(username=username))
    return client


def complete(client: Client, lesson: Lesson) -> None:
    url = reverse("course:lesson-complete", args=[lesson.module.slug, lesson.slug])
    assert client.post(url, {"complete": "on"}).status_code == 302


def test_a_cached_part_never_shows_another_learners_progress(lessons, preset):
    alice, bob = signed_in("alice"), signed_in("bob")
    for lesson in lessons[:2]:
        complete(alice, lesson)
    module_url = lessons[0].module.get_absolute_url()
    lesson_url = lessons[0].get_absolute_url()
    gallery_url = reverse("lab:sandbox-gallery")
    for _ in range(2):  # the first round fills the shared cache, the second reads it
        for reader, name in ((alice, "alice"), (bob, "bob")):
            module = reader.get(module_url).content.decode()
            lesson = reader.get(lesson_url).content.decode()
            catalogue = reader.get(reverse("course:module-list")).content.decode()
            other = "bob" if name == "alice" else "alice"
            for html in (module, lesson, catalogue):
                assert f"<summary>{name}</summary>" in html
                assert f"<summary>{other}</summary>" not in html
            if name == "alice":
                assert module.count("✓ Complete") == 2
                assert "67% complete" in module
                assert "You completed this lesson" in lesson
                assert "Mark as not complete" in lesson
                assert "67% complete" in catalogue
            else:
                assert "✓ Complete" not in module
                assert "0% complete" in module
                assert "You completed this lesson" not in lesson
                assert "Mark lesson complete" in lesson
                assert "0% complete" in catalogue
                assert "67% complete" not in catalogue
            assert reader.get(gallery_url).status_code == 200


def test_each_learner_gets_their_own_token_in_a_page_around_cached_parts(lessons):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(make_user(username="first"))
    second.force_login(make_user(username="second"))
    url = lessons[1].get_absolute_url()
    pages = [reader.get(url).content.decode() for reader in (first, second)]
    assert "data-csrf-empty" not in pages[0] + pages[1]
    tokens = [page.split('"X-CSRFToken": "')[1].split('"')[0] for page in pages]
    assert all(tokens)
    assert tokens[0] != tokens[1]


def test_a_challenge_mark_in_the_gallery_is_the_learners_own(lessons, preset):
    alice, bob = signed_in("alice"), signed_in("bob")
    met = reverse("lab:sandbox", args=["lambda", "burst"]) + "?run=1&reserved=10"
    assert "Challenge met" in alice.get(met).content.decode()
    gallery = reverse("lab:sandbox-gallery")
    for _ in range(2):
        assert "✓ Challenge met" in alice.get(gallery).content.decode()
        assert "✓ Challenge met" not in bob.get(gallery).content.decode()


def test_saving_a_lesson_retires_its_cached_parts(lessons):
    reader = signed_in("reader")
    url = lessons[0].get_absolute_url()
    module_url = lessons[0].module.get_absolute_url()
    assert "<p>Body of lesson" in reader.get(url).content.decode()
    reader.get(module_url)
    lesson = lessons[0]
    lesson.title = "Renamed in the studio"
    lesson.html = "<p>A new body.</p>"
    lesson.toc = [{"level": 2, "anchor": "new", "title": "A new heading"}]
    lesson.save()  # a studio save or an admin publish
    html = reader.get(url).content.decode()
    assert "Renamed in the studio" in html
    assert "<p>A new body.</p>" in html
    assert "A new heading" in html
    assert "Renamed in the studio" in reader.get(module_url).content.decode()
    assert "Renamed in the studio" in reader.get(lessons[1].get_absolute_url()).content.decode()


def test_reloading_the_course_retires_the_cached_parts(settings):
    content = Path(settings.BASE_DIR) / "content"
    load_course(content)
    reader = signed_in("reader")
    lesson = Lesson.objects.published().select_related("module").first()
    assert lesson is not None
    url = lesson.get_absolute_url()
    original = lesson.title
    assert original in reader.get(url).content.decode()
    Lesson.objects.filter(pk=lesson.pk).update(title="Changed without signals")
    assert "Changed without signals" not in reader.get(url).content.decode()  # still cached
    before = content_version()
    load_course(content)  # loadcourse: writes the file's title back and bumps the version
    assert content_version() > before
    html = reader.get(url).content.decode()
    assert original in html
    assert "Changed without signals" not in html


@pytest.mark.parametrize("lesson_count", [3, 12])
def test_signed_in_pages_use_fewer_queries_once_the_shared_parts_are_cached(
    django_assert_num_queries, lesson_count
):
    module = make_module(slug="many")
    lessons = [make_lesson(module, order=i) for i in range(lesson_count)]
    reader = signed_in("reader")
    for lesson in lessons[:2]:  # a progress row for the lesson read (no first-visit insert)
        complete(reader, lesson)
    preset = ScenarioPreset.objects.create(
        module=module, lesson=lessons[0], slug="p", title="P", goal="G", scenario=SCENARIO
    )
    lab = reverse("lab:sandbox", args=["many", preset.slug])
    # Every signed-in page: session, user; the header's instructor check on the first page
    # only (then cached per user). Then, cold (the shared part's queries) and warm (the
    # learner's own queries only):
    pages = [
        # catalogue: instructor check, modules, lessons | progress
        (reverse("course:module-list"), 6, 3),
        # module: module, lessons | progress
        (module.get_absolute_url(), 5, 3),
        # lesson: lesson, siblings | progress (no visit update: it is the lesson last opened,
        # minutes ago, by the complete() above)
        (lessons[1].get_absolute_url(), 5, 3),
        # printable lesson (no header): the lesson page filled its cache | progress
        (reverse("course:lesson-print", args=["many", lessons[1].slug]), 3, 3),
        # gallery: lessons, their presets | challenges met
        (reverse("lab:sandbox-gallery"), 5, 3),
        # lab: the preset | nothing (the run, the form, the log come from the cache)
        (lab, 3, 2),
    ]
    for url, cold, warm in pages:
        with django_assert_num_queries(cold):
            assert reader.get(url).status_code == 200
        with django_assert_num_queries(warm):
            assert reader.get(url).status_code == 200


def test_a_whole_runs_pictures_are_drawn_once_and_zooms_each_time(lessons, preset):
    reader = signed_in("reader")
    url = reverse("lab:sandbox", args=["lambda", "burst"]) + "?run=1&reserved=3"

    def drawn(response) -> set[str]:
        names = {template.name for template in response.templates}
        return names & {"lab/_metrics.html", "lab/_timeline.html"}

    first = reader.get(url)
    assert drawn(first) == {"lab/_metrics.html", "lab/_timeline.html"}
    again = signed_in("another").get(url)
    assert drawn(again) == set()  # the same HTML, from the cache
    for part in ('class="metric-card"', 'id="timeline"'):
        assert part in again.content.decode()
    assert first.content.decode().count('class="metric-card"') == again.content.decode().count(
        'class="metric-card"'
    )
    zoomed = reader.get(url + "&from=0&to=1000")
    assert "lab/_timeline.html" in drawn(zoomed)
    # Reloading content (a studio save bumps the version) draws them again.
    lessons[0].save()
    assert drawn(reader.get(url)) == {"lab/_metrics.html", "lab/_timeline.html"}


def test_an_instructors_preview_of_drafts_never_reaches_a_learners_cached_parts(lessons):
    module = lessons[0].module
    draft = make_lesson(module, slug="draft", title="Secret draft", state=ContentState.DRAFT)
    learner = signed_in("learner")
    last = lessons[2].get_absolute_url()
    pages = [last, module.get_absolute_url(), reverse("course:module-list")]
    for page in pages:
        learner.get(page)  # the learner's parts are cached first
    instructor = Client()
    instructor.force_login(make_instructor())
    instructor.get(reverse("studio:preview-open", args=[preview_token(module.slug, draft.slug)]))
    assert "Secret draft" in instructor.get(module.get_absolute_url()).content.decode()
    preview = instructor.get(last).content.decode()
    assert "Lesson 3 of 4" in preview
    assert "Secret draft" in preview  # the pager's next lesson, drawn for the preview
    for _ in range(2):
        for page in pages:
            html = learner.get(page).content.decode()
            assert "Secret draft" not in html
        assert "Lesson 3 of 3" in learner.get(last).content.decode()


ADMIN_LINK = "Instructor admin"


def test_the_instructor_link_is_each_users_own_and_follows_their_membership(lessons):
    """The header's instructor check is cached per user: never shared, retired on a change."""
    instructor = make_instructor(username="teacher")
    teacher, learner = Client(), signed_in("learner")
    teacher.force_login(instructor)
    url = lessons[0].get_absolute_url()
    for _ in range(2):  # the first round fills the cache, the second reads it
        assert ADMIN_LINK in teacher.get(url).content.decode()
        assert ADMIN_LINK not in learner.get(url).content.decode()
    group = Group.objects.get(name=User.INSTRUCTORS_GROUP)
    promoted = User.objects.get(username="learner")
    promoted.groups.add(group)  # made an instructor: the next page shows the link
    assert ADMIN_LINK in learner.get(url).content.decode()
    group.user_set.remove(promoted)  # type: ignore[attr-defined]  # the group's side
    assert ADMIN_LINK not in learner.get(url).content.decode()
    assert ADMIN_LINK in teacher.get(url).content.decode()
    group.delete()  # deleting the group removes every membership without m2m signals
    assert ADMIN_LINK not in teacher.get(url).content.decode()


def test_a_gated_page_and_its_header_agree_on_the_role(lessons):
    """A view that checks the role asks the database; the header reuses that answer."""
    instructor = make_instructor(username="teacher")
    teacher = Client()
    teacher.force_login(instructor)
    assert ADMIN_LINK in teacher.get(lessons[0].get_absolute_url()).content.decode()  # cached
    instructor.groups.clear()
    studio = teacher.get(reverse("studio:index"))
    assert studio.status_code == 403
    assert ADMIN_LINK not in studio.content.decode()


def _session_writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        query["sql"]
        for query in queries.captured_queries
        if "django_session" in query["sql"] and not query["sql"].startswith("SELECT")
    ]


def test_reading_pages_signed_in_writes_no_session(lessons, preset):
    reader = signed_in("reader")
    complete(reader, lessons[0])
    pages = [
        reverse("course:module-list"),
        lessons[0].module.get_absolute_url(),
        lessons[0].get_absolute_url(),
        lessons[1].get_absolute_url(),
        reverse("lab:sandbox-gallery"),
        reverse("lab:sandbox", args=["lambda", "burst"]),
    ]
    for _ in range(2):
        for url in pages:
            with CaptureQueriesContext(connection) as queries:
                response = reader.get(url)
            assert response.status_code == 200
            assert _session_writes(queries) == []
            assert settings.SESSION_COOKIE_NAME not in response.cookies


def _last_seen(lesson: Lesson) -> datetime:
    return LessonProgress.objects.get(user__username="reader", lesson=lesson).last_seen_at


def test_re_reading_the_last_lesson_writes_its_visit_at_most_every_few_minutes(
    lessons, django_assert_num_queries
):
    reader = signed_in("reader")
    first, second = lessons[0].get_absolute_url(), lessons[1].get_absolute_url()
    reader.get(first)  # the first visit: a row is inserted
    opened = _last_seen(lessons[0])
    # session, user, progress: no update (the instructor check and the lesson are cached)
    with django_assert_num_queries(3):
        reader.get(first)
    assert _last_seen(lessons[0]) == opened
    # Another lesson is a real move: written at once, and "continue" follows it.
    reader.get(second)
    assert _last_seen(lessons[1]) > opened
    resume = "Continue where you left off: Lesson {}"
    assert resume.format(1) in reader.get(reverse("course:module-list")).content.decode()
    reader.get(first)  # back to the first one: no longer the last opened, so written
    assert _last_seen(lessons[0]) > _last_seen(lessons[1])
    assert resume.format(0) in reader.get(reverse("course:module-list")).content.decode()
    # Minutes later, re-reading the same lesson writes its time again.
    stale = timezone.now() - VISIT_REFRESH - timedelta(seconds=1)
    LessonProgress.objects.filter(lesson=lessons[0]).update(last_seen_at=stale)
    reader.get(first)
    assert _last_seen(lessons[0]) > stale + timedelta(seconds=1)


def test_marking_complete_shows_at_once_on_a_reload_without_a_visit_write(lessons):
    alice, bob = signed_in("alice"), signed_in("bob")
    url = lessons[0].get_absolute_url()
    alice.get(url)
    complete(alice, lessons[0])
    assert "You completed this lesson" in alice.get(url).content.decode()
    assert "You completed this lesson" not in bob.get(url).content.decode()


def _drawn(response) -> set[str]:
    return {template.name for template in response.templates}


def test_the_labs_form_and_run_parts_are_drawn_once_and_stay_each_visitors_own(lessons, preset):
    """The knob form and a whole run's "How it works" and log are kept as HTML; the rest is not."""
    alice = Client(enforce_csrf_checks=True)
    alice.force_login(make_user(username="alice"))
    bob = Client(enforce_csrf_checks=True)
    bob.force_login(make_user(username="bob"))
    base = reverse("lab:sandbox", args=["lambda", "burst"])
    met = base + "?run=1&reserved=10"
    first = alice.get(met)
    assert {"lab/_event_log.html", "lab/_stepper.html"} <= _drawn(first)
    again = bob.get(met)
    assert not {"lab/_event_log.html", "lab/_stepper.html"} & _drawn(again)  # from the cache
    pages = {"alice": first.content.decode(), "bob": again.content.decode()}
    for name, html in pages.items():
        assert f"<summary>{name}</summary>" in html
        assert "Saved to your progress." in html  # each one's own first success
        for part in ('value="10"', 'id="event-log"', 'class="lab-how"', "Link to this run"):
            assert part in html
    tokens = [html.split('"X-CSRFToken": "')[1].split('"')[0] for html in pages.values()]
    assert all(tokens)
    assert tokens[0] != tokens[1]
    assert "Saved to your progress." not in alice.get(met).content.decode()  # saved already
    # Other settings, a broken value, a filter, a step, an embed: each drawn for what it is.
    assert 'value="3"' in bob.get(base + "?run=1&reserved=3").content.decode()
    assert 'value="10"' not in bob.get(base + "?run=1&reserved=3").content.decode()
    broken = bob.get(base + "?run=1&reserved=-5").content.decode()
    assert "knob--error" in broken
    assert "Not run: fix the settings" in broken
    errors = bob.get(met + "&log=errors").content.decode()
    assert "“errors only”" in errors
    assert "“errors only”" not in bob.get(met).content.decode()
    stepped = bob.get(met + "&at=2")
    assert "lab/_stepper.html" in _drawn(stepped)
    assert "How it works: event 3 of" in stepped.content.decode()
    embedded = bob.get(met + "&embed=1", HTTP_HX_REQUEST="true").content.decode()
    assert "Open this run in the full lab" in embedded
    assert "Link to this run" not in embedded
    assert "Link to this run" in bob.get(met).content.decode()
    # A saved preset (the admin, the studio) retires the kept parts at once.
    ScenarioPreset.objects.filter(pk=preset.pk).update(title="Renamed")
    ScenarioPreset.objects.get(pk=preset.pk).save()
    assert "lab/_event_log.html" in _drawn(alice.get(met))
    assert "Renamed" in alice.get(met).content.decode()


def test_with_cached_sessions_a_signed_in_page_reads_its_session_from_the_cache(
    settings, lessons, preset, django_assert_num_queries
):
    """Production with REDIS_URL: cached_db sessions, so a page reads no session row."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    reader = signed_in("reader")
    complete(reader, lessons[0])
    pages = [lessons[0].get_absolute_url(), reverse("lab:sandbox", args=["lambda", "burst"])]
    for url in pages:
        reader.get(url)  # the shared parts, the instructor check
        with CaptureQueriesContext(connection) as queries:
            assert reader.get(url).status_code == 200
        assert [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"]] == []
    with django_assert_num_queries(2):  # the user, the progress
        reader.get(pages[0])
