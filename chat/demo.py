"""Ninety days of demo chats, played through the chat services with injected times.

Customers ask in their own language during their own office day; most chats are accepted
after a wait of seconds to minutes by an agent of the chat's team, run a few messages and
end (usually with the ticket resolved, sometimes rated); some customers give up while still
waiting, which the managers' overview counts as abandoned. Every chat that was answered is
a ticket (channel chat) with its SLA clock, as in production. Deterministic and idempotent:
nothing is played when the demo already has chats.
"""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from core import clock
from helpdesk.models import Category, Channel, CustomerProfile, Status, User
from helpdesk.services.conversation import record_agent_reply

from . import services
from .models import AgentAvailability, ChatSession

DAYS = 90
CHATS = 80  # ~0.15 s each through the services
SEED = 20261201
ABANDON_SHARE = 0.14


@dataclass(frozen=True)
class Exchange:
    opening: str
    agent_question: str
    customer_answer: str
    agent_answer: str


EXCHANGES_ZH = [
    Exchange(
        "收款单点“生成凭证”一直转圈，等了五分钟还没有结果，月底要结账了",
        "您好，我来看一下。请问是所有收款单都这样，还是只有今天导入的这一批？",
        "只有今天从银行流水导入的那一批，大概 {n} 张",
        "找到原因了：这批流水的对方户名带全角空格，匹配客户档案时超时。我已把这批重新排队，"
        "两分钟内会生成完成；插件 3.2.2 会自动去掉全角空格。",
    ),
    Exchange(
        "金蝶云星空提示“凭证字号重复”，但我们这边只提交了一次",
        "您好！请问提示里的凭证号是多少？是在哪个账簿下？",
        "记-{n}，主账簿",
        "这是重试时上一次请求其实已经成功了。我核对了，金蝶里只有一张记-{n}，数据没有重复，"
        "插件的重试记录已经标记为完成，您可以继续下一批。",
    ),
    Exchange(
        "用友 U8 里找不到昨天推送的凭证，插件日志显示成功",
        "您好，请问插件日志里的批次号是多少？我查一下 U8 接口的返回。",
        "批次 {n}",
        "U8 返回成功，但凭证落在了“未记账”列表里，默认筛选看不到。请在凭证查询里勾选“包含未记账”，"
        "就能看到这 {n} 批的凭证了。",
    ),
    Exchange(
        "请问插件能不能按部门拆分收款凭证的分录？财务总监问的",
        "可以的。您用的是哪个 ERP，插件版本是多少？",
        "浪潮 GS，插件 3.1.4",
        "3.1 版起支持：在“凭证模板 → 分录拆分”里选“按部门”，再给每个部门映射辅助核算项即可。"
        "我把知识库里的设置步骤发到您的工单里了。",
    ),
    Exchange(
        "登录插件管理后台提示令牌过期，重新授权也不行",
        "您好，请问 ERP 那边最近是否改过管理员密码或者重新部署过？",
        "IT 上周把服务器迁移到了新机房",
        "迁移后回调地址变了，旧令牌绑定的是原地址。请在插件设置里把回调地址改为新地址后重新授权，"
        "我这边看到授权已经成功了。",
    ),
]
FOLLOW_UP_ZH = "您好，我回头确认了一下：这批凭证都已经在 ERP 里生成并记账，我先把工单解决了。如有问题直接回复即可重新打开。"
FOLLOW_UP_EN = (
    "Hello again, I checked afterwards: the vouchers are all posted in the ERP now, so I am resolving "
    "this ticket. Reply to it if anything is still off and it reopens."
)
EXCHANGES_EN = [
    Exchange(
        "SAP rejects today's receipt vouchers (message F5 201, posting period not open)",
        "Hi, I'm looking at it now. Which company code are you posting to?",
        "Company code 1000",
        "This month's period is still closed for account type S in company code 1000. Once your controller "
        "opens it in OB52 the plugin's retry posts the queued vouchers by itself; nothing needs resubmitting.",
    ),
    Exchange(
        "The Oracle import has been stuck on batch {n} for twenty minutes",
        "Hi! Does the plugin log show an error for that batch, or is it still pending?",
        "Still pending, no error",
        "The Oracle interface table is locked by a long-running journal import started at the same time. "
        "It has just finished; batch {n} is processing now and should be done in a minute or two.",
    ),
    Exchange(
        "Can we post receipts in EUR and USD to the same voucher?",
        "Hi, which ERP and which plugin version are you on?",
        "SAP S/4HANA, plugin 3.2.1",
        "Yes, from 3.2 the plugin writes one line per currency with the rate of the posting date. "
        "I've put the setting and an example in your ticket.",
    ),
]


