"""The Content-Security-Policy header on every kind of response, and templates it would break.

tests/browser/test_csp.py runs the pages in Chromium and listens for violations; these tests
are the fast half: the header itself, and a scan of the templates for anything inline.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
STRICT = {
    "default-src": "'self'",
    "base-uri": "'none'",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def policy(response) -> dict[str, str]:
    """Return the response's CSP as {directive: sources}."""
    header = response.headers["Content-Security-Policy"]
    parts = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


def test_a_page_gets_the_strict_policy_and_nothing_more(client):
    assert policy(client.get(reverse("course:module-list"))) == STRICT


def test_lessons_htmx_partials_and_forms_get_it(client, course_content):
    lesson = client.get("/modules/lambda-best-practices/execution-environment-lifecycle/")
    partial = client.get(
        "/sandbox/lambda-best-practices/cold-then-warm/?idle=5", headers={"HX-Request": "true"}
    )
    assert partial.status_code == 200
    assert b"<html" not in partial.content
    for response in (lesson, partial, client.get(reverse("login")), client.get("/admin/login/")):
        assert policy(response) == STRICT


def test_error_pages_get_it(client):
    missing = client.get("/no/such/page/")
    assert missing.status_code == 404
    assert policy(missing) == STRICT


@override_settings(ROOT_URLCONF="tests.web.broken_urls")
def test_the_500_page_gets_it():
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert policy(response) == STRICT


def test_a_report_uri_comes_from_the_environment() -> None:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CONTENT_SECURITY_POLICY['DIRECTIVES'].get('report-uri'))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_SECRET_KEY": "x"}
    unset = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    env["DJANGO_CSP_REPORT_URI"] = "https://reports.example.com/csp"
    set_ = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert unset.stdout.strip() == "None", unset.stderr
    assert set_.stdout.strip() == "['https://reports.example.com/csp']", set_.stderr


# What the policy blocks: a script with a body, a style element or attribute, an on* handler, a
# javascript: URL. `<script type="application/json">` (json_script) is data, not code.
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"
    r"|<style\b|\sstyle=|\son[a-z]+=|javascript:",
    re.IGNORECASE,
)


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_no_template_has_inline_script_or_style(template: Path) -> None:
    assert INLINE.findall(template.read_text()) == []
