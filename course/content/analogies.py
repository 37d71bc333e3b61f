"""The catalogue of analogies a lesson may use, each with a name, an icon and a scene.

The scene (`analogies/scenes/<id>.svg`) is the callout's illustration; `SCENES` holds its text
alternative. Scenes go through the same cleaner as a module's figures (`figures.py`).
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from .errors import ProblemLog
from .figures import Drawing, clean_svg

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

# What each scene shows, for people who cannot see it (the svg's accessible name).
SCENES: dict[str, str] = {
    "food-truck": (
        "A street in three steps: a food truck parks and lights its grill (INIT), serves one "
        "customer at its window (INVOKE), then, with nobody waiting, drives away (SHUTDOWN)."
    ),
    "oven": (
        "An oven heats up once, with a thermometer rising to hot (INIT); then dish after dish "
        "goes in and out of the same hot oven (each invocation) without heating it again."
    ),
    "parking": (
        "A car park: one car parked in its bay (INIT), with a path of several trips between the "
        "car and the building (invocations); the open trunk holds a box kept between trips "
        "(/tmp), and a tow truck waits at the edge for idle cars."
    ),
    "waiters": (
        "Two restaurants side by side. Left, without a proxy: every guest brings a waiter who "
        "stands at their table, and guests beyond the waiter limit are turned away at the door. "
        "Right, with RDS Proxy: many guests, and a few shared waiters at a host stand who go to "
        "whichever table is ordering."
    ),
    "restaurant-counter": (
        "A customer stands at the counter and waits while the kitchen cooks; an error comes "
        "back across the counter to the customer, who decides whether to order again."
    ),
    "restaurant-kitchen": (
        "A customer hands an order ticket to the kitchen and goes to sit down (202 Accepted). "
        "The ticket waits on the rail; the cook tries it up to three times; a ticket that "
        "still fails goes to the manager's problems tray."
    ),
    "buffet": (
        "A buffet with trays on a counter; an attendant carries a fresh batch from the "
        "kitchen to a tray and brings a spoiled tray back to try again."
    ),
    "assembly-line": (
        "An assembly line: a batch of eight items on the belt fails inspection; the batch is "
        "split in half, the half with the defect is split again, until the one defective item "
        "is found and goes to the rejection bin while the good items move on."
    ),
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


@cache
def scene_svg(analogy_id: str) -> str:
    """Return the analogy's scene as inline SVG, with its text alternative."""
    path = f"course/content/analogies/scenes/{analogy_id}.svg"
    text = (
        resources.files(__package__ or __name__) / "analogies" / "scenes" / f"{analogy_id}.svg"
    ).read_text("utf-8")
    log = ProblemLog()
    drawing = clean_svg(text, prefix=f"an-{analogy_id}-", path=path, log=log)
    log.raise_if_any()
    assert isinstance(drawing, Drawing)
    return drawing.svg(label=SCENES[analogy_id], css_class="fig--scene")
