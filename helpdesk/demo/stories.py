"""Ninety days of demo history, played through the real services with injected times.

Each ticket is one situation of the plugin's life (a missing account, a duplicate voucher
number, an expired ERP token, a closed SAP posting period …) filled with its own numbers:
accounts, voucher and batch numbers, amounts, users, dates. Chinese customers write in
Chinese, the European and American ones in English. What happens next is drawn per ticket:
a quick or a late first answer, a wait on the customer (the clock pauses), a resolution, a
rating, a reopening, a duplicate merged into the first report; the SLA watcher runs through
the days and records breaches and escalations. Deterministic (one seed) and idempotent.
"""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction

from helpdesk.models import Channel, CustomerProfile, SatisfactionRating, Status, Ticket, User
from helpdesk.services.conversation import record_agent_reply, record_customer_reply
from helpdesk.services.sla_watch import run_sla_pass
from helpdesk.services.tickets import assign_ticket, merge_tickets
from helpdesk.services.workflow import rate_ticket, reopen_ticket, set_status

from . import data

DAYS = 90
TICKETS = 600  # ~80 ms of CPU each through the services: about 50 s in all
SEED = 20251103
# Requesters added for the history, per organization index (name, email, language, timezone).
EXTRA_CUSTOMERS = [
    (0, "钱会计", "qian.kj@huadong-textile.example", "zh-hans", ""),
    (0, "吴出纳", "wu.cn@huadong-textile.example", "zh-hans", ""),
    (1, "郑主管", "zheng@qianhai-logistics.example", "zh-hans", ""),
    (1, "冯会计", "feng@qianhai-logistics.example", "zh-hans", ""),
    (2, "何会计", "he@shuwei-food.example", "zh-hans", ""),
    (3, "Petra Lindqvist", "p.lindqvist@nordic-components.example", "en", "Europe/Berlin"),
    (3, "Jonas Becker", "j.becker@nordic-components.example", "en", "Europe/Berlin"),
    (4, "Maria Lopez", "m.lopez@pacific-retail.example", "en", "America/Los_Angeles"),
]
# (category slug, ERP systems it happens on, Chinese text, English text); {placeholders} are
# filled per ticket.
SITUATIONS = [
    (
        "voucher-generation",
        ("kingdee", "yonyou"),
        {
            "subject": "收款单生成凭证报 ERR-4012：科目 {account} 不存在",
            "symptoms": "{day}起，{who}在收款单列表勾选{count}张收款单点击「生成凭证」，进度条停在{percent}%，弹出红色错误框，凭证没有生成。",
            "error": "ERR-4012: 会计科目 {account} 不存在或已禁用 (凭证模板: {template})",
            "expected": "凭证按模板生成并过账",
            "actual": "提示 ERR-4012，{count}张收款单均未生成凭证",
        },
        {
            "subject": "ERR-4012 when generating vouchers: account {account} not found",
            "symptoms": "Since {day}, {who} selects {count} receipts and clicks Generate vouchers; the progress bar stops at {percent}% and a red error box appears.",
            "error": "ERR-4012: account {account} does not exist or is disabled (template: {template})",
            "expected": "Vouchers created from the template and posted",
            "actual": "ERR-4012, none of the {count} receipts got a voucher",
        },
    ),
    (
        "voucher-generation",
        ("kingdee", "yonyou", "inspur"),
        {
            "subject": "凭证号 {voucher} 重复，第{batch}批收款单无法保存",
            "symptoms": "今天上午同步第{batch}批收款单时，{count}张单据报凭证号重复，ERP 里已有同号凭证，插件跳过了这些单据。",
            "error": "ERR-5031: 凭证号 {voucher} 在期间 {period} 已存在",
            "expected": "自动取下一个可用凭证号",
            "actual": "报 ERR-5031，{count}张收款单停在失败队列",
        },
        {
            "subject": "Duplicate voucher number {voucher} in batch {batch}",
            "symptoms": "While syncing batch {batch} this morning, {count} receipts failed because voucher number {voucher} already exists in the ERP.",
            "error": "ERR-5031: voucher number {voucher} already exists in period {period}",
            "expected": "The plugin takes the next free voucher number",
            "actual": "ERR-5031, {count} receipts left in the failure queue",
        },
    ),
    (
        "erp-integration",
        ("yonyou",),
        {
            "subject": "U8 EAI 接口返回 401（账套 {book}），第{batch}批{count}张凭证同步失败",
            "symptoms": "{day}凌晨定时任务开始报错，第{batch}批{count}张凭证没有同步到 U8，手工重试同样失败。",
            "error": "HTTP 401 Unauthorized: token expired (U8 EAI, 账套 {book})",
            "expected": "定时任务正常同步",
            "actual": "每次同步都返回 401",
        },
        {
            "subject": "U8 EAI returns 401 for book {book}: batch {batch}, {count} vouchers not synced",
            "symptoms": "The scheduled job started failing on {day} at night; {count} vouchers of batch {batch} did not reach U8 and a manual retry fails the same way.",
            "error": "HTTP 401 Unauthorized: token expired (U8 EAI, book {book})",
            "expected": "The scheduled job syncs as before",
            "actual": "Every sync returns 401",
        },
    ),
    (
        "posting",
        ("sap",),
        {
            "subject": "SAP 第{batch}批过账报 F5 201：期间 {period} 未开放",
            "symptoms": "月初第{batch}批收款凭证过账到 SAP 时全部被拒，{who}确认财务已开放新期间。",
            "error": "F5 201 Posting period {period} is not open (company code {company})",
            "expected": "凭证过账到新期间",
            "actual": "{count}张凭证全部被 SAP 拒绝",
        },
        {
            "subject": "SAP rejects batch {batch}: F5 201 period {period} not open",
            "symptoms": "At the start of the month every receipt voucher of batch {batch} was rejected by SAP although {who} confirms finance opened the new period.",
            "error": "F5 201 Posting period {period} is not open (company code {company})",
            "expected": "Vouchers posted into the new period",
            "actual": "All {count} vouchers rejected by SAP",
        },
    ),
    (
        "posting",
        ("sap",),
        {
            "subject": "SAP 报 F5 702 借贷不平衡（差额 {amount}，汇率 {rate}）",
            "symptoms": "汇率为 {rate} 的外币收款单生成凭证后，SAP 提示借贷不平衡，差额 {amount}，只影响美元收款。",
            "error": "F5 702 Balance in transaction currency: {amount}",
            "expected": "外币凭证借贷平衡",
            "actual": "差额 {amount}，凭证未过账",
        },
        {
            "subject": "F5 702 balance in transaction currency ({amount}) on USD receipts",
            "symptoms": "Receipts in USD at exchange rate {rate} produce vouchers that SAP refuses as unbalanced by {amount}; EUR receipts post fine.",
            "error": "F5 702 Balance in transaction currency: {amount}",
            "expected": "Foreign-currency vouchers balance",
            "actual": "Unbalanced by {amount}, not posted",
        },
    ),
    (
        "reconciliation",
        ("kingdee", "yonyou", "oracle"),
        {
            "subject": "{month}月收款单合计与总账差 {amount} 元",
            "symptoms": "{month}月收款单合计 {total} 元，总账「银行存款」借方只有 {rest} 元，差 {amount} 元，{who}查不到差异来源。",
            "error": "",
            "expected": "收款单合计与总账一致",
            "actual": "差额 {amount} 元",
        },
        {
            "subject": "Receipts for month {month} differ from the ledger by {amount}",
            "symptoms": "Receipts for month {month} total {total}, the bank account in the ledger shows {rest}; {who} cannot find the {amount} difference.",
            "error": "",
            "expected": "Receipts and ledger agree",
            "actual": "Difference of {amount}",
        },
    ),
    (
        "erp-integration",
        ("oracle",),
        {
            "subject": "Oracle EBS 导入第{batch}批报 GL_INTERFACE 成本中心无效",
            "symptoms": "第{batch}批收款凭证导入 GL_INTERFACE 后 Journal Import 报错，{count}行被拒。",
            "error": "EF04: The cost center segment value {segment} is not valid",
            "expected": "Journal Import 成功",
            "actual": "{count}行状态 EF04",
        },
        {
            "subject": "Oracle EBS Journal Import: invalid cost center {segment} in batch {batch}",
            "symptoms": "After batch {batch} was loaded into GL_INTERFACE, Journal Import rejected {count} lines.",
            "error": "EF04: The cost center segment value {segment} is not valid",
            "expected": "Journal Import succeeds",
            "actual": "{count} lines with status EF04",
        },
    ),
    (
        "setup",
        ("kingdee", "yonyou", "sap", "oracle"),
        {
            "subject": "插件升级到 {version} 后凭证模板 #{template_no} 打不开（{field}）",
            "symptoms": "升级到 {version} 后，{who}打开第 {template_no} 号凭证模板页面白屏，其他{count}个模板正常。",
            "error": "TemplateLoadError: field '{field}' missing in template #{template_no}",
            "expected": "凭证模板页面正常打开",
            "actual": "白屏，控制台报 TemplateLoadError",
        },
        {
            "subject": "Voucher template #{template_no} blank after upgrading to {version} ({field})",
            "symptoms": "Since the upgrade to {version}, {who} gets a blank page on voucher template #{template_no}; the other {count} templates work.",
            "error": "TemplateLoadError: field '{field}' missing in template #{template_no}",
            "expected": "The templates page opens",
            "actual": "Blank page, TemplateLoadError in the console",
        },
    ),
    (
        "account",
        ("kingdee", "yonyou", "sap", "oracle"),
        {
            "subject": "新同事 {who}（工号 {staff}）登录插件提示许可证已满",
            "symptoms": "今天给新同事 {who}（工号 {staff}）开账号，登录时提示许可证已满，我们购买了 {seats} 个用户，实际在用 {count} 个。",
            "error": "LIC-102: all {seats} seats are in use",
            "expected": "新同事可以登录",
            "actual": "提示 LIC-102",
        },
        {
            "subject": "New colleague {who} (staff no. {staff}) cannot sign in: all seats in use",
            "symptoms": "We created an account for {who} (staff no. {staff}) today; signing in says all seats are used although we bought {seats} and {count} are active.",
            "error": "LIC-102: all {seats} seats are in use",
            "expected": "The new colleague can sign in",
            "actual": "LIC-102 at sign-in",
        },
    ),
    (
        "voucher-generation",
        ("kingdee",),
        {
            "subject": "红冲收款单没有生成红字凭证（单号 {receipt}）",
            "symptoms": "对收款单 {receipt} 做红冲后，插件没有生成对应的红字凭证，原凭证 {voucher} 仍在。",
            "error": "",
            "expected": "生成红字凭证冲销 {voucher}",
            "actual": "没有任何新凭证",
        },
        {
            "subject": "Reversed receipt {receipt} produced no reversal voucher",
            "symptoms": "After reversing receipt {receipt}, the plugin did not create the reversal voucher; original voucher {voucher} is still there.",
            "error": "",
            "expected": "A reversal voucher for {voucher}",
            "actual": "No new voucher",
        },
    ),
]
ZH_NAMES = ["王芳", "李娜", "张伟", "刘洋", "陈静", "杨敏", "赵磊", "黄丽"]
EN_NAMES = ["Anna", "Lukas", "Sofia", "Erik", "Emma", "Noah", "Mia", "Ben"]
TEMPLATES = ["收款-银行", "收款-现金", "预收账款", "外币收款"]
FIELDS = ["aux_customer", "cost_center", "currency_rate", "bank_account"]
PLUGIN = ["3.2.1", "3.2.0", "3.1.4"]
ERP_VERSIONS = {
    "kingdee": ["K/3 Cloud 8.1", "K/3 Cloud 8.2", "EAS 8.5"],
    "yonyou": ["U8 V13.0", "U8 V15.0", "NC Cloud 2021"],
    "inspur": ["GS 7.0"],
    "sap": ["S/4HANA 2022 FPS02", "ECC 6.0 EhP8"],
    "oracle": ["EBS 12.2.10", "EBS 12.1.3"],
}
ZH_REPLY = [
    "您好，我们已收到，正在核对{code}的原因，请稍候。",
    "您好，请导出出错当天的 voucher-sync.log 并附在本工单中，我们据此定位。",
    "您好，问题已定位：{cause}。请按以下步骤处理后重试。",
]
EN_REPLY = [
    "Hello, we are looking into {code} now and will come back to you shortly.",
    "Hello, could you attach voucher-sync.log from the day it failed? It tells us where it stops.",
    "Hello, we found the cause: {cause}. Please follow the steps below and retry.",
]
CAUSES_ZH = [
    "模板中的科目在 ERP 已被停用",
    "期间锁定未同步到插件",
    "ERP 令牌过期未自动续期",
    "汇率取数精度不足",
]
CAUSES_EN = [
    "the template's account was disabled in the ERP",
    "the period lock was not synced",
    "the ERP token was not renewed",
    "the exchange rate was rounded too early",
]
COMMENTS_ZH = {
    5: "很快就解决了，谢谢！",
    4: "解决了，就是等得有点久。",
    3: "还行。",
    2: "来回问了好几次。",
    1: "到现在还没真正解决。",
}
COMMENTS_EN = {
    5: "Fixed fast, thank you!",
    4: "Solved, a bit slow.",
    3: "OK.",
    2: "Too much back and forth.",
    1: "Still not really fixed.",
}


