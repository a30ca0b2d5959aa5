"""factory_boy factories shared by every app's tests."""

from datetime import UTC, datetime, timedelta

import factory
from django.contrib.auth.models import Group

from helpdesk.models import (
    CannedResponse,
    Category,
    Complexity,
    CustomerProfile,
    Organization,
    SLAPlan,
    Team,
    Ticket,
    User,
)
from helpdesk.roles import AGENTS

PASSWORD = "correct-horse-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Sequence(lambda n: f"User {n}")
    password = factory.django.Password(PASSWORD)


class AgentFactory(UserFactory):
    email = factory.Sequence(lambda n: f"agent{n}@vendor.example")
    is_staff = True

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create:
            ensure_seeded()
            self.groups.add(Group.objects.get(name=AGENTS))


def ensure_seeded() -> None:
    """What migrations seed (SLA plans and calendars, the Agents and Managers groups), again
    if a transactional test's flush removed it: tests run in random order."""
    if not SLAPlan.objects.exists():
        from helpdesk.models import BusinessCalendar, BusinessHours, CalendarOverride, SLATarget
        from helpdesk.sla.defaults import install_defaults

        install_defaults(
            Calendar=BusinessCalendar,
            Hours=BusinessHours,
            Override=CalendarOverride,
            Plan=SLAPlan,
            Target=SLATarget,
        )
    if not Group.objects.filter(name=AGENTS).exists():
        # A serialized-rollback test ends with a flush that skips post_migrate, so content
        # types, permissions and the role groups are all gone: re-create all three, or the
        # groups come back without their permissions.
        from django.core.management.sql import emit_post_migrate_signal

        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")


def plan(tier: str = SLAPlan.Tier.ADVANCED) -> SLAPlan:
    """The seeded plan of that tier (installed by migration 0002)."""
    ensure_seeded()
    return SLAPlan.objects.get(tier=tier)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"客户公司 {n}")
    sla_plan = factory.LazyFunction(plan)
    timezone = "Asia/Shanghai"
    default_erp_system = "kingdee"


class CustomerFactory(UserFactory):
    @factory.post_generation
    def organization(self, create, extracted, **kwargs):
        if create:
            CustomerProfile.objects.create(
                user=self,
                organization=extracted or OrganizationFactory(),
                **kwargs,
            )


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    calendar = factory.LazyFunction(lambda: plan().calendar)
    erp_systems = factory.LazyFunction(lambda: ["kingdee"])


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    complexity = Complexity.STANDARD


class CannedResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CannedResponse

    title = factory.Sequence(lambda n: f"Macro {n}")
    body = "您好，我们已收到您的问题，正在处理。"


GOOD_DETAILS = {
    "symptoms": "在金蝶云星空中点击“生成凭证”后，收款单没有生成凭证，界面弹出红色错误提示框，当天所有收款单都无法过账。",
    "occurred_at": datetime(2025, 11, 3, 1, 30, tzinfo=UTC),
    "error_message": "ERR-4012: 科目 1122 不存在或已禁用",
    "steps_to_reproduce": "1. 打开收款单列表 2. 选择 11 月 3 日的收款单 3. 点击生成凭证 4. 查看弹出的错误",
    "expected_result": "凭证生成并自动过账",
    "actual_result": "弹出错误，凭证没有生成",
    "erp_system": "kingdee",
    "erp_version": "K/3 Cloud 8.1",
    "plugin_version": "3.2.1",
    "impact": "财务部 5 人无法过账",
}


def submit(
    *,
    requester=None,
    category=None,
    now=None,
    channel="web",
    submission_key=None,
    attachments=(),
    **kwargs,
) -> Ticket:
    """A ticket through the intake door, with a good description unless overridden.

    The problem happened half an hour before `now` unless the details say when. The
    channel's policy applies: a vague web ticket is refused, a vague phone ticket flagged.
    """
    from core.clock import resolve_now
    from helpdesk.services.intake import open_ticket

    moment = resolve_now(now)
    details = {**GOOD_DETAILS, "occurred_at": moment - timedelta(minutes=30), **kwargs.pop("details", {})}
    return open_ticket(
        requester=requester or CustomerFactory(),
        channel=channel,
        fields={
            "category": category or CategoryFactory(),
            "subject": kwargs.pop("subject", "金蝶收款单生成凭证失败：科目不存在"),
            **details,
        },
        idempotency_key=submission_key,
        attachments=attachments,
        now=now,
        **kwargs,
    )
