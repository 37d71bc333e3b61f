from django.contrib import admin

from .models import ChallengeCompletion, ScenarioPreset


@admin.register(ScenarioPreset)
class ScenarioPresetAdmin(admin.ModelAdmin[ScenarioPreset]):
    list_display = ["title", "slug", "module", "lesson", "is_active"]
    list_filter = ["module", "is_active"]


@admin.register(ChallengeCompletion)
class ChallengeCompletionAdmin(admin.ModelAdmin[ChallengeCompletion]):
    list_display = ["user", "preset", "completed_at"]
