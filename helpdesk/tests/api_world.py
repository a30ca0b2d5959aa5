"""The six callers every API permission test asks about, and a client for each."""

from dataclasses import dataclass

from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from helpdesk.models import Ticket, User
from helpdesk.roles import MANAGERS
from helpdesk.tests.factories import AgentFactory, CustomerFactory, OrganizationFactory, ensure_seeded, submit

CALLERS = ("anonymous", "customer_a", "customer_b", "org_admin", "agent", "manager")


@dataclass
class World:
    customer_a: User
    colleague: User  # customer A's colleague, same organization
    org_admin: User  # of A's organization
    customer_b: User  # another organization
    agent: User
    manager: User
    ticket_a: Ticket
    ticket_colleague: Ticket
    ticket_b: Ticket

    def client(self, who: str) -> APIClient:
        client = APIClient()
        if who != "anonymous":
            client.force_authenticate(getattr(self, who))
        return client


def make_world() -> World:
    ensure_seeded()
    huaxin, qianhai = OrganizationFactory(name="华信"), OrganizationFactory(name="前海")
    customer_a = CustomerFactory(full_name="孙出纳", organization=huaxin)
    colleague = CustomerFactory(full_name="王会计", organization=huaxin)
    org_admin = CustomerFactory(full_name="赵主管", organization=huaxin, organization__is_org_admin=True)
    customer_b = CustomerFactory(full_name="刘财务", organization=qianhai)
    manager = AgentFactory(email="li.manager@vendor.example", full_name="Li Na")
    manager.groups.add(Group.objects.get(name=MANAGERS))
    return World(
        customer_a=customer_a,
        colleague=colleague,
        org_admin=org_admin,
        customer_b=customer_b,
        agent=AgentFactory(email="chen.agent@vendor.example", full_name="Chen Gong"),
        manager=manager,
        ticket_a=submit(requester=customer_a),
        ticket_colleague=submit(requester=colleague),
        ticket_b=submit(requester=customer_b),
    )
