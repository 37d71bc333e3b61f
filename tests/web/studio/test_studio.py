"""The studio: drafts, preview, editing lessons and questions in the browser."""

from __future__ import annotations

import io

import pytest
import yaml
from django.test import Client
from django.urls import reverse

from course.lab.models import ScenarioPreset
from course.models import ContentState, Lesson
from course.studio.middleware import PREVIEW_COOKIE
from course.studio.services.tokens import preview_token
from quizzes.models import Question
from tests.factories import make_instructor, make_lesson, make_module, make_user
from tests.helpers.studio import client_for, finished_attempt, main_of, question_text
from tests.quizzes_factories import make_bank, make_exam

pytestmark = pytest.mark.django_db

NEW_LESSON = """---
slug: cold-starts-in-practice
title: Cold starts in practice
order: 50
minutes: 7
objectives:
  - Measure a cold start
state: draft
---

## Measuring

Time the handler:

```python
import time

def handler(event, context):
    return time.time()
```
"""


def previewing(user, url: str) -> Client:
    """A client of `user` that opened a preview link (so holds the preview cookie)."""
    client = client_for(user)
    client.get(url)
    return client


# --- Draft, preview, publish ---------------------------------------------------------------


def test_a_draft_lesson_is_hidden_from_learners_everywhere(learner_client):
    module = make_module()
    published = make_lesson(module, title="Visible lesson")
    draft = make_lesson(module, title="Secret draft", plain_text="zebra", state=ContentState.DRAFT)
    assert learner_client.get(draft.get_absolute_url()).status_code == 404
    page = learner_client.get(module.get_absolute_url()).content.decode()
    assert "Visible lesson" in page
    assert "Secret draft" not in page
    assert (
        "Secret draft"
        not in learner_client.get(reverse("course:search"), {"q": "zebra"}).content.decode()
    )
    assert list(Lesson.objects.published()) == [published]


def test_a_draft_module_hides_its_lessons_presets_and_quizzes(learner_client):
    module, lessons, _ = make_bank(questions=3)
    module.state = ContentState.DRAFT
    module.save()
    preset = ScenarioPreset.objects.create(
        module=module, lesson=lessons[0], slug="demo", title="Demo", goal="Look", scenario={}
    )
    exam = make_exam(module)
    assert learner_client.get(module.get_absolute_url()).status_code == 404
    assert learner_client.get(lessons[0].get_absolute_url()).status_code == 404
    assert learner_client.get(preset.get_absolute_url()).status_code == 404
    assert learner_client.get(exam.get_absolute_url()).status_code == 404
    assert module.title not in learner_client.get(reverse("course:module-list")).content.decode()
    assert not Question.objects.active().exists()


def test_an_instructor_previews_a_draft_from_a_shareable_link():
    module = make_module()
    make_lesson(module)
    draft = make_lesson(module, title="Secret draft", state=ContentState.DRAFT)
    link = reverse("studio:preview-open", args=[preview_token(module.slug, draft.slug)])
    author, co_author = make_instructor(), make_instructor()
    response = client_for(co_author).get(link)
    assert response.status_code == 302
    assert response["Location"] == draft.get_absolute_url()
    client = previewing(co_author, link)
    page = client.get(draft.get_absolute_url())
    assert page.status_code == 200
    assert "Secret draft" in page.content.decode()
    assert "drafts are shown as learners will see them" in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert "Secret draft" in client.get(module.get_absolute_url()).content.decode()
    # Without the link, an instructor sees what learners see.
    assert client_for(author).get(draft.get_absolute_url()).status_code == 404
    # Leaving preview hides the draft again.
    client.post(reverse("studio:preview-exit"), {"next": "/"})
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_preview_link_or_its_cookie_shows_learners_nothing():
    module = make_module()
    draft = make_lesson(module, state=ContentState.DRAFT)
    link = reverse("studio:preview-open", args=[preview_token(module.slug, draft.slug)])
    learner = make_user()
    assert client_for(learner).get(link).status_code == 404
    assert Client().get(link).status_code == 404
    forged = reverse("studio:preview-open", args=["not-a-token"])
    assert client_for(make_instructor()).get(forged).status_code == 404
    # A learner who copies an instructor's cookie still sees the published course only.
    instructor_client = previewing(make_instructor(), link)
    thief = client_for(learner)
    thief.cookies[PREVIEW_COOKIE] = instructor_client.cookies[PREVIEW_COOKIE].value
    assert thief.get(draft.get_absolute_url()).status_code == 404


