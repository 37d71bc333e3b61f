"""Lesson Markdown renders to sanitised HTML with our own chrome around custom blocks."""

from __future__ import annotations

import re

import pytest

from course.content import ContentError, TocEntry, render_markdown

from .helpers import shipped_analogies

SHIPPED = shipped_analogies()
ANALOGIES = {analogy_id: analogy.name for analogy_id, analogy in SHIPPED.items()}


def render(text: str, **options: object):
    defaults: dict[str, object] = {
        "module": "demo",
        "lesson": "first",
        "lessons": {"first": "First lesson", "second": "Second lesson"},
        "presets": {"cold-then-warm": "Cold start, then a warm start"},
        "analogies": SHIPPED,
    }
    return render_markdown(text, **{**defaults, **options})  # type: ignore[arg-type]


def test_headings_get_anchors_and_a_table_of_contents():
    result = render("## Cold *starts* & you\n\ntext\n\n### Details\n\n## Cold *starts* & you\n")
    assert '<h2 id="cold-starts-you">Cold <em>starts</em> &amp; you</h2>' in result.html
    assert result.toc == (
        TocEntry(2, "cold-starts-you", "Cold starts & you"),
        TocEntry(3, "details", "Details"),
        TocEntry(2, "cold-starts-you_1", "Cold starts & you"),
    )


def test_code_is_highlighted_with_the_highlight_class():
    result = render('```python\nprint("hi")\n```\n')
    assert '<div class="highlight"><pre tabindex="0">' in result.html
    assert '<span class="nb">print</span>' in result.html


def test_titled_code_block_is_a_figure_with_its_title():
    result = render('```python title="handler.py"\nx = 1\n```\n')
    assert '<figcaption class="code-block__title">handler.py</figcaption>' in result.html


def test_code_tabs_show_every_block_with_a_visible_label():
    result = render(
        "::: code-tabs\n"
        '```javascript title="Node.js"\nexports.handler = async () => 1;\n```\n\n'
        '```python title="Python"\ndef handler(event, context):\n    return 1\n```\n'
        ":::\n"
    )
    html = result.html
    assert '<div class="code-tabs" data-tabs>' in html
    assert html.count('class="code-tabs__panel"') == 2
    assert '<div class="code-tabs__panel" data-tab-label="Node.js">' in html
    assert '<p class="code-tabs__label">Python</p>' in html
    assert html.index("Node.js") < html.index("exports") < html.index("Python") < html.index("def")
    assert 'role="tablist"' not in html


@pytest.mark.parametrize("analogy_id", sorted(ANALOGIES))
def test_each_analogy_renders_its_own_icon_name_and_breaks_down_paragraph(analogy_id):
    result = render(
        f"## Section\n\n::: analogy {analogy_id}\nLike **this**.\n\n"
        "Where it breaks down: not like that.\n:::\n"
    )
    html = result.html
    name = ANALOGIES[analogy_id]
    tint = SHIPPED[analogy_id].colour
    assert (
        f'<aside class="analogy analogy--{analogy_id} analogy--tint-{tint}" '
        f'aria-label="Analogy: {name}">'
    ) in html
    assert '<svg class="analogy__icon" aria-hidden="true"' in html
    assert 'stroke="currentColor"' in html
    assert f'<h3 class="analogy__title">{name}</h3>' in html
    assert '<p class="breaks-down">Where it breaks down: not like that.</p>' in html
    assert result.analogies == (analogy_id,)


def test_analogy_icons_are_all_different():
    icons = set()
    for analogy_id in ANALOGIES:
        html = render(f"::: analogy {analogy_id}\nx\n\nWhere it breaks down: y\n:::\n").html
        icons.add(re.search(r"<svg.*?</svg>", html, re.DOTALL)[0])  # type: ignore[index]
    assert len(icons) == len(ANALOGIES)


def test_bold_breaks_down_label_is_recognised():
    html = render("::: analogy oven\nx\n\n**Where it breaks down:** y\n:::\n").html
    assert '<p class="breaks-down"><strong>Where it breaks down:</strong> y</p>' in html


