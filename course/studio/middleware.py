"""Preview mode for an instructor holding the preview cookie (see `course.preview`)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from course.preview import hide_drafts, show_drafts

PREVIEW_COOKIE = "studio_preview"
PREVIEW_COOKIE_SALT = "studio.preview-cookie"


class PreviewMiddleware:
    """Show drafts on every page to the instructor who turned preview on; nobody else.

    The cookie holds the instructor's id, signed; a learner who copies it gets nothing, since
    the user must also be an instructor now. Requests without the cookie cost nothing.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if PREVIEW_COOKIE not in request.COOKIES or not _may_preview(request):
            return self.get_response(request)
        request.studio_preview = True  # type: ignore[attr-defined]
        token = show_drafts()
        try:
            response = self.get_response(request)
        finally:
            hide_drafts(token)
        add_never_cache_headers(response)  # a page with drafts is never stored by a cache
        return response


def _may_preview(request: HttpRequest) -> bool:
    user_id = request.get_signed_cookie(PREVIEW_COOKIE, default=None, salt=PREVIEW_COOKIE_SALT)
    user = request.user
    return (
        user_id is not None
        and user.is_authenticated
        and str(user.pk) == user_id
        and bool(getattr(user, "is_instructor", False))
    )
