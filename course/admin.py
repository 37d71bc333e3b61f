from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Lesson, LessonProgress, Module, User

admin.site.register(User, UserAdmin)


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin[Module]):
    list_display = ["title", "slug", "order", "is_published"]


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin[Lesson]):
    list_display = ["title", "module", "order", "minutes", "is_active"]
    list_filter = ["module", "is_active"]
    search_fields = ["title", "plain_text"]


@admin.register(LessonProgress)
class LessonProgressAdmin(admin.ModelAdmin[LessonProgress]):
    list_display = ["user", "lesson", "last_seen_at", "completed_at"]
    list_select_related = ["user", "lesson"]
