"""The question bank, quizzes and exams, and the attempts learners make at them."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse

from course.models import Lesson, Module, published_state

from .grading import percent_of, scaled_pass_mark, scaled_score
from .snapshot import ChoiceSnapshot, QuestionSnapshot
from .timing import GRACE_SECONDS


class QuestionKind(models.TextChoices):
    SINGLE = "single", "Single answer"
    MULTIPLE = "multiple", "Multiple response"
    VARIANT = "variant", "Variant (numbers computed by the simulator)"


class QuestionQuerySet(models.QuerySet["Question"]):
    def active(self) -> QuestionQuerySet:
        """Return questions a learner may be asked: published at least once (a studio draft
        never is), of a published module and lesson."""
        return self.filter(
            published_state("module__"),
            published_state("lesson__", or_none=True),
            is_active=True,
            module__is_published=True,
            version__gt=0,
        )

    def with_choices(self) -> QuestionQuerySet:
        return self.prefetch_related(models.Prefetch("choices", Choice.objects.order_by("order")))


class Question(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="questions")
    lesson = models.ForeignKey(
        Lesson, on_delete=models.SET_NULL, null=True, blank=True, related_name="questions"
    )
    key = models.SlugField(max_length=100, help_text="Stable id from the question file.")
    kind = models.CharField(max_length=10, choices=QuestionKind.choices)
    pick = models.PositiveSmallIntegerField(default=1, help_text="How many choices to select.")
    stem_html = models.TextField()
    explanation_html = models.TextField()
    scenario_slug = models.SlugField(blank=True, help_text="Sandbox preset that shows the answer.")
    variant = models.JSONField(
        null=True,
        blank=True,
        help_text="A variant's template (parameters, scenario, misconceptions); null otherwise.",
    )
    order = models.PositiveIntegerField(default=0)
    source_path = models.CharField(max_length=500, blank=True)
    is_active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(
        default=1,
        help_text="Bumped each time the question is published from the studio; 0 for a question "
        "created in the studio and not yet published (learners are never asked it).",
    )
    source_yaml = models.TextField(
        blank=True, help_text="The question as YAML, as last loaded or published in the studio."
    )
    edited_at = models.DateTimeField(
        null=True, blank=True, help_text="Published in the studio since the last load."
    )
    draft_yaml = models.TextField(
        blank=True,
        help_text="An edit saved in the studio and not yet published, as YAML (empty: none). "
        "Learners, exports and reports see the published version only.",
    )
    draft_saved_at = models.DateTimeField(null=True, blank=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["module__order", "lesson__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["module", "key"], name="question_unique_key"),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def has_draft(self) -> bool:
        """Return whether an edit saved in the studio waits to be published."""
        return bool(self.draft_yaml)

    @property
    def is_unpublished(self) -> bool:
        """Return whether the question was created in the studio and never published."""
        return self.version == 0

    def as_snapshot(self) -> QuestionSnapshot:
        """Return the question as plain data, as an attempt records it.

        Reads `lesson` and `choices`: select and prefetch them (`with_choices()`). A variant has
        no choices yet: it carries its `template`, and `quizzes.variants.realise` draws it.
        """
        if self.variant:
            return QuestionSnapshot(
                key=self.key,
                kind=QuestionKind.SINGLE,
                pick=1,
                topic=self.lesson.slug if self.lesson else "",
                topic_title=self.lesson.title if self.lesson else "General",
                stem_html=self.stem_html,
                explanation_html=self.explanation_html,
                scenario_slug=self.scenario_slug,
                choices=[],
                template=self.variant,
            )
        return QuestionSnapshot(
            key=self.key,
            kind=self.kind,
            pick=self.pick,
            topic=self.lesson.slug if self.lesson else "",
            topic_title=self.lesson.title if self.lesson else "General",
            stem_html=self.stem_html,
            explanation_html=self.explanation_html,
            scenario_slug=self.scenario_slug,
            choices=[choice.as_snapshot() for choice in self.choices.all()],
        )


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    key = models.CharField(max_length=10)
    text_html = models.TextField()
    is_correct = models.BooleanField(default=False)
    explanation_html = models.TextField()
    misconception = models.CharField(max_length=300, blank=True)
    locked = models.BooleanField(default=False, help_text="Stays in place when choices shuffle.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["question", "key"], name="choice_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.question.key}:{self.key}"

    def as_snapshot(self) -> ChoiceSnapshot:
        return ChoiceSnapshot(
            key=self.key,
            text_html=self.text_html,
            correct=self.is_correct,
            explanation_html=self.explanation_html,
            misconception=self.misconception,
            locked=self.locked,
        )


class QuizKind(models.TextChoices):
    PRACTICE = "practice", "Practice"
    GRADED = "graded", "Graded quiz"
    EXAM = "exam", "Timed exam"


class ReviewPolicy(models.TextChoices):
    IMMEDIATE = "immediate", "Right after submitting"
    AFTER_CLOSE = "after_close", "After the exam closes"


class QuizQuerySet(models.QuerySet["Quiz"]):
    def active(self) -> QuizQuerySet:
        """Return quizzes a learner may take: of a published module."""
        return self.filter(published_state("module__"), is_active=True, module__is_published=True)


class Quiz(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="quizzes")
    slug = models.SlugField()
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=QuizKind.choices)
    topics = models.JSONField(
        default=list, help_text='Lessons drawn from, with weights: [{"lesson": slug, "weight": n}]'
    )
    question_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="Questions per attempt; empty means all."
    )
    pass_mark = models.PositiveSmallIntegerField(default=70, help_text="Percent needed to pass.")
    partial_credit = models.BooleanField(default=False)
    time_limit_minutes = models.PositiveIntegerField(null=True, blank=True)
    attempts_allowed = models.PositiveIntegerField(null=True, blank=True)
    retake_delay_minutes = models.PositiveIntegerField(default=0)
    review = models.CharField(
        max_length=12, choices=ReviewPolicy.choices, default=ReviewPolicy.IMMEDIATE
    )
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    source_path = models.CharField(max_length=500, blank=True)
    is_active = models.BooleanField(default=True)

    objects = QuizQuerySet.as_manager()

    class Meta:
        ordering = ["module__order", "kind", "title"]
        verbose_name_plural = "quizzes"
        constraints = [
            models.UniqueConstraint(fields=["module", "slug"], name="quiz_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "quizzes:quiz-detail", kwargs={"module_slug": self.module.slug, "quiz_slug": self.slug}
        )


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"
    EXPIRED = "expired", "Finished at the deadline"


class AttemptQuerySet(models.QuerySet["Attempt"]):
    def finished(self) -> AttemptQuerySet:
        return self.exclude(status=AttemptStatus.IN_PROGRESS)

    def overdue(self, now: datetime) -> AttemptQuerySet:
        """Open attempts whose deadline and network grace have passed."""
        return self.filter(
            status=AttemptStatus.IN_PROGRESS,
            deadline__lt=now - timedelta(seconds=GRACE_SECONDS),
        )


class Attempt(models.Model):
    """One sitting of a graded quiz or exam, with a snapshot of exactly what was asked."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    status = models.CharField(
        max_length=12, choices=AttemptStatus.choices, default=AttemptStatus.IN_PROGRESS
    )
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    snapshot = models.JSONField(help_text="Questions and choices as shown, with the answers.")
    answers = models.JSONField(default=dict, help_text="Question key → chosen choice keys.")
    flags = models.JSONField(default=list, help_text="Question keys flagged for review.")
    answer_versions = models.JSONField(
        default=dict, help_text="Question key → sequence number of the saved answer."
    )
    answer_times = models.JSONField(
        default=dict, blank=True, help_text="Question key → when its answer or flag last changed."
    )
    sequence = models.PositiveIntegerField(default=0, help_text="Bumped on every accepted save.")
    score = models.FloatField(null=True, blank=True)
    max_score = models.FloatField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    topic_scores = models.JSONField(default=dict, blank=True)
    receipt_hash = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the submission (quizzes/receipt.py)."
    )
    item_responses = models.JSONField(
        default=list,
        blank=True,
        help_text="Each question as asked and answered, compact, for reports (item_analysis.py).",
    )
    graded_score = models.FloatField(
        null=True,
        blank=True,
        help_text="The score grading gave, kept when an instructor overrides it.",
    )
    override_reason = models.CharField(
        max_length=500, blank=True, help_text="Why an instructor changed the score (also logged)."
    )

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["user", "quiz", "-started_at"]),
            models.Index(fields=["status", "deadline"]),
            # Covers the reports' aggregates, so they never read the (large) snapshot's row.
            models.Index(
                fields=[
                    "quiz",
                    "status",
                    "user",
                    "started_at",
                    "finished_at",
                    "score",
                    "max_score",
                    "passed",
                ],
                name="attempt_report_cover",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "user"],
                condition=models.Q(status="in_progress"),
                name="attempt_one_open_per_learner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.quiz} · {self.started_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        """Return the page where the attempt is taken (it forwards to the result once closed)."""
        return reverse("quizzes:attempt-detail", kwargs=self._url_kwargs())

    def result_url(self) -> str:
        return reverse("quizzes:attempt-result", kwargs=self._url_kwargs())

    def question_url(self, number: int) -> str:
        return reverse("quizzes:exam-question", kwargs={**self._url_kwargs(), "number": number})

    def answer_url(self, number: int) -> str:
        return reverse("quizzes:exam-answer", kwargs={**self._url_kwargs(), "number": number})

    def review_url(self) -> str:
        return reverse("quizzes:exam-review", kwargs=self._url_kwargs())

    def submit_url(self) -> str:
        return reverse("quizzes:attempt-submit", kwargs=self._url_kwargs())

    def receipt_url(self) -> str:
        return reverse("quizzes:attempt-receipt", kwargs=self._url_kwargs())

    def certificate_url(self) -> str:
        return reverse("quizzes:attempt-certificate", kwargs=self._url_kwargs())

    def events_url(self) -> str:
        return reverse("quizzes:attempt-events", kwargs={"attempt_id": self.pk})

    def _url_kwargs(self) -> dict[str, object]:
        return {
            "module_slug": self.quiz.module.slug,
            "quiz_slug": self.quiz.slug,
            "attempt_id": self.pk,
        }

    @property
    def is_open(self) -> bool:
        return self.status == AttemptStatus.IN_PROGRESS

    @property
    def is_exam(self) -> bool:
        return self.quiz.kind == QuizKind.EXAM

    @property
    def has_certificate(self) -> bool:
        """Return whether the attempt earns a certificate: only a passed exam does.

        A graded quiz allows retakes and shows its answers, so passing one certifies nothing.
        """
        return self.is_exam and not self.is_open and bool(self.passed)

    def first_unanswered(self) -> int:
        """Return the number of the first question without an answer (1 if all have one)."""
        keys = [question["key"] for question in self.snapshot["questions"]]
        return next((n for n, key in enumerate(keys, start=1) if not self.answers.get(key)), 1)

    @property
    def percent(self) -> int | None:
        """Return the score as a whole percentage (see `grading.percent_of`); None while open."""
        if self.score is None or not self.max_score:
            return None
        return percent_of(self.score, self.max_score)

    @property
    def scaled_score(self) -> int | None:
        """Return the score on the 100–1000 scale (see `grading.scaled_score`)."""
        if self.score is None or not self.max_score:
            return None
        return scaled_score(self.score, self.max_score)

    @property
    def is_overridden(self) -> bool:
        return self.graded_score is not None

    @property
    def graded_percent(self) -> int | None:
        """Return the percentage grading gave before an instructor's override (None: none)."""
        if self.graded_score is None or not self.max_score:
            return None
        return percent_of(self.graded_score, self.max_score)

    @property
    def scaled_pass_mark(self) -> int:
        return scaled_pass_mark(int(self.snapshot["pass_mark"]))


