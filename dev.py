#!/usr/bin/env python3
"""Set up and run the course, or its tests, on a fresh machine: `python3 dev.py run|test`.

Needs only Python 3.11+ and git. Creates .venv, installs the pinned requirements (again only
when a requirements file changed), migrates, loads the course content and the demo accounts.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / "python"


def run(*args: str | Path, env: dict[str, str] | None = None) -> None:
    """Run a command from the repository root; stop with its exit code if it fails."""
    print("$", " ".join(str(arg) for arg in args), flush=True)
    completed = subprocess.run([str(arg) for arg in args], cwd=ROOT, env=env, check=False)
    if completed.returncode != 0:
        sys.exit(completed.returncode)


def install(requirements: str) -> None:
    """Create the virtual environment and install a requirements file into it, once."""
    if sys.version_info < (3, 11):
        sys.exit("Python 3.11 or newer is needed.")
    if not PYTHON.exists():
        run(sys.executable, "-m", "venv", VENV)
        run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    files = [ROOT / "requirements.txt", ROOT / requirements]
    digest = hashlib.sha256(b"".join(path.read_bytes() for path in files)).hexdigest()
    stamp = VENV / f".installed-{requirements}"
    if not stamp.exists() or stamp.read_text() != digest:
        run(PYTHON, "-m", "pip", "install", "--quiet", "-r", ROOT / requirements)
        stamp.write_text(digest)


def prepare_database(env: dict[str, str]) -> None:
    """Migrate, load the course content and create the demo accounts."""
    run(PYTHON, "manage.py", "migrate", "--noinput", env=env)
    run(PYTHON, "manage.py", "loadcourse", env=env)  # from COURSE_CONTENT_DIR (content/)
    run(PYTHON, "manage.py", "seed_demo", env=env)


def command_run() -> None:
    install("requirements.txt")
    env = {**os.environ, "DJANGO_DEBUG": os.environ.get("DJANGO_DEBUG", "1")}
    prepare_database(env)
    run(PYTHON, "manage.py", "runserver", "127.0.0.1:8000", env=env)


def command_test(extra: list[str]) -> None:
    install("requirements-dev.txt")
    if not shutil.which("chromium") and not os.environ.get("CI"):
        print("Note: no Chromium found: browser tests will be skipped (apt-get install chromium).")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    run(PYTHON, "-m", "pytest", *extra, env=env)


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in {"run", "test"}:
        sys.exit("usage: python3 dev.py run | test [pytest arguments]")
    if sys.argv[1] == "run":
        command_run()
    else:
        command_test(sys.argv[2:])


if __name__ == "__main__":
    main()
