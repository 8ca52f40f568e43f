"""Headless Chromium for tests and for looking at figures (Playwright driving Debian's chromium).

Never downloads a browser: it uses the ``chromium`` on PATH (``apt-get install chromium``).
Tests get a page through the ``browser_page`` fixture (see ``conftest.py``), which fails the
test on any console error, page error or network request outside ``file:``/``data:``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager

# Flags from the workplace notes: without the background-networking ones, Chromium tries to
# reach Google's hosts at start and the closed network refuses it.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--font-render-hinting=none",
]
LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")
SLIDE = {"width": 1920, "height": 1080}


def chromium_path() -> str | None:
    """The chromium executable on PATH, or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextmanager
def launch() -> Iterator[object]:
    """A Playwright Browser on Debian's chromium (raises if either is missing)."""
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        raise RuntimeError("no chromium on PATH: apt-get install chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class WatchedPage:
    """A page that records console errors, page errors and non-local network requests."""

    def __init__(self, browser, viewport: dict | None = None) -> None:
        self.context = browser.new_context(viewport=viewport or SLIDE)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console",
                     lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", self._on_request)

    def _on_request(self, request) -> None:
        if not request.url.startswith(LOCAL_SCHEMES):
            self.requests.append(request.url)

    def assert_clean(self) -> None:
        assert not self.errors, f"console errors: {self.errors}"
        assert not self.requests, f"network requests: {self.requests}"

    def close(self) -> None:
        self.context.close()
