"""Sign up, log in and out, password change and reset, profile, roles."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from course.models import User
from tests.factories import PASSWORD, make_instructor, make_lesson, make_user

pytestmark = pytest.mark.django_db


def test_signup_creates_a_learner_and_logs_them_in(client):
    response = client.post(
        reverse("signup"),
        {
            "username": "ada",
            "email": "ada@example.com",
            "password1": "correct-horse-battery",
            "password2": "correct-horse-battery",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("profile")
    user = User.objects.get(username="ada")
    assert not user.is_instructor
    assert client.get(reverse("profile")).context["user"] == user


def test_signup_refuses_a_duplicate_email_with_a_message(client):
    make_user(email="taken@example.com")
    response = client.post(
        reverse("signup"),
        {
            "username": "other",
            "email": "TAKEN@example.com",
            "password1": "correct-horse-battery",
            "password2": "correct-horse-battery",
        },
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_signup_returns_to_the_page_the_visitor_came_from(client):
    lesson = make_lesson()
    response = client.post(
        reverse("signup"),
        {
            "username": "bea",
            "email": "bea@example.com",
            "password1": "correct-horse-battery",
            "password2": "correct-horse-battery",
            "next": lesson.get_absolute_url(),
        },
    )
    assert response.url == lesson.get_absolute_url()


def test_signup_ignores_an_offsite_next_url(client):
    response = client.post(
        reverse("signup"),
        {
            "username": "cy",
            "email": "cy@example.com",
            "password1": "correct-horse-battery",
            "password2": "correct-horse-battery",
            "next": "https://evil.example.com/",
        },
    )
    assert response.url == reverse("profile")


def test_profile_redirects_anonymous_visitors_to_login_and_back(client):
    response = client.get(reverse("profile"))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse('profile')}"


def test_login_and_logout(client):
    user = make_user()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    response = client.post(reverse("logout"))
    assert "You are logged out" in response.content.decode()
    assert client.get(reverse("profile")).status_code == 302


def test_password_change(client):
    user = make_user()
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-brand-new-secret",
            "new_password2": "a-brand-new-secret",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-brand-new-secret")


def test_password_reset_sends_a_working_link(client):
    user = make_user(email="reset@example.com")
    client.post(reverse("password_reset"), {"email": "reset@example.com"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/\S+/)", str(mail.outbox[0].body))
    assert link is not None
    response = client.get(link.group(1), follow=True)
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "reset-to-this-one", "new_password2": "reset-to-this-one"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("reset-to-this-one")


def test_instructor_role_is_a_group_with_permissions():
    instructor = make_instructor()
    learner = make_user()
    assert instructor.is_instructor
    assert not learner.is_instructor
    assert instructor.has_perm("course.change_lesson")
    assert instructor.has_perm("quizzes.view_attempt")
    assert not instructor.has_perm("course.delete_user")
    assert not instructor.is_staff


def test_seed_demo_creates_both_accounts_and_prints_credentials():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=out)  # idempotent
    assert User.objects.get(username="instructor").is_instructor
    assert not User.objects.get(username="learner").is_instructor
    assert "password 'lambda-learner'" in out.getvalue()
