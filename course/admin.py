"""The admin: a read-mostly back office. Content comes from files (manage.py loadcourse), so the
rendered HTML it stores is never editable here, and learners' records are view-only."""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import Model
from django.http import HttpRequest

from .models import Lesson, LessonProgress, Module, User

admin.site.register(User, UserAdmin)

M = TypeVar("M", bound=Model)


class ViewOnlyAdmin(admin.ModelAdmin[M]):
    """An admin that lists and shows rows but never adds, changes or deletes them."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return False


class FromFilesAdmin(admin.ModelAdmin[M]):
    """Content loaded from files: only publishing switches change here; nothing is added."""

    editable: tuple[str, ...] = ()

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: M | None = None) -> list[str]:
        fields = [field.name for field in self.model._meta.concrete_fields]
        return [name for name in fields if name not in self.editable]


@admin.register(Module)
class ModuleAdmin(FromFilesAdmin[Module]):
    list_display = ["title", "slug", "order", "is_published"]
    editable = ("is_published",)


@admin.register(Lesson)
class LessonAdmin(FromFilesAdmin[Lesson]):
    list_display = ["title", "module", "order", "minutes", "is_active"]
    list_filter = ["module", "is_active"]
    search_fields = ["title", "plain_text"]
    editable = ("is_active",)


@admin.register(LessonProgress)
class LessonProgressAdmin(ViewOnlyAdmin[LessonProgress]):
    list_display = ["user", "lesson", "last_seen_at", "completed_at"]
    list_select_related = ["user", "lesson"]
