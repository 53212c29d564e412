"""The system's headless Chromium for browser tests, driven by Playwright.

The Debian package ``chromium`` (or ``RESCUEWATCH_CHROMIUM``, another binary); Playwright's own
browser download is never used. A test skips when Playwright or a Chromium binary is missing.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "/usr/bin/chromium",
              "/usr/lib/chromium/chromium")


def chromium_binary() -> str | None:
    env = os.environ.get("RESCUEWATCH_CHROMIUM")
    if env:
        return env
    for name in CANDIDATES:
        found = shutil.which(name) or (name if os.path.isfile(name) else None)
        if found:
            return found
    return None


@contextmanager
def launched_chromium() -> Iterator[Any]:
    """A launched headless Chromium (a Playwright ``Browser``), closed after the block."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    exe = chromium_binary()
    if exe is None:
        pytest.skip("no Chromium binary found (apt-get install chromium, or set "
                    "RESCUEWATCH_CHROMIUM); Playwright's browser download is not used")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()
