"""End to end in Chromium: a customer asks, another answers, staff answers, the author accepts a
solution, and the topic shows up in the submission wizard's suggestions. Screenshots in both
languages at desktop and phone width; axe-core finds no serious or critical issue."""

from pathlib import Path

import pytest
from django.core.cache import cache

from community.models import FlagReason, Topic
from community.services import flags, limits, posting
from helpdesk.models import BusinessCalendar, BusinessHours, CalendarOverride, SLAPlan, SLATarget
from helpdesk.roles import sync_roles
from helpdesk.sla.defaults import install_defaults
from helpdesk.tests.factories import (
    PASSWORD,
    AgentFactory,
    CategoryFactory,
    CustomerFactory,
    OrganizationFactory,
)

from .factories import make_board

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
TITLE = "U8 已过账的收款凭证怎么红冲？"
LANGUAGES = ["zh-hans", "en"]


@pytest.fixture
def browser_context_args(browser_context_args):
    # The site's CSP forbids inline scripts, which is how axe gets into the page.
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def forum(transactional_db):
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `bash scripts/browser-deps.sh` (npm install)")
    # A flush by an earlier transactional test may have removed seeded rows: put them back.
    install_defaults(
        Calendar=BusinessCalendar,
        Hours=BusinessHours,
        Override=CalendarOverride,
        Plan=SLAPlan,
        Target=SLATarget,
    )
    sync_roles()
    cache.clear()
    org = OrganizationFactory(name="深圳前海物流")
    board = make_board(name="用友 Yonyou", slug="yonyou", description="用友 U8、NC 的凭证生成、过账与红冲。")
    make_board(name="SAP · Oracle (English)", slug="international")
    people = {
        "asker": CustomerFactory(organization=org, email="sun@qianhai.example", full_name="孙出纳"),
        "helper": CustomerFactory(email="liu@huadong.example", full_name="刘财务"),
        "agent": AgentFactory(email="chen@vendor.example", full_name="陈工"),
    }
    category = CategoryFactory(name="过账 Posting")
    return board, people, category


def context_for(browser, base: str, language: str = "en", width: int = 1280):
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 900})
    context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    return context


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/account/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")


def violations(page) -> list[str]:
    """Serious or critical axe findings, plus sideways scrolling."""
    width, viewport = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    scrolls = [f"page scrolls sideways: {width} px content in {viewport} px"] if width > viewport else []
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}});
            return result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`);
        }"""
    )
    return scrolls + found


def test_ask_answer_accept_and_find_it_in_the_wizard(browser, live_server, forum, screenshot_dir: Path):
    board, people, category = forum
    base = live_server.url

    # A customer asks; "similar topics" reads the shared search while they type.
    asker = context_for(browser, base)
    page = asker.new_page()
    sign_in(page, base, people["asker"].email)
    page.goto(f"{base}/community/new/?board={board.slug}")
    page.fill("#id_title", TITLE)
    page.fill(
        "#id_body",
        "我们用的是用友 U8 V13，上个月有一张收款凭证金额录错了，已经过账。\n\n请问在插件里怎么做**红字冲销**？",
    )
    page.screenshot(path=str(screenshot_dir / "community-e2e-ask-en-1280.png"), full_page=True)
    page.click("main form[data-once] button[type=submit]")
    page.wait_for_url(f"{base}/community/t/*/")
    topic = Topic.objects.get(title=TITLE)
    assert TITLE in page.locator("h1").inner_text()

    # Another customer answers.
    helper = context_for(browser, base)
    other = helper.new_page()
    sign_in(other, base, people["helper"].email)
    other.goto(f"{base}{topic.get_absolute_url()}")
    other.fill("#id_body", "我们之前是在 U8 总账里手工做了一张红字凭证，不过插件里好像有专门的按钮？")
    other.click("#reply button[type=submit]")
    other.wait_for_selector("#post-2")

    # Staff answer, with the badge.
    staff = context_for(browser, base)
    agent = staff.new_page()
    sign_in(agent, base, people["agent"].email)
    agent.goto(f"{base}{topic.get_absolute_url()}")
    agent.fill(
        "#id_body",
        "您好，已过账的凭证不要删除收款单：\n\n1. 在插件「收款单」列表中点击 **生成红冲凭证**\n2. 在 U8 总账中审核并过账这张红字凭证",
    )
    agent.click("#reply button[type=submit]")
    agent.wait_for_selector("#post-3")
    assert "Support agent" in agent.locator("#post-3 .post-head").inner_text()

    # The author accepts the staff answer; it now stands right under the question.
    page.goto(f"{base}{topic.get_absolute_url()}")
    page.click("#post-3 .btn-solve")
    page.wait_for_selector("#solution")
    assert "生成红冲凭证" in page.locator("#solution").inner_text()
    topic.refresh_from_db()
    assert topic.is_solved and topic.solution.number == 3

    # The submission wizard suggests the solved topic beside articles and FAQs.
    page.goto(f"{base}/submit/")
    page.select_option("#id_category", str(category.pk))
    page.fill("#id_subject", "U8 已过账凭证怎么红冲")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/submit/suggestions/")
    assert TITLE in page.locator("main").inner_text()
    page.screenshot(path=str(screenshot_dir / "community-wizard-suggests-topic-en-1280.png"), full_page=True)
    for context in (asker, helper, staff):
        context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_forum_pages_look_right_and_are_accessible(
    browser, live_server, forum, language, screenshot_dir: Path
):
    board, people, _category = forum
    base = live_server.url
    topic = posting.create_topic(
        board=board,
        author=people["asker"],
        title=TITLE,
        body="我们用的是用友 U8 V13，已经过账的收款凭证金额录错了，怎么在插件里红冲？",
    )
    answer = posting.create_reply(
        topic=topic, author=people["agent"], body="在插件收款单列表里点“生成红冲凭证”，再到总账审核过账。"
    )
    limits.reset(user_id=people["asker"].pk)
    spam = posting.create_reply(
        topic=topic, author=people["helper"], body="低价代开发票，加微信 fapiao888 了解一下"
    )
    flags.flag_post(post=spam, user=people["asker"], reason=FlagReason.SPAM)
    first = topic.posts.get(number=1)
    pages = {
        "latest": "/community/",
        "topic": topic.get_absolute_url(),
        "board": board.get_absolute_url(),
        "solved": "/community/solved/",
        "search": "/community/search/?q=红冲",
        "ask": "/community/new/",
        "flag": f"/community/p/{answer.pk}/flag/",
        "edit": f"/community/p/{first.pk}/edit/",
        "history": f"/community/p/{first.pk}/history/",
        "escalate": f"/community/t/{topic.pk}/escalate/",
        "member": "/community/u/sun/",
        "mine": "/community/mine/",
    }
    checked = {}
    for width in (1280, 375):
        context = context_for(browser, base, language, width)
        page = context.new_page()
        page.goto(base + "/community/")
        checked[f"anonymous latest {width}"] = violations(page)
        sign_in(page, base, people["asker"].email)
        for name, path in pages.items():
            page.goto(base + path)
            assert page.locator("main").count() == 1
            page.screenshot(
                path=str(screenshot_dir / f"community-{name}-{language}-{width}.png"), full_page=True
            )
            checked[f"{name} {width}"] = violations(page)
        context.close()
    assert {where: found for where, found in checked.items() if found} == {}
