from django.contrib import admin

from course.admin import FromFilesAdmin, ViewOnlyAdmin

from .models import ChallengeCompletion, ScenarioPreset


@admin.register(ScenarioPreset)
class ScenarioPresetAdmin(FromFilesAdmin[ScenarioPreset]):
    list_display = ["title", "slug", "module", "lesson", "is_active"]
    list_filter = ["module", "is_active"]
    editable = ("is_active",)


@admin.register(ChallengeCompletion)
class ChallengeCompletionAdmin(ViewOnlyAdmin[ChallengeCompletion]):
    list_display = ["user", "preset", "completed_at"]
    list_select_related = ["user", "preset"]
