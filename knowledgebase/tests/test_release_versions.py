"""What a customer's version means for them: new releases, known issues, opt-in digests."""

from datetime import date, timedelta

import pytest

from core.clock import now as clock_now
from helpdesk.models import EmailKind, OutboundEmail, PluginVersion
from helpdesk.services.organizations import note_versions, set_update_preferences
from helpdesk.tests.factories import CustomerFactory, OrganizationFactory
from knowledgebase.models import IssueStatus, Kind, Visibility
from knowledgebase.selectors.versions import known_issues_affecting, new_since_version
from knowledgebase.services.releases import send_release_digests

from .factories import article


@pytest.fixture
def versions(db):
    released = date(2025, 1, 1)
    return {
        v: PluginVersion.objects.create(version=v, released_on=released + timedelta(days=i))
        for i, v in enumerate(["3.2.0", "3.2.1", "3.9.0", "3.10.0"])
    }


def _note(version, **extra):
    return article(
        kind=Kind.RELEASE_NOTE, title=f"插件 {version.version} 更新说明", release_version=version, **extra
    )


def _customer(version="3.2.1", **profile):
    org = OrganizationFactory(plugin_version=version)
    return CustomerFactory(organization=org, **{f"organization__{k}": v for k, v in profile.items()})


def test_new_since_version_compares_versions_not_text(versions, django_assert_num_queries):
    notes = {v: _note(versions[v]) for v in ("3.2.0", "3.2.1", "3.9.0", "3.10.0")}
    customer = _customer("3.2.1")
    customer = type(customer).objects.select_related("customer_profile__organization").get(pk=customer.pk)
    with django_assert_num_queries(2):  # the version table, the notes
        found = new_since_version(user=customer)
    # 3.10.0 is newer than 3.9.0 (text order would say the opposite).
    assert found == [notes["3.10.0"], notes["3.9.0"]]
    assert new_since_version(user=customer, version="3.10.0") == []
    assert new_since_version(user=customer, version="") == []


def test_new_since_version_respects_visibility_and_drafts(versions):
    _note(versions["3.9.0"], visibility=Visibility.AGENTS)
    _note(versions["3.10.0"], status="draft")
    assert new_since_version(user=_customer("3.2.1")) == []


def test_known_issues_affecting_the_version(versions, django_assert_num_queries):
    affecting = article(
        kind=Kind.KNOWN_ISSUE, title="附件数为 0", issue_status=IssueStatus.WORKAROUND,
        plugin_versions=[versions["3.2.0"], versions["3.2.1"]],
    )  # fmt: skip
    fixed_later = article(
        kind=Kind.KNOWN_ISSUE, title="重复生成凭证", issue_status=IssueStatus.FIXED, fixed_in=versions["3.9.0"],
        plugin_versions=[versions["3.2.1"]],
    )  # fmt: skip
    article(
        kind=Kind.KNOWN_ISSUE, title="只影响 3.2.0", issue_status=IssueStatus.INVESTIGATING,
        plugin_versions=[versions["3.2.0"]],
    )  # fmt: skip
    customer = _customer("3.2.1")
    customer = type(customer).objects.select_related("customer_profile__organization").get(pk=customer.pk)
    with django_assert_num_queries(2):  # the issues, their affected versions
        found = known_issues_affecting(user=customer)
    assert set(found) == {affecting, fixed_later}
    # On the fixed version, the fixed issue no longer affects you.
    assert known_issues_affecting(user=customer, version="3.9.0") == []


def test_the_organization_learns_its_version_from_tickets_moving_forward_only(db):
    org = OrganizationFactory()
    assert note_versions(org, plugin_version="3.2.0", erp_version="K/3 Cloud 8.1")
    assert note_versions(org, plugin_version="3.10.0", erp_version="K/3 Cloud 9")
    assert not note_versions(org, plugin_version="3.9.0", erp_version="")
    org.refresh_from_db()
    assert (org.plugin_version, org.erp_version) == ("3.10.0", "K/3 Cloud 8.1")
    assert not note_versions(org, plugin_version="latest", erp_version="")


def test_release_digest_reaches_opted_in_customers_on_older_versions_once(versions):
    moment = clock_now()
    old = _customer("3.2.0", language="en")
    newest = _customer("3.10.0")
    silent = _customer("3.2.0")
    set_update_preferences(
        profile=old.customer_profile,
        notify_releases=True,
        notify_maintenance=True,
        now=moment - timedelta(days=1),
    )
    set_update_preferences(
        profile=newest.customer_profile,
        notify_releases=True,
        notify_maintenance=True,
        now=moment - timedelta(days=1),
    )
    before_opt_in = _note(versions["3.2.1"], published_at=moment - timedelta(days=3), now=moment)
    fresh = [
        _note(versions[v], published_at=moment - timedelta(hours=1), now=moment) for v in ("3.9.0", "3.10.0")
    ]
    OutboundEmail.objects.all().delete()

    assert send_release_digests(now=moment + timedelta(minutes=20)) == 1
    mail = OutboundEmail.objects.get()
    assert mail.to == [old.email] and mail.kind == EmailKind.RELEASE_DIGEST
    assert all(note.title in mail.body for note in fresh) and before_opt_in.title not in mail.body
    assert mail.body.index("3.10.0") < mail.body.index("3.9.0")
    assert silent.email not in [m.to[0] for m in OutboundEmail.objects.all()]
    # Nothing new: no second mail.
    assert send_release_digests(now=moment + timedelta(minutes=40)) == 0


def test_publishing_a_release_note_schedules_the_digest(versions, django_capture_on_commit_callbacks):
    from unittest import mock

    with (
        mock.patch("knowledgebase.tasks.send_release_digests") as task,
        django_capture_on_commit_callbacks(execute=True),
    ):
        _note(versions["3.10.0"])
    assert task.using.return_value.enqueue.called
