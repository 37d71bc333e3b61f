"""The studio's forms: one text area each (the file as the loader reads it)."""

from __future__ import annotations

from django import forms

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
