"""Live chat under load: 200 websocket connections (180 customers, 20 agents) on SQLite,
served by one daphne process (the embedded default of `make run`, in-memory channel layer)
and by two daphne processes sharing a Redis channel layer (the scale-out).

Each customer has a chat in progress (opened through the intake door when an agent accepted
it) and sends messages at a steady pace; the latency of a message is the time from the
customer's send until the agent's connection receives it — written through the conversation
service, committed, nudged and replayed from the database on the way. With two processes a
customer and their agent are always on different processes, so every message crosses the
shared layer. Reported per layout and offered rate: messages sent and received (every one
must arrive exactly once), median and p95 latency (nearest rank), the servers' CPU seconds
and the load average.

Run from the repository root: ``python benchmarks/bench_chat.py [--rates 5,10,20]``; the
two-process layout needs a Redis (KUAIXIANG_REDIS_URL: `bash scripts/with-redis.sh python
benchmarks/bench_chat.py`, as `make bench` does).
"""

import argparse
import asyncio
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.tests.subprocesses import free_port, start_daphne  # noqa: E402


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
        # No password: hashing one costs a second of PBKDF2 each, and force_login needs none.
        agent = User.objects.create_user(email=f"agent{n}@bench.example", password=None, is_staff=True)
        team.members.add(agent)
        services.set_availability(agent=agent, status="available", max_chats=min(per_agent, 20))
        agent_users.append(agent)
    cookies_customers, cookies_agents = [], []
    for n in range(customers):
        user = User.objects.create_user(email=f"c{n}@bench.example", password=None, full_name=f"客户 {n}")
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


async def run_load(urls: list[str], customers, agents, *, messages: int, interval: float, tag: str) -> dict:
    import websockets

    origin = "http://127.0.0.1"
    sent_at: dict[str, float] = {}
    latencies: list[float] = []
    received: dict[str, int] = {}
    connected = 0

    async def open_ws(url: str, cookie: str):
        nonlocal connected
        ws = await websockets.connect(
            url,
            additional_headers={"Cookie": f"sessionid={cookie}"},
            origin=origin,
            open_timeout=30,
            max_size=2**20,
        )
        connected += 1
        return ws

    # A connection is ready when the server answers a ping sent after its hello: frames are
    # handled one at a time, so the hello's replay is over. Sending starts when all are ready,
    # so the connections' opening replays are not measured as message latency.
    async def agent_reader(ws, done: asyncio.Event, ready: asyncio.Event):
        await ws.send(json.dumps({"type": "hello", "last_ids": {}}))
        await ws.send(json.dumps({"type": "ping"}))
        while not done.is_set():
            try:
                frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=1))
            except TimeoutError:
                continue
            if frame.get("type") == "pong":
                ready.set()
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
        await asyncio.sleep(interval * (n / len(customers)))  # spread the senders evenly
        for k in range(messages):
            token = f"bench-{tag}-{n}-{k}"
            sent_at[token] = time.perf_counter()
            await ws.send(json.dumps({"type": "message", "body": token}))
            await asyncio.sleep(interval)

    async def drain(ws, session_id: int, done: asyncio.Event, ready: asyncio.Event):
        await ws.send(json.dumps({"type": "hello", "session": session_id, "last_id": 0}))
        await ws.send(json.dumps({"type": "ping"}))
        while not done.is_set():
            try:
                frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=1))
            except TimeoutError:
                continue
            if frame.get("type") == "pong":
                ready.set()

    # Customer n talks to agent n % agents; with several processes the agent sits on another
    # process than the customer, so each message crosses the channel layer.
    width = len(urls)
    agent_sockets = [
        await open_ws(f"{urls[(k + 1) % width]}/ws/chat/agent/", cookie) for k, cookie in enumerate(agents)
    ]
    customer_sockets = [
        await open_ws(f"{urls[(n % len(agents)) % width]}/ws/chat/", cookie)
        for n, (cookie, _) in enumerate(customers)
    ]
    done = asyncio.Event()
    ready = [asyncio.Event() for _ in range(len(agent_sockets) + len(customer_sockets))]
    readers = [asyncio.create_task(agent_reader(ws, done, ready[k])) for k, ws in enumerate(agent_sockets)]
    drains = [
        asyncio.create_task(drain(ws, sid, done, ready[len(agent_sockets) + n]))
        for n, (ws, (_c, sid)) in enumerate(zip(customer_sockets, customers, strict=True))
    ]
    await asyncio.wait_for(asyncio.gather(*(event.wait() for event in ready)), timeout=300)
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