# --- Lessons in the studio -----------------------------------------------------------------


def test_learners_get_403_from_the_studio(learner_client):
    module = make_module()
    lesson = make_lesson(module)
    assert learner_client.get(reverse("studio:index")).status_code == 403
    url = reverse("studio:lesson-preview", args=[module.slug])
    assert learner_client.post(url, {"text": NEW_LESSON}).status_code == 403
    edit = reverse("studio:lesson-edit", args=[module.slug, lesson.slug])
    assert learner_client.post(edit, {"text": NEW_LESSON}).status_code == 403
    assert Lesson.objects.filter(slug="cold-starts-in-practice").count() == 0


def test_the_live_preview_renders_with_the_pipeline_and_stores_nothing(instructor_client):
    module = make_module()
    url = reverse("studio:lesson-preview", args=[module.slug])
    page = instructor_client.post(
        url, {"text": NEW_LESSON}, headers={"HX-Request": "true"}
    ).content.decode()
    assert 'class="highlight"' in page  # pygments, as the loader renders code
    assert "Measuring" in page
    assert "problem" not in page
    assert not Lesson.objects.filter(module=module).exists()


def test_the_preview_lists_the_loaders_problems_with_their_lines(instructor_client):
    module = make_module()
    url = reverse("studio:lesson-preview", args=[module.slug])
    broken = (
        NEW_LESSON.replace("minutes: 7\n", "") + "\n```sandbox\nscenario: no-such-preset\n```\n"
    )
    page = instructor_client.post(url, {"text": broken}).content.decode()
    assert 'data-line="' in page
    assert "minutes" in page
    assert "no-such-preset" in page


def test_creating_saving_and_publishing_a_lesson(instructor_client, learner_client):
    module = make_module()
    make_lesson(module, order=1)
    response = instructor_client.post(
        reverse("studio:lesson-new", args=[module.slug]), {"text": NEW_LESSON}
    )
    assert response.status_code == 302
    lesson = Lesson.objects.get(module=module, slug="cold-starts-in-practice")
    assert lesson.state == ContentState.DRAFT
    assert "highlight" in lesson.html
    assert lesson.markdown.startswith("---\nslug: cold-starts-in-practice")
    assert lesson.edited_at is not None
    assert learner_client.get(lesson.get_absolute_url()).status_code == 404
    edit = reverse("studio:lesson-edit", args=[module.slug, lesson.slug])
    assert (
        instructor_client.post(edit, {"text": lesson.markdown, "action": "publish"}).status_code
        == 302
    )
    lesson.refresh_from_db()
    assert lesson.state == ContentState.PUBLISHED
    assert "state: draft" not in lesson.markdown
    page = learner_client.get(lesson.get_absolute_url())
    assert page.status_code == 200
    assert '<span class="nf">handler</span>' in page.content.decode()


def test_a_lesson_with_problems_is_not_saved(instructor_client):
    module = make_module()
    lesson = make_lesson(module, slug="one", title="One", order=1)
    make_lesson(module, slug="two", order=2)
    edit = reverse("studio:lesson-edit", args=[module.slug, lesson.slug])
    clash = NEW_LESSON.replace("slug: cold-starts-in-practice", "slug: two")
    response = instructor_client.post(edit, {"text": clash, "action": "save"})
    assert response.status_code == 400
    assert "another lesson of the module has slug" in response.content.decode()
    lesson.refresh_from_db()
    assert lesson.title == "One"


