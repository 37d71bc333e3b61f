"""Every preset answers its lesson's caption with text the lab page shows, without hovering.

Each preset declares `answers` (docs/authoring.md): short texts that answer the question its
lesson's `sandbox` caption asks. The test walks every caption of the real course to its preset,
renders the preset's lab page, keeps only the text a reader sees (no `<title>` tooltips, nothing
hidden, no scripts or styles) and looks for each declared answer in it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from course.lab.models import ScenarioPreset
from tests.helpers.course import CONTENT_DIR

SANDBOX_BLOCK = re.compile(r"^```sandbox\n(.*?)^```", re.DOTALL | re.MULTILINE)
INVISIBLE = frozenset({"title", "script", "style", "template", "head"})
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


class VisibleText(HTMLParser):
    """Collect the text a reader sees without hovering or opening anything.

    Left out: `<title>` (the page's and SVG tooltips), scripts and styles, elements with the
    `hidden` attribute, and the body of a closed `<details>` (its `<summary>` is seen).
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, invisible, closed details)
        self.parts: list[str] = []

    def _folded(self) -> bool:
        return bool(self.stack) and self.stack[-1][2]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        invisible = tag in INVISIBLE or "hidden" in names or (self._folded() and tag != "summary")
        closed = tag == "details" and "open" not in names
        if tag not in VOID:
            self.stack.append((tag, invisible, closed))
        self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break
        self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._folded() and not any(invisible for _, invisible, _ in self.stack):
            self.parts.append(data)

    def text(self) -> str:
        return " ".join("".join(self.parts).split())


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return parser.text()


def captions() -> list[tuple[str, str, str]]:
    """Return (lesson file, preset slug, caption) for every sandbox block of the course."""
    found = []
    for path in sorted(Path(CONTENT_DIR).glob("*/lessons/*.md")):
        for block in SANDBOX_BLOCK.findall(path.read_text()):
            fields = dict(
                line.split(": ", 1) for line in block.strip().splitlines() if ": " in line
            )
            found.append((path.name, fields["scenario"].strip(), fields.get("caption", "")))
    return found


def test_the_visible_text_leaves_out_tooltips_hidden_elements_and_the_title():
    html = (
        "<html><head><title>Page</title></head><body><p>Shown <b>bold</b></p>"
        '<svg><rect><title>hover only</title></rect><text x="1">INIT 400 ms</text></svg>'
        "<div hidden>secret <span>deeper</span></div><br><p>after</p>"
        "<details><summary>All metrics</summary>folded <dl><dd>9</dd></dl></details>"
        "<details open><summary>Open</summary><p>seen</p></details></body></html>"
    )
    assert visible_text(html) == "Shown bold INIT 400 ms after All metrics Open seen"


def test_every_preset_is_embedded_with_a_caption():
    slugs = {slug for _, slug, _ in captions()}
    files = {path.stem for path in Path(CONTENT_DIR).glob("*/scenarios/*.yaml")}
    assert slugs == files
    assert all(caption for _, _, caption in captions())


@pytest.mark.parametrize(("lesson", "slug", "caption"), captions(), ids=lambda v: str(v)[:40])
def test_the_lab_page_shows_the_answer_to_the_caption(
    client, course_content, lesson, slug, caption
):
    preset = ScenarioPreset.objects.select_related("module").get(slug=slug, is_active=True)
    assert preset.answers, f"{slug} declares no `answers` for its caption: {caption}"
    response = client.get(reverse("lab:sandbox", args=[preset.module.slug, preset.slug]))
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    missing = [answer for answer in preset.answers if answer not in text]
    assert not missing, f"{lesson} asks “{caption}”; the {slug} page does not show {missing}"
