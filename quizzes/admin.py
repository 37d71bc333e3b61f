"""Admin for quizzes and exams: instructors grant accommodations here or on the quiz's page."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import Accommodation, Attempt, AttemptEvent, Quiz


@admin.register(Accommodation)
class AccommodationAdmin(admin.ModelAdmin[Accommodation]):
    list_display = ["user", "quiz", "time_multiplier", "extra_attempts", "window_extension_minutes"]
    list_filter = ["quiz"]
    list_select_related = ["user", "quiz"]
    raw_id_fields = ["user"]
    search_fields = ["user__username", "note"]


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin[Quiz]):
    list_display = ["title", "module", "kind", "question_count", "time_limit_minutes", "is_active"]
    list_filter = ["module", "kind", "is_active"]
    fields = ["opens_at", "closes_at", "is_active"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # quizzes come from content/ (manage.py loadcourse)


class AttemptEventInline(admin.TabularInline[AttemptEvent, Attempt]):
    model = AttemptEvent
    fields = ["at", "kind", "detail"]
    readonly_fields = ["at", "kind", "detail"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Attempt | None = None) -> bool:
        return False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin[Attempt]):
    list_display = ["user", "quiz", "status", "started_at", "deadline", "finished_at", "score"]
    list_filter = ["status", "quiz"]
    list_select_related = ["user", "quiz"]
    search_fields = ["user__username"]
    readonly_fields = [
        "user",
        "quiz",
        "status",
        "started_at",
        "deadline",
        "finished_at",
        "score",
        "max_score",
        "passed",
        "receipt_hash",
    ]
    inlines = [AttemptEventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Attempt | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Attempt | None = None) -> bool:
        return False  # the attempt and its event log are the record of an exam: append-only
