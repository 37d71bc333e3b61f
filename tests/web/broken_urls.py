"""A URL configuration with a view that fails, to see the 500 page a visitor would get."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom")


urlpatterns = [path("boom/", boom), path("", include("config.urls"))]
handler500 = "course.views.server_error"
