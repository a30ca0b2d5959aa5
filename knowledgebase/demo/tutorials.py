"""The demo's three video tutorials: what each records (the product's own pages) and its captions."""

from helpdesk.demo.data import DEMO_PASSWORD

from .recordings import Clip


def _go(path: str):
    def action(page, base: str) -> None:
        page.goto(base + path, wait_until="load")

    return action


def _type(selector: str, text: str, *, enter: bool = False):
    def action(page, base: str) -> None:
        page.click(selector)
        page.type(selector, text, delay=90)
        if enter:
            page.press(selector, "Enter")
            page.wait_for_load_state("load")

    return action


def _sign_in(email: str):
    def action(page, base: str) -> None:
        page.goto(base + "/account/login/", wait_until="load")
        page.fill("#id_username", email)
        page.fill("#id_password", DEMO_PASSWORD)
        with page.expect_navigation():
            page.press("#id_password", "Enter")

    return action


# (slug, title, summary, clip). The transcript of each video is its captions, written out.
TUTORIALS = [
    (
        "video-portal-tour",
        "视频：一分钟认识快响服务门户",
        "从首页进入知识库和常见问题，找到自助答案。",
        Clip(
            slug="video-portal-tour",
            steps=[
                ("打开快响服务门户首页", _go("/")),
                ("进入知识库，按分类浏览文章", _go("/kb/")),
                ("查看常见问题", _go("/kb/faq/")),
            ],
        ),
    ),
    (
        "video-search",
        "视频：用错误代码搜索答案",
        "在搜索框输入错误代码，直接找到对应的文章和常见问题。",
        Clip(
            slug="video-search",
            steps=[
                ("打开搜索页", _go("/search/")),
                ("输入界面上显示的错误代码 ERR-4012", _type("#kb-q", "ERR-4012", enter=True)),
                ("查看匹配的文章与常见问题", _go("/search/?q=ERR-4012")),
            ],
            poster_after_step=2,
        ),
    ),
    (
        "video-submit",
        "视频：提交一张描述完整的工单",
        "登录后先用一句话概括问题，系统会先推荐可能的答案。",
        Clip(
            slug="video-submit",
            steps=[
                ("用演示账号登录", _sign_in("customer@example.com")),
                ("打开「提交工单」", _go("/submit/")),
                (
                    "先用一句话概括问题，系统会先推荐相关文章",
                    _type("#id_subject", "金蝶生成收款凭证提示科目不存在"),
                ),
            ],
            poster_after_step=2,
        ),
    ),
]
