"""Screenshots of the lab page of every sandbox preset: light and dark, desktop and phone.

Without `--url` this starts gunicorn on 127.0.0.1 with a fresh SQLite database (or
DATABASE_URL), loads the course and serves it while Chromium visits every preset; with `--url`
it visits an already running site instead (which must have the course loaded). Each page waits
for the run's status line, then is saved full-page as
`screenshots/lab-<preset>-<light|dark>-<desktop|phone>.png` (the folder is git-ignored). A tool
for looking at the pages, not a test: it judges nothing.

    .venv/bin/python -m bench.screenshots [--url http://127.0.0.1:8000] [--out screenshots]
        [--preset cold-then-warm ...]
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.http_load import gunicorn, prepare, preset_pages, server_env  # noqa: E402

SCHEMES = ("light", "dark")
DEVICES = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}
# The flags the browser tests use (tests/browser/conftest.py, DEVELOPERS.md).
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextlib.contextmanager
def local_site() -> Iterator[str]:
    """Serve the project with the course loaded on a free loopback port; yield its URL."""
    with tempfile.TemporaryDirectory() as database_dir:
        env = server_env(database_dir)
        prepare(env)
        with gunicorn(env, workers=2) as port:
            yield f"http://127.0.0.1:{port}"


def take(base_url: str, paths: list[str], out: Path) -> list[Path]:
    """Save one full-page screenshot per path, scheme and device; return the files written."""
    from playwright.sync_api import expect, sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        for device, options in DEVICES.items():
            for scheme in SCHEMES:
                context = browser.new_context(color_scheme=scheme, **options)  # type: ignore[arg-type]
                page = context.new_page()
                for path in paths:
                    page.goto(base_url.rstrip("/") + path)
                    expect(page.locator(".lab__status").first).to_contain_text("Ran ")
                    slug = path.rstrip("/").rsplit("/", 1)[-1]
                    target = out / f"lab-{slug}-{scheme}-{device}.png"
                    page.screenshot(path=str(target), full_page=True)
                    written.append(target)
                context.close()
        browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="A running site to visit instead of starting one.")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "screenshots", help="Folder for the PNG files."
    )
    parser.add_argument(
        "--preset", action="append", help="Only this preset's slug (repeatable); default all."
    )
    args = parser.parse_args()
    paths = preset_pages()
    if args.preset:
        paths = [path for path in paths if path.rstrip("/").rsplit("/", 1)[-1] in args.preset]
        if not paths:
            raise SystemExit(f"no preset named {', '.join(args.preset)}")
    args.out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    with contextlib.ExitStack() as stack:
        base_url = args.url or stack.enter_context(local_site())
        written = take(base_url, paths, args.out)
    seconds = time.perf_counter() - start
    print(f"{len(written)} screenshots of {len(paths)} presets in {args.out} ({seconds:.0f} s)")


if __name__ == "__main__":
    main()
