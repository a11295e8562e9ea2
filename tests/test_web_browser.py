"""The web app in a real browser: headless Chromium (Debian's) driven by Playwright, against a
real server on a loopback port."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
from tests.conftest import SAMPLE
from tests.web_support import copy_store

from storyline.web import create_app
from storyline.web.server import running_server

pytestmark = [pytest.mark.models, pytest.mark.browser]

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


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} missing: apt-get install -y chromium chromium-driver"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    try:
        from playwright import sync_api
    except ImportError:
        message = "playwright missing: ./scripts/install.sh --dev installs it"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 800})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert errors == [], errors


@pytest.fixture(scope="module")
def site(sample_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser")
    app = create_app(copy_store(sample_db, folder / "s.db"), data_dir=folder / "data")
    with running_server(app) as base:
        yield base


def _treaty(site: str) -> dict:
    events = httpx.get(f"{site}/index.json").json()["events"]
    event = next(e for e in events if e["date"].startswith("2025"))
    return httpx.get(f"{site}{event['href']}.json").json()


def test_summary_cite_opens_the_article_with_the_span_highlighted(page, site):
    treaty = _treaty(site)
    page.goto(site + "/")
    page.get_by_role("link", name=treaty["event"]["title"]).click()
    page.wait_for_url(f"**/events/{treaty['event']['id']}")
    assert page.locator("h1").inner_text() == treaty["event"]["title"]
    for n in (0, len(treaty["summary"]) - 1):  # the first and the last summary sentence
        cite = treaty["summary"][n]["cites"][-1]
        page.goto(
            site + treaty["event"]["href"]
            if "href" in treaty["event"]
            else f"{site}/events/{treaty['event']['id']}"
        )
        page.locator("ol.summary > li").nth(n).locator("a.cite").last.click()
        page.wait_for_url(f"**/articles/{cite['article_id']}?start={cite['start']}&end={cite['end']}")
        marked = page.locator("mark.hl").evaluate_all("els => els.map(e => e.textContent).join('')")
        assert marked == cite["text"]
        assert page.locator("#hl").is_visible()
        box = page.locator("#hl").bounding_box()
        assert 0 <= box["y"] < 800  # scrolled into view
        color = page.locator("#hl").evaluate("e => getComputedStyle(e).backgroundColor")
        assert color not in ("rgba(0, 0, 0, 0)", "transparent")


def test_the_disagreement_is_one_click_from_the_events(page, site):
    page.goto(site + "/")
    row = page.locator("table.events tr", has=page.locator(".status-conflict"))
    row.locator("a.event-link").click()
    callout = page.locator("#disagreements")
    assert callout.is_visible()
    text = callout.inner_text()
    assert "40 percent" in text and "60 percent" in text
    callout.get_by_role("link", name="in the coverage matrix").first.click()
    conflict_row = page.locator("table.matrix tr.row-conflict").first
    assert conflict_row.is_visible()
    cells = conflict_row.locator("td.cell.disagrees")
    assert cells.count() >= 2 and "60 percent" in conflict_row.inner_text()


def test_filter_quotes_by_speaker(page, site):
    treaty = _treaty(site)
    halder = next(g for g in treaty["quotes"] if g["speaker"] == "Jonas Halder")
    page.goto(f"{site}/events/{treaty['event']['id']}")
    groups = page.locator(".speaker-group")
    assert groups.count() == len(treaty["quotes"]) > 1
    page.select_option("#speaker-filter", halder["key"])
    visible = page.locator(".speaker-group:visible")
    assert visible.count() == 1
    assert visible.locator("h3").inner_text().startswith("Jonas Halder")
    assert f"speaker={halder['key']}" in page.url
    page.select_option("#speaker-filter", "")
    assert page.locator(".speaker-group:visible").count() == len(treaty["quotes"])


def test_upload_an_article_and_see_it_appear(page, site, tmp_path):
    text = (SAMPLE / "03_kpost_inspection.txt").read_text("utf-8")
    text = text.replace(text.splitlines()[0], "Engineers from both sides begin Brena dam visit")
    text += "\nThe engineers began their first visit to the dam on Thursday, officials said.\n"
    upload = tmp_path / "browser_upload.txt"
    upload.write_text(text, "utf-8")
    before = httpx.get(f"{site}/index.json").json()["articles"]
    page.goto(site + "/add")
    page.set_input_files("#files", str(upload))
    page.get_by_role("button", name="Add").click()
    page.wait_for_url("**/jobs/*")
    link = page.locator("a.new-article")
    link.wait_for(timeout=180_000)
    assert link.inner_text() == "Engineers from both sides begin Brena dam visit"
    assert page.locator("#job-state").text_content() == "done"
    link.click()
    assert page.locator("h1").inner_text() == "Engineers from both sides begin Brena dam visit"
    assert httpx.get(f"{site}/index.json").json()["articles"] == before + 1


def test_hostile_article_runs_nothing(browser, hostile_db, tmp_path):
    app = create_app(copy_store(hostile_db, tmp_path / "h.db"), data_dir=tmp_path / "data")
    with running_server(app) as base:
        corpus = httpx.get(f"{base}/index.json").json()
        paths = ["/"]
        for event in corpus["events"]:
            data = httpx.get(f"{base}{event['href']}.json").json()
            paths += [event["href"], *(a["href"] for a in data["articles"] if "Evil" in a["outlet"])]
        assert len(paths) > 3
        context = browser.new_context()
        tab = context.new_page()
        dialogs: list[str] = []
        tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for path in paths:
            tab.goto(base + path)
            for element in tab.locator("a, b, span, mark, time").all()[:400]:
                element.dispatch_event("mouseover")
            assert tab.evaluate("window.__pwned") is None, path
            assert tab.locator("script:not([src='/static/app.js'])").count() == 0
            assert tab.locator("img, svg, iframe, [onerror], [onload], [onmouseover]").count() == 0
            assert tab.locator("a[href^='javascript:']").count() == 0
        shown = tab.locator("article.text").inner_text()
        assert "<script>window.__pwned = 5</script>" in shown  # shown as text, not run
        context.close()
        assert dialogs == []
