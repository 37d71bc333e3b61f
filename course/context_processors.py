"""Values every page's layout needs."""

from __future__ import annotations

from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    """Give templates the course name and whether the visitor is an instructor."""
    user = getattr(request, "user", None)
    return {
        "site_name": "Lambda Lab",
        "is_instructor": bool(user is not None and user.is_authenticated and user.is_instructor),
    }
