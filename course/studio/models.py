"""The studio's own records: analogies declared in the browser, until the files have them."""

from __future__ import annotations

from django.db import models

from course.content.analogies import ANALOGY_COLOURS
from course.models import Module


class StudioAnalogy(models.Model):
    """An analogy an instructor declared for a module in the studio.

    Its two drawings are kept as written (the SVG text `exportcourse` writes to
    `analogies/icons/<key>.svg` and `analogies/scenes/<key>.svg`) and cleaned by the content
    pipeline whenever a lesson is checked, exactly as at load. After a load of the module the
    files are the source again and the row goes (see `loading.py`).
    """

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="studio_analogies")
    key = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    colour = models.CharField(max_length=20, choices=[(c, c) for c in ANALOGY_COLOURS])
    icon_svg = models.TextField()
    scene_svg = models.TextField()
    alt = models.TextField()
    edited_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["module", "key"]
        constraints = [
            models.UniqueConstraint(fields=["module", "key"], name="studio_analogy_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.module.slug}/{self.key}"
