from django.urls import path

from .views import analogies, index, lessons, presets, preview, questions

app_name = "studio"
urlpatterns = [
    path("", index.index, name="index"),
    path("preview/exit/", preview.preview_exit, name="preview-exit"),
    path("preview/<str:token>/", preview.preview_open, name="preview-open"),
    path("<slug:module_slug>/new-lesson/", lessons.lesson_new, name="lesson-new"),
    path("<slug:module_slug>/lesson-preview/", lessons.lesson_preview, name="lesson-preview"),
    path("<slug:module_slug>/new-analogy/", analogies.analogy_new, name="analogy-new"),
    path("<slug:module_slug>/analogy-preview/", analogies.analogy_preview, name="analogy-preview"),
    path("<slug:module_slug>/analogies/<slug:key>/", analogies.analogy_edit, name="analogy-edit"),
    path(
        "<slug:module_slug>/analogies/<slug:key>/delete/",
        analogies.analogy_delete,
        name="analogy-delete",
    ),
    path("<slug:module_slug>/lessons/<slug:lesson_slug>/", lessons.lesson_edit, name="lesson-edit"),
    path("<slug:module_slug>/new-question/", questions.question_new, name="question-new"),
    path(
        "<slug:module_slug>/new-question/preview/",
        questions.question_new_preview,
        name="question-new-preview",
    ),
    path("<slug:module_slug>/questions/<slug:key>/", questions.question_edit, name="question-edit"),
    path(
        "<slug:module_slug>/questions/<slug:key>/discard/",
        questions.question_discard,
        name="question-discard",
    ),
    path(
        "<slug:module_slug>/questions/<slug:key>/preview/",
        questions.question_preview,
        name="question-preview",
    ),
    path("presets/", presets.preset_list, name="preset-list"),
    path("<slug:module_slug>/new-preset/", presets.preset_new, name="preset-new"),
    path("<slug:module_slug>/preset-preview/", presets.preset_preview, name="preset-preview"),
    path(
        "<slug:module_slug>/presets/<slug:preset_slug>/",
        presets.preset_edit,
        name="preset-edit",
    ),
]
