from django.urls import path

from . import views

app_name = "course"
urlpatterns = [
    path("", views.module_list, name="module-list"),
    path("healthz/", views.health, name="health"),
    path("search/", views.search, name="search"),
    path("modules/<slug:module_slug>/", views.module_detail, name="module-detail"),
    path(
        "modules/<slug:module_slug>/<slug:lesson_slug>/",
        views.lesson_detail,
        name="lesson-detail",
    ),
    path(
        "modules/<slug:module_slug>/<slug:lesson_slug>/print/",
        views.lesson_print,
        name="lesson-print",
    ),
    path(
        "modules/<slug:module_slug>/<slug:lesson_slug>/complete/",
        views.lesson_complete,
        name="lesson-complete",
    ),
]
