"""Screenshots of the web app's pages, for a person to look at (not committed).

Serves a store on a loopback port and photographs the corpus, event, article (with a cited
span highlighted) and entity pages in headless Chromium at a laptop's window size.

    .venv/bin/python scripts/screenshots.py [--db story.db] [--out screenshots]

Without --db the bundled sample corpus is ingested into a temporary store first (this loads the
models, about half a minute).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def sample_store(directory: Path) -> Path:
    from storyline import brief

    db = directory / "sample.db"
    sample = ROOT / "examples" / "sample"
    brief([sample], manifest=sample / "manifest.jsonl", db=db)
    return db


def take(db: Path, out: Path, width: int, height: int) -> list[Path]:
    import httpx
    from playwright.sync_api import sync_playwright

    from storyline.web import create_app
    from storyline.web.server import running_server

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with running_server(create_app(db)) as base, sync_playwright() as pw:
        corpus = httpx.get(f"{base}/index.json").json()
        # the event with the most disagreements, else the largest
        event = max(corpus["events"], key=lambda e: (e["conflicts"], e["articles"]))
        page_data = httpx.get(f"{base}/events/{event['id']}.json").json()
        cite = page_data["summary"][0]["cites"][0] if page_data["summary"] else None
        entity = next((g["entity_id"] for g in page_data["quotes"] if g["entity_id"]), None)
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        shots = [("corpus", "/", True), ("event", event["href"], False), ("event-full", event["href"], True)]
        if cite:
            shots.append(("article", cite["href"], False))
        if entity:
            shots.append(("entity", f"/entities/{entity}", True))
        for name, path, full in shots:
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            target = out / f"{name}.png"
            page.screenshot(path=str(target), full_page=full)
            written.append(target)
        browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="store to show (default: the sample corpus)")
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    parser.add_argument("--width", type=int, default=1366)
    parser.add_argument("--height", type=int, default=800)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or sample_store(Path(tmp))
        for path in take(db, args.out, args.width, args.height):
            print(path, file=sys.stderr)


if __name__ == "__main__":
    main()
