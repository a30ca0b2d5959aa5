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


# (slug, title, summary, what the video is about, clip). The transcript of each video is the
# topic sentence and its caption track written out step by step.
TUTORIALS = [
    (
        "video-install",
        "视频：在知识库里找到插件安装步骤",
        "从门户首页进入知识库，打开安装指南。",
        "本视频演示如何在快响服务门户中找到收款凭证插件的安装指南：下载、安装、在 ERP 中启用。",
        Clip(
            slug="video-install",
            steps=[
                ("打开快响服务门户首页", _go("/")),
                ("进入知识库，按分类浏览文章", _go("/kb/")),
                ("打开「安装收款凭证插件」", _go("/kb/a/install-plugin/")),
            ],
            poster_after_step=2,
        ),
    ),
    (
        "video-rules",
        "视频：搜索凭证规则的配置说明",
        "在搜索页输入「凭证规则」，找到科目、方向与辅助核算的说明。",
        "本视频演示如何搜索凭证规则的说明：科目、方向、辅助核算、摘要模板，以及如何按客户合并凭证。",
        Clip(
            slug="video-rules",
            steps=[
                ("打开搜索页", _go("/search/")),
                ("输入「凭证规则」并搜索", _type("#kb-q", "凭证规则", enter=True)),
                ("打开「凭证规则基础」", _go("/kb/a/rule-basics/")),
            ],
            poster_after_step=1,
        ),
    ),
    (
        "video-red-reversal",
        "视频：红字冲销已过账凭证，找不到答案时提交工单",
        "搜索「红冲」找到操作步骤；仍未解决时，登录后提交工单。",
        "演示在 U8 和金蝶中对已过账的收款凭证做红字冲销：先在知识库搜索，仍未解决再提交工单。",
        Clip(
            slug="video-red-reversal",
            steps=[
                ("搜索「红冲」", _go("/search/?q=%E7%BA%A2%E5%86%B2")),
                ("打开红字冲销的操作步骤", _go("/kb/a/u8-red-reversal/")),
                ("仍未解决：用演示账号登录", _sign_in("customer@example.com")),
                ("打开「提交工单」，先用一句话概括问题", _go("/submit/")),
                ("输入概述后，系统会先推荐相关文章", _type("#id_subject", "已过账的收款凭证需要红字冲销")),
            ],
            poster_after_step=4,
        ),
    ),
]


def transcript(topic: str, clip: Clip) -> str:
    steps = "\n".join(f"{n}. {caption}" for n, (caption, _) in enumerate(clip.steps, 1))
    return f"{topic}\n\n{steps}"
