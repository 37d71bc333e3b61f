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

from quizzes.models import Attempt, Question
from quizzes.services import save_answers, start_attempt, submit_attempt
from tests.factories import make_instructor, make_user
from tests.quizzes_factories import make_bank, make_exam
from tests.web.quizzes.helpers import practice_url

pytestmark = pytest.mark.django_db

QUESTION = """id: {key}
kind: single
lesson: {lesson}
stem: {stem}
choices:
  - text: 15 minutes
    correct: true
    explanation: The maximum timeout is 900 seconds.
  - text: 5 minutes
    explanation: That was the limit before 2018.
  - text: 1 hour
    explanation: Use Step Functions for that.
"""


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def main_of(page: str) -> str:
    return page[page.index("<main") : page.index("</main>")]


def edit_url(question: Question) -> str:
    return reverse("studio:question-edit", args=[question.module.slug, question.key])


def drafted(question: Question, stem: str = "How long may a function run at most?") -> str:
    assert question.lesson is not None
    return QUESTION.format(key=question.key, lesson=question.lesson.slug, stem=stem)


def finished_attempt(exam, learner) -> Attempt:
    now = timezone.now()
    attempt = start_attempt(quiz=exam, user=learner, now=now)
    keys = [question["key"] for question in attempt.snapshot["questions"]]
    save_answers(attempt_id=attempt.pk, answers={k: ["a"] for k in keys}, versions={}, now=now)
    submit_attempt(attempt_id=attempt.pk, now=now)
    return Attempt.objects.get(pk=attempt.pk)


def test_a_saved_draft_is_shown_to_the_instructor_and_never_to_learners():
    module, (lesson,), (question,) = make_bank(questions=1)
    published_stem = question.stem_html
    exam = make_exam(module, pass_mark=0)
    client = client_for(make_instructor())

    saved = client.post(edit_url(question), {"text": drafted(question), "action": "draft"})
    assert saved.status_code == 302
    question.refresh_from_db()
    assert question.version == 1
    assert question.stem_html == published_stem
    assert question.has_draft
    assert "How long may a function run" in question.draft_yaml

    editor = client.get(edit_url(question)).content.decode()
    assert "Draft — not yet published" in editor
    assert "How long may a function run" in editor  # the editor opens the draft
    changes = editor.split('class="studio-changes"')[1].split("</ul>")[0]
    assert "<li>stem</li>" in changes
    assert "choice" in changes  # the three choices replace the factory's
    assert "learners are still asked version 1" in editor
    index = client.get(reverse("studio:index")).content.decode()
    assert "Draft — not yet published" in index

    learner = make_user()
    learner_client = client_for(learner)
    for url in (practice_url(lesson), practice_url(lesson) + f"?q={question.key}&seed=3"):
        page = learner_client.get(url).content.decode()
        assert "How long may a function run" not in page
        assert published_stem in page
    attempt = start_attempt(quiz=exam, user=learner, now=timezone.now())
    assert [q["stem_html"] for q in attempt.snapshot["questions"]] == [published_stem]


def test_a_draft_that_changes_nothing_says_so():
    module, _, (question,) = make_bank(questions=1)
    client = client_for(make_instructor())
    text = drafted(question)
    assert client.post(edit_url(question), {"text": text}).status_code == 302  # publish
    assert client.post(edit_url(question), {"text": text, "action": "draft"}).status_code == 302
    editor = client.get(edit_url(question)).content.decode()
    assert "The draft changes nothing learners see in version 2." in editor


def test_publishing_the_draft_bumps_the_version_and_an_old_review_does_not_change():
    module, _, (question,) = make_bank(questions=1)
    exam = make_exam(module, pass_mark=0)
    learner = make_user()
    attempt = finished_attempt(exam, learner)
    learner_client = client_for(learner)
    before = learner_client.get(attempt.result_url()).content.decode()
    client = client_for(make_instructor())
    text = drafted(question)
    client.post(edit_url(question), {"text": text, "action": "draft"})

    published = client.post(edit_url(question), {"text": text, "action": "publish"})
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


def test_discarding_a_draft_keeps_the_published_version():
    module, _, (question,) = make_bank(questions=1)
    published_stem = question.stem_html
    client = client_for(make_instructor())
    client.post(edit_url(question), {"text": drafted(question), "action": "draft"})
    discard = reverse("studio:question-discard", args=[module.slug, question.key])

    response = client.post(discard)
    assert response.status_code == 302
    assert response["Location"] == edit_url(question)
    question.refresh_from_db()
    assert not question.has_draft
    assert question.version == 1
    assert question.stem_html == published_stem
    editor = client.get(edit_url(question)).content.decode()
    assert "Draft — not yet published" not in editor
    assert client.get(discard).status_code == 405


