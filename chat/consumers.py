"""Websocket consumers: thin translators between frames and `chat.services`/`chat.selectors`.

Bounds, on every connection: an origin check and a signed-in user at connect
(`chat.routing`), the session re-checked on every frame (a user signed out or deactivated
elsewhere is disconnected at their next frame), a maximum frame size, a token bucket of
frames per connection, and an idle timeout. Each connection also catches up from the
database every CHAT_POLL_SECONDS, so a change written by another process reaches it even
when no shared channel layer carried the nudge.
"""

import asyncio
import json
import logging
import time
from importlib import import_module
from types import SimpleNamespace
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib import auth
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import translation

from core.clock import now
from helpdesk.models import Category, Team, User

from . import events, selectors, services

logger = logging.getLogger(__name__)


# Catch-ups only read: they run on a thread pool beside the one thread that does every write
# (thread-sensitive, as Django requires for transactions), so 200 connections' polls do not
# queue behind the messages being written (SQLite's WAL lets readers run during a write).
def read_only(func):
    return database_sync_to_async(func, thread_sensitive=False)


# Close codes (4000–4999 are the application's own).
CLOSE_UNAUTHENTICATED = 4401
CLOSE_IDLE = 4408
CLOSE_TOO_BIG = 1009
CLOSE_RATE = 4429


class TokenBucket:
    """`rate` frames per second on average, bursts up to `burst`; per connection."""

    def __init__(self, *, rate: float, burst: int, clock=time.monotonic) -> None:
        self.rate, self.burst, self.clock = rate, burst, clock
        self.tokens = float(burst)
        self.stamp = clock()

    def take(self) -> bool:
        current = self.clock()
        self.tokens = min(self.burst, self.tokens + (current - self.stamp) * self.rate)
        self.stamp = current
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(str(m) for m in exc.messages)
    return str(exc)


