"""The portal in each language, at a desktop and a phone width, in Chromium.

Every customer page speaks the reader's language only (config/tests/purity.py says what
is exempt), names typed per language (categories, plans, teams, boards, KB categories)
follow it, and the header fits: one line at 1366 px, a menu button at 375 px. Screenshots
of the home page, search, an article and the open phone menu go to test-artifacts/.
"""

from datetime import date
from pathlib import Path

import pytest

from community.models import Board
from config.tests.purity import VISIBLE_TEXT_JS, chinese_on_english_screen, english_on_chinese_screen
from helpdesk.models import (
    BusinessCalendar,
    BusinessHours,
    CalendarOverride,
    Category,
    PluginVersion,
    SLAPlan,
    SLATarget,
    Team,
)
from helpdesk.sla.defaults import install_defaults
from helpdesk.tests.factories import PASSWORD, CustomerFactory, OrganizationFactory, submit
from knowledgebase.models import Article, IssueStatus, Kind
from knowledgebase.models import Category as KbCategory
from knowledgebase.tests.factories import article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LANGUAGES = ["en", "zh-hans"]
DESKTOP, PHONE = {"width": 1366, "height": 800}, {"width": 375, "height": 740}


@pytest.fixture
def world(transactional_db):
    # A flush by an earlier transactional test may have removed the seeded plans.
    install_defaults(
        Calendar=BusinessCalendar,
        Hours=BusinessHours,
        Override=CalendarOverride,
        Plan=SLAPlan,
        Target=SLATarget,
    )
    PluginVersion.objects.get_or_create(version="3.2.1", defaults={"released_on": date(2025, 9, 1)})
    category = Category.objects.create(
        name_zh_hans="凭证生成失败", name_en="Voucher generation fails", slug="voucher-generation"
    )
    Team.objects.create(
        name_zh_hans="金蝶对接组", name_en="Kingdee", calendar=SLAPlan.objects.get(tier="advanced").calendar
    ).categories.add(category)
    organization = OrganizationFactory(
        name="华东纺织集团有限公司", sla_plan=SLAPlan.objects.get(tier="advanced")
    )
    customer = CustomerFactory(organization=organization, email="zhao@huadong.example", full_name="赵会计")
    ticket = submit(requester=customer, category=category)
    rules = KbCategory.objects.create(name_zh_hans="凭证规则", name_en="Voucher rules", slug="rules")
    Board.objects.create(
        name_zh_hans="金蝶", name_en="Kingdee", slug="kingdee", description_zh_hans="金蝶云星空的收款凭证。"
    )
    faqs = [
        article(title="How do I reverse a posted voucher?", kind=Kind.FAQ, category=rules, slug="en-reverse"),
        article(title="生成凭证和过账有什么区别？", kind=Kind.FAQ, category=rules, slug="zh-difference"),
    ]
    # Read, the English question most: popular panels exist only once something was read.
    Article.objects.filter(pk=faqs[0].pk).update(view_count=9)
    Article.objects.filter(pk=faqs[1].pk).update(view_count=3)
    guide = article(
        title="凭证规则入门", category=rules, slug="rules-intro", body_md="## 科目\n\n先配置科目。"
    )
    article(
        title="3.2.1 中大批量生成时同步卡在“处理中”",
        kind=Kind.KNOWN_ISSUE,
        slug="issue-sync",
        issue_status=IssueStatus.WORKAROUND,
        workaround_md="分批生成。",
    )
    return {"customer": customer, "ticket": ticket, "guide": guide}


def open_in(page, base: str, language: str, viewport: dict) -> None:
    page.set_viewport_size(viewport)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/account/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")


def foreign_words(page, language: str) -> list[tuple[str, str]]:
    texts = page.evaluate(VISIBLE_TEXT_JS)
    return chinese_on_english_screen(texts) if language == "en" else english_on_chinese_screen(texts)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_portal_page_is_in_the_readers_language_only(page, live_server, world, language):
    base = live_server.url
    open_in(page, base, language, DESKTOP)
    public = [
        "/",
        "/kb/",
        "/kb/category/rules/",
        "/kb/faq/",
        "/kb/videos/",
        "/kb/whats-new/",
        "/kb/known-issues/",
        "/kb/training/",
        world["guide"].get_absolute_url(),
        # Results (their kind badges follow the reader's language; titles and snippets are
        # the writers' words) and the page that finds nothing.
        "/search/?q=凭证规则",
        "/search/?q=zzzz",
        "/community/",
        "/plans/",
        "/account/login/",
        "/account/register/",
        "/account/password-reset/",
    ]
    found = {}
    for path in public:
        page.goto(base + path)
        found[path] = foreign_words(page, language)
    sign_in(page, base, world["customer"].email)
    for path in [
        "/",
        "/submit/",
        "/tickets/",
        world["ticket"].get_absolute_url(),
        "/account/profile/",
        "/plans/",
    ]:
        page.goto(base + path)
        found[f"signed in {path}"] = foreign_words(page, language)
    # The details form with every hint the quality meter gives for an empty description.
    page.goto(f"{base}/submit/")
    page.select_option("#id_category", str(Category.objects.get(slug="voucher-generation").pk))
    page.fill("#id_subject", "收款单生成凭证失败")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{base}/submit/details/")
    page.click("#details-form button[type=submit]")
    page.wait_for_load_state()
    found["details form with errors"] = foreign_words(page, language)
    assert {where: words for where, words in found.items() if words} == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_translated_names_follow_the_reader_and_popular_questions_start_in_their_language(
    page, live_server, world, language
):
    base = live_server.url
    open_in(page, base, language, DESKTOP)
    page.goto(f"{base}/")
    kb_panel = page.locator("#categories-title + ul").inner_text()
    questions = page.locator("#faq-title + ul li").all_inner_texts()
    sign_in(page, base, world["customer"].email)
    status = page.locator(".status-line").inner_text()
    if language == "en":
        assert "Voucher rules" in kb_panel and "凭证规则" not in kb_panel
        assert questions[0] == "How do I reverse a posted voucher?"
        assert "(Advanced)" in status
    else:
        assert "凭证规则" in kb_panel and "Voucher rules" not in kb_panel
        # The English question has more views, but a Chinese reader sees theirs first.
        assert questions[0] == "生成凭证和过账有什么区别？"
        assert "（高级）" in status or "(高级)" in status


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_header_keeps_to_one_line_on_a_desktop(page, live_server, world, language):
    base = live_server.url
    open_in(page, base, language, DESKTOP)
    for signed_in in (False, True):
        if signed_in:
            sign_in(page, base, world["customer"].email)
        page.goto(f"{base}/kb/")
        tops = page.evaluate(
            """() => [...document.querySelectorAll('.brand, .main-nav li, .header-tools > *')]
                 .filter(el => el.offsetParent !== null)
                 .map(el => Math.round(el.getBoundingClientRect().top + el.getBoundingClientRect().height / 2))"""
        )
        assert max(tops) - min(tops) <= 4, f"header wraps ({language}, signed in: {signed_in}): {tops}"
        assert not page.locator(".menu-toggle").is_visible()


