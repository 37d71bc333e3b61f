"""The catalogue of analogies a lesson may use, each with a name and an inline SVG icon."""

from __future__ import annotations

from functools import cache
from importlib import resources

ANALOGIES: dict[str, str] = {
    "food-truck": "The food truck",
    "oven": "The pre-heated oven",
    "parking": "The parked car",
    "waiters": "The waiters",
    "restaurant-counter": "The restaurant counter",
    "restaurant-kitchen": "The restaurant kitchen",
    "buffet": "The buffet",
    "assembly-line": "The assembly line",
}

BREAKS_DOWN = "Where it breaks down:"


@cache
def icon_svg(analogy_id: str) -> str:
    """Return the analogy's icon as inline SVG, hidden from assistive technology."""
    text = (resources.files(__package__ or __name__) / "analogies" / f"{analogy_id}.svg").read_text(
        "utf-8"
    )
    svg = text.strip()
    return svg.replace(
        "<svg ",
        '<svg class="analogy__icon" aria-hidden="true" focusable="false" width="48" height="48" ',
        1,
    )
