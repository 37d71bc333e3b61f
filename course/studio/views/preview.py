"""Shareable previews: a signed link puts an instructor in preview mode (drafts shown as a
learner will see them, `course.studio.middleware`), and a button takes anyone out of it."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from ..middleware import PREVIEW_COOKIE, PREVIEW_COOKIE_SALT
from ..services.tokens import read_preview_token


@require_safe
def preview_open(request: HttpRequest, token: str) -> HttpResponse:
    """A shareable preview link: an instructor sees the drafts as a learner will; others 404."""
    user = request.user
    target = read_preview_token(token)
    if target is None or not user.is_authenticated or not getattr(user, "is_instructor", False):
        raise Http404("No such page.")
    module_slug, lesson_slug = target
    if lesson_slug:
        url = reverse(
            "course:lesson-detail", kwargs={"module_slug": module_slug, "lesson_slug": lesson_slug}
        )
    else:
        url = reverse("course:module-detail", kwargs={"module_slug": module_slug})
    response = redirect(url)
    response.set_signed_cookie(
        PREVIEW_COOKIE,
        str(user.pk),
        salt=PREVIEW_COOKIE_SALT,
        max_age=8 * 3600,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


@require_POST
def preview_exit(request: HttpRequest) -> HttpResponse:
    """Leave preview mode (anyone may drop the cookie)."""
    back = str(request.POST.get("next", ""))
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = "/"
    response = redirect(back or "/")
    response.delete_cookie(PREVIEW_COOKIE, samesite="Lax")
    return response
