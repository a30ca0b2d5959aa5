"""The submission wizard: refusals, acceptance, no-loss re-display, double submit, meter."""

import uuid
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from helpdesk.models import Attachment, Priority, Ticket
from helpdesk.services import staging
from helpdesk.tests.files import PNG
from portal.models import SubmissionAttempt

from .helpers import details_post, local_input

pytestmark = pytest.mark.django_db

DETAILS = reverse("portal:submit_details")


def test_step_one_starts_an_attempt_and_remembers_summary_and_category(customer_client, customer, category):
    response = customer_client.post(
        reverse("portal:submit"), {"category": category.pk, "subject": "收款单生成凭证失败"}
    )
    assert response.status_code == 302
    attempt = SubmissionAttempt.objects.get(user=customer)
    assert attempt.summary == "收款单生成凭证失败"
    wizard = customer_client.session["portal_submission"]
    assert wizard == {"attempt": str(attempt.pk), "category": category.pk, "subject": "收款单生成凭证失败"}


def test_step_one_refuses_a_missing_summary(customer_client, category):
    response = customer_client.post(reverse("portal:submit"), {"category": category.pk, "subject": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["subject"]


def test_without_suggestions_the_panel_says_so_and_continuing_opens_the_details(
    customer_client, customer, category
):
    customer_client.post(reverse("portal:submit"), {"category": category.pk, "subject": "凭证同步失败"})
    response = customer_client.get(reverse("portal:submit_suggestions"))
    # Not skipped silently: the step says nothing matched and offers the search page.
    assert response.status_code == 200
    html = response.content.decode()
    assert "found nothing that answers it" in html
    assert reverse("search") + "?q=%E5%87%AD%E8%AF%81" in html
    response = customer_client.post(reverse("portal:submit_suggestions"))
    assert response.status_code == 302
    assert response.url == DETAILS
    assert SubmissionAttempt.objects.get(user=customer).outcome != SubmissionAttempt.Outcome.STARTED
    page = customer_client.get(DETAILS)
    assert page.context["form"]["subject"].value() == "凭证同步失败"
    assert page.context["form"]["category"].value() == category.pk


def test_the_details_form_carries_a_fresh_submission_key_and_staging_token(
    customer_client, category, versions
):
    page = customer_client.get(DETAILS)
    form = page.context["form"]
    assert uuid.UUID(str(form["submission_key"].value()))
    assert staging.valid_token(form["staging"].value())
    assert 'data-quality-url="/submit/quality/"' in page.content.decode()


def test_a_complete_description_creates_one_ticket_and_shows_the_confirmation(
    customer_client, customer, category, versions, team
):
    response = customer_client.post(DETAILS, details_post(category))
    ticket = Ticket.objects.get(requester=customer)
    assert response.status_code == 302
    assert response.url == reverse("portal:submit_done", kwargs={"reference": ticket.reference})
    assert ticket.subject == "金蝶收款单生成凭证失败：科目不存在"
    assert ticket.plugin_version == "3.2.1"
    assert ticket.affected_users == 5
    assert ticket.quality_score >= 80
    page = customer_client.get(response.url)
    assert ticket.reference in page.content.decode()
    assert page.context["user_timezone"] == "Asia/Shanghai"


def test_the_time_is_read_in_the_users_own_time_zone(customer_client, customer, category, versions):
    customer.customer_profile.timezone = "Europe/Berlin"
    customer.customer_profile.save()
    post = details_post(category, occurred_at=local_input(hours_ago=3, zone="Europe/Berlin"))
    customer_client.post(DETAILS, post)
    ticket = Ticket.objects.get(requester=customer)
    in_berlin = ticket.occurred_at.astimezone(ZoneInfo("Europe/Berlin"))
    assert in_berlin.strftime("%Y-%m-%dT%H:%M") == post["occurred_at"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("symptoms", "不能用"),
        ("symptoms", "doesn't work"),
        ("subject", "urgent!!!"),
        ("error_message", ""),
        ("steps_to_reproduce", ""),
        ("expected_result", ""),
        ("actual_result", ""),
        ("erp_version", ""),
        ("plugin_version", ""),
        ("occurred_at", ""),
    ],
)
def test_the_form_refuses_a_vague_or_incomplete_description_next_to_the_field(
    customer_client, customer, category, versions, field, value
):
    response = customer_client.post(DETAILS, details_post(category, **{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Ticket.objects.exists()
    assert f'id="id_{field}_error"' in response.content.decode()


def test_an_explicit_no_error_shown_replaces_the_error_text(customer_client, customer, category, versions):
    customer_client.post(DETAILS, details_post(category, error_message="", no_error_shown="on"))
    assert Ticket.objects.get(requester=customer).no_error_shown


def test_a_time_in_the_future_is_refused(customer_client, category, versions):
    response = customer_client.post(DETAILS, details_post(category, occurred_at=local_input(hours_ago=-5)))
    assert "occurred_at" in response.context["form"].errors


def test_a_time_older_than_90_days_needs_the_long_standing_tick(
    customer_client, customer, category, versions
):
    old = local_input(days_ago=120)
    refused = customer_client.post(DETAILS, details_post(category, occurred_at=old))
    assert "occurred_at" in refused.context["form"].errors
    customer_client.post(DETAILS, details_post(category, occurred_at=old, long_standing="on"))
    assert Ticket.objects.get(requester=customer).long_standing


def test_an_unknown_plugin_version_is_refused(customer_client, category, versions):
    response = customer_client.post(DETAILS, details_post(category, plugin_version="9.9.9"))
    assert "plugin_version" in response.context["form"].errors


def test_errors_are_shown_in_the_users_language(customer_client, category, versions):
    customer_client.cookies["django_language"] = "zh-hans"
    response = customer_client.post(
        DETAILS, details_post(category, symptoms=""), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.context["LANGUAGE_CODE"] == "zh-hans"
    customer_client.cookies["django_language"] = "en"
    response = customer_client.post(DETAILS, details_post(category, symptoms=""))
    assert "Describe what happened" in " ".join(response.context["form"].errors["symptoms"])


def test_a_complex_category_requires_environment_and_an_attachment(
    customer_client, customer, complex_category, versions
):
    response = customer_client.post(DETAILS, details_post(complex_category))
    errors = response.context["form"].errors
    assert {"environment", "attachments"} <= set(errors)
    post = details_post(
        complex_category,
        environment="Windows Server 2019，SQL Server 2017，金蝶私有云部署，通过 VPN 连接",
        attachments=SimpleUploadedFile("error.png", PNG, content_type="image/png"),
    )
    customer_client.post(DETAILS, post)
    ticket = Ticket.objects.get(requester=customer)
    assert ticket.attachments.get().original_name == "error.png"


def test_nothing_typed_or_uploaded_is_lost_when_the_form_is_redisplayed(
    customer_client, customer, category, versions, django_capture_on_commit_callbacks
):
    post = details_post(
        category,
        steps_to_reproduce="",
        attachments=[
            SimpleUploadedFile("截图.png", PNG, content_type="image/png"),
            SimpleUploadedFile("sync.log", b"2025-11-03 ERROR 4012\n", content_type="text/plain"),
        ],
    )
    response = customer_client.post(DETAILS, post)
    form = response.context["form"]
    assert "steps_to_reproduce" in form.errors
    html = response.content.decode()
    assert "在金蝶云星空中点击" in html and "ERR-4012" in html and "K/3 Cloud 8.1" in html
    kept = response.context["kept_files"]
    assert [f.name for f in kept] == ["截图.png", "sync.log"]
    assert "截图.png" in html
    # The user fixes the field without choosing the files again.
    fixed = {
        **details_post(category),
        "submission_key": post["submission_key"],
        "staging": form["staging"].value(),
    }
    with django_capture_on_commit_callbacks(execute=True):
        customer_client.post(DETAILS, fixed)
    ticket = Ticket.objects.get(requester=customer)
    assert sorted(ticket.attachments.values_list("original_name", flat=True)) == ["sync.log", "截图.png"]
    # The staging folder goes once the ticket is committed.
    assert staging.list_staged(user_id=customer.pk, token=form["staging"].value()) == []


def test_a_kept_file_can_be_removed_before_submitting(customer_client, customer, category, versions):
    post = details_post(category, symptoms="", attachments=SimpleUploadedFile("a.png", PNG))
    form = customer_client.post(DETAILS, post).context["form"]
    token = form["staging"].value()
    [kept] = staging.list_staged(user_id=customer.pk, token=token)
    customer_client.post(
        DETAILS,
        {
            **details_post(category),
            "submission_key": post["submission_key"],
            "staging": token,
            "remove_files": kept.key,
        },
    )
    assert not Attachment.objects.exists()
    assert Ticket.objects.filter(requester=customer).count() == 1


def test_a_refused_file_is_named_and_the_valid_ones_are_kept(customer_client, customer, category, versions):
    post = details_post(
        category,
        attachments=[SimpleUploadedFile("evil.exe", b"MZ..."), SimpleUploadedFile("ok.png", PNG)],
    )
    response = customer_client.post(DETAILS, post)
    assert "evil.exe" in " ".join(response.context["form"].errors["attachments"])
    assert [f.name for f in response.context["kept_files"]] == ["ok.png"]
    assert not Ticket.objects.exists()


def test_a_staging_token_of_another_user_names_nothing(client, customer, org, category, versions):
    from helpdesk.tests.factories import CustomerFactory

    token = staging.new_token()
    staging.stage_uploads(user_id=customer.pk, token=token, uploads=[SimpleUploadedFile("secret.png", PNG)])
    intruder = CustomerFactory(organization=org)
    client.force_login(intruder)
    client.post(DETAILS, {**details_post(category), "staging": token})
    assert not Ticket.objects.get(requester=intruder).attachments.exists()


def test_a_double_submission_creates_one_ticket(customer_client, customer, category, versions):
    post = details_post(category)
    first = customer_client.post(DETAILS, post)
    second = customer_client.post(DETAILS, post)
    assert Ticket.objects.filter(requester=customer).count() == 1
    assert first.url == second.url


def test_a_double_submission_with_files_keeps_them_once(
    customer_client, customer, complex_category, versions
):
    post = details_post(
        complex_category,
        environment="Windows Server 2019，SQL Server 2017，金蝶私有云部署，通过 VPN 连接",
    )
    first = customer_client.post(DETAILS, {**post, "attachments": SimpleUploadedFile("a.png", PNG)})
    second = customer_client.post(DETAILS, {**post, "attachments": SimpleUploadedFile("a.png", PNG)})
    ticket = Ticket.objects.get(requester=customer)
    assert first.url == second.url
    assert ticket.attachments.count() == 1


def test_blocked_posting_raises_the_priority(customer_client, customer, category, versions):
    customer_client.post(DETAILS, details_post(category, posting_blocked="on"))
    assert Ticket.objects.get(requester=customer).priority == Priority.P2


def test_the_submission_links_the_wizard_attempt_to_the_ticket(customer_client, customer, category, versions):
    customer_client.post(reverse("portal:submit"), {"category": category.pk, "subject": "凭证同步失败"})
    customer_client.get(reverse("portal:submit_suggestions"))
    attempt = SubmissionAttempt.objects.get(user=customer)
    customer_client.post(DETAILS, details_post(category, attempt=str(attempt.pk)))
    attempt.refresh_from_db()
    assert attempt.ticket == Ticket.objects.get(requester=customer)
    assert attempt.outcome == SubmissionAttempt.Outcome.SUBMITTED
    assert "portal_submission" not in customer_client.session


def test_the_quality_endpoint_rates_the_fields_with_the_same_rules(customer_client, category, versions):
    url = reverse("portal:submit_quality")
    vague = customer_client.post(url, {"category": category.pk, "symptoms": "没反应"}).json()
    assert vague["acceptable"] is False
    assert any(f["field"] == "symptoms" and "没反应" in f["message"] for f in vague["findings"])
    good = customer_client.post(url, details_post(category)).json()
    assert good["acceptable"] is True
    assert good["score"] > vague["score"]


def test_the_quality_endpoint_counts_attachments_for_complex_categories(
    customer_client, complex_category, versions
):
    url = reverse("portal:submit_quality")
    post = details_post(
        complex_category, environment="Windows Server 2019，SQL Server 2017，私有云部署，VPN 连接"
    )
    without = customer_client.post(url, post).json()
    with_file = customer_client.post(url, {**post, "attachment_count": "1"}).json()
    assert any(f["field"] == "attachments" for f in without["findings"])
    assert not any(f["field"] == "attachments" for f in with_file["findings"])


def test_the_quality_endpoint_refuses_get_and_anonymous_users(customer_client):
    url = reverse("portal:submit_quality")
    assert customer_client.get(url).status_code == 405
    customer_client.logout()
    assert customer_client.post(url).status_code == 302


def test_the_confirmation_of_another_users_ticket_is_a_404(client, category, versions):
    from helpdesk.tests.factories import CustomerFactory, submit

    ticket = submit(category=category)
    client.force_login(CustomerFactory())
    assert (
        client.get(reverse("portal:submit_done", kwargs={"reference": ticket.reference})).status_code == 404
    )


def test_agents_are_sent_away_from_the_wizard(client, db):
    from helpdesk.tests.factories import AgentFactory

    client.force_login(AgentFactory())
    assert client.get(reverse("portal:submit")).status_code == 302


def test_anonymous_users_are_asked_to_sign_in(client, db):
    response = client.get(reverse("portal:submit"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("portal:login"))


def test_matching_articles_are_suggested_without_javascript_and_deflection_is_recorded(
    customer_client, customer, category
):
    from knowledgebase.tests.factories import article

    found = article(title="凭证生成失败：科目不存在", body_md="检查科目 1122 是否启用。")
    customer_client.post(reverse("portal:submit"), {"category": category.pk, "subject": "凭证生成失败"})
    page = customer_client.get(reverse("portal:submit_suggestions"))
    assert page.status_code == 200
    html = page.content.decode()
    assert found.get_absolute_url() in html
    assert reverse("portal:submit_deflect") in html
    attempt = SubmissionAttempt.objects.get(user=customer)
    customer_client.post(
        reverse("portal:submit_deflect"),
        {"attempt": str(attempt.pk), "url": found.get_absolute_url(), "title": found.title},
    )
    attempt.refresh_from_db()
    assert attempt.outcome == SubmissionAttempt.Outcome.DEFLECTED
    assert not Ticket.objects.exists()


def test_none_of_these_continues_to_the_details(customer_client, customer, category):
    from knowledgebase.tests.factories import article

    article(title="凭证生成失败：科目不存在")
    customer_client.post(reverse("portal:submit"), {"category": category.pk, "subject": "凭证生成失败"})
    response = customer_client.post(reverse("portal:submit_suggestions"))
    assert response.url == DETAILS
    assert SubmissionAttempt.objects.get(user=customer).outcome == SubmissionAttempt.Outcome.CONTINUED


def test_a_forged_attempt_id_does_not_block_the_submission(customer_client, customer, category, versions):
    customer_client.post(DETAILS, details_post(category, attempt=str(uuid.uuid4())))
    assert Ticket.objects.filter(requester=customer).count() == 1