@pytest.mark.parametrize(
    ("kind", "title"),
    [
        ("note", "Note"),
        ("warning", "Warning"),
        ("changed", "This changed"),
        ("takeaways", "Key takeaways"),
    ],
)
def test_callouts_render_with_their_title(kind, title):
    html = render(f"::: {kind}\n- one\n- two\n:::\n").html
    assert f'<aside class="callout callout--{kind}" aria-label="{title}">' in html
    assert f'<p class="callout__title">{title}</p>' in html
    assert "<li>two</li>\n</ul>\n</aside>" in html


def test_callout_accepts_a_custom_title():
    html = render("::: note Before you start\nText\n:::\n").html
    assert '<p class="callout__title">Before you start</p>' in html


def test_sandbox_block_renders_a_placeholder_with_a_plain_link():
    result = render("```sandbox\nscenario: cold-then-warm\ncaption: Invoke `twice`.\n```\n")
    html = result.html
    assert '<div class="sandbox-embed" data-module="demo" data-scenario="cold-then-warm">' in html
    assert 'href="/sandbox/demo/cold-then-warm/"' in html
    assert "Cold start, then a warm start" in html
    assert '<p class="sandbox-embed__caption">Invoke <code>twice</code>.</p>' in html
    assert result.scenario_refs == ("cold-then-warm",)


def test_quiz_block_links_to_the_current_lessons_practice_questions():
    result = render("```quiz\n```\n")
    assert 'href="/quizzes/demo/practice/first/">Check yourself</a>' in result.html
    assert result.quiz_refs == ("first",)


def test_quiz_block_can_name_another_lesson():
    result = render("```quiz\nlesson: second\n```\n")
    assert 'href="/quizzes/demo/practice/second/"' in result.html
    assert "Second lesson" in result.html


def test_url_builders_can_be_replaced():
    result = render(
        "```sandbox\nscenario: cold-then-warm\n```\n\n```quiz\n```\n",
        sandbox_url=lambda module, slug: f"/s/{module}/{slug}",
        practice_url=lambda module, lesson: f"/p/{module}/{lesson}",
    )
    assert 'href="/s/demo/cold-then-warm"' in result.html
    assert 'href="/p/demo/first"' in result.html


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        '<img src="x.png" onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
        '<p style="position:fixed">x</p>',
        '<iframe src="https://example.com"></iframe>',
        '<svg onload="alert(1)"></svg>',
    ],
)
def test_dangerous_author_html_is_stripped(attack):
    html = render(f"Text\n\n{attack}\n").html.lower()
    for bad in ("<script", "alert(1)", "onerror", "javascript:", "style=", "<iframe", "onload"):
        assert bad not in html


def test_authors_cannot_forge_our_chrome():
    html = render(
        '<div class="sandbox-embed" data-scenario="x">fake</div>\n\n'
        '<aside class="analogy analogy--oven">fake</aside>\n'
    ).html
    assert "sandbox-embed" not in html
    assert "data-scenario" not in html
    assert "analogy--oven" not in html


def test_block_markers_inside_code_are_code():
    html = render("```text\n::: analogy nonsense\n```\n").html
    assert "::: analogy nonsense" in html


def test_plain_text_holds_words_without_markup_or_icons():
    result = render("## Title\n\n::: analogy oven\nHot `oven`.\n\nWhere it breaks down: y\n:::\n")
    assert "Title" in result.plain_text
    assert "Hot oven." in result.plain_text
    assert "<" not in result.plain_text
    assert "path" not in result.plain_text


def test_render_without_a_log_raises_content_error():
    with pytest.raises(ContentError) as caught:
        render("::: note\nnever closed\n", path="lesson.md", first_line=10)
    assert [str(p) for p in caught.value.problems] == [
        "lesson.md:10: `::: note` block opened here is never closed; end it with a line `:::`"
    ]
