"""The content package is plain Python: importing it imports no Django."""

from __future__ import annotations

import subprocess
import sys


def test_content_package_imports_no_django():
    code = "import sys, course.content; print([m for m in sys.modules if m.startswith('django')])"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"