@dataclass
class Story:
    requester: User
    english: bool
    category: str
    channel: str
    priority: str | None
    subject: str
    details: dict
    created: datetime


def _fill(rng: random.Random, english: bool, erp: str, created: datetime) -> dict[str, str]:
    return {
        "account": f"{rng.choice(['1122', '1002', '2241', '6603'])}.{rng.randint(1, 30):02d}",
        "template": rng.choice(TEMPLATES),
        "count": str(rng.randint(2, 180)),
        "percent": str(rng.randint(12, 95)),
        "day": f"{created:%m-%d}" if not english else f"{created:%d %b}",
        "who": rng.choice(EN_NAMES if english else ZH_NAMES),
        "voucher": f"{rng.choice(['记', '收']) if not english else 'RV'}-{created:%Y%m}-{rng.randint(1, 9999):04d}",
        "batch": str(rng.randint(100, 9999)),
        "period": f"{created:%Y}/{created.month:02d}",
        "book": f"{rng.randint(1, 9):03d}",
        "company": rng.choice(["1000", "2100", "DE01", "US10"]),
        "amount": f"{rng.randint(1, 999_999) / 100:,.2f}",
        "rate": f"{rng.uniform(6.8, 7.4):.4f}",
        "month": str(created.month),
        "total": f"{rng.randint(200_000, 3_000_000):,}.00",
        "rest": f"{rng.randint(190_000, 2_900_000):,}.00",
        "segment": f"{rng.randint(100, 899)}",
        "version": rng.choice(PLUGIN),
        "field": rng.choice(FIELDS),
        "template_no": str(rng.randint(1, 40)),
        "seats": str(rng.choice([5, 10, 20, 50])),
        "staff": str(rng.randint(1000, 9999)),
        "receipt": f"SK{created:%y%m%d}{rng.randint(1, 999):03d}",
    }


