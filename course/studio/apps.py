from django.apps import AppConfig


class StudioConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "course.studio"
    label = "studio"
    verbose_name = "Studio"

    def ready(self) -> None:
        from . import loading  # noqa: F401  (names browser edits before a load)
