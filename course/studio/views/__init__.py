"""Studio pages, one module per editor; no view module imports another.

- `index`: the studio's front page (every module's lessons, questions and analogies).
- `lessons`: the lesson editor and its live preview.
- `questions`: the question editor (drafts, publishing, discarding) and its live preview.
- `analogies`: the analogy editor, its live preview, and deleting an unused analogy.
- `presets`: the sandbox presets' list, editor and live preview.
- `preview`: opening and leaving a shareable preview of drafts.

What several of them need lives outside this package: `course.studio.pages` (the instructor
check, the module a page is about, an editor's status, preview links) and the services in
`course.studio.services`.
"""
