"""Create the demo world through the real services. Idempotent: run it as often as you like."""

import functools
from datetime import date, datetime, timedelta
from email.utils import parseaddr
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from helpdesk.models import (
    CannedResponse,
    Category,
    Channel,
    CustomerProfile,
    Mailbox,
    Organization,
    PluginVersion,
    SatisfactionRating,
    SLAPlan,
    Team,
    Ticket,
    User,
)
from helpdesk.roles import AGENTS, MANAGERS
from helpdesk.services.conversation import add_internal_note, record_agent_reply, record_customer_reply
from helpdesk.services.intake import open_ticket
from helpdesk.services.tickets import assign_ticket, merge_tickets
from helpdesk.services.workflow import rate_ticket, set_status

from . import data
from .tickets import STORIES


def seed_reference_data() -> dict:
    """Plugin versions, teams, categories, organizations, canned responses."""
    for version, released in data.PLUGIN_VERSIONS:
        PluginVersion.objects.get_or_create(
            version=version, defaults={"released_on": date.fromisoformat(released)}
        )
    plans = {plan.tier: plan for plan in SLAPlan.objects.select_related("calendar")}
    teams = []
    for (name_zh, name_en), email, erp, tier in data.TEAMS:
        team, _ = Team.objects.get_or_create(
            name_zh_hans=name_zh,
            defaults={
                "name_en": name_en,
                "email": email,
                "erp_systems": erp,
                "calendar": plans[tier].calendar,
            },
        )
        teams.append(team)
    categories = {}
    for position, (slug, (name_zh, name_en), complexity, default_team, skilled) in enumerate(data.CATEGORIES):
        category, created = Category.objects.get_or_create(
            slug=slug,
            defaults={
                "name_zh_hans": name_zh,
                "name_en": name_en,
                "complexity": complexity,
                "default_team": teams[default_team],
                "position": position,
            },
        )
        if created:
            for index in skilled:
                teams[index].categories.add(category)
        categories[slug] = category
    organizations = []
    for name, tier, tz, erp, domain in data.ORGANIZATIONS:
        org, _ = Organization.objects.get_or_create(
            name=name,
            defaults={
                "sla_plan": plans[tier],
                "timezone": tz,
                "default_erp_system": erp,
                "email_domains": domain,
            },
        )
        organizations.append(org)
    for (title_zh, body_zh), (title_en, body_en) in data.CANNED_RESPONSES:
        CannedResponse.objects.get_or_create(
            title_zh_hans=title_zh,
            defaults={"body_zh_hans": body_zh, "title_en": title_en, "body_en": body_en},
        )
    return {"teams": teams, "categories": categories, "organizations": organizations}


def seed_mailbox(world: dict) -> Mailbox:
    """A local Maildir under var/ (KUAIXIANG_VAR_DIR): a mail dropped into its new/ folder
    becomes a ticket at the next fetch_mail round (make run runs the loop). Unknown senders
    become customers of the first demo organization."""
    path = settings.VAR_DIR / "maildir"
    mailbox, _ = Mailbox.objects.get_or_create(
        name="demo",
        defaults={
            "address": parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "support@example.com",
            "source": Mailbox.Source.MAILDIR,
            "path": str(path),
            "category": world["categories"]["voucher-generation"],
            "unknown_sender": Mailbox.UnknownSender.CREATE,
            "default_organization": world["organizations"][0],
        },
    )
    for sub in ("new", "cur", "tmp"):
        (Path(mailbox.path) / sub).mkdir(parents=True, exist_ok=True)
    return mailbox


@functools.cache
def demo_password_hash() -> str:
    """The demo's one password, hashed once per process: PBKDF2 takes ~0.5 s a hash and the demo
    has twenty-odd people who share the password (printed by every `make run`, so a salt of
    their own would protect nothing)."""
    return make_password(data.DEMO_PASSWORD)


def create_demo_user(email: str, **extra) -> User:
    """A demo account that signs in with the demo password."""
    user = User.objects.create_user(email, None, **extra)
    user.password = demo_password_hash()
    user.save(update_fields=["password"])
    return user


def seed_people(world: dict) -> dict[str, User]:
    people = {}
    groups = {"agent": Group.objects.get(name=AGENTS), "manager": Group.objects.get(name=MANAGERS)}
    for email, (name, role, extra) in data.PEOPLE.items():
        user = User.objects.filter(email=email).first()
        if user is None:
            user = create_demo_user(
                email,
                full_name=name,
                is_staff=role != "customer",
                is_superuser=role == "admin",
            )
        people[email] = user
        if role in groups:
            user.groups.add(groups[role])
            if role == "manager":
                user.groups.add(groups["agent"])
        for index in extra.get("teams", []):
            world["teams"][index].members.add(user)
        for index in extra.get("lead_of", []):
            Team.objects.filter(pk=world["teams"][index].pk, lead__isnull=True).update(lead=user)
        if role == "customer":
            CustomerProfile.objects.get_or_create(
                user=user,
                defaults={
                    "organization": world["organizations"][extra["org"]],
                    "is_org_admin": extra.get("org_admin", False),
                    "language": extra.get("language", ""),
                    "timezone": extra.get("timezone", ""),
                },
            )
    return people


def _play(step: tuple, ticket: Ticket, at: datetime, people: dict[str, User], made: list[Ticket]) -> Ticket:
    _, action, args = step
    if action == "assign":
        assign_ticket(ticket=ticket, assignee=people[args], actor=people[args], now=at)
    elif action == "reply":
        author, body, status = args
        record_agent_reply(ticket=ticket, author=people[author], body=body, status=status, now=at)
    elif action == "note":
        author, body = args
        add_internal_note(ticket=ticket, author=people[author], body=body, now=at)
    elif action == "customer":
        record_customer_reply(ticket=ticket, author=ticket.requester, body=args, now=at)
    elif action == "status":
        author, status = args
        set_status(ticket=ticket, status=status, actor=people[author], now=at)
    elif action == "rate":
        score, comment = args
        rating = SatisfactionRating.objects.filter(ticket=ticket, rated_at__isnull=True).latest("surveyed_at")
        rate_ticket(token=rating.token, score=score, comment=comment, actor=ticket.requester, now=at)
    elif action == "merge_into":
        merge_tickets(source=ticket, target=made[args], actor=people["agent@example.com"], now=at)
    return ticket


@transaction.atomic
def seed_stories(world: dict, people: dict[str, User], *, now: datetime) -> int:
    """The hand-written demo tickets; skipped when they already exist."""
    if Ticket.objects.filter(requester=people["customer@example.com"]).exists():
        return 0
    made: list[Ticket] = []
    for story in STORIES:
        created = now - timedelta(hours=story["hours_ago"])
        ticket = open_ticket(
            requester=people[story["requester"]],
            channel=story.get("channel", Channel.WEB),
            fields={
                "category": world["categories"][story["category"]],
                "subject": story["subject"],
                "occurred_at": created - timedelta(minutes=40),
                **story["details"],
            },
            # As if an agent had raised it on first reading; the policy's P2 still applies.
            priority=story["priority"],
            now=created,
        )
        made.append(ticket)
        for step in story["steps"]:
            _play(step, ticket, created + timedelta(hours=step[0]), people, made)
    return len(made)