def test_the_real_lesson_opens_in_the_editor_from_its_file(course_content, instructor_client):
    lesson = Lesson.objects.select_related("module").earliest("order")
    page = instructor_client.get(
        reverse("studio:lesson-edit", args=[lesson.module.slug, lesson.slug])
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert f"slug: {lesson.slug}" in text
    assert "problem" not in text.split('id="studio-preview"')[1]


# --- Questions -----------------------------------------------------------------------------


def test_publishing_a_question_makes_a_version_and_old_reviews_do_not_change(instructor_client):
    module, lessons, questions = make_bank(questions=1)
    question = questions[0]
    learner = make_user()
    exam = make_exam(module, pass_mark=0)
    attempt = finished_attempt(exam, learner)
    learner_client = client_for(learner)
    before = learner_client.get(attempt.result_url()).content.decode()
    assert "Stem of question" in before

    url = reverse("studio:question-edit", args=[module.slug, question.key])
    text = question_text(key=question.key, lesson=lessons[0].slug)
    preview = instructor_client.post(
        reverse("studio:question-preview", args=[module.slug, question.key]), {"text": text}
    ).content.decode()
    assert "That was the limit before 2018." in preview  # every choice's explanation
    assert preview.count("studio-choice__why") == 3
    assert instructor_client.post(url, {"text": text}).status_code == 302
    question.refresh_from_db()
    assert question.version == 2
    assert "How long may a function run" in question.stem_html
    assert question.source_yaml == text
    after = learner_client.get(attempt.result_url()).content.decode()
    assert main_of(after) == main_of(before)
    assert "How long may a function run" not in after


def test_a_question_shows_item_writing_warnings_and_refuses_problems(instructor_client):
    module, lessons, questions = make_bank(questions=1)
    question = questions[0]
    cue = question_text(key=question.key, lesson=lessons[0].slug).replace(
        "text: 1 hour", "text: None of the above"
    )
    preview = instructor_client.post(
        reverse("studio:question-preview", args=[module.slug, question.key]), {"text": cue}
    ).content.decode()
    assert "Item-writing warning" in preview
    wrong_id = question_text(key="another-id", lesson=lessons[0].slug)
    url = reverse("studio:question-edit", args=[module.slug, question.key])
    response = instructor_client.post(url, {"text": wrong_id})
    assert response.status_code == 400
    assert "the id must stay" in response.content.decode()
    broken = question_text(key=question.key, lesson="no-such-lesson")
    response = instructor_client.post(url, {"text": broken})
    assert 'data-line="3"' in response.content.decode()
    question.refresh_from_db()
    assert question.version == 1


def test_the_real_questions_open_in_the_editor_without_problems(course_content, instructor_client):
    question = Question.objects.select_related("module").earliest("pk")
    page = instructor_client.get(
        reverse("studio:question-edit", args=[question.module.slug, question.key])
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert f"id: {question.key}" in text
    assert "studio-problems" not in text


# --- loadcourse and browser edits ----------------------------------------------------------


def test_loadcourse_refuses_to_overwrite_browser_edits_unless_forced(
    course_content, instructor_client
):
    from django.core.management import CommandError, call_command

    from tests.helpers.course import CONTENT_DIR

    lesson = Lesson.objects.select_related("module").earliest("order")
    question = Question.objects.select_related("module", "lesson").earliest("pk")
    edit = reverse("studio:lesson-edit", args=[lesson.module.slug, lesson.slug])
    from course.studio.services.lessons import lesson_markdown
    from course.studio.services.questions import question_yaml

    text = lesson_markdown(lesson).replace("\n## ", "\nEdited in the browser.\n\n## ", 1)
    assert instructor_client.post(edit, {"text": text, "action": "save"}).status_code == 302
    url = reverse("studio:question-edit", args=[question.module.slug, question.key])
    data = yaml.safe_load(question_yaml(question))
    data["explanation"] = f"{data.get('explanation', '')} Edited in the browser."
    assert instructor_client.post(url, {"text": yaml.safe_dump(data)}).status_code == 302

    with pytest.raises(CommandError) as refused:
        call_command("loadcourse", str(CONTENT_DIR))
    message = str(refused.value)
    assert f"lesson {lesson.module.slug}/{lesson.slug}" in message
    assert f"question {question.module.slug}/{question.key}" in message
    assert "--force" in message
    lesson.refresh_from_db()
    assert "Edited in the browser." in lesson.html

    call_command("loadcourse", str(CONTENT_DIR), "--force", stdout=io.StringIO())
    lesson.refresh_from_db()
    question.refresh_from_db()
    assert "Edited in the browser." not in lesson.html
    assert lesson.edited_at is None
    assert question.edited_at is None
    assert question.version == 2
