"""The process's one database poll: what changed in the chats since the last look.

A consumer that writes nudges the chat's group itself (`chat.events`), and a shared channel
layer carries that nudge to the other processes. What no consumer nudged — a reply from the
ticket page over HTTP, a write by another daphne process without a shared layer, an agent
going away in the admin — is found here: every CHAT_POLL_SECONDS one watcher per process
(per event loop) reads the chat messages written since the last look and a small snapshot of
the open chats and agents' availability, and pokes only this process's connections that show
something that changed. The cost is three indexed queries per process per interval, whatever
the number of connections; before, every connection re-read its whole state every 3 s
(docs/operations.md, "Live chat", has the figures).
"""

import asyncio
import logging
import weakref
from collections import defaultdict

from channels.db import database_sync_to_async
from django.conf import settings
from django.db.models import Max
from django.db.models.functions import Length

from helpdesk.models import TicketMessage

from .. import events
from ..models import AgentAvailability, ChatSession

logger = logging.getLogger(__name__)

OPEN = (ChatSession.Status.WAITING, ChatSession.Status.ACTIVE)


class Watcher:
    def __init__(self) -> None:
        self.marks: dict[str, tuple] = {}
        self.members: dict[str, weakref.WeakSet] = defaultdict(weakref.WeakSet)
        self.task: asyncio.Task | None = None
        self.last_message_id: int | None = None
        self.sessions: dict[int, tuple] = {}
        self.agents: set[tuple] = set()

    def watch(self, consumer, group: str) -> None:
        self.members[group].add(consumer)
        if self.task is None or self.task.done():
            self.task = asyncio.get_running_loop().create_task(self.run())

    def forget(self, consumer) -> None:
        for group in list(self.members):
            self.members[group].discard(consumer)
            if not self.members[group]:
                del self.members[group]
        if not self.members and self.task is not None:
            self.task.cancel()  # nobody left to tell; the next connection starts it again
            self.task, self.last_message_id = None, None

    async def run(self) -> None:
        read = database_sync_to_async(self.changed_groups, thread_sensitive=False)
        try:
            await read()  # the starting point
        except Exception:
            logger.exception("chat watcher failed")
        while self.members:
            await asyncio.sleep(settings.CHAT_POLL_SECONDS)
            try:
                groups = await read()
            except Exception:  # the next look tries again
                logger.exception("chat watcher failed")
                continue
            for group in groups:
                for consumer in list(self.members.get(group, ())):
                    asyncio.create_task(self._poke(consumer, group, self.marks.get(group)))

    @staticmethod
    async def _poke(consumer, group: str, mark) -> None:
        try:
            await consumer.poke(group, mark)
        except Exception:
            logger.exception("chat poke failed")

    def changed_groups(self) -> set[str]:
        """The groups whose connections must catch up since the last call (none on the first:
        a connection catches up by itself when it connects)."""
        first = self.last_message_id is None
        groups: set[str] = set()
        # What a chat's group changed to: (last message id, row); a connection that already
        # sent both (the writer's nudge got there first) need not read it all again.
        self.marks: dict[str, tuple] = {}
        newest: dict[int, int] = {}
        if first:
            self.last_message_id = TicketMessage.objects.aggregate(top=Max("pk"))["top"] or 0
        else:
            new = list(
                TicketMessage.objects.filter(pk__gt=self.last_message_id, ticket__chat_session__isnull=False)
                .order_by("pk")
                .values_list("pk", "ticket__chat_session")
            )
            if new:
                self.last_message_id = new[-1][0]
            newest = {session_id: pk for pk, session_id in new}
            groups.update(events.session_group(session_id) for session_id in newest)
        sessions = {
            row[0]: row[1:]
            for row in ChatSession.objects.filter(status__in=OPEN)
            .annotate(words=Length("opening_text"))
            .values_list("pk", "status", "agent_id", "team_id", "customer_read_id", "agent_read_id", "words")
        }
        agents = set(AgentAvailability.objects.values_list("agent_id", "status", "max_chats"))
        if not first:
            changed = {
                pk
                for pk in sessions.keys() | self.sessions.keys()
                if sessions.get(pk) != self.sessions.get(pk)
            }
            groups.update(events.session_group(pk) for pk in changed)
            for pk in newest.keys() | changed:
                self.marks[events.session_group(pk)] = (newest.get(pk, 0), sessions.get(pk))
            queue_moved = agents != self.agents or any(
                ChatSession.Status.WAITING
                in (sessions.get(pk, (None,))[0], self.sessions.get(pk, (None,))[0])
                or sessions.get(pk, (None, None))[1] != self.sessions.get(pk, (None, None))[1]
                for pk in changed
            )
            if queue_moved:
                # Places in the queue, free agents and the agents' queue pages all move.
                groups.update({events.QUEUE_GROUP, events.LOBBY_GROUP})
                for pk, row in sessions.items():
                    if row[0] == ChatSession.Status.WAITING:  # their place moved: no skipping
                        groups.add(events.session_group(pk))
                        self.marks.pop(events.session_group(pk), None)
        self.sessions, self.agents = sessions, agents
        return groups


def row_of(session: ChatSession) -> tuple | None:
    """A chat as the watcher's snapshot sees it (None once it is over)."""
    if session.status not in OPEN:
        return None
    return (
        session.status,
        session.agent_id,
        session.team_id,
        session.customer_read_id,
        session.agent_read_id,
        len(session.opening_text),
    )


_watchers: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Watcher]" = weakref.WeakKeyDictionary()


def _current() -> Watcher:
    loop = asyncio.get_running_loop()
    if loop not in _watchers:
        _watchers[loop] = Watcher()
    return _watchers[loop]


def watch(consumer, group: str) -> None:
    """`consumer` (of this process) shows `group`: poke it when the database says it changed."""
    _current().watch(consumer, group)


def forget(consumer) -> None:
    watcher = _watchers.get(asyncio.get_running_loop())
    if watcher is not None:
        watcher.forget(consumer)