def test_a_new_question_starts_as_a_draft_and_is_asked_only_once_published():
    module, (lesson,), (existing,) = make_bank(questions=1)
    exam = make_exam(module, pass_mark=0)
    client = client_for(make_instructor())
    new = reverse("studio:question-new", args=[module.slug])
    form = client.get(new).content.decode()
    assert "New question" in form
    assert f"lesson: {lesson.slug}" in form
    text = QUESTION.format(key="max-timeout", lesson=lesson.slug, stem="The longest timeout?")
    preview = client.post(
        reverse("studio:question-new-preview", args=[module.slug]), {"text": text}
    )
    assert "The maximum timeout is 900 seconds." in preview.content.decode()

    created = client.post(new, {"text": text, "action": "draft"})
    question = Question.objects.get(module=module, key="max-timeout")
    assert created["Location"] == edit_url(question)
    assert question.version == 0
    assert question.is_unpublished
    editor = client.get(edit_url(question)).content.decode()
    assert "Draft — not yet published" in editor
    assert "Learners are not asked this question" in editor
    learner_client = client_for(make_user())
    page = learner_client.get(practice_url(lesson) + "?q=max-timeout&seed=1").content.decode()
    assert "The longest timeout?" not in page
    attempt = start_attempt(quiz=exam, user=make_user(), now=timezone.now())
    assert [q["key"] for q in attempt.snapshot["questions"]] == [existing.key]

    client.post(edit_url(question), {"text": text, "action": "publish"})
    question.refresh_from_db()
    assert question.version == 1
    assert not question.has_draft
    attempt = start_attempt(quiz=exam, user=make_user(), now=timezone.now())
    assert {q["key"] for q in attempt.snapshot["questions"]} == {existing.key, "max-timeout"}


def test_discarding_a_new_question_removes_it():
    module, (lesson,), _ = make_bank(questions=1)
    client = client_for(make_instructor())
    text = QUESTION.format(key="max-timeout", lesson=lesson.slug, stem="The longest timeout?")
    client.post(reverse("studio:question-new", args=[module.slug]), {"text": text})
    response = client.post(reverse("studio:question-discard", args=[module.slug, "max-timeout"]))
    assert response["Location"] == reverse("studio:index")
    assert not Question.objects.filter(key="max-timeout").exists()


def test_a_new_question_needs_a_free_id_and_no_problems():
    module, (lesson,), (existing,) = make_bank(questions=1)
    client = client_for(make_instructor())
    new = reverse("studio:question-new", args=[module.slug])
    taken = QUESTION.format(key=existing.key, lesson=lesson.slug, stem="Again?")
    response = client.post(new, {"text": taken})
    assert response.status_code == 400
    assert f"the id `{existing.key}` is taken" in response.content.decode()
    broken = QUESTION.format(key="fine-id", lesson="no-such-lesson", stem="Where?")
    assert client.post(new, {"text": broken}).status_code == 400
    assert Question.objects.count() == 1


def test_a_draft_with_problems_is_not_saved():
    module, (lesson,), (question,) = make_bank(questions=1)
    client = client_for(make_instructor())
    broken = drafted(question).replace(f"lesson: {lesson.slug}", "lesson: nowhere")
    response = client.post(edit_url(question), {"text": broken, "action": "draft"})
    assert response.status_code == 400
    question.refresh_from_db()
    assert not question.has_draft


def test_only_instructors_save_publish_or_discard_drafts():
    module, (lesson,), (question,) = make_bank(questions=1)
    text = drafted(question)
    learner = client_for(make_user())
    anonymous = Client()
    urls = [
        (edit_url(question), {"text": text, "action": "draft"}),
        (reverse("studio:question-new", args=[module.slug]), {"text": text}),
        (reverse("studio:question-new-preview", args=[module.slug]), {"text": text}),
        (reverse("studio:question-discard", args=[module.slug, question.key]), {}),
    ]
    for url, data in urls:
        assert learner.post(url, data).status_code == 403
        assert anonymous.post(url, data).status_code == 302
    question.refresh_from_db()
    assert not question.has_draft
    assert Question.objects.count() == 1


def test_an_export_writes_the_published_version_only(course_content, tmp_path: Path):
    question = Question.objects.select_related("module", "lesson").earliest("pk")
    published_stem = question.stem_html
    client = client_for(make_instructor())
    text = drafted(question, stem="Drafted stem, not for learners?")
    assert client.post(edit_url(question), {"text": text, "action": "draft"}).status_code == 302
    new = text.replace(f"id: {question.key}", "id: never-published")
    client.post(reverse("studio:question-new", args=[question.module.slug]), {"text": new})

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


def test_the_draft_pages_read_a_fixed_number_of_queries(django_assert_num_queries):
    module, (lesson,), (question, *_) = make_bank(questions=3)
    client = client_for(make_instructor())
    client.post(edit_url(question), {"text": drafted(question), "action": "draft"})
    client.get(edit_url(question))  # warm-up: the module's files are read and cached
    with django_assert_num_queries(9):
        client.get(edit_url(question))
    with django_assert_num_queries(9):
        client.get(reverse("studio:question-new", args=[module.slug]))
    with django_assert_num_queries(8):
        client.get(reverse("studio:index"))
