"""Sign up, the throttled password reset, and the learner's profile.

The other account pages are Django's own (django.contrib.auth.urls).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_safe

from ..progress import course_progress
from ..types import AuthenticatedHttpRequest, HtmxHttpRequest
from . import throttle
from .forms import SignUpForm
from .services import notify_address_owners

TOO_MANY_SIGNUPS = "Too many sign-ups from your network in the last hour. Please try again later."


def _safe_next(request: HtmxHttpRequest) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return ""


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HtmxHttpRequest) -> HttpResponse:
    next_url = _safe_next(request)
    form = SignUpForm(request.POST or None)
    status, refusal = 200, ""
    if request.method == "POST":
        limit = settings.THROTTLE_SIGNUPS_PER_HOUR
        if not throttle.allow("signup", throttle.client_ip(request), limit=limit):
            status, refusal = 429, TOO_MANY_SIGNUPS
        elif form.is_valid():
            user = form.save()
            notify_address_owners(new_user=user, site_url=request.build_absolute_uri("/")[:-1])
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(next_url or "profile")
    context = {"form": form, "next": next_url, "refusal": refusal}
    return render(request, "registration/signup.html", context, status=status)


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's reset page; past the hourly limit per IP or per address, no mail is sent.

    The page answers the same either way, so it reveals neither the limit nor the account.
    """

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        email = form.cleaned_data["email"]
        limit = settings.THROTTLE_RESETS_PER_HOUR
        if throttle.allow("reset", throttle.client_ip(self.request), email, limit=limit):
            return super().form_valid(form)
        return HttpResponseRedirect(self.get_success_url())


@require_safe
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
