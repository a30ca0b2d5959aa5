import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seeded(live_server):
    call_command("seed_kb", verbosity=0)
    # TransactionTestCase flushes Django's tables but not the FTS table: rebuild from the documents.
    from search.services import rebuild_fulltext

    rebuild_fulltext()
    return live_server


@pytest.mark.parametrize("width", [1280, 375])
def test_search_suggestions_and_results_page(page, seeded, screenshot_dir, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{seeded.url}/kb/")
    page.fill("#kb-q", "科目不存在")
    panel = page.locator("#kb-suggest-panel")
    panel.locator("a").first.wait_for()
    assert "科目不存在" in panel.inner_text()
    assert panel.locator("mark").count() >= 1
    page.screenshot(path=str(screenshot_dir / f"kb-suggest-{width}.png"), full_page=False)

    page.press("#kb-q", "Enter")
    page.wait_for_url("**/search/?q=*")
    first = page.locator(".kb-result h2 a").first
    assert "科目不存在" in first.inner_text()
    assert page.locator(".kb-snippet mark, .kb-result h2 mark").count() >= 1
    page.screenshot(path=str(screenshot_dir / f"kb-search-{width}.png"), full_page=True)

    first.click()
    page.wait_for_url("**/kb/a/kingdee-account-missing/")
    assert page.locator("h1").inner_text() == "金蝶：凭证生成失败，提示科目不存在"
    page.screenshot(path=str(screenshot_dir / f"kb-article-{width}.png"), full_page=True)


def test_search_respects_chinese_synonyms_in_the_browser(page, seeded):
    page.goto(f"{seeded.url}/search/?q=记账")
    titles = page.locator(".kb-result h2 a").all_inner_texts()
    assert any("过账" in t for t in titles)
