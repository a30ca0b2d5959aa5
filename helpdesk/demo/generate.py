"""The tickets `seed_demo --tickets N` generates: plausible rows in a realistic mix, no writes.

`TicketMix` draws each batch from one seeded random generator: who asks, which category,
priority and status (`STATUS_WEIGHTS`, `PRIORITY_WEIGHTS`), a subject from `SUBJECTS`, and
SLA columns computed by the pure business-time core, so lists, filters and the watcher see
realistic data (most targets met, some breached, a backlog of open work) and a seed gives
the same tickets. Each ticket is a dict of column values (attnames) plus "_"-keys the
loader reads (helpdesk.demo.bulk numbers, writes and indexes them).
"""

import random
import secrets
from datetime import datetime, timedelta

from helpdesk.models import OPEN_STATUSES, Priority, Status, Ticket, User
from helpdesk.sla import business_time
from helpdesk.sla.calendars import load_calendars
from helpdesk.sla.clock import find_target

SUBJECTS = [
    "收款单生成凭证失败：科目 {n} 不存在",
    "凭证过账后金额与银行回单不一致（差异 {n} 元）",
    "用友 U8 接口超时，第 {n} 批凭证未同步",
    "金蝶云星空凭证号重复 {n}",
    "Receipt voucher #{n} rejected by SAP: posting period closed",
    "Oracle EBS import fails for batch {n}: invalid cost center",
    "插件升级到 3.2 后第 {n} 张红冲凭证没有生成",
]
STATUS_WEIGHTS = [
    (Status.NEW, 6),
    (Status.OPEN, 12),
    (Status.PENDING_CUSTOMER, 6),
    (Status.ON_HOLD, 2),
    (Status.RESOLVED, 34),
    (Status.CLOSED, 40),
]
PRIORITY_WEIGHTS = [(Priority.P1, 5), (Priority.P2, 20), (Priority.P3, 55), (Priority.P4, 20)]


class TicketMix:
    """Batches of generated tickets and their ratings, drawn from `random.Random(seed)`."""

    def __init__(self, *, world: dict, people: dict[str, User], now: datetime, seed: int = 7) -> None:
        self.now = now
        self.rng = random.Random(seed)
        self.customers = [u for u in people.values() if not u.is_staff]
        self.agents = [u for u in people.values() if u.is_staff and not u.is_superuser]
        self.profiles = {u.pk: u.customer_profile for u in self.customers}
        self.categories = list(world["categories"].values())
        self.targets: dict[tuple, object] = {}
        calendar_ids = {org.sla_plan.calendar_id for org in (p.organization for p in self.profiles.values())}
        calendar_ids |= {c.default_team.calendar_id for c in self.categories if c.default_team}
        # One load for all plans' calendars: load_calendar() checks freshness with a query per call.
        self.calendars = load_calendars(calendar_ids)

    def batch(self, size: int) -> tuple[list[dict], list[dict]]:
        """`size` tickets, then the ratings of some of the resolved ones."""
        rng = self.rng
        tickets = [
            _make(
                rng,
                self.now,
                self.customers,
                self.agents,
                self.profiles,
                self.categories,
                self.targets,
                self.calendars,
            )
            for _ in range(size)
        ]
        ratings = [_rating(rng, t) for t in tickets if t["resolved_at"] and rng.random() < 0.6]
        return tickets, ratings


def _pick(rng: random.Random, weights):
    return rng.choices([value for value, _ in weights], [weight for _, weight in weights])[0]


def _rating(rng: random.Random, ticket: dict) -> dict:
    rated = rng.random() < 0.45
    return {
        "ticket": ticket,
        "token": secrets.token_urlsafe(24),
        "surveyed_at": ticket["resolved_at"],
        "score": _pick(rng, [(5, 50), (4, 25), (3, 12), (2, 7), (1, 6)]) if rated else None,
        "rated_at": ticket["resolved_at"] + timedelta(hours=rng.randint(1, 48)) if rated else None,
    }


_TICKET_DEFAULTS = {
    f.attname: f.get_default()
    for f in Ticket._meta.concrete_fields
    if not (f.has_default() and callable(f.default))
}


