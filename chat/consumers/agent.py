"""An agent's connection: the live queue and every chat they hold."""

from channels.db import database_sync_to_async
from django.utils import translation

from core.clock import now
from helpdesk.models import Team, User

from .. import events, selectors, services
from .base import ChatConsumer, read_only


class AgentChatConsumer(ChatConsumer):
    """An agent's connection: the live queue and every chat they hold."""

    staff = True
    role = "agent"

    async def joined(self) -> None:
        self._payloads: dict[int, dict] = {}
        await self.join(events.QUEUE_GROUP)
        await self.catch_up()

    async def session_from(self, frame):
        return await read_only(selectors.access_session)(self.user, int(frame.get("session")))

    async def on_hello(self, frame) -> None:
        last_ids = frame.get("last_ids") or {}
        if isinstance(last_ids, dict):
            for key, value in last_ids.items():
                if str(key).isdigit() and isinstance(value, int):
                    self.sent[int(key)] = max(value, 0)
        self.greeted = True
        await self.catch_up()

    async def on_availability(self, frame) -> None:
        max_chats = frame.get("max_chats")
        await database_sync_to_async(services.set_availability)(
            agent=self.user, status=str(frame.get("status")), max_chats=int(max_chats) if max_chats else None
        )
        await self.nudge(None, queue=True)

    async def on_accept(self, frame) -> None:
        session = await self.session_from(frame)
        await database_sync_to_async(services.accept_chat)(session=session, agent=self.user)
        await self.nudge(session.pk, queue=True)

    async def on_transfer(self, frame) -> None:
        session = await self.session_from(frame)
        await database_sync_to_async(self._transfer)(session, frame)
        await self.nudge(session.pk, queue=True)

    def _transfer(self, session, frame):
        to_agent = to_team = None
        if frame.get("agent"):
            to_agent = User.objects.filter(pk=int(frame["agent"]), is_staff=True, is_active=True).first()
            if to_agent is None:
                raise LookupError("agent")
        elif frame.get("team"):
            to_team = Team.objects.filter(pk=int(frame["team"])).first()
            if to_team is None:
                raise LookupError("team")
        return services.transfer_chat(session=session, actor=self.user, to_agent=to_agent, to_team=to_team)

    async def catch_up(self) -> None:
        queue, sessions = await read_only(self._queue)()
        await self.send_changed("queue", {"type": "queue", **queue})
        for session in sessions:
            await self.join(events.session_group(session.pk))
            await self.send_changed(
                f"session.{session.pk}", {"type": "state", "session": self._payloads[session.pk]}
            )
            await self.send_messages(session)

    async def catch_up_session(self, session_id) -> None:
        """One chat changed: its state and new messages, without rebuilding the whole queue."""
        session = await read_only(self._one)(session_id)
        if session is None:  # ended, transferred away, or not ours: the queue shows it
            await self.catch_up()
            return
        await self.send_changed(
            f"session.{session.pk}", {"type": "state", "session": self._payloads[session.pk]}
        )
        await self.send_messages(session)

    def _one(self, session_id):
        session = selectors.my_chats(self.user).filter(pk=session_id).first() if session_id else None
        if session is not None:
            self.saw(session)
            with translation.override(self.language):
                self._payloads[session.pk] = selectors.agent_session_payload(session)
        return session

    def _queue(self):
        with translation.override(self.language):
            queue = selectors.queue_payload(self.user, now=now())
            sessions = list(selectors.my_chats(self.user))
            for session in sessions:
                self.saw(session)
            self._payloads = {chat.pk: selectors.agent_session_payload(chat) for chat in sessions}
        return queue, sessions
