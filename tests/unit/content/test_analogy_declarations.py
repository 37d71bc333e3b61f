"""Analogies are declared by a module (analogies.yaml + SVGs), cleaned and checked at load."""

from __future__ import annotations

import hashlib
import re

import pytest

from course.content import chrome
from course.content.analogies import ANALOGY_COLOURS

from .helpers import (
    SHIPPED,
    analogy_files,
    lesson,
    module_files,
    parse,
    problems,
    shipped_analogies,
    write_module,
)

# sha256 of each shipped analogy's callout opening (icon, name, scene) as rendered from the old
# hard-coded table (course/content/analogies.py at b361b4f), captured before the move. The
# declarations must render the same bytes; the only addition is the colour token's class.
BEFORE_THE_MOVE = {
    "food-truck": "708cd43c17b2a9c8b9679334ac993529fd8d5f8607bd1956790bf4bab8f87ca2",
    "oven": "8ae83c2494bd3887ec1c3744656a7f4206f8cfa9cb2f4412fb840a1e29df12d1",
    "parking": "6bf05261c6cada05735aa810ce995dffd43b3d03fe45b2c4e2dd4bd167d6c950",
    "waiters": "42259951581841fbfa3d69f9e17a6f8fb53a787a63411ca35d481c768378b2f5",
    "restaurant-counter": "ca05e24efe4f7f5291005a7dbf9051fab77262aedda95d5f9c89ec199168c3db",
    "restaurant-kitchen": "3de79efbde9b1941048b58efc73bdeafa742a3f800fea4a2b819ad5aa9fa3b78",
    "buffet": "6ad31e978730c23a72a647f81808f57b22379d34462c278d938f705178545b5c",
    "assembly-line": "5b34320d1cce869c4d4b1e38b01dfcfc4b36a91c6482eeb5ecdfcccef75f8cc1",
}
SITE_CSS = SHIPPED.parents[1] / "static" / "css" / "site.css"

BREAKS = "Like this.\n\nWhere it breaks down: not that.\n"

VENDING_YAML = """\
analogies:
  - id: vending-machine
    name: The vending machine
    colour: teal
    icon: icons/vending.svg
    scene: scenes/vending.svg
    alt: A vending machine takes a coin and drops one can.
"""
ICON = """\
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48" fill="none" stroke="currentColor">
  <rect x="10" y="4" width="28" height="40"/>
</svg>
"""
SCENE = """\
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 100">
  <rect class="f-box" x="10" y="10" width="80" height="80"/>
</svg>
"""


def test_the_shipped_analogies_render_as_before_the_move():
    analogies = shipped_analogies()
    assert set(analogies) == set(BEFORE_THE_MOVE)
    for analogy_id, analogy in analogies.items():
        html = chrome.analogy_open(analogy)
        assert f" analogy--tint-{analogy.colour}" in html
        before = html.replace(f" analogy--tint-{analogy.colour}", "")
        assert hashlib.sha256(before.encode()).hexdigest() == BEFORE_THE_MOVE[analogy_id]


def test_every_colour_token_has_a_light_and_a_dark_tint_in_the_stylesheet():
    css = SITE_CSS.read_text("utf-8")
    for token in ANALOGY_COLOURS:
        assert css.count(f".analogy--tint-{token} {{ --tint: #") == 2, token


def test_a_module_about_another_service_declares_its_own_analogy(tmp_path):
    files = module_files(
        {
            "analogies.yaml": VENDING_YAML,
            "analogies/icons/vending.svg": ICON,
            "analogies/scenes/vending.svg": SCENE,
            "lessons/01-first.md": lesson(
                "first", 1, f"::: analogy vending-machine\n{BREAKS}:::\n"
            ),
        }
    )
    (module,) = parse(write_module(tmp_path, files)).modules
    html = module.lessons[0].html
    assert 'class="analogy analogy--vending-machine analogy--tint-teal"' in html
    assert '<svg class="analogy__icon" aria-hidden="true"' in html
    assert 'aria-label="A vending machine takes a coin and drops one can."' in html
    assert module.lessons[0].analogies == ("vending-machine",)