class ChatConsumer(AsyncWebsocketConsumer):
    """What customers' and agents' connections share."""

    staff = False

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active or user.is_staff != self.staff:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.user: User = user
        self.language = self._language()
        self.bucket = TokenBucket(rate=settings.CHAT_RATE_PER_SECOND, burst=settings.CHAT_RATE_BURST)
        self.strikes = 0
        self.last_frame = time.monotonic()
        self.sent: dict[int, int] = {}  # session id → last message id sent on this connection
        # Messages flow only after the client's hello (which says what it already holds).
        self.greeted = False
        self.sending = asyncio.Lock()
        self.groups_joined: set[str] = set()
        self.last_state: dict[str, str] = {}
        await self.accept()
        await self.joined()
        self.loop_task = asyncio.create_task(self._catch_up_loop())

    async def disconnect(self, code) -> None:
        task = getattr(self, "loop_task", None)
        if task:
            task.cancel()
        for group in getattr(self, "groups_joined", set()):
            await self.channel_layer.group_discard(group, self.channel_name)

    def _language(self) -> str:
        """The page's language (`?lang=`, as the page was rendered), else the default: each
        screen in one language, and no database read in async code."""
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        wanted = (query.get("lang") or [""])[0]
        known = {code for code, _name in settings.LANGUAGES}
        return wanted if wanted in known else settings.LANGUAGE_CODE

    async def join(self, group: str) -> None:
        if group not in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.add(group)

    async def receive(self, text_data=None, bytes_data=None) -> None:
        self.last_frame = time.monotonic()
        raw = text_data if text_data is not None else (bytes_data or b"").decode("utf-8", "replace")
        if len(raw.encode("utf-8")) > settings.CHAT_MAX_FRAME_BYTES:
            await self.close(code=CLOSE_TOO_BIG)
            return
        if not self.bucket.take():
            self.strikes += 1
            if self.strikes > settings.CHAT_RATE_BURST:
                await self.close(code=CLOSE_RATE)
                return
            await self.send_json({"type": "error", "code": "rate", "message": await self._t("rate")})
            return
        if not await self._still_signed_in():
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        try:
            frame = json.loads(raw)
        except ValueError:
            frame = None
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            await self.send_json({"type": "error", "code": "frame", "message": await self._t("frame")})
            return
        handler = getattr(self, f"on_{frame['type']}", None)
        if handler is None:
            await self.send_json({"type": "error", "code": "frame", "message": await self._t("frame")})
            return
        try:
            await handler(frame)
        except (ValidationError, Http404, ValueError, TypeError, LookupError) as exc:
            if isinstance(exc, Http404 | LookupError | TypeError | ValueError):
                message = await self._t("unknown")
            else:
                message = await database_sync_to_async(self._translate_error)(exc)
            await self.send_json({"type": "error", "code": "refused", "message": message})

    def _translate_error(self, exc: Exception) -> str:
        with translation.override(self.language):
            return _error_text(exc)

    @database_sync_to_async
    def _t(self, key: str) -> str:
        from django.utils.translation import gettext as _

        with translation.override(self.language):
            return {
                "rate": _("You are sending messages too fast; wait a moment."),
                "frame": _("The chat did not understand that; reload the page."),
                "unknown": _("This chat does not exist or has ended."),
            }[key]

    @database_sync_to_async
    def _still_signed_in(self) -> bool:
        # Reads the session from its store again (the scope's copy is cached): signing out,
        # a password change or a deactivation elsewhere ends the chat at the next frame.
        session = self.scope.get("session")
        key = getattr(session, "session_key", None)
        if not key:
            return False
        store = import_module(settings.SESSION_ENGINE).SessionStore(key)
        user = auth.get_user(SimpleNamespace(session=store))
        return bool(user and user.is_authenticated and user.is_active and user.pk == self.user.pk)

    async def send_json(self, content: dict) -> None:
        await self.send(text_data=json.dumps(content, ensure_ascii=False))

    async def nudge(self, session_id: int | None, *, queue: bool = False) -> None:
        """After a write has committed: everyone in the chat (and the queue pages) catch up.

        A connection already in the chat's (or the queue's) group is nudged with the others;
        otherwise (a chat just started or accepted) it catches up itself."""
        if session_id:
            await events.nudge_session(self.channel_layer, session_id)
        if queue:
            await events.nudge_queue(self.channel_layer)
        in_group = (session_id and events.session_group(session_id) in self.groups_joined) or (
            queue and events.QUEUE_GROUP in self.groups_joined
        )
        if not in_group:
            await self.catch_up()

    async def on_ping(self, frame) -> None:
        await self.send_json({"type": "pong"})

    async def _catch_up_loop(self) -> None:
        try:
            while True:
                await asyncio.sleep(settings.CHAT_POLL_SECONDS)
                if time.monotonic() - self.last_frame > settings.CHAT_IDLE_SECONDS:
                    await self.close(code=CLOSE_IDLE)
                    return
                try:
                    await self.catch_up()
                except Exception:  # a failed poll must not end the connection's polling
                    logger.exception("chat catch-up failed")
        except asyncio.CancelledError:
            pass

    async def send_changed(self, key: str, payload: dict) -> None:
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        if self.last_state.get(key) != text:
            self.last_state[key] = text
            await self.send(text_data=text)

    async def send_messages(self, session) -> None:
        if not self.greeted:
            return
        # A poll and a nudge may overlap: one at a time reads past `sent` and moves it, so
        # no message is sent twice on this connection.
        async with self.sending:
            items = await read_only(self._messages)(session)
            if items:
                self.sent[session.pk] = items[-1]["id"]
                await self.send_json({"type": "messages", "session": session.pk, "items": items})

    def _messages(self, session) -> list[dict]:
        after = self.sent.get(session.pk, 0)
        return [
            selectors.message_payload(m, for_staff=self.staff)
            for m in selectors.messages_after(session, user=self.user, after=after)
        ]

    # Group events (nudges) --------------------------------------------------------------------

    async def chat_nudge(self, event) -> None:
        await self.catch_up_session(event.get("session"))

    async def catch_up_session(self, session_id) -> None:
        await self.catch_up()

    async def chat_typing(self, event) -> None:
        if event.get("user") != self.user.pk:
            await self.send_json({"type": "typing", "session": event["session"], "role": event["role"]})

    async def queue_nudge(self, event) -> None:
        await self.catch_up()

    async def on_typing(self, frame) -> None:
        session = await self.session_from(frame)
        await self.channel_layer.group_send(
            events.session_group(session.pk),
            {"type": "chat.typing", "session": session.pk, "user": self.user.pk, "role": self.role},
        )

    async def on_read(self, frame) -> None:
        session = await self.session_from(frame)
        await database_sync_to_async(services.mark_read)(
            session=session, user=self.user, message_id=int(frame["id"])
        )
        await self.nudge(session.pk)

    async def on_message(self, frame) -> None:
        session = await self.session_from(frame)
        body = frame.get("body")
        if not isinstance(body, str):
            raise ValueError("body")
        message = await database_sync_to_async(services.post_message)(
            session=session,
            author=self.user,
            body=body,
            upload_token=frame.get("upload") if isinstance(frame.get("upload"), str) else None,
            internal=bool(frame.get("internal")) and self.staff,
        )
        # Words written while waiting change the queue's preview; a message does not.
        await self.nudge(session.pk, queue=message is None)

    async def on_end(self, frame) -> None:
        session = await self.session_from(frame)
        await database_sync_to_async(services.end_chat)(
            session=session, actor=self.user, resolve=bool(frame.get("resolve")) and self.staff
        )
        await self.nudge(session.pk, queue=True)


class CustomerChatConsumer(ChatConsumer):
    """A customer's connection: their one open chat (or their last one, to rate it)."""

    role = "customer"
    current = None

    async def joined(self) -> None:
        await self.catch_up()

    async def session_from(self, frame):
        session = await database_sync_to_async(self._current)()
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
            session = await database_sync_to_async(selectors.access_session)(self.user, session_id)
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
        with translation.override(self.language):
            from .widgets import availability_payload

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


class AgentChatConsumer(ChatConsumer):
    """An agent's connection: the live queue and every chat they hold."""

    staff = True
    role = "agent"

    async def joined(self) -> None:
        self._payloads: dict[int, dict] = {}
        await self.join(events.QUEUE_GROUP)
        await self.catch_up()

    async def session_from(self, frame):
        return await database_sync_to_async(selectors.access_session)(self.user, int(frame.get("session")))

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
            with translation.override(self.language):
                self._payloads[session.pk] = selectors.agent_session_payload(session)
        return session

    def _queue(self):
        with translation.override(self.language):
            queue = selectors.queue_payload(self.user, now=now())
            sessions = list(selectors.my_chats(self.user))
            self._payloads = {chat.pk: selectors.agent_session_payload(chat) for chat in sessions}
        return queue, sessions
