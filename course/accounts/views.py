"""Sign up and the learner's profile; the rest of the account pages are Django's own."""

from __future__ import annotations

from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from ..progress import course_progress
from ..types import AuthenticatedHttpRequest, HtmxHttpRequest
from .forms import SignUpForm


@require_http_methods(["GET", "POST"])
def signup(request: HtmxHttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect(next_url or "profile")
    return render(request, "registration/signup.html", {"form": form, "next": next_url})


@require_GET
@login_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    summary = course_progress(request.user)
    return render(
        request,
        "registration/profile.html",
        {
            "recent": summary.recent,
            "completed_count": summary.completed_count,
            "lesson_count": summary.lesson_count,
            "percent_done": summary.percent_done,
            "challenges_met": request.user.challenges.count(),
        },
    )
