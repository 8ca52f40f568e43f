"""Shared pytest settings: hypothesis profiles (CI runs the same number of examples), and
the headless-Chromium fixtures (skipped cleanly when chromium or playwright is missing)."""

import pytest
from browser import WatchedPage, chromium_path, launch
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
settings.load_profile("default")


@pytest.fixture(scope="session")
def chromium_browser():
    """One headless Chromium for the whole session."""
    if chromium_path() is None:
        pytest.skip("no chromium on PATH (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with launch() as browser:
        yield browser


@pytest.fixture
def browser_page(chromium_browser):
    """A 1920x1080 page; the test fails on console errors or network requests."""
    watched = WatchedPage(chromium_browser)
    yield watched.page
    try:
        watched.assert_clean()
    finally:
        watched.close()
