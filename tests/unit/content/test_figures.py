"""Drawings in lessons: the `figure` block, the SVG cleaner, analogy scenes, the real course."""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from course.content import parse_course
from course.content.errors import ProblemLog
from course.content.figures import FIGURE_CLASSES, clean_svg

from .helpers import lesson, module_files, parse, problems, shipped_analogies, write_module

ROOT = Path(__file__).resolve().parents[3]
CONTENT = ROOT / "content"
SITE_CSS = ROOT / "static" / "css" / "site.css"

GOOD_SVG = """\
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 100">
  <defs>
    <marker id="arrow" viewBox="0 0 10 10" refX="8" refY="5" orient="auto">
      <path class="f-solid" d="M0 0 L10 5 L0 10 z"/>
    </marker>
  </defs>
  <rect class="f-init" x="8" y="8" width="100" height="40" rx="6"/>
  <line class="f-arrow" x1="108" y1="28" x2="200" y2="28" marker-end="url(#arrow)"/>
  <text class="f-t f-tb" x="58" y="34" text-anchor="middle">INIT &amp; more</text>
</svg>
"""

FIGURE_LESSON = """\
Before.

```figure
src: phases.svg
alt: A box labelled INIT with an arrow to the right.
caption: INIT comes **first**.
```

After.
"""


def _clean(svg: str) -> tuple[str | None, list[str]]:
    log = ProblemLog()
    drawing = clean_svg(svg, prefix="fig-x-", path="figures/x.svg", log=log)
    inner = None if drawing is None else drawing.inner
    return inner, [str(problem) for problem in log.problems]


def test_a_clean_drawing_keeps_its_shapes_and_prefixes_its_ids():
    inner, found = _clean(GOOD_SVG)
    assert found == []
    assert inner is not None
    assert 'id="fig-x-arrow"' in inner
    assert 'marker-end="url(#fig-x-arrow)"' in inner
    assert ">INIT &amp; more</text>" in inner
    assert "xmlns" not in inner


@pytest.mark.parametrize(
    ("bad", "line", "message"),
    [
        ("<script>alert(1)</script>", 3, "`<script>` is not allowed"),
        ('<rect style="fill:red" x="1"/>', 3, "`style` is not allowed on `<rect>`"),
        ('<rect onclick="alert(1)" x="1"/>', 3, "`onclick` is not allowed on `<rect>`"),
        ('<rect fill="#ff0000" x="1"/>', 3, "colours come from `f-…` classes"),
        ('<rect class="analogy" x="1"/>', 3, "unknown drawing class `analogy`"),
        ('<a href="https://example.com"><rect x="1"/></a>', 3, "`<a>` is not allowed"),
        ("<use href='#arrow'/>", 3, "`<use>` is not allowed"),
        ("<g>loose words</g>", 3, "text must be inside `<text>`"),
        ('<rect transform="url(javascript:x)" x="1"/>', 3, "characters a drawing does not need"),
        ("<foreignObject><p>x</p></foreignObject>", 3, "`<foreignObject>` is not allowed"),
    ],
)
def test_anything_outside_the_allowlist_is_a_problem_with_its_line(bad, line, message):
    svg = f'<svg viewBox="0 0 10 10">\n  <g>\n  {bad}\n  </g>\n</svg>\n'
    inner, found = _clean(svg)
    assert inner is None
    assert any(p.startswith(f"figures/x.svg:{line}: ") and message in p for p in found), found


def test_a_doctype_with_entities_is_refused():
    svg = '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY a "aaaa">]>\n<svg viewBox="0 0 1 1"/>'
    inner, found = _clean(svg)
    assert inner is None
    assert any("DOCTYPE" in p for p in found), found


def test_a_drawing_needs_a_viewbox_and_well_formed_xml():
    assert "needs a `viewBox`" in _clean('<svg xmlns="http://www.w3.org/2000/svg"/>')[1][0]
    assert "not a well-formed SVG" in _clean("<svg viewBox='0 0 1 1'>\n<rect>")[1][0]


def test_a_figure_block_renders_the_drawing_with_its_alt_text_and_caption(tmp_path):
    files = module_files(
        {"lessons/01-first.md": lesson("first", 1, FIGURE_LESSON), "figures/phases.svg": GOOD_SVG}
    )
    course = parse(write_module(tmp_path, files))
    html = course.modules[0].lessons[0].html
    assert '<figure class="figure">' in html
    assert (
        '<svg class="fig fig--phases" viewBox="0 0 400 100" role="img" '
        'aria-label="A box labelled INIT with an arrow to the right." focusable="false">'
    ) in html
    assert 'id="fig-phases-arrow"' in html
    assert (
        '<figcaption class="figure__caption">INIT comes <strong>first</strong>.</figcaption>'
        in (html)
    )
    assert html.index("Before.") < html.index("<figure") < html.index("After.")


