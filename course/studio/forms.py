"""The studio's forms: one text area each (the file as the loader reads it)."""

from __future__ import annotations

from django import forms

from course.content.analogies import ANALOGY_COLOURS
from course.models import ContentState

MAX_TEXT = 200_000


class LessonTextForm(forms.Form):
    text = forms.CharField(
        max_length=MAX_TEXT,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 28, "spellcheck": "true", "class": "studio-editor"}),
        label="Lesson file (front matter and Markdown)",
    )
    action = forms.ChoiceField(
        choices=[("save", "Save"), ("publish", "Publish"), ("unpublish", "Back to draft")],
        required=False,
    )

    def state_for(self, current: str) -> str:
        action = self.cleaned_data.get("action") or "save"
        if action == "publish":
            return ContentState.PUBLISHED
        if action == "unpublish":
            return ContentState.DRAFT
        return current


class QuestionTextForm(forms.Form):
    text = forms.CharField(
        max_length=MAX_TEXT,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false", "class": "studio-editor"}),
        label="Question (YAML)",
    )
    action = forms.ChoiceField(
        choices=[("publish", "Publish"), ("draft", "Save draft")], required=False
    )

    @property
    def is_draft(self) -> bool:
        """Return whether the edit is kept as a draft (publishing is the default)."""
        return self.cleaned_data.get("action") == "draft"


MAX_SVG = 100_000


class AnalogyForm(forms.Form):
    """An analogy as `analogies.yaml` declares it, with its two drawings pasted as SVG text.

    The fields are checked by `services.analogies.check_analogy` (as the load checks the file),
    so that every problem shows in the preview with the others.
    """

    key = forms.CharField(
        max_length=60,
        required=False,
        label="Id",
        help_text="A lowercase slug, used as ::: analogy <id> in the module's lessons; it can "
        "change only while no lesson uses it.",
    )
    name = forms.CharField(max_length=200, required=False, label="Name (the callout's heading)")
    colour = forms.ChoiceField(
        choices=[(c, c) for c in ANALOGY_COLOURS],
        required=False,
        label="Colour",
        help_text="A token: the site gives it a tint for the light and the dark theme.",
    )
    icon_svg = forms.CharField(
        max_length=MAX_SVG,
        required=False,
        strip=False,
        label="Icon (SVG, a one-colour badge, viewBox 0 0 48 48)",
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "class": "studio-svg"}),
    )
    scene_svg = forms.CharField(
        max_length=MAX_SVG,
        required=False,
        strip=False,
        label="Scene (SVG, drawn 400 units wide with the figures' palette classes)",
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false", "class": "studio-svg"}),
    )
    alt = forms.CharField(
        max_length=2000,
        required=False,
        label="Text alternative (the scene in words, read by screen readers)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def values(self) -> dict[str, str]:
        """Return the submitted text of every field (checked by the services, not here)."""
        return {name: str(self.data.get(name, ""))[:MAX_SVG] for name in self.fields}


class PresetTextForm(forms.Form):
    """A sandbox preset as its file `scenarios/<slug>.yaml` says it (see `services.presets`)."""

    slug = forms.CharField(
        max_length=50,
        required=False,
        label="File name (slug)",
        help_text="The preset is scenarios/<slug>.yaml and its lab page ends in /<slug>/: "
        "a lowercase slug, like cold-then-warm.",
    )
    text = forms.CharField(
        max_length=MAX_TEXT,
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 28, "spellcheck": "false", "class": "studio-editor"}),
        label="Preset (YAML)",
    )

    def values(self) -> tuple[str, str]:
        """Return the submitted slug and text (checked by the studio's presets, not here)."""
        slug = str(self.data.get("slug", "")).strip()[:50]
        return slug, str(self.data.get("text", ""))[:MAX_TEXT]
