"""static/css/pygments.css is exactly what the generator produces."""

from __future__ import annotations

from pathlib import Path

from course.content.pygments_css import pygments_css

CSS_FILE = Path(__file__).resolve().parents[3] / "static" / "css" / "pygments.css"


def test_stylesheet_on_disk_matches_the_generator():
    assert CSS_FILE.read_text(encoding="utf-8") == pygments_css(), (
        "Regenerate: python -m course.content.pygments_css > static/css/pygments.css"
    )


def test_stylesheet_has_a_dark_variant_and_no_global_rules():
    css = pygments_css()
    assert "@media (prefers-color-scheme: dark)" in css
    rules = [line.strip() for line in css.splitlines() if "{" in line and not line.startswith("@")]
    assert all(rule.startswith(".highlight") for rule in rules if not rule.startswith("/*"))
