"""Swagger UI and ReDoc in a real browser: they render the whole schema from this site's own
files under the strict CSP, and no request leaves the site."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _watch(page, origin: str) -> tuple[list[str], list[str]]:
    outside, problems = [], []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith((origin, "data:", "blob:")) else None,
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda m: problems.append(m.text) if m.type == "error" and "favicon" not in m.text else None,
    )
    return outside, problems


def test_swagger_ui_renders_every_resource_from_local_files(page, live_server, screenshot_dir):
    outside, problems = _watch(page, live_server.url)
    page.goto(f"{live_server.url}/api/docs/", wait_until="networkidle")
    page.wait_for_selector("#operations-tickets-tickets_create", timeout=20_000)
    tags = {
        page.locator(".opblock-tag").nth(n).inner_text().strip()
        for n in range(page.locator(".opblock-tag").count())
    }
    assert {"tickets", "kb", "forum", "reports", "search", "attachments"} <= tags
    page.locator("#operations-tickets-tickets_create .opblock-summary").click()
    page.wait_for_selector("#operations-tickets-tickets_create .opblock-body")
    assert "Idempotency-Key" in page.locator("#operations-tickets-tickets_create").inner_text()
    page.screenshot(path=str(screenshot_dir / "api-swagger.png"))
    assert outside == [] and problems == []


def test_redoc_renders_the_schema_and_blocks_only_its_outside_logo(page, live_server, screenshot_dir):
    outside, problems = _watch(page, live_server.url)
    page.goto(f"{live_server.url}/api/redoc/", wait_until="networkidle")
    page.wait_for_selector(".api-content h1", timeout=30_000)
    assert "Kuaixiang" in page.locator(".api-content h1").first.inner_text()
    assert page.locator("text=Open a ticket (JSON, or multipart with files)").count() >= 1
    page.screenshot(path=str(screenshot_dir / "api-redoc.png"))
    # ReDoc's footer names a logo on its vendor's host; the CSP blocks it, nothing else leaves.
    assert all(url.startswith("https://cdn.redoc.ly/") for url in outside), outside
    assert [p for p in problems if "cdn.redoc.ly" not in p and "404" not in p] == []
