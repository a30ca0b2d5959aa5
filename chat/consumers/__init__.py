"""Websocket consumers: thin translators between frames and `chat.services`/`chat.selectors`.

- `base`: what every connection shares — the bounds (origin and sign-in at connect, the
  session re-read on every frame, frame size, a token bucket, the idle timeout), frame
  dispatch, and catching up from the database after a nudge.
- `customer`, `agent`: each side's frames and what it catches up on.
- `watcher`: one per process, the only database poll — it notices what other processes
  (or HTTP requests) wrote and pokes this process's connections that show it.
"""

from .agent import AgentChatConsumer
from .base import CLOSE_IDLE, CLOSE_RATE, CLOSE_TOO_BIG, CLOSE_UNAUTHENTICATED, TokenBucket
from .customer import CustomerChatConsumer

__all__ = [
    "CLOSE_IDLE",
    "CLOSE_RATE",
    "CLOSE_TOO_BIG",
    "CLOSE_UNAUTHENTICATED",
    "AgentChatConsumer",
    "CustomerChatConsumer",
    "TokenBucket",
]
