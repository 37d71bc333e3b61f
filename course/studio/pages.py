"""What the studio's pages share: who may open them, the module a page is about, an editor
page's status, and a module's (or lesson's) shareable preview link."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from course.models import Module
from course.types import AuthenticatedHttpRequest

from .services.tokens import preview_token

P = ParamSpec("P")
View = Callable[Concatenate[AuthenticatedHttpRequest, P], HttpResponse]


def instructor_required(view: View[P]) -> View[P]:
    """Sign-in first, then 403 for anyone who is not an instructor."""

    @wraps(view)
    def wrapped(
        request: AuthenticatedHttpRequest, *args: P.args, **kwargs: P.kwargs
    ) -> HttpResponse:
        if not request.user.is_instructor:
            raise PermissionDenied("Only instructors can use the studio.")
        return view(request, *args, **kwargs)

    return login_required(wrapped)  # type: ignore[return-value]


def studio_module(module_slug: str) -> Module:
    """Return any module still in the files, draft or published (the studio shows both)."""
    return get_object_or_404(Module.objects.filter(is_published=True), slug=module_slug)


def render_editor(
    request: AuthenticatedHttpRequest, template: str, context: Mapping[str, Any]
) -> HttpResponse:
    """Render an editor page: 400 after a POST that saved nothing (the page says why), else 200."""
    return render(request, template, context, status=400 if request.method == "POST" else 200)


def preview_url(module_slug: str, lesson_slug: str | None = None) -> str:
    """Return the shareable link that opens the module (or lesson) with its drafts."""
    token = preview_token(module_slug, lesson_slug)
    return reverse("studio:preview-open", kwargs={"token": token})
