"""The report in a real headless Chromium, offline: map drawn, charts shown, nothing fetched.

Uses the system's Chromium (Debian package ``chromium``; set ``RESCUEWATCH_CHROMIUM`` to
another binary); Playwright's own browser download is never used. Skips when neither
Playwright nor a Chromium binary is available.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rescuewatch.report.build import write_report
from rescuewatch.report.sections import ReportOptions
from rescuewatch.store import Store
from tests.browser import launched_chromium
from tests.report.factory import HOSTILE, build_store

pytestmark = pytest.mark.browser

@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched_chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    store = Store.open(f"sqlite:///{folder / 'store.db'}")
    try:
        build_store(store)
        write_report(store, folder / "report.html", seed=1, options=ReportOptions(permutations=99))
    finally:
        store.dispose()
    return folder / "report.html"


def test_report_renders_offline(browser: Any, report_file: Path, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_offline(True)
    page = context.new_page()
    problems: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))

    def on_dialog(dialog: Any) -> None:
        problems.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("request", lambda r: requests.append(r.url))
    page.goto(report_file.as_uri())
    page.wait_for_selector("#map[data-ready]", timeout=20_000)

    assert page.locator("#map.leaflet-container").count() == 1
    assert page.locator("path.rw-country").count() > 200  # the basemap's countries
    markers = int(page.get_attribute("#map", "data-markers") or 0)
    assert markers > 0
    assert page.locator(".rw-marker").count() + page.locator(".rw-cluster").count() == markers
    shown = int(page.get_attribute("#map", "data-incidents-shown") or 0)
    assert shown > 0
    assert page.locator("svg.chart rect").count() > 10
    assert page.locator("#near-repeat table.heat td").count() > 10

    # Hiding context events leaves only the incidents with protected victims.
    page.uncheck("#show-context")
    assert int(page.get_attribute("#map", "data-incidents-shown") or 0) < shown
    page.check("#show-context")

    # Every single-incident popup shows store text as text: the hostile place name appears
    # literally and no script from it runs.
    texts = []
    for k in range(page.locator("path.rw-marker").count()):
        page.locator("path.rw-marker").nth(k).dispatch_event("click")
        texts.append(page.locator(".leaflet-popup-content").inner_text())
    assert any(HOSTILE in t for t in texts)

    # Zoom into a group (a click zooms in) until single incidents appear, and read them: an
    # alleged perpetrator is always shown with the sources alleging it.
    for _ in range(8):
        if page.locator(".rw-cluster").count() == 0:
            break
        page.locator(".rw-cluster").first.dispatch_event("click")
        page.wait_for_timeout(400)
    for k in range(page.locator("path.rw-marker").count()):
        page.locator("path.rw-marker").nth(k).dispatch_event("click")
        texts.append(page.locator(".leaflet-popup-content").inner_text())
    alleged = [line for t in texts for line in t.splitlines() if line.startswith("Alleged")]
    assert alleged and all(", alleged by " in line for line in alleged)

    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    context.close()

    assert problems == []
    assert all(u.startswith(("file:", "data:", "about:")) for u in requests), requests
    _assert_not_blank(shot)


def _assert_not_blank(path: Path) -> None:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    with Image.open(path) as img:
        assert img.width >= 1280 and img.height > 2000
        colours = img.convert("RGB").resize((200, 400)).getcolors(maxcolors=100_000)
    assert colours is not None and len(colours) > 50  # text, map and charts, not a flat page


def test_empty_report_renders(browser: Any, tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        write_report(store, tmp_path / "empty.html", seed=0)
    finally:
        store.dispose()
    context = browser.new_context()
    context.set_offline(True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto((tmp_path / "empty.html").as_uri())
    page.wait_for_selector("#map[data-ready]", timeout=20_000)
    assert page.locator("path.rw-country").count() > 200
    assert page.get_attribute("#map", "data-markers") == "0"
    context.close()
    assert errors == []
