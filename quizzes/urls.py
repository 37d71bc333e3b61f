from django.urls import path

from . import views

app_name = "quizzes"

_attempt = "<slug:module_slug>/<slug:quiz_slug>/attempts/<int:attempt_id>/"

urlpatterns = [
    path("history/", views.learner_history, name="history"),
    path("<slug:module_slug>/", views.module_quizzes, name="module-quizzes"),
    path(
        "<slug:module_slug>/practice/",
        views.practice_questions,
        name="practice-module",
    ),
    path(
        "<slug:module_slug>/practice/<slug:lesson_slug>/",
        views.practice_questions,
        name="practice-lesson",
    ),
    path("<slug:module_slug>/<slug:quiz_slug>/", views.quiz_detail, name="quiz-detail"),
    path("<slug:module_slug>/<slug:quiz_slug>/start/", views.quiz_start, name="quiz-start"),
    path(_attempt, views.attempt_detail, name="attempt-detail"),
    path(_attempt + "save/", views.attempt_save, name="attempt-save"),
    path(_attempt + "submit/", views.attempt_submit, name="attempt-submit"),
    path(_attempt + "result/", views.attempt_result, name="attempt-result"),
]