def test_an_analogy_another_module_declares_is_unknown_here(tmp_path):
    files = module_files(
        {
            "analogies.yaml": None,
            "lessons/01-first.md": lesson("first", 1, f"::: analogy food-truck\n{BREAKS}:::\n"),
        }
    )
    found = problems(write_module(tmp_path, files))
    assert found == [
        "demo/lessons/01-first.md:9: unknown analogy `food-truck`: this module declares no "
        "analogies; declare it in the module's analogies.yaml"
    ]


def test_a_misspelt_analogy_gets_the_nearest_declared_one(tmp_path):
    body = f"::: analogy food-truk\n{BREAKS}:::\n"
    found = problems(
        write_module(tmp_path, module_files({"lessons/01-first.md": lesson("first", 1, body)}))
    )
    assert found == [
        "demo/lessons/01-first.md:9: unknown analogy `food-truk` (did you mean `food-truck`?); "
        "known analogies: food-truck, oven (declared in analogies.yaml)"
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("colour: teal", "colour: teel", ":4: unknown colour `teel` (did you mean `teal`?)"),
        ("colour: teal", "colour: '#ff0000'", ":4: unknown colour `#ff0000`"),
        (
            "icon: icons/vending.svg",
            "icon: icons/vendin.svg",
            ":5: no drawing `analogies/icons/vendin.svg` (did you mean `icons/vending.svg`?)",
        ),
        (
            "icon: icons/vending.svg",
            "icon: ../module.md",
            ":5: `icon` must name an .svg file inside",
        ),
        ("    alt: A vending", "    text: A vending", ":7: unknown key `text` in an analogy"),
        ("id: vending-machine", "id: Vending", ":2: `id` must be a lowercase slug"),
    ],
)
def test_declaration_mistakes_are_reported_with_their_line(tmp_path, old, new, expected):
    files = module_files(
        {
            "analogies.yaml": VENDING_YAML.replace(old, new),
            "analogies/icons/vending.svg": ICON,
            "analogies/scenes/vending.svg": SCENE,
        }
    )
    found = problems(write_module(tmp_path, files))
    assert any(problem.startswith(f"demo/analogies.yaml{expected}") for problem in found), found


def test_duplicate_analogy_ids_are_reported(tmp_path):
    text = analogy_files()["analogies.yaml"]
    doubled = text + "\n".join(text.splitlines()[1:8]) + "\n"
    found = problems(write_module(tmp_path, module_files({"analogies.yaml": doubled})))
    assert any("duplicate analogy id `food-truck` (first at line 2)" in p for p in found), found


@pytest.mark.parametrize(
    ("svg", "file", "expected"),
    [
        (
            ICON.replace('stroke="currentColor"', 'stroke="red"'),
            "icons",
            ':1: `stroke="red"`: an icon',
        ),
        (
            ICON.replace("<rect", '<rect onclick="x()"'),
            "icons",
            ":2: `onclick` is not allowed on `<rect>`",
        ),
        (
            ICON.replace("<rect", "<script>alert(1)</script><rect"),
            "icons",
            ":2: `<script>` is not allowed",
        ),
        (
            SCENE.replace('class="f-box"', 'class="f-box" style="fill:red"'),
            "scenes",
            ":2: `style` is not allowed",
        ),
        (
            SCENE.replace(' viewBox="0 0 400 100"', ""),
            "scenes",
            ":1: the `<svg>` needs a `viewBox`",
        ),
    ],
)
def test_icons_and_scenes_are_cleaned_by_the_figures_allowlist(tmp_path, svg, file, expected):
    name = "vending.svg"
    files = module_files(
        {
            "analogies.yaml": VENDING_YAML,
            "analogies/icons/vending.svg": ICON,
            "analogies/scenes/vending.svg": SCENE,
            f"analogies/{file}/{name}": svg,
        }
    )
    found = problems(write_module(tmp_path, files))
    assert any(p.startswith(f"demo/analogies/{file}/{name}{expected}") for p in found), found


def test_a_cleaned_icon_keeps_only_allowed_markup():
    icon = shipped_analogies()["food-truck"].icon_svg()
    assert icon.startswith('<svg class="analogy__icon" aria-hidden="true" focusable="false"')
    assert not re.search(r"<(script|style|a)\b|on\w+=", icon)
