"""A customer's connection: their one open chat (or their last one, to rate it)."""

from channels.db import database_sync_to_async
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import translation

from core.clock import now
from helpdesk.models import Category

from .. import events, selectors, services
from . import watcher
from .base import ChatConsumer, read_only


class CustomerChatConsumer(ChatConsumer):
    """A customer's connection: their one open chat (or their last one, to rate it)."""

    role = "customer"
    current = None

    async def joined(self) -> None:
        # Without a chat open, the watcher tells this connection when agents come or go.
        watcher.watch(self, events.LOBBY_GROUP)
        await self.catch_up()

    async def session_from(self, frame):
        session = await read_only(self._current)()
        if session is None:
            raise LookupError("no chat")
        return session

    def _current(self):
        session_id = self.current
        if session_id is None:
            return None
        return selectors.access_session(self.user, session_id)

    async def on_hello(self, frame) -> None:
        # The client says which chat it shows and the last message id it holds (reconnect).
        session_id, last_id = frame.get("session"), frame.get("last_id")
        if isinstance(session_id, int) and isinstance(last_id, int):
            session = await read_only(selectors.access_session)(self.user, session_id)
            self.current = session.pk
            self.sent[session.pk] = max(last_id, 0)
            await self.join(events.session_group(session.pk))
        self.greeted = True
        await self.catch_up()

    async def on_start(self, frame) -> None:
        session = await database_sync_to_async(self._start)(frame)
        self.current = session.pk
        self.greeted = True
        await self.join(events.session_group(session.pk))
        await self.nudge(None, queue=True)

    def _start(self, frame):
        category = Category.objects.filter(pk=int(frame.get("category") or 0), is_active=True).first()
        if category is None:
            raise ValidationError(_category_error())
        return services.start_chat(customer=self.user, category=category, text=str(frame.get("text") or ""))

    async def on_rate(self, frame) -> None:
        session = await self.session_from(frame)
        await database_sync_to_async(services.rate_chat)(
            session=session,
            customer=self.user,
            score=int(frame.get("score")),
            comment=str(frame.get("comment") or ""),
        )
        await self.nudge(session.pk)

    async def on_transcript(self, frame) -> None:
        session = await self.session_from(frame)
        await database_sync_to_async(services.mail_transcript)(session=session, customer=self.user)
        await self.send_json({"type": "transcript_sent"})

    async def catch_up(self) -> None:
        state = await read_only(self._state)()
        if state is None:
            return
        session, payload = state
        await self.join(events.session_group(session.pk))
        await self.send_changed("state", payload)
        await self.send_messages(session)

    def _state(self):
        session = None
        if self.current is not None:
            try:
                session = selectors.access_session(self.user, self.current)
            except Http404:
                session = None
        if session is None:
            session = selectors.open_session_for(self.user)
        profile = getattr(self.user, "customer_profile", None)
        if profile is None:
            return None
        if session is not None:
            self.current = session.pk
            self.saw(session)
        with translation.override(self.language):
            from ..widgets import availability_payload

            payload = {"type": "state"}
            # Queue place, wait and hours matter until an agent answers; then they are
            # computed once more (the chat's last word on them) and not on every poll.
            if (
                session is None
                or session.status == session.Status.WAITING
                or "availability" not in self.__dict__
            ):
                self.availability = availability_payload(
                    selectors.availability_for(
                        customer=self.user,
                        team=session.team if session else None,
                        organization=profile.organization,
                        session=session,
                        now=now(),
                    )
                )
            payload["availability"] = self.availability
            if session is not None and session.status != session.Status.WAITING:
                # Answered or over: no place in the queue, no wait, no form to offer.
                payload["availability"] = {
                    **self.availability,
                    "place": None,
                    "place_label": "",
                    "wait_label": "",
                    "offer_form": False,
                }
            if session is not None:
                payload["session"] = selectors.session_payload(session, for_staff=False)
        return (session, payload) if session is not None else (_Nothing(), payload)


class _Nothing:
    """No chat yet: state is sent, there are no messages to replay."""

    pk = 0
    ticket_id = None
    team_id = None


def _category_error() -> str:
    from django.utils.translation import gettext as _

    return _("Choose what the chat is about.")
