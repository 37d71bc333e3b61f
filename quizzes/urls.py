from django.urls import path

from . import exam_views, views

app_name = "quizzes"

_attempt = "<slug:module_slug>/<slug:quiz_slug>/attempts/<int:attempt_id>/"

urlpatterns = [
    path("history/", views.learner_history, name="history"),
    path("attempts/<int:attempt_id>/events/", exam_views.attempt_events, name="attempt-events"),
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
    path(
        "<slug:module_slug>/<slug:quiz_slug>/accommodations/",
        exam_views.quiz_accommodations,
        name="quiz-accommodations",
    ),
    path(_attempt, views.attempt_detail, name="attempt-detail"),
    path(_attempt + "save/", views.attempt_save, name="attempt-save"),
    path(_attempt + "submit/", views.attempt_submit, name="attempt-submit"),
    path(_attempt + "result/", views.attempt_result, name="attempt-result"),
    path(_attempt + "questions/<int:number>/", exam_views.exam_question, name="exam-question"),
    path(_attempt + "questions/<int:number>/answer/", exam_views.exam_answer, name="exam-answer"),
    path(_attempt + "review/", exam_views.exam_review, name="exam-review"),
    path(_attempt + "receipt/", exam_views.attempt_receipt, name="attempt-receipt"),
    path(_attempt + "certificate/", exam_views.attempt_certificate, name="attempt-certificate"),
]
