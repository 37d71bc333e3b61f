"""Every main page runs under the strict Content-Security-Policy without a single violation.

Chromium reports each blocked script, style or handler twice: as a `securitypolicyviolation`
event in the page and as a console error. The walk below collects both on every page, after
every htmx swap, and fails on the first one.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.urls import reverse
from playwright.sync_api import ConsoleMessage, Page, Response, expect
from pytest_django.live_server_helper import LiveServer

from quizzes.models import Attempt, Question
from tests.factories import PASSWORD, make_instructor, make_user
from tests.quizzes_factories import make_bank, make_exam, make_quiz

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MODULE = "lambda-best-practices"
REQUIRED = {
    "default-src": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
    "form-action": "'self'",
}
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""

# Resolve once htmx has finished every swap, then once more after the queued violation events.
# (Playwright's wait_for_function would need 'unsafe-eval', which the policy rightly refuses.)
SETTLED = """async () => {
  const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  while (document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling")) await pause(20);
  await pause(100);
}"""

Check = Callable[[str], None]


def directives(header: str) -> dict[str, str]:
    """Split a CSP header into {directive: sources}."""
    parts = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


def assert_strict(response: Response | None) -> None:
    assert response is not None
    policy = directives(response.headers.get("content-security-policy", ""))
    for name, sources in REQUIRED.items():
        assert policy.get(name) == sources, (response.url, name, policy)
    assert "'unsafe-inline'" not in str(policy), response.url
    assert "'unsafe-eval'" not in str(policy), response.url


def choice_text(question: Question, key: str) -> str:
    return str(question.choices.get(key=key).text_html)


def log_in(page: Page, base: str, username: str, check: Check) -> None:
    assert_strict(page.goto(base + reverse("login")))
    check("login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def walk(page: Page, base: str, check: Check) -> None:
    """Visit every main page and run each htmx interaction once; call `check` after each."""

    def visit(path: str, name: str, status: int = 200) -> None:
        response = page.goto(base + path)
        assert_strict(response)
        assert response is not None
        assert response.status == status, (path, response.status)
        check(name)

    # Anonymous: catalogue, module, lessons, print view, search.
    visit("/", "home")
    visit(f"/modules/{MODULE}/", "module")
    visit(f"/modules/{MODULE}/execution-environment-lifecycle/", "lesson")
    embed = page.locator('.sandbox-embed[data-scenario="cold-then-warm"]')
    with page.expect_response(re.compile(r"/sandbox/")) as swap:
        embed.get_by_role("link", name="Run it here").click()
    assert_strict(swap.value)
    expect(embed.locator("svg.tl-svg")).to_be_visible()
    check("lesson-embedded-sandbox")
    visit(f"/modules/{MODULE}/function-code/", "lesson-code")
    visit(f"/modules/{MODULE}/function-code/print/", "lesson-print")
    visit("/search/?q=cold+start", "search")
    visit("/this-page-does-not-exist/", "not-found", status=404)

    # The lab: gallery, presets of each source, a knob change and a step through htmx.
    visit("/sandbox/", "sandbox-gallery")
    for preset in ("kinesis-bisect", "sqs-partial-batch", "async-retries-on-failure"):
        visit(f"/sandbox/{MODULE}/{preset}/", f"sandbox-{preset}")
    visit(f"/sandbox/{MODULE}/cold-then-warm/", "sandbox-cold-then-warm")
    # Leave an empty style="" on the form's fields, as extensions and screenshot tools do through
    # the CSSOM (allowed): htmx must not copy it with setAttribute when it settles the swap.
    page.evaluate(
        "document.querySelectorAll('.lab [id]').forEach((e) => {"
        " e.style.caretColor = 'transparent'; e.style.caretColor = ''; })"
    )
    page.get_by_label(re.compile("Idle lifetime")).fill("5")
    with page.expect_response(re.compile(r"idle=5")) as swap:
        page.get_by_role("button", name="Run").click()
    assert_strict(swap.value)
    expect(page.locator(".lab__status").first).to_contain_text("2 cold starts")
    check("sandbox-knob")
    with page.expect_response(re.compile(r"/sandbox/")) as swap:
        page.get_by_role("button", name="Invoke once").first.click()
    assert_strict(swap.value)
    page.wait_for_load_state()
    check("sandbox-step")

    # Practice with instant feedback (htmx).
    visit(f"/quizzes/{MODULE}/practice/", "practice")
    page.locator(
        ".practice-form input[type=radio], .practice-form input[type=checkbox]"
    ).first.check()
    with page.expect_response(re.compile(r"/practice/")) as swap:
        page.get_by_role("button", name="Check answer").click()
    assert_strict(swap.value)
    expect(page.get_by_role("heading", name=re.compile("Correct|Incorrect"))).to_be_visible()
    check("practice-feedback")

    visit(reverse("signup"), "signup")
    visit("/admin/login/", "admin-login")

    # A learner: graded quiz with autosave, submit, result and review.
    module, _, questions = make_bank(questions=3, lessons=2)
    quiz = make_quiz(module, title="Module quiz")
    exam = make_exam(module, title="Timed exam")
    user = make_user(first_name="Ada", last_name="Lovelace")
    log_in(page, base, user.username, check)
    visit(quiz.get_absolute_url(), "quiz-detail")
    page.get_by_role("button", name="Start the quiz").click()
    expect(page.get_by_role("group", name=re.compile(r"^Question \d"))).to_have_count(3)
    check("quiz-form")
    page.get_by_label(choice_text(questions[0], "a")).check()
    page.get_by_label(choice_text(questions[1], "b")).check()
    with page.expect_response(re.compile(r"/save/$")) as swap:
        page.get_by_label(choice_text(questions[2], "a")).check()
    assert_strict(swap.value)
    check("quiz-autosave")
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_role("heading", name=re.compile("Your score"))).to_be_visible()
    check("quiz-result")

    # The timed exam: question, autosave, flag, review, submit, result, receipt, certificate.
    visit(exam.get_absolute_url(), "exam-detail")
    page.get_by_role("button", name="Start the exam").click()
    expect(page.get_by_role("group", name=re.compile("Question 1 of 3"))).to_be_visible()
    check("exam-question")
    for number in range(3):
        label = page.locator(".exam-form label").filter(has_text=re.compile(r"^Option a of"))
        label.first.click()
        expect(page.locator("#save-region")).to_contain_text("Saved")
        if number == 0:
            page.get_by_label("Mark for review").check()
            expect(page.locator("#grid-cell-1 a")).to_have_class(re.compile("grid-cell--flagged"))
        check(f"exam-question-{number + 1}-saved")
        button = "Save and next" if number < 2 else "Review and submit"
        page.get_by_role("button", name=button).click()
        page.wait_for_load_state()
    expect(page.get_by_role("heading", name=re.compile("Review before you submit"))).to_be_visible()
    check("exam-review")
    page.get_by_role("button", name="Submit exam").click()
    expect(page.get_by_role("heading", name=re.compile("^Pass: scaled score"))).to_be_visible()
    check("exam-result")
    page.get_by_role("link", name="Submission receipt").click()
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    check("exam-receipt")
    page.get_by_role("link", name="Back to the result").click()
    page.get_by_role("link", name="Your certificate").click()
    expect(page.get_by_text("Certificate of achievement")).to_be_visible()
    check("exam-certificate")

    visit(reverse("quizzes:history"), "history")
    visit(reverse("profile"), "profile")

    # An instructor's pages: an attempt's event log, and time accommodations.
    page.context.clear_cookies()
    instructor = make_instructor()
    log_in(page, base, instructor.username, check)
    attempt = Attempt.objects.get(quiz=exam, user=user)
    visit(reverse("quizzes:attempt-events", args=[attempt.pk]), "attempt-events")
    visit(reverse("quizzes:quiz-accommodations", args=[module.slug, exam.slug]), "accommodations")


def test_no_page_breaks_the_content_security_policy(
    page: Page, live_server: LiveServer, course_content: object
) -> None:
    console: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            console.append(message.text)

    page.on("console", on_console)
    page.add_init_script(RECORD_VIOLATIONS)
    visited: list[str] = []

    def check(name: str) -> None:
        page.wait_for_load_state("load")
        # Let htmx finish settling and the violation events (queued tasks) reach the listener.
        page.evaluate(SETTLED)
        violations = page.evaluate("window.__csp || []")
        assert violations == [], (name, page.url, violations)
        assert console == [], (name, page.url, console)
        visited.append(name)

    walk(page, live_server.url, check)
    assert len(visited) > 30


def test_the_500_page_breaks_nothing(page: Page, live_server: LiveServer, settings) -> None:
    settings.ROOT_URLCONF = "tests.web.broken_urls"
    page.add_init_script(RECORD_VIOLATIONS)
    response = page.goto(live_server.url + "/boom/")
    assert response is not None
    assert response.status == 500
    assert_strict(response)
    expect(page.get_by_role("heading", name="Something went wrong on our side")).to_be_visible()
    # Its own stylesheet applied: the column is 40rem wide, not the full window.
    assert page.evaluate("getComputedStyle(document.body).maxWidth") == "640px"
    assert page.evaluate(f"({SETTLED})().then(() => window.__csp)") == []