def start_servers(count: int, env: dict, var: Path) -> list[tuple[subprocess.Popen, int]]:
    servers = []
    for n in range(count):
        port = free_port()
        servers.append((start_daphne(port, env=env, log=var / f"daphne-{count}-{n}.log"), port))
    return servers


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=180)
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--messages", type=int, default=3, help="messages each customer sends per rate")
    parser.add_argument(
        "--rates", default="5,10,20", help="messages per second offered, all customers together"
    )
    parser.add_argument("--processes", default="1,2", help="daphne processes per layout (2 and more: Redis)")
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
    env.pop("CHANNEL_REDIS_URL", None)
    os.environ.update(
        {k: v for k, v in env.items() if k in ("DJANGO_SETTINGS_MODULE", "DEBUG", "KUAIXIANG_VAR_DIR")}
    )
    layouts = [int(n) for n in args.processes.split(",")]
    if max(layouts) > 1 and not os.environ.get("KUAIXIANG_REDIS_URL"):
        print(
            "error: several processes need a Redis: bash scripts/with-redis.sh python benchmarks/bench_chat.py"
        )
        return 2
    started = time.perf_counter()
    customers, agents = prepare(args.customers, args.agents)
    print(
        f"setup: {args.customers} chats accepted through intake in {time.perf_counter() - started:.1f} s; "
        f"{len(customers) + len(agents)} connections ({len(customers)} customers, {len(agents)} agents)",
        flush=True,
    )
    ok = True
    for count in layouts:
        layout_env = dict(env)
        if count > 1:
            layout_env["CHANNEL_REDIS_URL"] = os.environ["KUAIXIANG_REDIS_URL"]
        name = "1 process, in-memory layer" if count == 1 else f"{count} processes, Redis layer"
        servers = start_servers(count, layout_env, var)
        try:
            for rate in (float(r) for r in args.rates.split(",")):
                before = sum(cpu_seconds(p.pid) for p, _port in servers)
                result = asyncio.run(
                    run_load(
                        [f"ws://127.0.0.1:{port}" for _p, port in servers],
                        customers,
                        agents,
                        messages=args.messages,
                        interval=len(customers) / rate,
                        tag=f"{count}-{rate:g}",
                    )
                )
                cpu = sum(cpu_seconds(p.pid) for p, _port in servers) - before
                lat = result["latencies"]
                complete = result["received"] == result["sent"] and result["duplicates"] == 0
                ok = ok and complete
                figures = (
                    f"median {1000 * nearest_rank(lat, 50):.0f} ms, p95 {1000 * nearest_rank(lat, 95):.0f} ms, "
                    f"max {1000 * max(lat):.0f} ms"
                    if lat
                    else "no message arrived"
                )
                print(
                    f"{name}, {rate:g} msg/s offered: {result['received']}/{result['sent']} received once, "
                    f"{result['duplicates']} duplicates; {figures}; server CPU {cpu:.1f} s over "
                    f"{result['elapsed']:.0f} s; load {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
        finally:
            for process, _port in servers:
                process.terminate()
            for process, _port in servers:
                process.wait(15)
    errors = [
        line
        for log in var.glob("daphne-*.log")
        for line in log.read_text().splitlines()
        if "Traceback" in line or "locked" in line
    ]
    print(f"server logs: {len(errors)} tracebacks or 'database is locked'")
    return 0 if ok and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
