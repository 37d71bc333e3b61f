"""Settings for the test suite: only what makes tests fast and deterministic."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")

from config.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Query-count assertions must not depend on where sessions are cached: with REDIS_URL the app
# reads sessions from Redis first (cached_db); tests keep them in the database so that every
# page's pinned count holds on both CI runs. tests/web/test_pages.py checks the Redis setup.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