class AttemptEvent(models.Model):
    """An append-only log of what happened in an attempt, for instructors."""

    class Kind(models.TextChoices):
        STARTED = "started", "Started"
        RESUMED = "resumed", "Resumed"
        ANSWERED = "answered", "Answered"
        FLAGGED = "flagged", "Flag changed"
        REFUSED = "refused", "Save refused"
        SUBMITTED = "submitted", "Submitted"
        EXPIRED = "expired", "Expired"
        EXTENDED = "extended", "Deadline changed"
        OVERRIDDEN = "overridden", "Score overridden"

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.attempt_id} {self.kind} {self.at:%H:%M:%S}"


class PracticeAnswer(models.Model):
    """A learner's answer to a practice question (every try is kept)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_answers"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="practice")
    chosen = models.JSONField(default=list)
    correct = models.BooleanField()
    answered_at = models.DateTimeField()

    class Meta:
        ordering = ["-answered_at"]
        indexes = [models.Index(fields=["user", "question", "-answered_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.question} · {'right' if self.correct else 'wrong'}"


class Accommodation(models.Model):
    """Extra time, attempts or window an instructor grants one learner for one exam."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="accommodations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="accommodations"
    )
    time_multiplier = models.DecimalField(max_digits=3, decimal_places=2, default=1)
    extra_attempts = models.PositiveSmallIntegerField(default=0)
    window_extension_minutes = models.PositiveIntegerField(default=0)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["quiz", "user"], name="accommodation_unique"),
            models.CheckConstraint(
                condition=models.Q(time_multiplier__gte=1) & models.Q(time_multiplier__lte=4),
                name="accommodation_multiplier_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.quiz} ×{self.time_multiplier}"
