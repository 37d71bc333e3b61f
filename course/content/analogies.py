"""The analogies a module declares (`analogies.yaml`): name, colour, icon, scene, text alternative.

```yaml
analogies:
  - id: food-truck                     # used as `::: analogy food-truck`
    name: The food truck               # the callout's heading
    colour: orange                     # a token of ANALOGY_COLOURS (site.css gives its tints)
    icon: icons/food-truck.svg         # in the module's analogies/ folder: a small badge
    scene: scenes/food-truck.svg       # the callout's illustration
    alt: A food truck parks, serves one customer, then drives away.   # the scene in words
```
Both drawings go through the figures' cleaner (`figures.py`): the scene as a drawing of the
palette, the icon as a one-colour badge. Plain Python: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .errors import ProblemLog
from .fields import FileFields, did_you_mean, known_list
from .figures import Drawing, clean_svg
from .yaml_loader import MarkedDict, MarkedList, load_yaml

BREAKS_DOWN = "Where it breaks down:"
ANALOGIES_FILE = "analogies.yaml"
ANALOGIES_FOLDER = "analogies"
ANALOGY_KEYS = ("id", "name", "colour", "icon", "scene", "alt")

# The colour tokens an analogy may use. site.css (`.analogy--tint-<token>`) gives each a tint
# for the light and the dark theme, with enough contrast on the page background in both.
ANALOGY_COLOURS: dict[str, str] = {
    "orange": "#b34700 light, #ff9a4d dark",
    "red": "#a4161a light, #ff9da0 dark",
    "blue": "#0b57c2 light, #8ab4ff dark",
    "purple": "#6b3fa0 light, #c9a7ff dark",
    "green": "#136f3a light, #7ddc9f dark",
    "amber": "#8a5a00 light, #ffd27a dark",
    "teal": "#00707a light, #6fd8e0 dark",
    "slate": "#4d5866 light, #c3ccd6 dark",
}


@dataclass(frozen=True)
class Analogy:
    """One declared analogy with its cleaned drawings."""

    id: str
    name: str
    colour: str
    icon: Drawing
    scene: Drawing
    alt: str
    source_path: str
    line: int

    def icon_svg(self) -> str:
        """Return the icon as inline SVG, hidden from assistive technology."""
        return self.icon.icon(css_class="analogy__icon")

    def scene_svg(self) -> str:
        """Return the scene as inline SVG, with its text alternative."""
        return self.scene.svg(label=self.alt, css_class="fig--scene")


def read_analogies(folder: Path, *, rel: str, log: ProblemLog) -> dict[str, Analogy]:
    """Read a module's `analogies.yaml` (none: no analogies); `rel` is the module's shown path."""
    path = folder / ANALOGIES_FILE
    if not path.is_file():
        return {}
    shown = f"{rel}/{ANALOGIES_FILE}"
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        log.add(shown, None, "the file is not UTF-8 text")
        return {}
    before = len(log)
    data = load_yaml(text, path=shown, log=log)
    if len(log) > before:
        return {}
    if not isinstance(data, MarkedDict):
        log.add(shown, 1, "the file must be a mapping with an `analogies` list")
        return {}
    FileFields(data, shown, log, "analogies.yaml").check_keys(required=["analogies"])
    items = data.get("analogies")
    if not isinstance(items, MarkedList) or not items:
        if "analogies" in data:
            log.add(shown, data.line_of("analogies"), "`analogies` must be a list of analogies")
        return {}
    analogies: dict[str, Analogy] = {}
    for index, item in enumerate(items):
        if not isinstance(item, MarkedDict):
            log.add(
                shown,
                items.line_of(index),
                "each analogy must be a mapping with id, name, colour, icon, scene and alt",
            )
            continue
        analogy = _read_one(item, folder / ANALOGIES_FOLDER, shown=shown, rel=rel, log=log)
        if analogy is None:
            continue
        if analogy.id in analogies:
            log.add(
                shown,
                item.line_of("id"),
                f"duplicate analogy id `{analogy.id}` (first at line {analogies[analogy.id].line})",
            )
            continue
        analogies[analogy.id] = analogy
    return analogies


def _read_one(
    item: MarkedDict, drawings: Path, *, shown: str, rel: str, log: ProblemLog
) -> Analogy | None:
    before = len(log)
    fields = FileFields(item, shown, log, "an analogy")
    fields.check_keys(required=ANALOGY_KEYS)
    analogy_id = fields.slug("id")
    name = fields.text("name")
    alt = " ".join((fields.text("alt") or "").split())
    colour = fields.text("colour")
    if colour is not None and colour not in ANALOGY_COLOURS:
        fields.problem(
            "colour",
            f"unknown colour `{colour}`{did_you_mean(colour, ANALOGY_COLOURS)}; "
            f"colours: {known_list(ANALOGY_COLOURS)}",
        )
    icon = _drawing(fields, "icon", drawings, analogy_id, rel=rel)
    scene = _drawing(fields, "scene", drawings, analogy_id, rel=rel)
    if len(log) > before:
        return None
    assert analogy_id
    assert name
    assert colour
    assert icon
    assert scene
    return Analogy(analogy_id, name, colour, icon, scene, alt, shown, item.line_of("id"))


def _drawing(
    fields: FileFields, key: str, drawings: Path, analogy_id: str | None, *, rel: str
) -> Drawing | None:
    """Read and clean the SVG file named by `key`, relative to the module's analogies/ folder."""
    name = fields.text(key)
    if name is None:
        return None
    relative = PurePosixPath(name)
    if relative.is_absolute() or ".." in relative.parts or relative.suffix != ".svg":
        fields.problem(
            key,
            f"`{key}` must name an .svg file inside this module's {ANALOGIES_FOLDER}/ folder, "
            f"like `{key}s/{analogy_id or 'food-truck'}.svg`, got {name!r}",
        )
        return None
    path = drawings / relative
    shown = f"{rel}/{ANALOGIES_FOLDER}/{relative}"
    if not path.is_file():
        known = (
            [p.relative_to(drawings).as_posix() for p in drawings.rglob("*.svg")]
            if drawings.is_dir()
            else []
        )
        fields.problem(
            key,
            f"no drawing `{ANALOGIES_FOLDER}/{relative}`{did_you_mean(str(relative), known)}; "
            f"drawings in {ANALOGIES_FOLDER}/: {known_list(known)}",
        )
        return None
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        fields.log.add(shown, None, "the file is not UTF-8 text")
        return None
    return clean_drawing(text, key=key, analogy_id=analogy_id, shown=shown, log=fields.log)


def drawing_path(key: str, analogy_id: str) -> str:
    """Return where a drawing written for an analogy goes, in the module's analogies/ folder."""
    return f"{key}s/{analogy_id}.svg"


def clean_drawing(
    text: str, *, key: str, analogy_id: str | None, shown: str, log: ProblemLog
) -> Drawing | None:
    """Clean an analogy's `icon` or `scene` SVG text as the load does; `shown` names its file."""
    prefix = f"an-{analogy_id}-" if key == "scene" else f"an-{analogy_id}-icon-"
    return clean_svg(text, prefix=prefix, path=shown, log=log, icon=key == "icon")
