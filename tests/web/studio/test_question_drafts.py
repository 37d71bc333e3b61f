"""Question drafts in the studio: saved for later, unseen by learners until published."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Question
from quizzes.services import start_attempt
from tests.factories import make_user
from tests.helpers.studio import client_for, finished_attempt, main_of, question_text
from tests.quizzes_factories import make_bank, make_exam
from tests.web.quizzes.helpers import practice_url

pytestmark = pytest.mark.django_db


def edit_url(question: Question) -> str:
    return reverse("studio:question-edit", args=[question.module.slug, question.key])


def drafted(question: Question, stem: str = "How long may a function run at most?") -> str:
    assert question.lesson is not None
    return question_text(key=question.key, lesson=question.lesson.slug, stem=stem)


def test_a_saved_draft_is_shown_to_the_instructor_and_never_to_learners(instructor_client):
    module, (lesson,), (question,) = make_bank(questions=1)
    published_stem = question.stem_html
    exam = make_exam(module, pass_mark=0)

    saved = instructor_client.post(
        edit_url(question), {"text": drafted(question), "action": "draft"}
    )
    assert saved.status_code == 302
    question.refresh_from_db()
    assert question.version == 1
    assert question.stem_html == published_stem
    assert question.has_draft
    assert "How long may a function run" in question.draft_yaml

    editor = instructor_client.get(edit_url(question)).content.decode()
    assert "Draft — not yet published" in editor
    assert "How long may a function run" in editor  # the editor opens the draft
    changes = editor.split('class="studio-changes"')[1].split("</ul>")[0]
    assert "<li>stem</li>" in changes
    assert "choice" in changes  # the three choices replace the factory's
    assert "learners are still asked version 1" in editor
    index = instructor_client.get(reverse("studio:index")).content.decode()
    assert "Draft — not yet published" in index

    learner = make_user()
    learner_client = client_for(learner)
    for url in (practice_url(lesson), practice_url(lesson) + f"?q={question.key}&seed=3"):
        page = learner_client.get(url).content.decode()
        assert "How long may a function run" not in page
        assert published_stem in page
    attempt = start_attempt(quiz=exam, user=learner, now=timezone.now())
    assert [q["stem_html"] for q in attempt.snapshot["questions"]] == [published_stem]


def test_publishing_what_learners_already_see_keeps_the_version(instructor_client):
    module, _, (question,) = make_bank(questions=1)
    text = drafted(question)
    instructor_client.post(edit_url(question), {"text": text})  # publish: version 2
    instructor_client.post(edit_url(question), {"text": text, "action": "draft"})
    again = instructor_client.post(edit_url(question), {"text": text}, follow=True)
    question.refresh_from_db()
    assert question.version == 2
    assert not question.has_draft  # the draft said nothing new: it is gone
    assert "version 2 stays published" in again.content.decode()


def test_a_draft_that_changes_nothing_says_so(instructor_client):
    module, _, (question,) = make_bank(questions=1)
    text = drafted(question)
    assert instructor_client.post(edit_url(question), {"text": text}).status_code == 302  # publish
    assert (
        instructor_client.post(edit_url(question), {"text": text, "action": "draft"}).status_code
        == 302
    )
    editor = instructor_client.get(edit_url(question)).content.decode()
    assert "The draft changes nothing learners see in version 2." in editor


def test_publishing_the_draft_bumps_the_version_and_an_old_review_does_not_change(
    instructor_client,
):
    module, _, (question,) = make_bank(questions=1)
    exam = make_exam(module, pass_mark=0)
    learner = make_user()
    attempt = finished_attempt(exam, learner)
    learner_client = client_for(learner)
    before = learner_client.get(attempt.result_url()).content.decode()
    text = drafted(question)
    instructor_client.post(edit_url(question), {"text": text, "action": "draft"})

    published = instructor_client.post(edit_url(question), {"text": text, "action": "publish"})
    assert published.status_code == 302
    question.refresh_from_db()
    assert question.version == 2
    assert not question.has_draft
    assert question.draft_saved_at is None
    assert "How long may a function run" in question.stem_html
    after = learner_client.get(attempt.result_url()).content.decode()
    assert main_of(after) == main_of(before)
    assert "How long may a function run" not in after
    second = start_attempt(quiz=exam, user=make_user(), now=timezone.now())
    assert "How long may a function run" in second.snapshot["questions"][0]["stem_html"]


def test_discarding_a_draft_keeps_the_published_version(instructor_client):
    module, _, (question,) = make_bank(questions=1)
    published_stem = question.stem_html
    instructor_client.post(edit_url(question), {"text": drafted(question), "action": "draft"})
    discard = reverse("studio:question-discard", args=[module.slug, question.key])

    response = instructor_client.post(discard)
    assert response.status_code == 302
    assert response["Location"] == edit_url(question)
    question.refresh_from_db()
    assert not question.has_draft
    assert question.version == 1
    assert question.stem_html == published_stem
    editor = instructor_client.get(edit_url(question)).content.decode()
    assert "Draft — not yet published" not in editor
    assert instructor_client.get(discard).status_code == 405


def test_a_new_question_starts_as_a_draft_and_is_asked_only_once_published(
    instructor_client, learner_client
):
    module, (lesson,), (existing,) = make_bank(questions=1)
    exam = make_exam(module, pass_mark=0)
    new = reverse("studio:question-new", args=[module.slug])
    form = instructor_client.get(new).content.decode()
    assert "New question" in form
    assert f"lesson: {lesson.slug}" in form
    text = question_text(key="max-timeout", lesson=lesson.slug, stem="The longest timeout?")
    preview = instructor_client.post(
        reverse("studio:question-new-preview", args=[module.slug]), {"text": text}
    )
    assert "The maximum timeout is 900 seconds." in preview.content.decode()

    created = instructor_client.post(new, {"text": text, "action": "draft"})
    question = Question.objects.get(module=module, key="max-timeout")
    assert created["Location"] == edit_url(question)
    assert question.version == 0
    assert question.is_unpublished
    editor = instructor_client.get(edit_url(question)).content.decode()
    assert "Draft — not yet published" in editor
    assert "Learners are not asked this question" in editor
    page = learner_client.get(practice_url(lesson) + "?q=max-timeout&seed=1").content.decode()
    assert "The longest timeout?" not in page
    attempt = start_attempt(quiz=exam, user=make_user(), now=timezone.now())
    assert [q["key"] for q in attempt.snapshot["questions"]] == [existing.key]

    instructor_client.post(edit_url(question), {"text": text, "action": "publish"})
    question.refresh_from_db()
    assert question.version == 1
    assert not question.has_draft
    attempt = start_attempt(quiz=exam, user=make_user(), now=timezone.now())
    assert {q["key"] for q in attempt.snapshot["questions"]} == {existing.key, "max-timeout"}


def test_discarding_a_new_question_removes_it(instructor_client):
    module, (lesson,), _ = make_bank(questions=1)
    text = question_text(key="max-timeout", lesson=lesson.slug, stem="The longest timeout?")
    instructor_client.post(reverse("studio:question-new", args=[module.slug]), {"text": text})
    response = instructor_client.post(
        reverse("studio:question-discard", args=[module.slug, "max-timeout"])
    )
    assert response["Location"] == reverse("studio:index")
    assert not Question.objects.filter(key="max-timeout").exists()


def test_a_new_question_needs_a_free_id_and_no_problems(instructor_client):
    module, (lesson,), (existing,) = make_bank(questions=1)
    new = reverse("studio:question-new", args=[module.slug])
    taken = question_text(key=existing.key, lesson=lesson.slug, stem="Again?")
    response = instructor_client.post(new, {"text": taken})
    assert response.status_code == 400
    assert f"the id `{existing.key}` is taken" in response.content.decode()
    broken = question_text(key="fine-id", lesson="no-such-lesson", stem="Where?")
    assert instructor_client.post(new, {"text": broken}).status_code == 400
    assert Question.objects.count() == 1


def test_a_draft_with_problems_is_not_saved(instructor_client):
    module, (lesson,), (question,) = make_bank(questions=1)
    broken = drafted(question).replace(f"lesson: {lesson.slug}", "lesson: nowhere")
    response = instructor_client.post(edit_url(question), {"text": broken, "action": "draft"})
    assert response.status_code == 400
    question.refresh_from_db()
    assert not question.has_draft


def test_only_instructors_save_publish_or_discard_drafts(learner_client):
    module, (lesson,), (question,) = make_bank(questions=1)
    text = drafted(question)
    anonymous = Client()
    urls = [
        (edit_url(question), {"text": text, "action": "draft"}),
        (reverse("studio:question-new", args=[module.slug]), {"text": text}),
        (reverse("studio:question-new-preview", args=[module.slug]), {"text": text}),
        (reverse("studio:question-discard", args=[module.slug, question.key]), {}),
    ]
    for url, data in urls:
        assert learner_client.post(url, data).status_code == 403
        assert anonymous.post(url, data).status_code == 302
    question.refresh_from_db()
    assert not question.has_draft
    assert Question.objects.count() == 1


def test_an_export_writes_the_published_version_only(
    course_content, tmp_path: Path, instructor_client
):
    question = Question.objects.select_related("module", "lesson").earliest("pk")
    published_stem = question.stem_html
    text = drafted(question, stem="Drafted stem, not for learners?")
    assert (
        instructor_client.post(edit_url(question), {"text": text, "action": "draft"}).status_code
        == 302
    )
    new = text.replace(f"id: {question.key}", "id: never-published")
    instructor_client.post(
        reverse("studio:question-new", args=[question.module.slug]), {"text": new}
    )

    call_command("exportcourse", str(tmp_path), stdout=io.StringIO())
    exported = {}
    for bank in tmp_path.rglob("questions/*.yaml"):
        for item in yaml.safe_load(bank.read_text())["questions"]:
            exported[item["id"]] = item
    assert question.key in exported
    assert "Drafted stem" not in str(exported[question.key])
    assert "never-published" not in exported
    question.refresh_from_db()
    assert question.stem_html == published_stem


def test_the_draft_pages_read_a_fixed_number_of_queries(
    django_assert_num_queries, instructor_client
):
    module, (lesson,), (question, *_) = make_bank(questions=3)
    instructor_client.post(edit_url(question), {"text": drafted(question), "action": "draft"})
    instructor_client.get(edit_url(question))  # warm-up: the module's files are read and cached
    # The header's instructor check reuses the view's (one query fewer than before).
    with django_assert_num_queries(8):
        instructor_client.get(edit_url(question))
    with django_assert_num_queries(8):
        instructor_client.get(reverse("studio:question-new", args=[module.slug]))
    with django_assert_num_queries(7):
        instructor_client.get(reverse("studio:index"))
