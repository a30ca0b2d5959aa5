"""Live chat under load: 200 customers' websocket connections (plus their agents') on one
daphne process serving config.asgi on SQLite, the embedded default of `make run`.

Each customer has a chat in progress (opened through the intake door when an agent accepted
it) and sends messages at a steady pace; the latency of a message is the time from the
customer's send until the agent's connection receives it — written through the conversation
service, committed, nudged and replayed from the database on the way. Reported: connections
open, messages sent and received (every one must arrive exactly once), median and p95
latency (nearest rank), and what the server's catch-up polls cost meanwhile.

Run from the repository root: ``python benchmarks/bench_chat.py [--customers 200]``.
"""

import argparse
import asyncio
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def nearest_rank(values: list[float], percent: float) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(percent / 100 * len(ordered)) - 1, 0)]


def prepare(customers: int, agents: int) -> tuple[list[tuple[str, int]], list[str]]:
    """Demo-free data: one Urgent organization, one team, signed-in sessions, chats accepted."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from chat import services
    from helpdesk.models import Category, Organization, SLAPlan, Team, User
    from helpdesk.models.users import CustomerProfile
    from helpdesk.roles import sync_roles

    call_command("migrate", "--noinput", "-v0")
    sync_roles()
    urgent = SLAPlan.objects.get(tier=SLAPlan.Tier.URGENT)
    organization = Organization.objects.create(name="压测公司", sla_plan=urgent, default_erp_system="kingdee")
    category = Category.objects.create(name="凭证同步", slug="bench-sync")
    team = Team.objects.create(name="压测组", calendar=urgent.calendar, erp_systems=["kingdee"])
    team.categories.add(category)
    per_agent = math.ceil(customers / agents)
    agent_users = []
    for n in range(agents):
        agent = User.objects.create_user(email=f"agent{n}@bench.example", password="x", is_staff=True)
        team.members.add(agent)
        services.set_availability(agent=agent, status="available", max_chats=min(per_agent, 20))
        agent_users.append(agent)
    cookies_customers, cookies_agents = [], []
    for n in range(customers):
        user = User.objects.create_user(email=f"c{n}@bench.example", password="x", full_name=f"客户 {n}")
        CustomerProfile.objects.create(user=user, organization=organization)
        session = services.start_chat(customer=user, category=category, text=f"压测会话 {n}")
        services.accept_chat(session=session, agent=agent_users[n % agents])
        client = Client()  # one per user: signing in on a client ends its previous session
        client.force_login(user, backend="helpdesk.backends.EmailBackend")
        cookies_customers.append((client.cookies["sessionid"].value, session.pk))
    for agent in agent_users:
        client = Client()
        client.force_login(agent, backend="helpdesk.backends.EmailBackend")
        cookies_agents.append(client.cookies["sessionid"].value)
    from django.db import connections

    connections.close_all()
    return cookies_customers, cookies_agents


async def run_load(url: str, customers, agents, *, messages: int, interval: float) -> dict:
    import websockets

    origin = "http://127.0.0.1"
    sent_at: dict[str, float] = {}
    latencies: list[float] = []
    received: dict[str, int] = {}
    connected = 0

    async def open_ws(path: str, cookie: str):
        nonlocal connected
        ws = await websockets.connect(
            url + path,
            additional_headers={"Cookie": f"sessionid={cookie}"},
            origin=origin,
            open_timeout=30,
            max_size=2**20,
        )
        connected += 1
        return ws

    async def agent_reader(ws, done: asyncio.Event):
        await ws.send(json.dumps({"type": "hello", "last_ids": {}}))
        while not done.is_set():
            try:
                frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=1))
            except TimeoutError:
                continue
            if frame.get("type") != "messages":
                continue
            arrived = time.perf_counter()
            for item in frame["items"]:
                token = item["body"]
                if token in sent_at:
                    received[token] = received.get(token, 0) + 1
                    if received[token] == 1:
                        latencies.append(arrived - sent_at[token])

    async def customer(ws, n: int, session_id: int):
        await ws.send(json.dumps({"type": "hello", "session": session_id, "last_id": 0}))
        await asyncio.sleep(interval * (n / len(customers)))  # spread the senders evenly
        for k in range(messages):
            token = f"bench-{n}-{k}"
            sent_at[token] = time.perf_counter()
            await ws.send(json.dumps({"type": "message", "body": token}))
            await asyncio.sleep(interval)

    async def drain(ws, done: asyncio.Event):
        while not done.is_set():
            try:
                await asyncio.wait_for(ws.recv(), timeout=1)
            except TimeoutError:
                continue

    agent_sockets = [await open_ws("/ws/chat/agent/", cookie) for cookie in agents]
    customer_sockets = [await open_ws("/ws/chat/", cookie) for cookie, _ in customers]
    print(
        f"connections open: {connected} ({len(customer_sockets)} customers, {len(agent_sockets)} agents)",
        flush=True,
    )
    done = asyncio.Event()
    readers = [asyncio.create_task(agent_reader(ws, done)) for ws in agent_sockets]
    drains = [asyncio.create_task(drain(ws, done)) for ws in customer_sockets]
    began = time.perf_counter()
    await asyncio.gather(
        *(
            customer(ws, n, sid)
            for n, (ws, (_c, sid)) in enumerate(zip(customer_sockets, customers, strict=True))
        )
    )
    total = len(customers) * messages
    deadline = time.perf_counter() + 60
    while len(received) < total and time.perf_counter() < deadline:
        await asyncio.sleep(0.2)
    elapsed = time.perf_counter() - began
    done.set()
    await asyncio.gather(*readers, *drains)
    for ws in agent_sockets + customer_sockets:
        await ws.close()
    return {
        "connections": connected,
        "sent": total,
        "received": len(received),
        "duplicates": sum(count - 1 for count in received.values()),
        "latencies": latencies,
        "elapsed": elapsed,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--messages", type=int, default=3)
    parser.add_argument(
        "--interval",
        type=float,
        default=15.0,
        help="seconds between one customer's messages (a person typing)",
    )
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="kuaixiang-bench-chat-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DEBUG": "false",
        "KUAIXIANG_VAR_DIR": str(var),
        "CHAT_PORT": "",
        # Generous per-connection limits are not what is measured here; the defaults hold.
    }
    env.pop("DATABASE_URL", None)
    os.environ.update(
        {k: v for k, v in env.items() if k in ("DJANGO_SETTINGS_MODULE", "DEBUG", "KUAIXIANG_VAR_DIR")}
    )
    started = time.perf_counter()
    customers, agents = prepare(args.customers, args.agents)
    print(
        f"setup: {args.customers} chats accepted through intake in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    port = free_port()
    log = (var / "daphne.log").open("w")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "daphne"),
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "config.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(150):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        result = asyncio.run(
            run_load(
                f"ws://127.0.0.1:{port}", customers, agents, messages=args.messages, interval=args.interval
            )
        )
    finally:
        server.terminate()
        server.wait(15)
    lat = result["latencies"]
    print(
        f"messages: {result['sent']} sent, {result['received']} received once, {result['duplicates']} duplicates"
    )
    if lat:
        print(
            f"latency customer → agent: median {1000 * nearest_rank(lat, 50):.0f} ms, "
            f"p95 {1000 * nearest_rank(lat, 95):.0f} ms, max {1000 * max(lat):.0f} ms "
            f"({result['sent'] / result['elapsed']:.1f} messages/s offered over {result['elapsed']:.1f} s)"
        )
    errors = [
        line
        for line in (var / "daphne.log").read_text().splitlines()
        if "Traceback" in line or "locked" in line
    ]
    print(f"server log: {len(errors)} tracebacks or 'database is locked'")
    ok = result["received"] == result["sent"] and result["duplicates"] == 0 and not errors
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
