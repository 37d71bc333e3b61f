"""The studio's reads and writes, one module per subject. Each checks what an editor sends as
`loadcourse` would check the file, and stores only what the check produced.

- `files`: where a module's files are; its drawings and analogies as its files declare them.
- `analogies`: analogies declared in the studio (checked, saved, deleted); a module's assets.
- `lessons`: a lesson's Markdown checked and rendered by the content pipeline, then stored.
- `questions`: one question's YAML checked as its bank file would be; drafts and versions.
- `presets`: a sandbox preset's YAML checked as at load, previewed as the lab runs it, stored.
- `tokens`: the signed links that open a shareable preview of drafts.
"""