@pytest.mark.parametrize(
    ("block", "line", "message"),
    [
        ("src: phases.svg\ncaption: C.\n", 12, "missing `alt`"),
        ("src: phases.svg\nalt: ''\ncaption: C.\n", 13, "`alt` must not be empty"),
        ("src: phases.svg\nalt: A.\n", 12, "missing `caption`"),
        ("src: phase.svg\nalt: A.\ncaption: C.\n", 12, "unknown figure `phase.svg` (did you mean"),
        ("src: phases.svg\nalt: A.\ncaption: C.\nwidth: 3\n", 15, "unknown key `width`"),
    ],
)
def test_figure_block_mistakes_are_reported_with_file_and_line(tmp_path, block, line, message):
    body = f"Text.\n\n```figure\n{block}```\n"
    files = module_files(
        {"lessons/01-first.md": lesson("first", 1, body), "figures/phases.svg": GOOD_SVG}
    )
    found = problems(write_module(tmp_path, files))
    assert any(
        p.startswith(f"demo/lessons/01-first.md:{line}: ") and message in p for p in found
    ), found


def test_a_bad_figure_file_is_reported_with_its_own_path_and_line(tmp_path):
    bad = GOOD_SVG.replace('class="f-init"', 'class="f-init" style="fill:red"')
    files = module_files({"figures/phases.svg": bad})
    found = problems(write_module(tmp_path, files))
    assert any(p.startswith("demo/figures/phases.svg:7: `style` is not allowed") for p in found)


def test_every_palette_class_is_styled_in_the_stylesheet():
    css = SITE_CSS.read_text("utf-8")
    missing = [name for name in FIGURE_CLASSES if f".fig .{name} " not in css]
    assert missing == []


SHIPPED = shipped_analogies()


@pytest.mark.parametrize("analogy_id", sorted(SHIPPED))
def test_every_analogy_has_a_scene_with_a_text_alternative(analogy_id):
    analogy = SHIPPED[analogy_id]
    assert analogy.alt.strip()
    svg = analogy.scene_svg()
    assert svg.startswith('<svg class="fig fig--scene" viewBox="')
    assert f'role="img" aria-label="{escape(analogy.alt)}"' in svg
    assert f'id="an-{analogy_id}-' in svg or "id=" not in svg


class _Drawings(HTMLParser):
    """Collect analogy callouts, scenes and inline drawings of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.analogies = 0
        self.scenes = 0
        self.svgs: list[dict[str, str | None]] = []
        self.ids: list[str] = []
        self._in_scene = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        classes = (found.get("class") or "").split()
        if tag == "aside" and "analogy" in classes:
            self.analogies += 1
        if tag == "figure" and "analogy__scene" in classes:
            self._in_scene = True
        if tag == "svg" and "fig" in classes:
            self.svgs.append(found)
            if self._in_scene:
                self.scenes += 1
                self._in_scene = False
        if found.get("id"):
            self.ids.append(str(found["id"]))


# Each lesson that explains a mechanism shows it in at least one drawing.
MECHANISM_FIGURES = {
    "execution-environment-lifecycle": "fig--lifecycle",
    "function-configuration": "fig--scaling",
    "database-connections": "fig--proxy-pool",
    "versions-and-aliases": "fig--alias-routing",
    "error-handling": "fig--async-retries",
    "sqs-queues": "fig--sqs-visibility",
    "streams": "fig--bisect",
}


@pytest.fixture(scope="module")
def course_lessons():
    return {lesson.slug: lesson for lesson in parse_course(CONTENT).modules[0].lessons}


def test_every_analogy_callout_in_the_course_has_its_illustration(course_lessons):
    callouts = 0
    for slug, item in course_lessons.items():
        page = _Drawings()
        page.feed(item.html)
        assert page.scenes == page.analogies, slug
        callouts += page.analogies
    assert callouts >= 8


def test_every_drawing_in_the_course_has_alt_text_and_unique_ids(course_lessons):
    drawings = 0
    for slug, item in course_lessons.items():
        page = _Drawings()
        page.feed(item.html)
        for svg in page.svgs:
            label = (svg.get("aria-label") or "").strip()
            assert svg.get("role") == "img", slug
            assert len(label) >= 40, (slug, svg.get("class"), label)
            drawings += 1
        duplicates = {name for name in page.ids if page.ids.count(name) > 1}
        assert not duplicates, (slug, duplicates)
    assert drawings >= 8 + len(MECHANISM_FIGURES)


@pytest.mark.parametrize(("slug", "figure_class"), sorted(MECHANISM_FIGURES.items()))
def test_each_mechanism_lesson_has_its_diagram_with_a_caption(course_lessons, slug, figure_class):
    html = course_lessons[slug].html
    match = re.search(
        rf'<figure class="figure">\s*<svg class="fig {figure_class}"[^>]*>.*?</svg>\s*'
        r'<figcaption class="figure__caption">(.+?)</figcaption>',
        html,
        re.DOTALL,
    )
    assert match, slug
    assert len(match[1].strip()) >= 40
