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

from .seed import create_demo_user
from .situations import (
    CAUSES_EN,
    CAUSES_ZH,
    COMMENTS_EN,
    COMMENTS_ZH,
    EN_NAMES,
    EN_REPLY,
    ERP_VERSIONS,
    FIELDS,
    PLUGIN,
    SITUATIONS,
    TEMPLATES,
    ZH_NAMES,
    ZH_REPLY,
)

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
        user = User.objects.filter(email=email).first() or create_demo_user(email, full_name=name)
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
