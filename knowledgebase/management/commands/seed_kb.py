"""manage.py seed_kb — idempotent demo content for the knowledge base (run again: nothing doubles)."""

from datetime import date, timedelta

from django.conf import settings
from django.core.files import File
from django.core.management.base import BaseCommand
from django.db import transaction

from core import clock
from helpdesk.models import PluginVersion
from knowledgebase.demo import known_issues as known_issues_demo
from knowledgebase.demo import recordings
from knowledgebase.demo.articles import (
    CATEGORY_NAMES_EN,
    MORE_ARTICLES,
    MORE_CATEGORIES,
    MORE_ISSUES,
    MORE_RELEASES,
    MORE_VERSIONS,
)
from knowledgebase.demo.tutorials import TUTORIALS, transcript
from knowledgebase.models import (
    Article,
    ArticleStatus,
    Category,
    IssueStatus,
    Kind,
    TrainingSession,
    Visibility,
)
from knowledgebase.services.articles import index_article, save_article, set_tags
from knowledgebase.services.importer import category_for_path
from knowledgebase.services.videos import attach_file
from search.models import Synonym

VERSIONS = [("3.0.0", date(2024, 9, 2)), ("3.0.1", date(2024, 10, 15)), ("3.1.0", date(2025, 1, 6)),
            ("3.2.0", date(2025, 6, 3)), ("3.2.1", date(2025, 9, 22))]  # fmt: skip

CATEGORIES = ["快速入门", "对接/金蝶", "对接/用友", "对接/SAP", "凭证规则", "常见错误"]

