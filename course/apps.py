from django.apps import AppConfig


class CourseConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "course"
    verbose_name = "Course"

    def ready(self) -> None:
        from . import caching, checks, signals  # noqa: F401  (registers checks and signal handlers)
