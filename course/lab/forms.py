"""The lab's form: a preset's knobs and traffic script, validated into a scenario."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from course.sandbox import Scenario, ScenarioError

from .core.knobs import Knob, KnobError, apply_values, knobs_for, normalise_field
from .core.runs import budget_problem
from .core.steps import Step, StepError, format_steps, parse_steps
from .models import ScenarioPreset


def _form_field(knob: Knob) -> forms.Field:
    """Return the Django form field for a knob: its label with unit, range and hint."""
    label = f"{knob.label} ({knob.unit})" if knob.unit else knob.label
    help_text = f"{knob.hint} Allowed: {knob.range_text}." if knob.range_text else knob.hint
    attrs: dict[str, Any] = {}
    if knob.step is not None:
        attrs["step"] = knob.step
    field: forms.Field
    if knob.kind == "bool":
        return forms.BooleanField(label=label, required=False, help_text=knob.hint)
    if knob.kind == "choice":
        return forms.ChoiceField(label=label, choices=knob.choices, help_text=knob.hint)
    if knob.kind == "float":
        field = forms.FloatField(
            label=label,
            help_text=help_text,
            min_value=knob.minimum,
            max_value=knob.maximum,
            widget=forms.NumberInput(attrs=attrs),
        )
    else:
        field = forms.IntegerField(
            label=label,
            help_text=help_text,
            required=knob.kind != "optional-int",
            min_value=None if knob.minimum is None else int(knob.minimum),
            max_value=None if knob.maximum is None else int(knob.maximum),
            widget=forms.NumberInput(attrs=attrs),
        )
    field.error_messages["min_value"] = f"{knob.label} must be within {knob.range_text}."
    field.error_messages["max_value"] = f"{knob.label} must be within {knob.range_text}."
    return field


def _attributes(attrs: Mapping[str, Any]) -> SafeString:
    """Return HTML attributes in their given order (True: bare; False or None: left out)."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", key) if value is True else format_html(' {}="{}"', key, value),)
            for key, value in attrs.items()
            if value is not None and value is not False
        ),
    )


def knob_html(field: forms.BoundField) -> SafeString:
    """Return a knob's label, hint, errors and input, as `field.as_field_group` draws them.

    Built in Python: Django's field group renders four templates per field (the group, the
    label, the errors and the widget), most of the lab page's template time for a few inputs.
    """
    auto_id = field.auto_id
    widget = field.field.widget
    attrs = field.build_widget_attrs(widget.build_attrs(widget.attrs, {"id": auto_id}))
    attrs.pop("id")
    parts = [format_html('<label for="{}">{}:</label>', auto_id, field.label)]
    if field.help_text:
        parts.append(
            format_html('<div class="helptext" id="{}_helptext">{}</div>', auto_id, field.help_text)
        )
    if field.errors:
        parts.append(
            format_html(
                '<ul class="errorlist" id="{}_error">{}</ul>',
                auto_id,
                format_html_join("", "<li>{}</li>", ((error,) for error in field.errors)),
            )
        )
    value = field.value()
    name = field.html_name
    if isinstance(widget, forms.CheckboxInput):
        checked = " checked" if widget.check_test(value) else ""
        control = format_html(
            '<input type="checkbox" name="{}"{} id="{}"{}>',
            name,
            _attributes(attrs),
            auto_id,
            checked,
        )
    elif isinstance(widget, forms.Select):
        chosen = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, " selected" if str(key) == chosen else "", text)
                for key, text in field.field.choices  # type: ignore[attr-defined]
            ),
        )
        control = format_html(
            '<select name="{}"{} id="{}">{}</select>', name, _attributes(attrs), auto_id, options
        )
    else:
        shown = widget.format_value(value)
        control = format_html(
            '<input type="{}" name="{}"{}{} id="{}">',
            widget.input_type,
            name,
            format_html(' value="{}"', shown) if shown is not None else "",
            _attributes(attrs),
            auto_id,
        )
    parts.append(control)
    return SafeString("\n".join(parts))


class ScenarioForm(forms.Form):
    """The knobs of one sandbox preset and its traffic script, validated cheaply.

    A valid form gives `base` (the preset's scenario with the knobs written in) and
    `step_list`; replaying the script, the expensive part, belongs to the cached run.

    The form is always bound: knobs missing from the query take the preset's values, so the
    first visit runs the preset as authored and every later state is a shareable URL.
    """

    SUBMITTED = "run"

    steps = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, query: Mapping[str, Any], *, preset: ScenarioPreset) -> None:
        self.preset = preset
        self.knobs = knobs_for(preset.knobs)
        submitted = self.SUBMITTED in query
        data: dict[str, Any] = {"steps": query.get("steps", "")}
        for knob in self.knobs:
            if knob.key in query:
                data[knob.key] = query[knob.key]
            elif knob.kind == "bool":
                data[knob.key] = "on" if (not submitted and knob.read(preset.scenario)) else ""
            elif not submitted:
                value = knob.read(preset.scenario)
                data[knob.key] = "" if value is None else value
        super().__init__(data)
        for knob in self.knobs:
            self.fields[knob.key] = _form_field(knob)
        self.base: dict[str, Any] | None = None  # the preset's scenario with the knobs applied
        self.step_list: list[Step] = []

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        try:
            self.step_list = parse_steps(cleaned.get("steps", ""))
        except StepError as error:
            raise forms.ValidationError(str(error)) from error
        values = {knob.key: cleaned.get(knob.key) for knob in self.knobs}
        try:
            data = apply_values(self.preset.scenario, self.knobs, values)
            Scenario.from_dict(data)  # cheap: the engine's own checks, shown at the knob
        except KnobError as error:
            raise forms.ValidationError(f"This preset's settings are broken: {error}") from error
        except ScenarioError as error:
            self._add_engine_error(error)
            return cleaned
        # A traffic script replaces the preset's traffic; its replay happens in the cached run.
        if not self.step_list and (problem := budget_problem(data)):
            raise forms.ValidationError(problem)
        self.base = data
        return cleaned

    def _add_engine_error(self, error: ScenarioError) -> None:
        """Show the engine's message next to the knob that set the field, else above the form."""
        field = normalise_field(error.field)
        for knob in self.knobs:
            if knob.path == field or field.startswith(knob.path + "."):
                self.add_error(knob.key, str(error))
                return
        self.add_error(None, str(error))

    def knob_fields(self) -> list[tuple[bool, SafeString]]:
        """Return each knob as (has errors, its markup) for the template: see `knob_html`."""
        return [(bool(self[knob.key].errors), knob_html(self[knob.key])) for knob in self.knobs]

    def query(self, *, steps: list[Step] | None = None) -> str:
        """Return the query string that reproduces this form's state."""
        params = {key: value for key, value in self.data.items() if key != "steps"}
        params[self.SUBMITTED] = "1"
        chosen = self.step_list if steps is None else steps
        if chosen:
            params["steps"] = format_steps(chosen)
        for knob in self.knobs:
            if knob.kind == "bool" and not params.get(knob.key):
                params.pop(knob.key, None)
        return urlencode(params)
