"""Quiz pages, one module per feature; no view module imports another.

- `catalogue`: a module's quizzes and the learner's history.
- `practice`: practice questions with instant feedback.
- `graded`: a quiz's page, starting, answering, submitting and the result (graded and exams).
- `exam`: an exam's question pages, review screen, receipt and certificate.
- `instructors`: an attempt's event log and score override, a quiz's accommodations, and the
  exams in progress.
- `reports`: learner progress (page and CSV) and each quiz's statistics (`quizzes.reports`).

What several of them need lives outside this package: `quizzes.lookups` (fetch a quiz or an
attempt, closing it if overdue) and `quizzes.visits` (the exam attempts a session has opened).
"""
