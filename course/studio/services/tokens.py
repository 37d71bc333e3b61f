"""Preview links: a signed token names the module (and lesson) whose drafts it opens."""

from __future__ import annotations

from django.core import signing

PREVIEW_SALT = "studio.preview"


PREVIEW_MAX_AGE = 14 * 24 * 3600  # a shared preview link works for two weeks


def preview_token(module_slug: str, lesson_slug: str | None = None) -> str:
    return signing.dumps({"m": module_slug, "l": lesson_slug or ""}, salt=PREVIEW_SALT)


def read_preview_token(token: str) -> tuple[str, str] | None:
    """Return the (module, lesson) a preview link shows, or None if it is forged or too old."""
    try:
        data = signing.loads(token, salt=PREVIEW_SALT, max_age=PREVIEW_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return str(data.get("m", "")), str(data.get("l", ""))