def _story(rng: random.Random, customers: list[tuple[User, CustomerProfile]], start: datetime) -> Story:
    user, profile = rng.choice(customers)
    created = _arrival(rng, start, profile.effective_timezone)
    erp = profile.organization.default_erp_system
    english = profile.language == "en" or profile.organization.timezone.startswith(("Europe/", "America/"))
    choices = [s for s in SITUATIONS if erp in s[1]] or SITUATIONS
    slug, _systems, zh, en = rng.choice(choices)
    words = _fill(rng, english, erp, created)
    text = {key: value.format(**words) for key, value in (en if english else zh).items()}
    details = {
        "symptoms": text["symptoms"],
        "occurred_at": created - timedelta(minutes=rng.randint(5, 600)),
        "error_message": text["error"],
        "no_error_shown": not text["error"],
        "steps_to_reproduce": (
            "1. Open receipts 2. Select the affected receipts 3. Generate vouchers 4. Read the message"
            if english
            else "1. 打开收款单 2. 选中出错的收款单 3. 点击生成凭证 4. 查看提示"
        ),
        "expected_result": text["expected"],
        "actual_result": text["actual"],
        "erp_system": erp,
        "erp_version": rng.choice(ERP_VERSIONS.get(erp, ["—"])),
        "plugin_version": words["version"],
        "environment": (
            f"{rng.choice(['Windows Server 2019', 'Windows Server 2022', 'CentOS 7'])}, "
            f"{rng.choice(['SQL Server 2017', 'Oracle 19c', 'MySQL 8.0'])}, "
            f"{rng.choice(['on premises', 'private cloud'] if english else ['本地部署', '私有云'])}, "
            f"{'integration user' if english else '集成账号'} kx_sync{rng.randint(1, 9)}"
        ),
        "impact": (f"{words['count']} documents waiting" if english else f"{words['count']}张单据待处理"),
        "posting_blocked": rng.random() < 0.3,
        "affected_users": rng.randint(1, 12),
    }
    channel = rng.choices(
        [Channel.WEB, Channel.EMAIL, Channel.PHONE, Channel.CHAT, Channel.API], [50, 25, 10, 10, 5]
    )[0]
    priority = rng.choices([None, "p1", "p2", "p4"], [70, 5, 15, 10])[0]
    return Story(user, english, slug, channel, priority, text["subject"], details, created)


