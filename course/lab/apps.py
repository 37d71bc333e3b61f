from django.apps import AppConfig


def _retire_cached_pages(**kwargs: object) -> None:
    """A preset saved or deleted (the admin's "active" box, the studio): cached pages show it."""
    from course.caching import bump_content_version

    bump_content_version()


class LabConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "course.lab"
    label = "lab"
    verbose_name = "Sandbox lab"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import loading  # noqa: F401  (writes presets when the course loads)
        from .models import ScenarioPreset

        post_save.connect(_retire_cached_pages, sender=ScenarioPreset, dispatch_uid="cache-preset")
        post_delete.connect(
            _retire_cached_pages, sender=ScenarioPreset, dispatch_uid="cache-preset-delete"
        )
