"""Inbound mail fixtures: the .eml files under eml/ and a mailbox to receive them."""

from pathlib import Path

import pytest

from helpdesk.models import Mailbox
from helpdesk.tests.factories import CategoryFactory, CustomerFactory, OrganizationFactory, TeamFactory

EML = Path(__file__).parent / "eml"


def eml(name: str, **values: str) -> bytes:
    """The raw bytes of eml/<name>.eml with its {{PLACEHOLDERS}} filled in (a ticket's
    reference, its signed reply tag, the Message-ID of our mail a reply answers)."""
    raw = (EML / f"{name}.eml").read_bytes()
    for key, value in values.items():
        raw = raw.replace(f"{{{{{key}}}}}".encode(), value.encode())
    return raw


@pytest.fixture
def organization():
    return OrganizationFactory(name="华东纺织", email_domains="huadong.example")


@pytest.fixture
def li_na(organization):
    return CustomerFactory(email="li.na@huadong.example", full_name="李娜", organization=organization)


@pytest.fixture
def mailbox(organization):
    team = TeamFactory(name="金蝶组")
    return Mailbox.objects.create(
        name="support",
        address="support@example.com",
        source=Mailbox.Source.MAILDIR,
        path="/nonexistent",
        category=CategoryFactory(name="凭证生成", default_team=team),
        unknown_sender=Mailbox.UnknownSender.HOLD,
        default_organization=organization,
    )
