"""The shapes a timeline is made of: the frozen dataclasses `_timeline.html` draws.

The bottom of the timeline package: everything else builds these and nothing here imports a
sibling. Also the number formatting every part shares (SVG attributes, 0.1-unit coordinates).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

DETAILED = "detailed"
AGGREGATED = "aggregated"
EMPTY = "empty"


def svg_num(value: float) -> str:
    """Return a number for an SVG attribute, without trailing zeros."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def coord(value: float) -> float:
    """Round a coordinate to 0.1 unit."""
    return round(value, 1)


def plural(count: int, noun: str) -> str:
    """Return "1 throttle" or "2,000 throttles"."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


@dataclass(frozen=True, slots=True)
class Bar:
    """One drawn element: a bar (`points` empty) or a marker polygon, with its texts."""

    index: int | None  # the trace event it came from (element id tl-ev-N); None: no link
    x: float
    y: float
    width: float
    height: float
    css: str
    label: str  # visible text ("" when it does not fit)
    label_x: float
    label_y: float
    title: str
    points: str = ""  # polygon points for markers
    count: int = 1  # events a merged marker stands for


@dataclass(frozen=True, slots=True)
class Lane:
    """One horizontal row of the detailed timeline."""

    key: str
    label: str
    y: float
    height: float
    css: str
    bars: tuple[Bar, ...]
    markers: tuple[Bar, ...]

    @property
    def label_y(self) -> float:
        """Return the baseline of the lane label."""
        return round(self.y + self.height / 2 + 4, 1)


@dataclass(frozen=True, slots=True)
class Tick:
    """One labelled tick of the time axis."""

    x: float
    label: str
    time_ms: float
    anchor: str = "middle"  # the label's text-anchor: "end" for one at the right edge


@dataclass(frozen=True, slots=True)
class Break:
    """A quiet stretch of time squeezed on the axis: drawn as a cut, labelled with its length."""

    x: float
    width: float
    start_ms: float
    end_ms: float
    label: str  # visible text ("" when it does not fit)
    length: str  # "9 min 58 s"

    @property
    def centre(self) -> float:
        """Return the x of the break's middle."""
        return round(self.x + self.width / 2, 1)

    @property
    def right(self) -> float:
        """Return the x of the break's right edge."""
        return round(self.x + self.width, 1)

    @property
    def zigzag(self) -> str:
        """Return the path of the zig-zag drawn on the axis, relative to (x, axis y)."""
        teeth = max(2, int(self.width // 6))
        step = self.width / teeth
        points = " ".join(
            f"L{svg_num(step * (n + 1))} {-4 if n % 2 == 0 else 4}" for n in range(teeth - 1)
        )
        return f"M0 0 {points} L{svg_num(self.width)} 0"


@dataclass(frozen=True, slots=True)
class ZoomLink:
    """A link that redraws the timeline for a window of time (`?from=…&to=…`, in ms)."""

    label: str
    start_ms: int
    end_ms: int
    whole: bool = False  # back to the whole run: the page's own URL, without a window


@dataclass(frozen=True, slots=True)
class LegendItem:
    """One legend entry: the class used in the SVG, its swatch shape and its meaning."""

    css: str
    label: str
    points: str = ""  # polygon points in a 24 × 14 swatch; empty for a bar swatch
    line: bool = False  # a line swatch (aggregated series)


@dataclass(frozen=True, slots=True)
class Series:
    """A polyline of the aggregated view."""

    css: str
    label: str
    points: str
    values: tuple[int, ...] = ()  # the level in each bucket


@dataclass(frozen=True, slots=True)
class Column:
    """One bucket column of an aggregated panel."""

    x: float
    y: float
    width: float
    height: float
    css: str
    title: str
    start_ms: float = 0.0  # the bucket's time range
    end_ms: float = 0.0
    count: int = 0


@dataclass(frozen=True, slots=True)
class Panel:
    """One chart of the aggregated view, stacked on a shared time axis."""

    title: str
    y: float
    height: float
    max_label: str
    series: tuple[Series, ...] = ()
    columns: tuple[Column, ...] = ()

    @property
    def bottom(self) -> float:
        """Return the y of the panel's baseline."""
        return round(self.y + self.height, 1)

    @property
    def title_y(self) -> float:
        """Return the baseline of the panel title."""
        return round(self.y + 12, 1)

    @property
    def max_y(self) -> float:
        """Return the baseline of the y-axis maximum label."""
        return round(self.y + 22, 1)


@dataclass(frozen=True, slots=True)
class Timeline:
    """Everything `_timeline.html` draws."""

    mode: str
    summary: str  # the SVG's aria-label and the figure caption
    note: str = ""  # aggregated mode: why there are no individual bars
    width: float = 0.0
    height: float = 0.0
    plot_left: float = 0.0
    plot_right: float = 0.0
    plot_top: float = 0.0
    axis_y: float = 0.0
    start_ms: float = 0.0
    end_ms: float = 0.0
    unit: str = "ms"
    ticks: tuple[Tick, ...] = ()
    lanes: tuple[Lane, ...] = ()
    panels: tuple[Panel, ...] = ()
    legend: tuple[LegendItem, ...] = ()
    bucket_label: str = ""  # aggregated mode: the bucket size, e.g. "30 s"
    anchors: Mapping[int, int] = field(default_factory=dict)
    breaks: tuple[Break, ...] = ()  # quiet stretches squeezed on the axis
    axis_note: str = ""  # the breaks (or the zoom window) in words
    zoomed: bool = False  # drawn for a window of the run (`?from=…&to=…`)
    zoom_links: tuple[ZoomLink, ...] = ()

    @property
    def view_box(self) -> str:
        """Return the SVG viewBox attribute."""
        return f"0 0 {svg_num(self.width)} {svg_num(self.height)}"

    @property
    def detailed(self) -> bool:
        """Return whether individual bars are drawn."""
        return self.mode == DETAILED

    @property
    def aggregated(self) -> bool:
        """Return whether totals per bucket are drawn."""
        return self.mode == AGGREGATED

    @property
    def empty(self) -> bool:
        """Return whether there is nothing to draw (a metrics-only run)."""
        return self.mode == EMPTY

    @property
    def band_height(self) -> float:
        """Return the height of a break's band, from the top of the plot to the axis."""
        return round(self.axis_y - self.plot_top, 1)

    @property
    def break_gap_y(self) -> float:
        """Return the top of the gap a break cuts in the axis line."""
        return round(self.axis_y - 5, 1)

    @property
    def break_label_y(self) -> float:
        """Return the baseline of the break labels, under the tick labels."""
        return round(self.axis_y + 29, 1)

    @property
    def tick_label_y(self) -> float:
        """Return the baseline of the tick labels."""
        return round(self.axis_y + 16, 1)

    @property
    def tick_end_y(self) -> float:
        """Return the lower end of the tick marks."""
        return round(self.axis_y + 5, 1)

    @property
    def scale_x(self) -> float:
        """Return the right edge of the aggregated panels' scale labels."""
        return round(self.plot_left - 6, 1)

    @property
    def axis_title_y(self) -> float:
        """Return the baseline of the axis title (below the break labels, if any)."""
        return round(self.axis_y + (44 if self.breaks else 32), 1)

    def bars(self) -> Iterator[Bar]:
        """Yield every bar and marker of every lane."""
        for lane in self.lanes:
            yield from lane.bars
            yield from lane.markers
