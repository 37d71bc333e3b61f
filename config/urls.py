"""Top-level URL configuration."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("course.urls")),
    path("", include("course.lab.urls")),
    path("accounts/", include("course.accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("quizzes/", include("quizzes.urls")),
    path("studio/", include("course.studio.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "course.views.permission_denied"
handler404 = "course.views.page_not_found"
handler500 = "course.views.server_error"
