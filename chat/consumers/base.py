"""What customers' and agents' connections share.

Bounds, on every connection: an origin check and a signed-in user at connect
(`chat.routing`), the session re-checked on every frame (a user signed out or deactivated
elsewhere is disconnected at their next frame), a maximum frame size, a token bucket of
frames per connection, and an idle timeout.

How changes reach a connection: the consumer that wrote nudges the chat's group through the
channel layer (in-memory in one process, Redis across several); the process's watcher
(`chat.consumers.watcher`) pokes the connections that show a chat another process or an HTTP
request changed; and each connection refreshes itself every CHAT_REFRESH_SECONDS, at a
random phase, for what changes with time alone (expected wait, opening hours).
"""

import asyncio
import json
import logging
import random
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

from helpdesk.models import User

from .. import events, selectors, services
from . import watcher

logger = logging.getLogger(__name__)


# Reads (catch-ups, the per-frame session check) run on a thread pool beside the one thread
# that does every write (thread-sensitive, as Django requires for transactions), so they do
# not queue behind the messages being written (SQLite's WAL lets readers run during a write).
# (CHAT_READS_BESIDE_WRITES False puts them on the writer's thread: the tests' in-memory SQLite
# database, shared-cache, refuses a read during a write with "database table is locked".)
def read_only(func):
    beside = database_sync_to_async(func, thread_sensitive=False)
    serial = database_sync_to_async(func)

    async def call(*args, **kwargs):
        return await (beside if settings.CHAT_READS_BESIDE_WRITES else serial)(*args, **kwargs)

    return call


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
        self.rows: dict[int, tuple | None] = {}  # session id → its row as last read (watcher.row_of)
        self.closed = False
        await self.accept()
        await self.joined()
        self.loop_task = asyncio.create_task(self._refresh_loop())

    async def disconnect(self, code) -> None:
        self.closed = True
        task = getattr(self, "loop_task", None)
        if task:
            task.cancel()
        watcher.forget(self)
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
            watcher.watch(self, group)

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

    @read_only
    def _t(self, key: str) -> str:
        from django.utils.translation import gettext as _

        with translation.override(self.language):
            return {
                "rate": _("You are sending messages too fast; wait a moment."),
                "frame": _("The chat did not understand that; reload the page."),
                "unknown": _("This chat does not exist or has ended."),
            }[key]

    @read_only
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

    async def send(self, text_data=None, bytes_data=None, close=False) -> None:
        # A refresh or a poke may finish after the client left: nothing to send it to.
        if not self.closed:
            await super().send(text_data=text_data, bytes_data=bytes_data, close=close)

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

    async def _refresh_loop(self) -> None:
        """The idle timeout, and a full catch-up now and then for what changes with time alone.

        Each connection starts at a random phase: connections opened together (a restart, a
        benchmark) must not all re-read the database in the same instant, or every message
        written then waits behind hundreds of reads."""
        period, tick = settings.CHAT_REFRESH_SECONDS, settings.CHAT_POLL_SECONDS
        next_refresh = time.monotonic() + random.uniform(0, period)
        try:
            while True:
                await asyncio.sleep(min(tick, max(next_refresh - time.monotonic(), 0)))
                if time.monotonic() - self.last_frame > settings.CHAT_IDLE_SECONDS:
                    await self.close(code=CLOSE_IDLE)
                    return
                if time.monotonic() < next_refresh:
                    continue
                next_refresh += period
                try:
                    await self.catch_up()
                except Exception:  # a failed refresh must not end the connection's refreshes
                    logger.exception("chat catch-up failed")
        except asyncio.CancelledError:
            pass

    async def poke(self, group: str, mark: tuple | None = None) -> None:
        """The watcher saw a change in `group`: catch up on it, unless this connection already
        sent what it changed to (`mark`: the chat's last message id and row)."""
        if not group.startswith(events.SESSION_GROUP_PREFIX):
            await self.catch_up()
            return
        session_id = int(group.removeprefix(events.SESSION_GROUP_PREFIX))
        if mark is not None:
            message_id, row = mark
            if self.sent.get(session_id, 0) >= message_id and self.rows.get(session_id, ...) == row:
                return
        await self.catch_up_session(session_id)

    def saw(self, session) -> None:
        """Called with each chat a catch-up read: what the watcher's marks are compared with."""
        self.rows[session.pk] = watcher.row_of(session)

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
