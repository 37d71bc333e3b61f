"""The lab's plain core: knobs, traffic-script steps, challenges, runs and their pictures.

Like the engine (`course.sandbox`), nothing here imports Django: ruff bans it
(`course/lab/core/ruff.toml`) and a test imports the package in a fresh interpreter.
"""