@pytest.mark.parametrize("language", LANGUAGES)
def test_on_a_phone_the_menu_folds_behind_a_button_that_opens_it(
    page, live_server, world, language, screenshot_dir: Path
):
    base = live_server.url
    open_in(page, base, language, PHONE)
    sign_in(page, base, world["customer"].email)
    toggle = page.locator(".menu-toggle")
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator(".main-nav").is_visible()
    assert page.locator(".site-header").bounding_box()["height"] < 70
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.locator(".main-nav a[href='/tickets/']").is_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(screenshot_dir / f"languages-menu-open-{language}-375.png"))
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator(".main-nav").is_visible()


def test_without_javascript_the_phone_menu_stays_open(browser, live_server, world):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    assert page.locator(".main-nav a[href='/kb/']").is_visible()
    assert not page.locator(".menu-toggle").is_visible()
    context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_tables_become_cards_on_a_phone_and_keep_their_column_names(page, live_server, world, language):
    base = live_server.url
    open_in(page, base, language, PHONE)
    page.goto(f"{base}/kb/known-issues/")
    labels = page.evaluate(
        """() => [...document.querySelectorAll('table.kb-issues tbody tr:first-child td')]
             .map(td => getComputedStyle(td, '::before').content)"""
    )
    expected = ["Issue", "Affected versions", "Status", "Fixed in"] if language == "en" else None
    assert len(labels) == 4 and all(label not in ("none", '""') for label in labels)
    if expected:
        assert labels == [f'"{name}"' for name in expected]
    sign_in(page, base, world["customer"].email)
    page.goto(f"{base}/tickets/")
    ticket_labels = page.evaluate(
        """() => [...document.querySelectorAll('table.tickets tbody tr:first-child td')]
             .map(td => getComputedStyle(td, '::before').content)"""
    )
    assert ticket_labels and all(label not in ("none", '""') for label in ticket_labels)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "375"])
def test_the_footer_sits_at_the_bottom_of_a_short_page(page, live_server, world, viewport):
    base = live_server.url
    open_in(page, base, "en", {**viewport, "height": 1400})
    page.goto(f"{base}/account/password-reset/")
    bottom = page.evaluate("() => document.querySelector('.site-footer').getBoundingClientRect().bottom")
    assert abs(bottom - 1400) <= 1


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "375"])
def test_screenshots_of_home_search_and_an_article(
    page, live_server, world, language, viewport, screenshot_dir
):
    base = live_server.url
    open_in(page, base, language, viewport)
    width = viewport["width"]
    for name, path in [
        ("home", "/"),
        ("search", "/search/?q=凭证"),
        ("article", world["guide"].get_absolute_url()),
    ]:
        page.goto(base + path)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width, (
            f"{name} scrolls sideways"
        )
        page.screenshot(path=str(screenshot_dir / f"languages-{name}-{language}-{width}.png"), full_page=True)


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "Choose “Yes” or “No”, then send your feedback."), ("zh-hans", "请选择“是”或“否”，再提交反馈。")],
)
def test_feedback_without_yes_or_no_says_so_and_keeps_the_comment(
    page, live_server, world, language, message
):
    base = live_server.url
    open_in(page, base, language, PHONE)
    page.goto(base + world["guide"].get_absolute_url())
    page.fill("#feedback textarea", "缺一张截图")
    page.click("#feedback button[type=submit]")
    page.wait_for_load_state()
    assert message in page.locator("#feedback").inner_text()
    assert page.locator("#feedback textarea").input_value() == "缺一张截图"
    page.check("#feedback input[value=yes]")
    page.click("#feedback button[type=submit]")
    page.wait_for_url("**#feedback")
    assert world["guide"].feedback.get().comment == "缺一张截图"
