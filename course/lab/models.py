"""Sandbox presets (authored as files) and the challenges learners met with them."""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from course.models import Lesson, Module, User, published_state


class ScenarioPresetQuerySet(models.QuerySet["ScenarioPreset"]):
    def published(self) -> ScenarioPresetQuerySet:
        """Return presets a learner may open: of a published module, not of a draft lesson."""
        return self.filter(
            published_state("module__"),
            published_state("lesson__", or_none=True),
            is_active=True,
            module__is_published=True,
        )


class ScenarioPreset(models.Model):
    """A sandbox scenario authored as a file, offered in the gallery and embedded in lessons."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="presets")
    lesson = models.ForeignKey(
        Lesson, on_delete=models.SET_NULL, null=True, blank=True, related_name="presets"
    )
    slug = models.SlugField()
    title = models.CharField(max_length=200)
    goal = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    knobs = models.JSONField(default=list, blank=True)
    challenge = models.JSONField(default=dict, blank=True)
    metrics = models.JSONField(
        default=list,
        blank=True,
        help_text="The metrics it teaches, shown first, each with the way that is good.",
    )
    answers = models.JSONField(
        default=list,
        blank=True,
        help_text="Texts the lab page shows that answer the lesson caption's question.",
    )
    scenario = models.JSONField()
    source_path = models.CharField(max_length=500, blank=True)
    is_active = models.BooleanField(default=True)
    source_yaml = models.TextField(
        blank=True,
        help_text="The file's text as saved in the studio (empty: the file is the source).",
    )
    edited_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was saved in the studio since the last load."
    )

    objects = ScenarioPresetQuerySet.as_manager()

    class Meta:
        db_table = "course_scenariopreset"  # moved from the course app; the table kept its name
        ordering = ["module__order", "lesson__order", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["module", "slug"], name="preset_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "lab:sandbox", kwargs={"module_slug": self.module.slug, "preset_slug": self.slug}
        )

    @property
    def metric_names(self) -> list[str]:
        """Return the names of the metrics it teaches, in the author's order."""
        return [str(item["metric"]) for item in self.metrics]

    @property
    def has_directions(self) -> bool:
        """Return whether it says, for any metric, which way is good."""
        return any(item.get("good") for item in self.metrics)


class ChallengeCompletion(models.Model):
    """A learner met the goal of a sandbox preset's challenge."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="challenges")
    preset = models.ForeignKey(ScenarioPreset, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField()
    query = models.TextField(blank=True, help_text="The knob settings that met the goal.")

    class Meta:
        db_table = "course_challengecompletion"
        constraints = [
            models.UniqueConstraint(fields=["user", "preset"], name="challenge_unique_user_preset"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.preset}"
