"""Layout, error pages and configuration failures."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_page_has_skip_link_header_and_htmx_without_a_cdn(client):
    html = client.get(reverse("course:module-list")).content.decode()
    assert 'class="skip-link" href="#main"' in html
    assert 'id="main"' in html
    assert "htmx" in html
    assert "unpkg.com" not in html
    assert "cdn" not in html.lower()
    assert "X-CSRFToken" in html


def test_unknown_page_renders_the_friendly_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()


def _settings_import(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_without_secret_key_fails_loudly():
    run = _settings_import(DJANGO_DEBUG="0")
    assert run.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in run.stderr


def test_unreachable_database_url_fails_with_a_clear_message():
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    run = subprocess.run(
        [sys.executable, "manage.py", "check", "--database", "default"],
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nowhere",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode != 0
    assert "Cannot connect to the 'default' database" in run.stderr
    assert "127.0.0.1:1/nowhere" in run.stderr


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set")
def test_with_redis_url_the_cache_is_redis_and_sessions_are_cached():
    from django.core.cache import cache

    import config.settings as production

    assert production.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    assert production.CACHES["default"]["BACKEND"].endswith("RedisCache")
    cache.set("ping", "pong", 5)
    assert cache.get("ping") == "pong"