def _customers() -> list[tuple[User, CustomerProfile]]:
    return [
        (profile.user, profile)
        for profile in CustomerProfile.objects.select_related("user", "organization").order_by("pk")
        if profile.user.is_active
    ]


def _moment(rng: random.Random, start: datetime, profile: CustomerProfile) -> datetime:
    """A moment in the customer's office day, weekdays: chats are asked for while working."""
    zone = ZoneInfo(profile.effective_timezone or "Asia/Shanghai")
    day = (start + timedelta(days=rng.randrange(DAYS))).astimezone(zone).date()
    if day.weekday() >= 5:
        day += timedelta(days=7 - day.weekday())
    local = datetime(day.year, day.month, day.day, rng.choice([9, 10, 10, 11, 14, 15, 16, 17]), tzinfo=zone)
    return (local + timedelta(minutes=rng.randrange(60), seconds=rng.randrange(60))).astimezone(UTC)


def seed_chats(*, now: datetime, count: int = CHATS) -> int:
    """About `count` chats over the last DAYS days; nothing when there are chats already."""
    if ChatSession.objects.exists():
        return 0
    rng = random.Random(SEED)
    customers = _customers()
    categories = list(Category.objects.order_by("pk"))
    agents = list(
        User.objects.filter(is_staff=True, is_active=True, teams__isnull=False).distinct().order_by("pk")
    )
    if not customers or not categories or not agents:
        return 0
    start = now - timedelta(days=DAYS)
    before = {a.agent_id: a.status for a in AgentAvailability.objects.filter(agent__in=agents)}
    for agent in agents:
        services.set_availability(
            agent=agent, status=AgentAvailability.Status.AVAILABLE, max_chats=3, now=start
        )
    plans = sorted(
        ((_moment(rng, start, profile), user, profile) for user, profile in rng.choices(customers, k=count)),
        key=lambda plan: plan[0],
    )
    made = 0
    for asked, customer, profile in plans:
        if asked > now - timedelta(hours=1):
            continue
        made += _play(rng, asked, customer, profile, rng.choice(categories), agents)
    for agent in agents:  # back to how they were: each agent says when they take chats
        services.set_availability(
            agent=agent, status=before.get(agent.pk, AgentAvailability.Status.AWAY), now=now
        )
    return made


def _play(rng, asked, customer, profile, category, agents) -> int:
    english = profile.language == "en"
    exchange = rng.choice(EXCHANGES_EN if english else EXCHANGES_ZH)
    number = rng.randrange(100, 9999)
    session = services.start_chat(
        customer=customer, category=category, text=exchange.opening.format(n=number), now=asked
    )
    if rng.random() < ABANDON_SHARE:  # gave up while waiting
        services.end_chat(
            session=session, actor=customer, now=asked + timedelta(seconds=rng.randint(40, 600))
        )
        return 1
    team_members = set(session.team.members.values_list("pk", flat=True)) if session.team_id else set()
    candidates = [a for a in agents if a.pk in team_members] or agents  # no team: any agent may take it
    agent = rng.choice(candidates)
    at = asked + timedelta(seconds=int(rng.lognormvariate(4.0, 0.9)))  # median ~55 s, some minutes
    session = services.accept_chat(session=session, agent=agent, now=at)
    for author, text in (
        (agent, exchange.agent_question),
        (customer, exchange.customer_answer),
        (agent, exchange.agent_answer),
    ):
        at += timedelta(seconds=rng.randint(20, 180))
        services.post_message(session=session, author=author, body=text.format(n=number), now=at)
    at += timedelta(seconds=rng.randint(30, 240))
    resolved_in_chat = rng.random() < 0.75
    services.end_chat(session=session, actor=agent, resolve=resolved_in_chat, now=at)
    later = at + timedelta(hours=rng.uniform(1, 20))
    if not resolved_in_chat and later < clock.now():  # the agent checked once more, then resolved it
        session.refresh_from_db()
        record_agent_reply(
            ticket=session.ticket,
            author=agent,
            body=FOLLOW_UP_EN if english else FOLLOW_UP_ZH,
            status=Status.RESOLVED,
            channel=Channel.CHAT,
            now=later,
        )
    if rng.random() < 0.55:
        session.refresh_from_db()
        services.rate_chat(session=session, customer=customer, score=rng.choice([5, 5, 5, 4, 4, 3]))
    return 1
