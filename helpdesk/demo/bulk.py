"""`seed_demo --tickets N`: many plausible tickets, fast, for scale tests and benchmarks.

Bulk inserts with SLA columns computed by the pure business-time core, so lists, filters
and the watcher see realistic data: most targets met, some breached, a backlog of open work.

Linear in N and bounded in memory: each batch is generated, inserted in its own short
transaction and dropped. The rows go in as plain multi-row INSERTs (`insert_rows`) on SQLite, because
`bulk_create` spends most of its time preparing each field of each object there; on
PostgreSQL `bulk_create`'s UNNEST form is the cheaper one (see `insert_rows`); the search index
is built once at the end, streaming the new tickets back in batches. Statistics are
gathered afterwards (`core.db_stats.analyze`), or the planner guesses on a million rows.
"""

import random
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import connection, models, reset_queries, transaction

from core.db_stats import analyze
from helpdesk.models import Priority, SatisfactionRating, Status, Ticket, TicketEvent, TicketPause, User
from helpdesk.search import index_tickets
from helpdesk.sla import business_time
from helpdesk.sla.calendars import load_calendars
from helpdesk.sla.clock import find_target

BATCH = 5000
INDEX_BATCH = 2000
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


def _pick(rng: random.Random, weights):
    return rng.choices([value for value, _ in weights], [weight for _, weight in weights])[0]


def generate_tickets(
    *,
    count: int,
    world: dict,
    people: dict[str, User],
    now: datetime,
    seed: int = 7,
    progress=None,
) -> int:
    """Insert `count` generated tickets (with their created events, pauses and ratings),
    index them once at the end, then gather statistics. `progress(done, phase)` is told
    after each batch."""
    rng = random.Random(seed)
    customers = [u for u in people.values() if not u.is_staff]
    agents = [u for u in people.values() if u.is_staff and not u.is_superuser]
    profiles = {u.pk: u.customer_profile for u in customers}
    categories = list(world["categories"].values())
    targets: dict[tuple, object] = {}
    # One load for all plans' calendars: load_calendar() checks freshness with a query per call.
    calendars = load_calendars(
        {org.sla_plan.calendar_id for org in (p.organization for p in profiles.values())}
    )
    first_pk = None
    made = 0
    while made < count:
        size = min(BATCH, count - made)
        tickets = [
            _make(rng, now, customers, agents, profiles, categories, targets, calendars) for _ in range(size)
        ]
        with transaction.atomic():
            insert_rows(Ticket, tickets)
            insert_rows(
                TicketEvent,
                [
                    TicketEvent(
                        ticket_id=t.pk,
                        kind=TicketEvent.Kind.CREATED,
                        actor_id=t.requester_id,
                        new_value="web",
                        created_at=t.created_at,
                    )
                    for t in tickets
                ],
                returning=False,
            )
            insert_rows(
                TicketPause,
                [
                    TicketPause(ticket_id=t.pk, started_at=t.sla_paused_since, status=t.status)
                    for t in tickets
                    if t.sla_paused_since
                ],
                returning=False,
            )
            insert_rows(
                SatisfactionRating,
                [_rating(rng, t) for t in tickets if t.resolved_at and rng.random() < 0.6],
                returning=False,
            )
        if first_pk is None and tickets:
            first_pk = tickets[0].pk
        made += size
        # Under DEBUG each statement (with its thousands of parameters) stays in the
        # connection's query log: forget them, or memory grows with N.
        reset_queries()
        if progress:
            progress(made, "inserted")
    if first_pk is not None:
        _index_from(first_pk, progress=progress)
    analyze()
    return made


def _index_from(first_pk: int, *, progress=None) -> None:
    """Index every ticket from `first_pk` on, in batches read back by primary key."""
    last = first_pk - 1
    done = 0
    while True:
        batch = list(
            Ticket.objects.select_related("organization").filter(pk__gt=last).order_by("pk")[:INDEX_BATCH]
        )
        if not batch:
            return
        with transaction.atomic():
            index_tickets(batch)
        last = batch[-1].pk
        done += len(batch)
        reset_queries()
        if progress:
            progress(done, "indexed")


def _converter(field: models.Field):
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    if isinstance(field, models.CharField | models.TextField):
        # Choices are enum members; a driver may adapt an enum by its name, not its value.
        return lambda value: value if value is None or type(value) is str else str(value)
    return None