# (slug, kind, category, title, tags, body)
ARTICLES = [
    (
        "install-plugin",
        Kind.ARTICLE,
        "快速入门",
        "安装收款凭证插件",
        ["安装"],
        "## 步骤\n\n1. 下载插件安装包\n2. 以管理员身份运行安装程序\n3. 在 ERP 中启用插件并重启客户端\n\n安装完成后在“收款单”菜单中可以看到 **生成凭证** 按钮。",
    ),
    (
        "first-voucher",
        Kind.ARTICLE,
        "快速入门",
        "生成第一张收款凭证",
        ["凭证", "入门"],
        "选择一张已审核的收款单，点击 **生成凭证**，插件会按凭证规则生成凭证并显示凭证号。",
    ),
    (
        "quick-start-en",
        Kind.ARTICLE,
        "快速入门",
        "Quick start: posting your first receipt voucher",
        ["voucher"],
        "Approve a receipt, click **Generate voucher**, then check the voucher in the general ledger before posting.",
    ),
    (
        "kingdee-account-missing",
        Kind.ARTICLE,
        "对接/金蝶",
        "金蝶：凭证生成失败，提示科目不存在",
        ["金蝶", "科目", "K3"],
        "## 现象\n\n生成凭证时报错 `ERR-4012: 科目 1122 不存在或已禁用`。\n\n## 原因\n\n凭证规则中引用的科目在当前账套中不存在或已禁用。\n\n## 解决\n\n1. 在金蝶 K/3 Cloud 中检查科目 1122 是否启用\n2. 在插件的 **凭证规则** 中重新选择科目\n3. 重新生成凭证",
    ),
    (
        "kingdee-voucher-word",
        Kind.ARTICLE,
        "对接/金蝶",
        "K3 Cloud 凭证字设置为“收”",
        ["金蝶", "K3", "凭证字"],
        "在 K3 Cloud 的凭证字设置中新增“收”，并在插件设置中选择它。",
    ),
    (
        "kingdee-period-closed",
        Kind.FAQ,
        "对接/金蝶",
        "金蝶提示“会计期间已结账”无法生成凭证怎么办？",
        ["金蝶", "结账"],
        "凭证日期所在期间已结账。请反结账或把凭证日期改到未结账期间后重试。",
    ),
    (
        "u8-receivable-module",
        Kind.ARTICLE,
        "对接/用友",
        "U8 收款单无法生成凭证：应收模块未启用",
        ["用友", "U8"],
        "用友 U8 V13 需要先启用 **应收款管理** 模块，并完成期初设置。",
    ),
    (
        "u8-posting",
        Kind.FAQ,
        "对接/用友",
        "U8 中生成的凭证如何过账？",
        ["用友", "U8", "过账"],
        "在总账 → 凭证 → 记账 中选择插件生成的凭证批量记账（过账）。",
    ),
    (
        "u8-red-reversal",
        Kind.ARTICLE,
        "对接/用友",
        "U8 红字冲销已过账的收款凭证",
        ["用友", "红冲", "红字冲销"],
        "对已过账凭证不能直接删除：在插件中选择原收款单，点击 **红字冲销**，生成金额相反的红字凭证。",
    ),
    (
        "sap-bapi-error",
        Kind.ARTICLE,
        "对接/SAP",
        "SAP：BAPI_ACC_DOCUMENT_POST 返回错误",
        ["SAP", "BAPI"],
        "检查返回消息中的 `RETURN` 表：常见原因是成本中心缺失或过账期间关闭（OB52）。",
    ),
    (
        "sap-posting-period",
        Kind.FAQ,
        "对接/SAP",
        "SAP 提示过账期间未打开怎么办？",
        ["SAP", "过账"],
        "请财务在 OB52 中打开对应期间后重试。",
    ),
    (
        "rule-basics",
        Kind.ARTICLE,
        "凭证规则",
        "凭证规则：科目、辅助核算与摘要",
        ["凭证规则", "科目"],
        "凭证规则决定每一行分录的科目、方向、金额来源、辅助核算和摘要模板。",
    ),
    (
        "rule-summary-template",
        Kind.FAQ,
        "凭证规则",
        "凭证摘要可以包含客户名称吗？",
        ["凭证规则", "摘要"],
        "可以。在摘要模板中使用 `{客户名称}` 和 `{收款单号}` 占位符。",
    ),
    (
        "rule-merge",
        Kind.FAQ,
        "凭证规则",
        "多张收款单能合并生成一张凭证吗？",
        ["凭证规则", "合并"],
        "可以。在凭证规则中勾选 **按客户合并**，同一客户同一天的收款单会合并成一张凭证。",
    ),
    (
        "err-voucher-failed",
        Kind.FAQ,
        "常见错误",
        "点击生成凭证没有反应或提示凭证生成失败？",
        ["凭证生成失败"],
        "先查看插件日志（帮助 → 导出日志）。最常见的原因是科目不存在、期间已结账或网络中断。",
    ),
    (
        "err-duplicate",
        Kind.FAQ,
        "常见错误",
        "同一张收款单生成了两张凭证怎么办？",
        ["重复凭证"],
        "删除多余的未过账凭证；若已过账，请用红冲处理。3.2.1 已修复重复生成问题。",
    ),
    (
        "err-amount-mismatch",
        Kind.FAQ,
        "常见错误",
        "凭证借贷不平衡如何处理？",
        ["借贷不平"],
        "检查凭证规则中手续费行的金额来源，确保借贷合计相等。",
    ),
    (
        "err-timeout",
        Kind.FAQ,
        "常见错误",
        "生成凭证时提示连接超时？",
        ["超时", "网络"],
        "检查插件服务器与 ERP 服务器之间的网络，必要时把超时时间调到 60 秒。",
    ),
    (
        "err-permission",
        Kind.FAQ,
        "常见错误",
        "提示“没有凭证新增权限”？",
        ["权限"],
        "请 ERP 管理员为当前用户授予总账凭证新增权限。",
    ),
    (
        "err-currency",
        Kind.FAQ,
        "常见错误",
        "外币收款单生成凭证汇率不对？",
        ["外币", "汇率"],
        "插件使用收款日期的汇率，请确认 ERP 中当天汇率已维护。",
    ),
    (
        "agents-debug-log",
        Kind.ARTICLE,
        "常见错误",
        "内部：如何读取插件调试日志",
        ["日志"],
        "仅限支持人员：打开 `debug=true` 后日志中会输出每一行分录的计算过程。",
    ),
    (
        "customers-license",
        Kind.FAQ,
        "快速入门",
        "如何查看我们的授权和到期日？",
        ["授权"],
        "登录门户后在 **账户 → 授权** 中查看。",
    ),
    (
        "posting-vs-generating",
        Kind.FAQ,
        "凭证规则",
        "生成凭证和过账有什么区别？",
        ["过账", "凭证"],
        "生成凭证只是把收款单变成凭证；过账（记账）后凭证才进入总账余额。",
    ),
    (
        "en-faq-reversal",
        Kind.FAQ,
        "凭证规则",
        "How do I reverse a posted receipt voucher?",
        ["reversal", "红冲"],
        "Use **Red reversal** (红冲) in the plugin: it creates an offsetting voucher instead of deleting the posted one.",
    ),
    (
        "oracle-gl-interface",
        Kind.ARTICLE,
        "对接/SAP",
        "Oracle EBS: posting through the GL interface",
        ["Oracle"],
        "Vouchers are written to `GL_INTERFACE` and imported by the Journal Import program.",
    ),
]
RELEASES = {
    "3.0.0": "- 全新凭证规则引擎\n- 支持金蝶云星空与用友 U8",
    "3.0.1": "- 修复：外币收款单汇率取值错误",
    "3.1.0": "- 新增 SAP 对接（BAPI）\n- 凭证摘要模板支持客户名称",
    "3.2.0": "- 新增按客户合并凭证\n- 红字冲销支持批量操作",
    "3.2.1": "- 修复：网络重试时可能重复生成凭证\n- 提升大批量生成速度",
}
ISSUES = [
    (
        "issue-duplicate-vouchers",
        "网络重试时可能重复生成凭证",
        ["3.2.0"],
        "3.2.1",
        IssueStatus.FIXED,
        "升级前：生成后检查凭证列表，删除重复的未过账凭证。",
    ),
    (
        "issue-k3-attachment",
        "金蝶云星空 8.2 中凭证附件数为 0",
        ["3.2.0", "3.2.1"],
        None,
        IssueStatus.WORKAROUND,
        "在凭证规则中手动设置附件数为收款单附件数。",
    ),
    (
        "issue-sap-long-text",
        "SAP 摘要超过 50 字时被截断",
        ["3.1.0", "3.2.0", "3.2.1"],
        None,
        IssueStatus.INVESTIGATING,
        "暂时缩短摘要模板。",
    ),
]


