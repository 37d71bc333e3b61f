"""Modules, lessons and learners' reading progress."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property

from .preview import drafts_visible


class User(AbstractUser):
    """A learner or an instructor (instructors belong to the Instructors group)."""

    INSTRUCTORS_GROUP = "Instructors"

    @cached_property
    def is_instructor(self) -> bool:
        """Return whether the user may author content and read reports.

        Looked up once per object: a request loads its user afresh, so a view's check and the
        page header's (`course.roles.shows_instructor_links`) share one query.
        """
        return self.is_superuser or self.groups.filter(name=self.INSTRUCTORS_GROUP).exists()

    def known_instructor(self) -> bool | None:
        """Return `is_instructor` if this object has looked it up already, else None (no query)."""
        known = self.__dict__.get("is_instructor")
        return None if known is None else bool(known)


class ContentState(models.TextChoices):
    """A module's or lesson's state: learners see published content only (see `preview`)."""

    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


def published_state(prefix: str = "", *, or_none: bool = False) -> models.Q:
    """Return the filter on `<prefix>state` a learner sees: published, or anything in preview.

    With `or_none`, a row whose relation `prefix` names is empty passes too (a preset or a
    question without a lesson).
    """
    if drafts_visible():
        return models.Q()
    published = models.Q(**{f"{prefix}state": ContentState.PUBLISHED})
    if or_none:
        published |= models.Q(**{f"{prefix.removesuffix('__')}__isnull": True})
    return published


class ModuleQuerySet(models.QuerySet["Module"]):
    def published(self) -> ModuleQuerySet:
        """Return modules a learner may open: in the files (not retired) and published."""
        return self.filter(published_state(), is_published=True)


class Module(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField()
    order = models.PositiveIntegerField(default=0)
    intro_html = models.TextField(blank=True)
    is_published = models.BooleanField(
        default=True, help_text="False once retired (its folder is gone); see `state` for drafts."
    )
    state = models.CharField(
        max_length=10, choices=ContentState.choices, default=ContentState.PUBLISHED
    )
    source_path = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ModuleQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("course:module-detail", kwargs={"module_slug": self.slug})


class LessonQuerySet(models.QuerySet["Lesson"]):
    def published(self) -> LessonQuerySet:
        """Return lessons a learner may read: active and published, in a published module."""
        return self.filter(
            published_state(),
            published_state("module__"),
            is_active=True,
            module__is_published=True,
        )


class Lesson(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    slug = models.SlugField()
    title = models.CharField(max_length=200)
    order = models.PositiveIntegerField()
    minutes = models.PositiveIntegerField(help_text="Estimated reading time in minutes.")
    summary = models.CharField(max_length=300, blank=True)
    objectives = models.JSONField(default=list)
    html = models.TextField(help_text="Sanitised HTML, rendered once when the file is loaded.")
    toc = models.JSONField(default=list)
    plain_text = models.TextField(blank=True)
    source_path = models.CharField(max_length=500, blank=True)
    checksum = models.CharField(max_length=64, blank=True)
    is_active = models.BooleanField(
        default=True, help_text="Inactive lessons were removed from the files; progress is kept."
    )
    state = models.CharField(
        max_length=10, choices=ContentState.choices, default=ContentState.PUBLISHED
    )
    markdown = models.TextField(
        blank=True, help_text="The lesson file as last loaded or saved in the studio."
    )
    edited_at = models.DateTimeField(
        null=True, blank=True, help_text="Saved in the studio since the last load (else empty)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["module__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["module", "slug"], name="lesson_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "course:lesson-detail",
            kwargs={"module_slug": self.module.slug, "lesson_slug": self.slug},
        )


class LessonProgressQuerySet(models.QuerySet["LessonProgress"]):
    def published(self) -> LessonProgressQuerySet:
        """Return progress on lessons a learner may still read (see `Lesson...published()`)."""
        return self.filter(lesson__in=Lesson.objects.published())


class LessonProgress(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = LessonProgressQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="progress_unique_user_lesson"),
        ]
        indexes = [models.Index(fields=["user", "-last_seen_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.lesson}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None
