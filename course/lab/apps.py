from django.apps import AppConfig


class LabConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "course.lab"
    label = "lab"
    verbose_name = "Sandbox lab"

    def ready(self) -> None:
        from . import loading  # noqa: F401  (writes presets when the course loads)
