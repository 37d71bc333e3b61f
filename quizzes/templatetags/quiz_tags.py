"""Template helpers of the quiz pages."""

from __future__ import annotations

from django import template

from ..links import sandbox_url as build_sandbox_url

register = template.Library()


@register.simple_tag
def sandbox_url(module_slug: str, preset_slug: str) -> str:
    """Return the sandbox URL of a preset, or "" when there is none."""
    return build_sandbox_url(module_slug, preset_slug)