class Command(BaseCommand):
    help = "Create demo knowledge-base content (idempotent)."

    def handle(self, *args, **options):
        self.seed_content()
        # Recording needs the committed content (a server thread shows it) and no open
        # transaction: it takes tens of seconds the first time.
        self.seed_videos()

    def seed_videos(self) -> None:
        if not settings.KB_DEMO_VIDEOS:
            return
        try:
            recorded = recordings.record([clip for *_, clip in TUTORIALS])
        except recordings.RecordingUnavailable as error:
            self.stderr.write(self.style.WARNING(f"Video tutorials not recorded: {error}"))
            return
        for slug, *_ in TUTORIALS:
            recording = recorded[slug]
            article = Article.objects.select_related("video").get(slug=slug)
            video = getattr(article, "video", None)
            if video is not None and video.size_bytes == recording.video.stat().st_size:
                continue
            with (recording.video.open("rb") as clip_file, recording.poster.open("rb") as poster,
                  recording.captions.open("rb") as captions):  # fmt: skip
                attach_file(article=article, file=File(clip_file, name=recording.video.name),
                            poster=File(poster, name=recording.poster.name),
                            captions=File(captions, name=recording.captions.name))  # fmt: skip
        self.stdout.write(f"Video tutorials: {len(recorded)} recordings (cache: {recordings.cache_dir()})")

    @transaction.atomic
    def seed_content(self) -> None:
        now = clock.now()
        all_versions = [*VERSIONS, *((v, date.fromisoformat(d)) for v, d in MORE_VERSIONS)]
        versions = {
            v: PluginVersion.objects.get_or_create(version=v, defaults={"released_on": d})[0]
            for v, d in all_versions
        }
        for path in [*CATEGORIES, *MORE_CATEGORIES]:
            category_for_path(path)
        for name_zh, name_en in CATEGORY_NAMES_EN.items():
            Category.objects.filter(name_zh_hans=name_zh, name_en__isnull=True).update(name_en=name_en)
        Synonym.objects.get_or_create(terms="红冲, 红字冲销")
        Synonym.objects.get_or_create(terms="过账, 记账")
        articles = [*ARTICLES, *MORE_ARTICLES]
        for i, (slug, kind, category, title, tags, body) in enumerate(articles):
            visibility = Visibility.AGENTS if slug.startswith("agents-") else Visibility.PUBLIC
            if slug.startswith("customers-"):
                visibility = Visibility.CUSTOMERS
            self.upsert(slug, now - timedelta(days=len(articles) + 30 - i), kind=kind, category=category,
                        title=title, body_md=body, tags=tags, visibility=visibility)  # fmt: skip
        for i, (slug, title, summary, topic, clip) in enumerate(TUTORIALS):
            # The article exists even where the clip cannot be recorded (no Chromium): its
            # transcript is real; seed_videos attaches the recording.
            article = self.upsert(slug, now - timedelta(days=20 - i), kind=Kind.VIDEO, category="快速入门",
                                  title=title, summary=summary, body_md=transcript(topic, clip), tags=["视频"])  # fmt: skip
            if getattr(article, "video", None) is not None and article.video.is_embed:
                article.video.delete()  # an earlier demo's placeholder embed
        for version, body in {**RELEASES, **MORE_RELEASES}.items():
            self.upsert(f"release-{version.replace('.', '-')}", now - timedelta(days=5), kind=Kind.RELEASE_NOTE, category=None,
                        title=f"插件 {version} 更新说明", body_md=body, release_version=versions[version])  # fmt: skip
        for slug, title, affected, fixed, status, workaround in [*ISSUES, *MORE_ISSUES]:
            article = self.upsert(slug, now - timedelta(days=3), kind=Kind.KNOWN_ISSUE, category="常见错误",
                                  title=title, body_md=f"受影响版本：{', '.join(affected)}。", issue_status=status,
                                  workaround_md=workaround, fixed_in=versions.get(fixed) if fixed else None)  # fmt: skip
            article.plugin_versions.set([versions[v] for v in affected])
        self.link_related()
        for days, title in ((7, "收款凭证插件入门培训"), (21, "凭证规则进阶：合并、外币与红冲")):
            TrainingSession.objects.get_or_create(
                title=title,
                defaults={"starts_at": (now + timedelta(days=days)).replace(hour=6, minute=0, second=0, microsecond=0),
                          "capacity": 30, "duration_minutes": 90, "location": "https://meeting.example.com/kx-training"},
            )  # fmt: skip
        known_issues_demo.seed(now=now)
        self.stdout.write(self.style.SUCCESS(f"Knowledge base seeded: {Article.objects.count()} articles."))

    def upsert(self, slug, published_at, *, category, tags=(), **fields) -> Article:
        article = Article.objects.filter(slug=slug).first() or Article(slug=slug, published_at=published_at)
        for name, value in fields.items():
            setattr(article, name, value)
        article.category = category_for_path(category) if category else None
        article.status = ArticleStatus.PUBLISHED
        save_article(article=article, reindex=False)
        set_tags(article=article, names=tags)
        index_article(article=article)
        return article

    def link_related(self) -> None:
        by_slug = {a.slug: a for a in Article.objects.filter(slug__in=["kingdee-account-missing", "rule-basics",
                   "err-voucher-failed", "u8-red-reversal", "video-red-reversal", "en-faq-reversal"])}  # fmt: skip
        for a, b in (("kingdee-account-missing", "rule-basics"), ("kingdee-account-missing", "err-voucher-failed"),
                     ("u8-red-reversal", "video-red-reversal"), ("u8-red-reversal", "en-faq-reversal")):  # fmt: skip
            if a in by_slug and b in by_slug:
                by_slug[a].related.add(by_slug[b])
