"""Read a module's quizzes and exams (`quizzes.yaml`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .errors import ProblemLog
from .fields import FileFields, did_you_mean, known_list
from .sources import QuestionSource, QuizSource, QuizTopic
from .yaml_loader import MarkedDict, MarkedList, load_yaml

KINDS = ("practice", "graded", "exam")
REVIEWS = ("immediate", "after_close")
QUIZ_KEYS = (
    "slug",
    "title",
    "kind",
    "lessons",
    "question_count",
    "pass_mark",
    "partial_credit",
    "time_limit_minutes",
    "attempts_allowed",
    "retake_delay_minutes",
    "review",
    "opens_at",
    "closes_at",
)
RESERVED_SLUGS = ("practice",)
MAX_TIME_LIMIT_MINUTES = 600
MAX_RETAKE_DELAY_MINUTES = 60 * 24 * 365


def parse_quizzes(
    text: str,
    *,
    path: str,
    log: ProblemLog,
    lessons: Mapping[str, str],
    questions: Sequence[QuestionSource],
) -> list[QuizSource]:
    """Return the valid quizzes of a quizzes.yaml file; record every problem in `log`."""
    before = len(log)
    data = load_yaml(text, path=path, log=log)
    if len(log) > before or data is None:
        return []
    if isinstance(data, MarkedDict):
        FileFields(data, path, log, "quizzes.yaml").check_keys(required=["quizzes"])
        data = data.get("quizzes")
    if not isinstance(data, MarkedList):
        log.add(path, 1, "quizzes.yaml must hold `quizzes:` followed by a list of quizzes")
        return []
    quizzes: list[QuizSource] = []
    first_line: dict[str, int] = {}
    for index, item in enumerate(data):
        if not isinstance(item, MarkedDict):
            log.add(path, data.line_of(index), f"quiz {index + 1} must be a mapping with `slug:`")
            continue
        quiz = _parse_quiz(FileFields(item, path, log, f"quiz {index + 1}"), lessons, questions)
        if quiz is None:
            continue
        if quiz.slug in first_line:
            log.add(
                path,
                quiz.line,
                f"duplicate quiz slug `{quiz.slug}` (first used on line {first_line[quiz.slug]})",
            )
            continue
        first_line[quiz.slug] = quiz.line
        quizzes.append(quiz)
    return quizzes


def _parse_quiz(
    fields: FileFields, lessons: Mapping[str, str], questions: Sequence[QuestionSource]
) -> QuizSource | None:
    before = len(fields.log)
    slug = fields.slug("slug")
    if slug is not None:
        fields.what = f"quiz `{slug}`"
        if slug in RESERVED_SLUGS:
            fields.problem("slug", f"the quiz slug `{slug}` is reserved; choose another")
    fields.check_keys(required=["slug", "title", "kind"], optional=QUIZ_KEYS)
    title = fields.text("title")
    kind = fields.choice("kind", KINDS)
    topics = _topics(fields, lessons)
    question_count = _question_count(fields, topics, questions)
    pass_mark = fields.integer("pass_mark", minimum=0, maximum=100, default=70)
    partial_credit = fields.boolean("partial_credit", default=False)
    time_limit = fields.integer("time_limit_minutes", minimum=1, maximum=MAX_TIME_LIMIT_MINUTES)
    attempts = fields.integer("attempts_allowed", minimum=1)
    retake_delay = fields.integer(
        "retake_delay_minutes", minimum=0, maximum=MAX_RETAKE_DELAY_MINUTES, default=0
    )
    default_review = "after_close" if kind == "exam" else "immediate"
    review = fields.choice("review", REVIEWS, default=default_review)
    opens_at = fields.moment("opens_at")
    closes_at = fields.moment("closes_at")
    if opens_at and closes_at and closes_at <= opens_at:
        fields.problem("closes_at", f"{fields.what} closes before it opens")
    if kind == "exam" and "time_limit_minutes" not in fields.data:
        fields.problem("kind", f"{fields.what} is an exam, so it needs `time_limit_minutes`")
    if kind == "practice" and fields.data.get("time_limit_minutes") is not None:
        fields.problem(
            "time_limit_minutes", "practice quizzes are not timed: remove the time limit"
        )
    if kind == "practice" and review == "after_close":
        fields.problem("review", "practice quizzes give feedback at once: use `review: immediate`")
    if len(fields.log) > before:
        return None
    assert slug
    assert title
    assert kind
    assert topics
    assert pass_mark is not None
    assert retake_delay is not None
    assert review is not None
    return QuizSource(
        slug=slug,
        title=title,
        kind=kind,
        lessons=topics,
        question_count=question_count,
        pass_mark=pass_mark,
        partial_credit=partial_credit,
        time_limit_minutes=time_limit,
        attempts_allowed=attempts,
        retake_delay_minutes=retake_delay,
        review=review,
        opens_at=opens_at,
        closes_at=closes_at,
        source_path=fields.path,
        line=fields.data.line,
    )


def _topics(fields: FileFields, lessons: Mapping[str, str]) -> tuple[QuizTopic, ...] | None:
    """Read `lessons`: `all`, a list of slugs, or a list of `{lesson: slug, weight: n}`."""
    value = fields.data.get("lessons", "all")
    if value == "all" or value is None:
        return tuple(QuizTopic(slug, 1) for slug in lessons)
    if not isinstance(value, MarkedList) or not value:
        fields.problem("lessons", "`lessons` must be `all` or a list of lesson slugs")
        return None
    topics: list[QuizTopic] = []
    for index, item in enumerate(value):
        line = value.line_of(index)
        if isinstance(item, MarkedDict):
            topic = FileFields(
                item, fields.path, fields.log, f"lesson {index + 1} of {fields.what}"
            )
            topic.check_keys(required=["lesson"], optional=["weight"])
            slug = topic.slug("lesson")
            weight = topic.integer("weight", minimum=1, maximum=100, default=1)
        else:
            slug = item if isinstance(item, str) else None
            weight = 1
            if slug is None:
                fields.log.add(fields.path, line, "each of `lessons` must be a lesson slug")
        if slug is None or weight is None:
            continue
        if slug not in lessons:
            fields.log.add(
                fields.path,
                line,
                f"unknown lesson `{slug}`{did_you_mean(slug, lessons)}; "
                f"lessons in this module: {known_list(lessons)}",
            )
            continue
        if any(topic.lesson == slug for topic in topics):
            fields.log.add(fields.path, line, f"lesson `{slug}` is listed twice")
            continue
        topics.append(QuizTopic(slug, weight))
    return tuple(topics) if len(topics) == len(value) else None


def _question_count(
    fields: FileFields, topics: tuple[QuizTopic, ...] | None, questions: Sequence[QuestionSource]
) -> int | None:
    """Read `question_count` (a number or `all`) and check the bank has enough questions."""
    if fields.data.get("question_count", "all") == "all":
        count = None
    else:
        count = fields.integer("question_count", minimum=1)
    if topics is not None:
        chosen = {topic.lesson for topic in topics}
        available = sum(question.lesson in chosen for question in questions)
        if available == 0:
            fields.problem("lessons", f"{fields.what} has no questions to draw from")
        elif count is not None and count > available:
            _too_few_questions(fields, count, chosen, questions)
    return count


def _too_few_questions(
    fields: FileFields, count: int, chosen: set[str], questions: Sequence[QuestionSource]
) -> None:
    """Report a quiz that asks for more questions than its lessons have, where they are written.

    The fix is usually more questions, so the problem is on the question file that holds most of
    the quiz's lessons' questions (its first such question), with the counts per lesson.
    """
    drawn = [question for question in questions if question.lesson in chosen]
    per_lesson = {lesson: sum(q.lesson == lesson for q in drawn) for lesson in sorted(chosen)}
    per_file: dict[str, list[QuestionSource]] = {}
    for question in drawn:
        per_file.setdefault(question.source_path, []).append(question)
    path, held = min(per_file.items(), key=lambda item: (-len(item[1]), item[0]))
    slug = fields.data.get("slug") or fields.what
    counts = ", ".join(f"{lesson}: {number}" for lesson, number in per_lesson.items())
    fields.log.add(
        path,
        min(question.line for question in held),
        f"quiz `{slug}` ({fields.path}:{fields.line('question_count')}) asks for {count} "
        f"questions but its lessons have {len(drawn)} ({counts}); write "
        f"{count - len(drawn)} more for these lessons, or lower its `question_count`",
    )
