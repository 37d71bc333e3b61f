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


def signup_data(username: str, email: str) -> dict[str, str]:
    return {
        "username": username,
        "email": email,
        "password1": "correct-horse-battery",
        "password2": "correct-horse-battery",
    }


def test_signup_does_not_reveal_a_registered_email_and_tells_its_owner(client):
    owner = make_user(username="owner", email="taken@example.com")
    fresh = client.post(reverse("signup"), signup_data("newcomer", "free@example.com"))
    client.logout()
    taken = client.post(reverse("signup"), signup_data("other", "TAKEN@example.com"))
    # Both answers are the same redirect to the profile: nothing tells the two apart.
    assert (
        (fresh.status_code, fresh.url)
        == (taken.status_code, taken.url)
        == (
            302,
            reverse("profile"),
        )
    )
    assert User.objects.filter(email__iexact="taken@example.com").count() == 2
    [notice] = mail.outbox
    assert notice.to == [owner.email]
    assert "'other'" in notice.body
    assert reverse("password_reset") in notice.body


def test_signup_is_throttled_per_address_with_a_clear_message(client, settings):
    settings.THROTTLE_SIGNUPS_PER_HOUR = 2
    for n in range(2):
        client.post(reverse("signup"), signup_data(f"user{n}", f"user{n}@example.com"))
        client.logout()
    response = client.post(reverse("signup"), signup_data("user9", "user9@example.com"))
    assert response.status_code == 429
    assert "Too many sign-ups" in response.content.decode()
    assert not User.objects.filter(username="user9").exists()
    assert client.post(reverse("signup"), {}).status_code == 429  # an empty post too, no 500
    other_network = client.post(
        reverse("signup"), signup_data("user8", "user8@example.com"), REMOTE_ADDR="10.0.0.8"
    )
    assert other_network.status_code == 302


def test_login_is_locked_after_repeated_failures_for_that_username(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = make_user()
    for _ in range(3):
        client.post(reverse("login"), {"username": user.username, "password": "wrong"})
    locked = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_is_locked_per_address_across_usernames(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for n in range(3):
        client.post(reverse("login"), {"username": f"guess{n}", "password": "wrong"})
    user = make_user()
    locked = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert locked.status_code == 429
    elsewhere = client.post(
        reverse("login"),
        {"username": user.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.9",
    )
    assert elsewhere.status_code == 302


def test_admin_login_is_throttled_too(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    admin = make_user(is_staff=True, is_superuser=True)
    for _ in range(2):
        client.post(reverse("admin:login"), {"username": admin.username, "password": "wrong"})
    locked = client.post(reverse("admin:login"), {"username": admin.username, "password": PASSWORD})
    assert locked.status_code == 429


def test_a_successful_login_clears_the_failure_count(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = make_user()
    credentials = {"username": user.username, "password": "wrong"}
    for _ in range(2):
        client.post(reverse("login"), credentials)
    assert client.post(reverse("login"), credentials | {"password": PASSWORD}).status_code == 302
    client.logout()
    for _ in range(2):
        client.post(reverse("login"), credentials)
    assert client.post(reverse("login"), credentials | {"password": PASSWORD}).status_code == 302


def test_password_reset_mails_are_throttled_without_saying_so(client, settings):
    settings.THROTTLE_RESETS_PER_HOUR = 2
    user = make_user()
    answers = [client.post(reverse("password_reset"), {"email": user.email}) for _ in range(4)]
    assert {(answer.status_code, answer.url) for answer in answers} == {
        (302, reverse("password_reset_done"))
    }
    assert len(mail.outbox) == 2


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


def test_seed_demo_creates_both_accounts_and_prints_credentials(settings):
    from io import StringIO

    from django.core.management import call_command

    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=out)  # idempotent
    assert User.objects.get(username="instructor").is_instructor
    assert not User.objects.get(username="learner").is_instructor
    assert "password 'lambda-learner'" in out.getvalue()


def test_seed_demo_refuses_outside_debug_unless_forced(settings):
    from io import StringIO

    from django.core.management import CommandError, call_command

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
        call_command("seed_demo")
    assert not User.objects.filter(username__in=["learner", "instructor"]).exists()
    call_command("seed_demo", "--force", stdout=StringIO())
    assert User.objects.filter(username__in=["learner", "instructor"]).count() == 2
