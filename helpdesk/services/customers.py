"""Customers created by the helpdesk itself (not by registering on the portal)."""

from django.db import transaction

from helpdesk.models import CustomerProfile, Organization, User


@transaction.atomic
def create_customer(*, email: str, full_name: str, organization: Organization, language: str = "") -> User:
    """A customer without a password (they may set one with "forgot password") in
    `organization`. Used for an unknown sender when the mailbox says so."""
    user = User.objects.create_user(email, password=None, full_name=full_name[:150])
    CustomerProfile.objects.create(user=user, organization=organization, language=language)
    return user
