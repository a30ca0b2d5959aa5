"""The data every crawled page can show: users of each kind and a row behind every route and
ModelAdmin, made through the factories and services (`build_world`), for
test_no_server_errors."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from chat import services as chat_services
from community.models import Board, Topic
from community.tests.crawl import community_world
from core import clock
from helpdesk.models import (
    ApiScope,
    MaintenanceWindow,
    PluginVersion,
    SatisfactionRating,
    TeamAlertChannel,
    Ticket,
)
from helpdesk.services.api_keys import create_api_key
from helpdesk.services.attachments import store_attachment
from helpdesk.services.followers import add_follower
from helpdesk.services.maintenance import save_window
from helpdesk.services.webhooks import create_endpoint, send_test_event
from helpdesk.services.workflow import set_status
from helpdesk.tests.factories import (
    AgentFactory,
    CannedResponseFactory,
    CategoryFactory,
    CustomerFactory,
    TeamFactory,
    UserFactory,
    submit,
)
from knowledgebase.services.feedback import record_vote
from knowledgebase.services.known_issues import link_tickets
from knowledgebase.services.search_log import flush as flush_search_log
from knowledgebase.services.search_log import log_search
from knowledgebase.services.training import sign_up
from knowledgebase.tests.factories import CategoryFactory as KbCategoryFactory
from knowledgebase.tests.factories import TrainingSessionFactory, article, video_article
from portal.services.accounts import activation_token
from portal.services.deflection import start_submission
from search.models import Synonym

from .routes import admin_sites

VAGUE_FIELDS = [
    "symptoms",
    "error_message",
    "steps_to_reproduce",
    "expected_result",
    "actual_result",
    "impact",
]


@dataclass
class World:
    users: dict
    real: dict  # (route name or "", parameter) -> python values, best first (or a callable)
    objects: dict = field(default_factory=dict)  # model -> the row admin routes open
    missing: list = field(default_factory=list)


def mail_world(*, category):
    """A relay mailbox and a message held from an unknown sender, for their admin pages."""
    from helpdesk.mail.inbound import receive
    from helpdesk.models import Mailbox

    mailbox = Mailbox.objects.create(
        name="support",
        address="support@example.com",
        source=Mailbox.Source.RELAY,
        relay_secret="r" * 32,
        category=category,
    )
    raw = b"From: stranger@example.net\r\nTo: support@example.com\r\nSubject: hello\r\nMessage-ID: <crawl@x>\r\n\r\nhi"
    receive(mailbox=mailbox, raw=raw)
    return mailbox


API_TICKET_ROUTES = ("detail", "messages", "attachments", "reply", "resolve", "merge")


def inactive_free_customer():
    return CustomerFactory(email="chat.customer@example.com")


def build_world() -> World:
    customer = CustomerFactory()
    agent = AgentFactory()
    superuser = UserFactory(is_staff=True, is_superuser=True)
    inactive = CustomerFactory(is_active=False)
    category = CategoryFactory()
    ticket = submit(requester=customer, category=category)
    attachment = store_attachment(
        ticket=ticket,
        upload=SimpleUploadedFile("error.log", b"ERR-4012 account missing", content_type="text/plain"),
        uploaded_by=customer,
    )
    resolved = submit(requester=customer, subject="收款单过账后凭证号重复")
    set_status(ticket=resolved, status=Ticket.Status.RESOLVED, actor=agent)
    rating = SatisfactionRating.objects.get(ticket=resolved)
    # Taken by phone with too little said: the portal asks the customer for the rest.
    vague = submit(
        requester=customer,
        channel=Ticket.Channel.PHONE,
        created_by=agent,
        subject="电话：凭证有问题",
        details=dict.fromkeys(VAGUE_FIELDS, ""),
    )
    kb_category = KbCategoryFactory()
    item = article(category=kb_category, tags=["凭证"])
    video = video_article(
        title="收款凭证插件入门视频",
        file=SimpleUploadedFile("intro.mp4", b"\x00\x00\x00\x18ftypmp42", content_type="video/mp4"),
    )
    training = TrainingSessionFactory(starts_at=clock.now() + timedelta(days=7))
    sign_up(session=training, user=customer)
    record_vote(article=item, user=customer, session_key="", helpful=False, comment="少了一步")
    log_search(query="凭证", results=1, user=customer)
    flush_search_log()
    CannedResponseFactory()
    # Live chat: one waiting chat and an agent's availability, for the chat admin pages.
    chat_services.set_availability(agent=agent, status="available")
    chat_services.start_chat(customer=inactive_free_customer(), category=category, text="凭证过账失败")
    TeamFactory()

    plugin, _created = PluginVersion.objects.get_or_create(
        version="3.2.1", defaults={"released_on": date(2025, 6, 1)}
    )
    Synonym.objects.create(terms="红冲, 红字冲销")
    api_key, _plain = create_api_key(owner=customer, name="ERP 同步", scopes=[ApiScope.TICKETS_READ])
    start_submission(user=customer, summary="金蝶收款单生成凭证失败")
    mailbox = mail_world(category=category)
    # A locked-out sign-in, for the lockout pages in admin (django-axes).
    AccessAttempt.objects.create(
        username="locked@example.com", ip_address="192.0.2.1", user_agent="x", failures_since_start=5
    )
    AccessFailureLog.objects.create(username="locked@example.com", ip_address="192.0.2.1", user_agent="x")
    # Webhooks and chat alerts: nothing listens on 18040, so a crawled "send test" fails fast.
    endpoint, _secret = create_endpoint(
        name="CRM", url="http://127.0.0.1:18040/hook", events=["article.published"], actor=superuser
    )
    channel = TeamAlertChannel.objects.create(
        team=TeamFactory(),
        name="值班群",
        platform="wecom",
        url="http://127.0.0.1:18040/w",
        events=["sla_breach"],
    )
    send_test_event(endpoint=endpoint, actor=superuser)
    follower = CustomerFactory(organization=customer.customer_profile.organization)
    add_follower(ticket=ticket, user=follower, actor=customer)
    # Known issues and maintenance (#18): a known issue linked to the ticket, a window.
    known_issue = article(
        kind="known_issue", title="金蝶云星空 8.2 中凭证附件数为 0", workaround_md="手动设置附件数。"
    )
    link_tickets(issue=known_issue, tickets=[ticket], actor=agent)
    window_start = clock.now() + timedelta(days=1)
    save_window(
        window=MaintenanceWindow(
            title_zh_hans="服务台系统升级",
            title_en="Helpdesk system upgrade",
            services_zh_hans="在线提交工单",
            services_en="online requests",
            starts_at=window_start,
            ends_at=window_start + timedelta(hours=2),
        ),
        actor=superuser,
    )

    real = {
        ("", "reference"): [ticket.reference],
        ("", "format"): ["json"],
        ("", "year"): [2025],
        ("", "url"): ["no-such-page/"],
        ("portal:ticket_complete", "reference"): [vague.reference],
        ("portal:ticket_reopen", "reference"): [resolved.reference],
        ("portal:ticket_rate", "reference"): [resolved.reference],
        ("portal:rate", "token"): [rating.token],
        ("portal:activate", "token"): [activation_token(inactive)],
        ("portal:password_reset_confirm", "uidb64"): [urlsafe_base64_encode(force_bytes(customer.pk))],
        # Late: signing the crawling user in changes last_login, which the token covers.
        ("portal:password_reset_confirm", "token"): lambda: [default_token_generator.make_token(customer)],
        ("knowledgebase:category", "slug"): [kb_category.slug],
        ("admin:reports_breakdown", "dimension"): ["team", "plan", "no-such-dimension"],
        ("admin:knowledgebase_known_issue_fix", "pk"): [known_issue.pk],
        ("admin:knowledgebase_known_issue_link", "ticket_id"): [ticket.pk],
        ("admin:knowledgebase_known_issue_unlink", "ticket_id"): [ticket.pk],
        ("admin:knowledgebase_known_issue_unlink", "issue_id"): [known_issue.pk],
        ("knowledgebase:article", "slug"): [item.slug, video.slug],
        ("knowledgebase:vote", "slug"): [item.slug],
        ("knowledgebase:video-file", "slug"): [video.slug],
        ("knowledgebase:video-poster", "slug"): [video.slug],
        ("knowledgebase:video-captions", "slug"): [video.slug],
        ("knowledgebase:training-signup", "pk"): [training.pk],
        ("knowledgebase:training-cancel", "pk"): [training.pk],
        ("helpdesk:attachment_download", "pk"): [attachment.pk],
        ("helpdesk:mail_relay", "mailbox_id"): [mailbox.pk],
        ("portal:api_key_revoke", "pk"): [api_key.pk],
        ("portal:ticket_follower_remove", "user_id"): [follower.pk],
        **{(f"api:ticket-{name}", "pk"): [ticket.pk] for name in API_TICKET_ROUTES},
        ("api:ticket-reopen", "pk"): [resolved.pk],
        ("api:ticket-rate", "pk"): [resolved.pk],
        ("api:attachment-detail", "pk"): [attachment.pk],
        ("api:attachment-download", "pk"): [attachment.pk],
        ("api:category-detail", "slug"): [category.slug],
        ("api:pluginversion-detail", "version"): [plugin.version],
        ("api:kb-category-detail", "slug"): [kb_category.slug],
        ("api:kb-article-detail", "slug"): [item.slug, video.slug],
        ("api:kb-faq-detail", "slug"): [item.slug],
        ("api:kb-video-detail", "slug"): [video.slug],
        ("api:kb-release-note-detail", "slug"): [item.slug],
        ("api:kb-known-issue-detail", "slug"): [item.slug],
        # Late: the forum's rows are made by community_world below.
        ("api:forum-board-detail", "slug"): lambda: [Board.objects.order_by("pk").first().slug],
        ("api:forum-topic-detail", "pk"): lambda: [Topic.objects.order_by("pk").first().pk],
        ("api:forum-topic-posts", "pk"): lambda: [Topic.objects.order_by("pk").first().pk],
        ("admin:view_on_site", "content_type_id"): [ContentType.objects.get_for_model(Ticket).pk],
        ("admin:view_on_site", "object_id"): [ticket.pk],
        ("admin:knowledgebase_article_restore", "number"): [item.revisions.first().number],
        ("admin:helpdesk_webhookendpoint_test", "pk"): [endpoint.pk],
        ("admin:helpdesk_teamalertchannel_test", "pk"): [channel.pk],
        **community_world(customer=customer, agent=agent),
    }
    world = World(users={"customer": customer, "agent": agent, "superuser": superuser}, real=real)
    explicit = {type(obj): obj for obj in [ticket, customer, item, rating, category, kb_category, training]}
    for site in admin_sites():
        real[("", "app_label")] = sorted({model._meta.app_label for model in site._registry})
        for model in site._registry:
            obj = explicit.get(model) or model._base_manager.order_by("pk").first()
            if obj is None:
                world.missing.append(
                    f"no {model._meta.label} row for its admin pages: create one in build_world()"
                )
            world.objects[model] = obj
    return world
