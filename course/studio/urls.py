from django.urls import path

from . import views

app_name = "studio"
urlpatterns = [
    path("", views.index, name="index"),
    path("preview/exit/", views.preview_exit, name="preview-exit"),
    path("preview/<str:token>/", views.preview_open, name="preview-open"),
    path("<slug:module_slug>/new-lesson/", views.lesson_new, name="lesson-new"),
    path("<slug:module_slug>/lesson-preview/", views.lesson_preview, name="lesson-preview"),
    path("<slug:module_slug>/new-analogy/", views.analogy_new, name="analogy-new"),
    path("<slug:module_slug>/analogy-preview/", views.analogy_preview, name="analogy-preview"),
    path("<slug:module_slug>/analogies/<slug:key>/", views.analogy_edit, name="analogy-edit"),
    path(
        "<slug:module_slug>/analogies/<slug:key>/delete/",
        views.analogy_delete,
        name="analogy-delete",
    ),
    path("<slug:module_slug>/lessons/<slug:lesson_slug>/", views.lesson_edit, name="lesson-edit"),
    path("<slug:module_slug>/new-question/", views.question_new, name="question-new"),
    path(
        "<slug:module_slug>/new-question/preview/",
        views.question_new_preview,
        name="question-new-preview",
    ),
    path("<slug:module_slug>/questions/<slug:key>/", views.question_edit, name="question-edit"),
    path(
        "<slug:module_slug>/questions/<slug:key>/discard/",
        views.question_discard,
        name="question-discard",
    ),
    path(
        "<slug:module_slug>/questions/<slug:key>/preview/",
        views.question_preview,
        name="question-preview",
    ),
    path("presets/", views.preset_list, name="preset-list"),
    path("<slug:module_slug>/new-preset/", views.preset_new, name="preset-new"),
    path("<slug:module_slug>/preset-preview/", views.preset_preview, name="preset-preview"),
    path("<slug:module_slug>/presets/<slug:preset_slug>/", views.preset_edit, name="preset-edit"),
]