def _customers(world: dict) -> list[tuple[User, CustomerProfile]]:
    for org_index, name, email, language, zone in EXTRA_CUSTOMERS:
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email, data.DEMO_PASSWORD, full_name=name
        )
        CustomerProfile.objects.get_or_create(
            user=user,
            defaults={
                "organization": world["organizations"][org_index],
                "language": language,
                "timezone": zone,
            },
        )
    return [(p.user, p) for p in CustomerProfile.objects.select_related("user", "organization")]


def _arrival(rng: random.Random, start: datetime, zone: str) -> datetime:
    """A moment in the customer's own office day (weekdays mostly): Berlin's morning is
    Beijing's afternoon, Los Angeles' whole day is Beijing's night."""
    local = ZoneInfo(zone)
    day = (start + timedelta(days=rng.randrange(DAYS))).astimezone(local).date()
    if day.weekday() >= 5 and rng.random() < 0.85:
        day += timedelta(days=7 - day.weekday())
    hour = rng.choice([8, 9, 9, 10, 10, 11, 11, 13, 14, 14, 15, 16, 17, 19, 21])
    return datetime.combine(day, time(hour, rng.randrange(60)), tzinfo=local).astimezone(UTC)


def seed_history(world: dict, people: dict[str, User], *, now: datetime, count: int = TICKETS) -> int:
    """About `count` tickets over the last DAYS days; nothing if the history is already there."""
    if Ticket.objects.filter(requester__email=EXTRA_CUSTOMERS[0][2]).exists():
        return 0  # played before (its first extra customer only ever asks in the history)
    rng = random.Random(SEED)
    customers = _customers(world)
    agents = [u for u in people.values() if u.is_staff and not u.is_superuser]
    start = (now - timedelta(days=DAYS)).replace(hour=0, minute=0, second=0, microsecond=0)
    stories = sorted(
        (_story(rng, customers, start) for _ in range(count)),
        key=lambda s: s.created,
    )
    stories = [s for s in stories if s.created < now - timedelta(hours=1)]
    made: list[Ticket] = []
    watched = start
    for story in stories:
        while watched + timedelta(hours=6) < story.created:  # the watcher's passes through the days
            watched += timedelta(hours=6)
            run_sla_pass(now=watched, limit=2000)
        with transaction.atomic():
            made.append(_play(rng, story, agents, world, now=now))
    run_sla_pass(now=now, limit=5000)
    return len(made)