def insert_rows(model: type[models.Model], objs: Sequence[models.Model], *, returning: bool = True) -> None:
    """INSERT unsaved `objs` with multi-row VALUES (PostgreSQL: `bulk_create`); sets their
    pk when `returning`.

    Only for generated data whose field values are already what the column holds (the
    validation and conversion `bulk_create` does per field are what this skips).
    """
    if not objs:
        return
    if connection.vendor == "postgresql":
        # psycopg parses the placeholders of a statement in Python and caches only short
        # statements: a 500-row VALUES list of tickets cost 1.8 ms of CPU a row, two thirds
        # of the seed. Django's bulk_create sends each column as one array (INSERT … SELECT
        # FROM UNNEST), a statement of a few dozen placeholders: 0.14 ms a row, ids returned.
        model.objects.bulk_create(objs, batch_size=BATCH)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    converters = [(f.attname, _converter(f)) for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    pk_column = connection.ops.quote_name(model._meta.pk.column)
    per_statement = max(1, min(500, 30000 // len(fields)))
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(objs), per_statement):
            chunk = objs[start : start + per_statement]
            params: list = []
            for obj in chunk:
                for attname, convert in converters:
                    value = getattr(obj, attname)
                    params.append(convert(value) if convert else value)
            sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([row_sql] * len(chunk))}"
            if returning:
                cursor.execute(sql + f" RETURNING {pk_column}", params)
                for obj, (pk,) in zip(chunk, cursor.fetchall(), strict=True):
                    obj.pk = pk
                    obj._state.adding = False
            else:
                cursor.execute(sql, params)


def _rating(rng: random.Random, ticket: Ticket) -> SatisfactionRating:
    rated = rng.random() < 0.45
    return SatisfactionRating(
        ticket=ticket,
        token=secrets.token_urlsafe(24),
        surveyed_at=ticket.resolved_at,
        score=_pick(rng, [(5, 50), (4, 25), (3, 12), (2, 7), (1, 6)]) if rated else None,
        rated_at=ticket.resolved_at + timedelta(hours=rng.randint(1, 48)) if rated else None,
    )


def _make(rng, now, customers, agents, profiles, categories, targets, calendars) -> Ticket:
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
    ticket = Ticket(
        subject=rng.choice(SUBJECTS).format(n=n),
        symptoms="批量生成的演示工单。Generated demo ticket for scale testing.",
        occurred_at=created - timedelta(hours=1),
        no_error_shown=True,
        steps_to_reproduce="1. 打开收款单 2. 生成凭证",
        expected_result="凭证生成",
        actual_result="凭证未生成",
        erp_system=organization.default_erp_system,
        erp_version="8.1",
        plugin_version="3.2.0",
        quality_score=rng.randint(55, 100),
        category=category,
        priority=priority,
        status=status,
        requester=requester,
        organization=organization,
        team=category.default_team,
        assignee=None if status == Status.NEW else rng.choice(agents),
        sla_plan=plan,
        sla_calendar_id=plan.calendar_id,
        sla_snapshot={
            "plan": plan.name,
            "tier": plan.tier,
            "priority": priority,
            "complexity": category.complexity,
            "first_response_minutes": target.first_response_minutes,
            "next_response_minutes": target.next_response_minutes,
            "resolution_minutes": target.resolution_minutes,
            "warn_at_percent": target.warn_at_percent,
        },
        created_at=created,
        updated_at=created,
    )
    ticket.first_response_due_at = business_time.add_business_minutes(
        calendar, created, target.first_response_minutes
    )
    ticket.resolution_due_at = business_time.add_business_minutes(
        calendar, created, target.resolution_minutes
    )
    if status != Status.NEW:
        delay = max(1, int(target.first_response_minutes * rng.uniform(0.05, 1.25)))
        answered = business_time.add_business_minutes(calendar, created, delay)
        if answered and answered < now:
            ticket.first_response_at = answered
            ticket.first_response_business_seconds = delay * 60
            ticket.first_response_seconds = int((answered - created).total_seconds())
            ticket.first_response_breached = answered > ticket.first_response_due_at
            ticket.agent_reply_count = _pick(rng, [(1, 55), (2, 25), (3, 12), (5, 8)])
            ticket.last_agent_reply_at = answered
            ticket.updated_at = answered
    if status in (Status.RESOLVED, Status.CLOSED) and ticket.first_response_at:
        spent = max(1, int(target.resolution_minutes * rng.uniform(0.05, 1.2)))
        resolved = business_time.add_business_minutes(calendar, created, spent)
        if resolved and ticket.first_response_at <= resolved < now:
            ticket.resolved_at = resolved
            ticket.resolution_business_seconds = spent * 60
            ticket.resolution_breached = resolved > ticket.resolution_due_at
            ticket.reopen_count = 1 if rng.random() < 0.05 else 0
            ticket.updated_at = resolved
            if status == Status.CLOSED:
                ticket.closed_at = min(resolved + timedelta(days=7), now)
        else:
            ticket.status = Status.OPEN
    elif status in (Status.RESOLVED, Status.CLOSED):
        ticket.status = Status.NEW
    if ticket.is_open:
        ticket.resolved_at = None
        # As the SLA watcher leaves them: a target past due is flagged (warned and breached)
        # and no longer a next check, so only the clocks still running are.
        if (
            not ticket.first_response_at
            and ticket.first_response_due_at
            and ticket.first_response_due_at < now
        ):
            ticket.first_response_warned = ticket.first_response_breached = True
        if ticket.resolution_due_at and ticket.resolution_due_at < now:
            ticket.resolution_warned = ticket.resolution_breached = True
        pending = [
            due
            for due, flagged in (
                (
                    None if ticket.first_response_at else ticket.first_response_due_at,
                    ticket.first_response_breached,
                ),
                (ticket.resolution_due_at, ticket.resolution_breached),
            )
            if due and not flagged
        ]
        ticket.sla_next_check_at = min(pending) if pending else None
        if ticket.status in (Status.PENDING_CUSTOMER, Status.ON_HOLD):
            # Paused tickets have no running clocks; the watcher has nothing to do for them.
            ticket.sla_paused_since = ticket.updated_at
            ticket.resolution_due_at = None
            ticket.sla_next_check_at = None
    return ticket