def _make(rng, now, customers, agents, profiles, categories, targets, calendars) -> dict:
    """One generated ticket as {attname: value} (plus "_"-keys the writer reads), drawing
    from `rng` in the same order as ever, so a seed gives the same tickets."""
    requester = rng.choice(customers)
    organization = profiles[requester.pk].organization
    category = rng.choice(categories)
    priority = _pick(rng, PRIORITY_WEIGHTS)
    status = _pick(rng, STATUS_WEIGHTS)
    recent = status in (Status.NEW, Status.OPEN, Status.PENDING_CUSTOMER, Status.ON_HOLD)
    created = now - timedelta(minutes=rng.randint(10, 60 * 24 * (21 if recent else 180)))
    plan = organization.sla_plan
    key = (plan.pk, priority, category.complexity)
    if key not in targets:
        targets[key] = find_target(plan_id=plan.pk, priority=priority, complexity=category.complexity)
    target = targets[key]
    calendar = calendars[plan.calendar_id]
    n = rng.randint(100, 99999)
    template = rng.choice(SUBJECTS)
    team = category.default_team
    ticket = {
        **_TICKET_DEFAULTS,
        "subject": template.format(n=n),
        "symptoms": "批量生成的演示工单。Generated demo ticket for scale testing.",
        "occurred_at": created - timedelta(hours=1),
        "no_error_shown": True,
        "steps_to_reproduce": "1. 打开收款单 2. 生成凭证",
        "expected_result": "凭证生成",
        "actual_result": "凭证未生成",
        "erp_system": organization.default_erp_system,
        "erp_version": "8.1",
        "plugin_version": "3.2.0",
        "quality_score": rng.randint(55, 100),
        "category_id": category.pk,
        "priority": priority,
        "status": status,
        "requester_id": requester.pk,
        "organization_id": organization.pk,
        "team_id": team.pk if team else None,
        "assignee_id": None if status == Status.NEW else rng.choice(agents).pk,
        "sla_plan_id": plan.pk,
        "sla_calendar_id": plan.calendar_id,
        "sla_snapshot": {
            "plan": plan.name,
            "tier": plan.tier,
            "priority": priority,
            "complexity": category.complexity,
            "first_response_minutes": target.first_response_minutes,
            "next_response_minutes": target.next_response_minutes,
            "resolution_minutes": target.resolution_minutes,
            "warn_at_percent": target.warn_at_percent,
        },
        "created_at": created,
        "updated_at": created,
        # What the writer needs beside the columns (rollup dimensions, the title's tokens).
        "_template": template,
        "_n": n,
        "_organization": organization,
        "_complexity": category.complexity,
        "_tier": plan.tier,
        "_requester_timezone": profiles[requester.pk].timezone,
        "_team_calendar_id": team.calendar_id if team else None,
    }
    ticket["first_response_due_at"] = business_time.add_business_minutes(
        calendar, created, target.first_response_minutes
    )
    ticket["resolution_due_at"] = business_time.add_business_minutes(
        calendar, created, target.resolution_minutes
    )
    if status != Status.NEW:
        delay = max(1, int(target.first_response_minutes * rng.uniform(0.05, 1.25)))
        answered = business_time.add_business_minutes(calendar, created, delay)
        if answered and answered < now:
            ticket["first_response_at"] = answered
            ticket["first_response_business_seconds"] = delay * 60
            ticket["first_response_seconds"] = int((answered - created).total_seconds())
            ticket["first_response_breached"] = answered > ticket["first_response_due_at"]
            ticket["agent_reply_count"] = _pick(rng, [(1, 55), (2, 25), (3, 12), (5, 8)])
            ticket["last_agent_reply_at"] = answered
            ticket["updated_at"] = answered
    if status in (Status.RESOLVED, Status.CLOSED) and ticket["first_response_at"]:
        spent = max(1, int(target.resolution_minutes * rng.uniform(0.05, 1.2)))
        resolved = business_time.add_business_minutes(calendar, created, spent)
        if resolved and ticket["first_response_at"] <= resolved < now:
            ticket["resolved_at"] = resolved
            ticket["resolution_business_seconds"] = spent * 60
            ticket["resolution_breached"] = resolved > ticket["resolution_due_at"]
            ticket["reopen_count"] = 1 if rng.random() < 0.05 else 0
            ticket["updated_at"] = resolved
            if status == Status.CLOSED:
                ticket["closed_at"] = min(resolved + timedelta(days=7), now)
        else:
            ticket["status"] = Status.OPEN
    elif status in (Status.RESOLVED, Status.CLOSED):
        ticket["status"] = Status.NEW
    if ticket["status"] in OPEN_STATUSES:
        ticket["resolved_at"] = None
        # As the SLA watcher leaves them: a target past due is flagged (warned and breached)
        # and no longer a next check, so only the clocks still running are.
        if (
            not ticket["first_response_at"]
            and ticket["first_response_due_at"]
            and ticket["first_response_due_at"] < now
        ):
            ticket["first_response_warned"] = ticket["first_response_breached"] = True
        if ticket["resolution_due_at"] and ticket["resolution_due_at"] < now:
            ticket["resolution_warned"] = ticket["resolution_breached"] = True
        pending = [
            due
            for due, flagged in (
                (
                    None if ticket["first_response_at"] else ticket["first_response_due_at"],
                    ticket["first_response_breached"],
                ),
                (ticket["resolution_due_at"], ticket["resolution_breached"]),
            )
            if due and not flagged
        ]
        ticket["sla_next_check_at"] = min(pending) if pending else None
        if ticket["status"] in (Status.PENDING_CUSTOMER, Status.ON_HOLD):
            # Paused tickets have no running clocks; the watcher has nothing to do for them.
            ticket["sla_paused_since"] = ticket["updated_at"]
            ticket["resolution_due_at"] = None
            ticket["sla_next_check_at"] = None
    return ticket