def _later(at: datetime, hours: float, now: datetime) -> datetime | None:
    moment = at + timedelta(hours=hours)
    return moment if moment < now else None


def _play(rng, story: Story, agents, world, *, now: datetime) -> Ticket:
    from helpdesk.services.intake import open_ticket

    category = world["categories"][story.category]
    fields = {"category": category, "subject": story.subject, **story.details}
    try:
        ticket = open_ticket(
            requester=story.requester,
            channel=story.channel,
            fields=fields,
            priority=story.priority,
            now=story.created,
        )
    except ValidationError:
        # The portal asks for a log file first; this customer mails the request instead.
        ticket = open_ticket(
            requester=story.requester,
            channel=Channel.EMAIL,
            fields=fields,
            priority=story.priority,
            now=story.created,
        )
    agent = rng.choice(agents)
    english = story.english
    code = story.details["error_message"].split(":")[0] or story.subject[:20]
    moment = _later(story.created, rng.uniform(0.05, 1.0), now)
    if moment is None:
        return ticket
    assign_ticket(ticket=ticket, assignee=agent, actor=agent, now=moment)
    # How long the first answer takes: mostly in time, sometimes (nights, weekends, busy days) late.
    delay = rng.choice([0.3, 0.5, 1, 1.5, 2, 3, 5, 8, 14, 30, 60])
    moment = _later(moment, delay, now)
    if moment is None:
        return ticket
    earlier = (
        Ticket.objects.live()
        .open()
        .filter(
            requester_id=ticket.requester_id,
            pk__lt=ticket.pk,
            created_at__gte=story.created - timedelta(days=3),
        )
        .order_by("-pk")
        .first()
    )
    if earlier is not None and rng.random() < 0.25:  # the same problem reported twice
        merge_tickets(source=ticket, target=earlier, actor=agent, now=moment)
        return ticket
    replies = EN_REPLY if english else ZH_REPLY
    cause = rng.choice(CAUSES_EN if english else CAUSES_ZH)
    waits = rng.random() < 0.35
    record_agent_reply(
        ticket=ticket,
        author=agent,
        body=replies[0 if waits else 2].format(code=code, cause=cause),
        status=Status.PENDING_CUSTOMER if waits else None,
        now=moment,
    )
    if waits:
        moment = _later(moment, rng.uniform(2, 40), now)
        if moment is None:
            return ticket
        record_customer_reply(
            ticket=ticket,
            author=ticket.requester,
            body="Log attached, it stops at the same step." if english else "日志已附上，还是卡在同一步。",
            now=moment,
        )
        moment = _later(moment, rng.uniform(0.5, 20), now)
        if moment is None:
            return ticket
        record_agent_reply(
            ticket=ticket, author=agent, body=replies[2].format(code=code, cause=cause), now=moment
        )
    if rng.random() < 0.12:
        return ticket  # still being worked on
    moment = _later(moment, rng.uniform(0.5, 30), now)
    if moment is None:
        return ticket
    set_status(ticket=ticket, status=Status.RESOLVED, actor=agent, now=moment)
    if rng.random() < 0.07:
        reopened = _later(moment, rng.uniform(2, 72), now)
        if reopened is not None:
            reopen_ticket(
                ticket=ticket,
                actor=agent,
                reason="同样的错误又出现了" if not english else "Same error again",
                now=reopened,
            )
            moment = _later(reopened, rng.uniform(1, 24), now)
            if moment is None:
                return ticket
            record_agent_reply(
                ticket=ticket, author=agent, body=replies[2].format(code=code, cause=cause), now=moment
            )
            set_status(ticket=ticket, status=Status.RESOLVED, actor=agent, now=moment + timedelta(minutes=5))
            moment += timedelta(minutes=5)
    if rng.random() < 0.55:
        rated = _later(moment, rng.uniform(0.2, 48), now)
        if rated is not None:
            score = rng.choices([5, 4, 3, 2, 1], [50, 25, 12, 7, 6])[0]
            rating = SatisfactionRating.objects.filter(ticket=ticket, rated_at__isnull=True).latest(
                "surveyed_at"
            )
            comments = COMMENTS_EN if english else COMMENTS_ZH
            rate_ticket(
                token=rating.token, score=score, comment=comments[score], actor=ticket.requester, now=rated
            )
    return ticket
