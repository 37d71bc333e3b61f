"""Links from quiz pages to other parts of the course."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse


def sandbox_url(module_slug: str, preset_slug: str) -> str:
    """Return the sandbox page of a preset, even before the sandbox app registers its URL."""
    if not preset_slug:
        return ""
    kwargs = {"module_slug": module_slug, "preset_slug": preset_slug}
    try:
        return reverse("lab:sandbox", kwargs=kwargs)
    except NoReverseMatch:
        return f"/sandbox/{module_slug}/{preset_slug}/"
