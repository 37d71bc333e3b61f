from django.urls import path

from .views import catalogue, exam, graded, instructors, practice, reports

app_name = "quizzes"

_attempt = "<slug:module_slug>/<slug:quiz_slug>/attempts/<int:attempt_id>/"

urlpatterns = [
    path("history/", catalogue.learner_history, name="history"),
    path("attempts/<int:attempt_id>/events/", instructors.attempt_events, name="attempt-events"),
    path(
        "attempts/<int:attempt_id>/override/",
        instructors.attempt_override,
        name="attempt-override",
    ),
    path("exams-in-progress/", instructors.exams_in_progress, name="exams-in-progress"),
    path("reports/", reports.report_index, name="report-index"),
    path("reports/learners/", reports.report_learners, name="report-learners"),
    path("reports/learners.csv", reports.report_learners_csv, name="report-learners-csv"),
    path("reports/<slug:module_slug>/<slug:quiz_slug>/", reports.report_quiz, name="report-quiz"),
    path("<slug:module_slug>/", catalogue.module_quizzes, name="module-quizzes"),
    path(
        "<slug:module_slug>/practice/",
        practice.practice_questions,
        name="practice-module",
    ),
    path(
        "<slug:module_slug>/practice/<slug:lesson_slug>/",
        practice.practice_questions,
        name="practice-lesson",
    ),
    path("<slug:module_slug>/<slug:quiz_slug>/", graded.quiz_detail, name="quiz-detail"),
    path("<slug:module_slug>/<slug:quiz_slug>/start/", graded.quiz_start, name="quiz-start"),
    path(
        "<slug:module_slug>/<slug:quiz_slug>/accommodations/",
        instructors.quiz_accommodations,
        name="quiz-accommodations",
    ),
    path(_attempt, graded.attempt_detail, name="attempt-detail"),
    path(_attempt + "save/", graded.attempt_save, name="attempt-save"),
    path(_attempt + "submit/", graded.attempt_submit, name="attempt-submit"),
    path(_attempt + "result/", graded.attempt_result, name="attempt-result"),
    path(_attempt + "questions/<int:number>/", exam.exam_question, name="exam-question"),
    path(_attempt + "questions/<int:number>/answer/", exam.exam_answer, name="exam-answer"),
    path(_attempt + "review/", exam.exam_review, name="exam-review"),
    path(_attempt + "receipt/", exam.attempt_receipt, name="attempt-receipt"),
    path(_attempt + "certificate/", exam.attempt_certificate, name="attempt-certificate"),
]
