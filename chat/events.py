"""Nudges to connected clients, sent by a consumer after the service it called has committed.

A nudge carries no message text: a consumer that receives one reads what is new from the
database (`selectors.messages_after`). So the database is the only copy that matters, a
nudge lost between processes only delays a message until the process's watcher notices it
(CHAT_POLL_SECONDS, `chat.consumers.watcher`), and a nudge received twice sends nothing
twice. Services never send nudges themselves: they are called from sync code in threads, and
a write made by another process (or over HTTP) is picked up by the watcher.
"""

QUEUE_GROUP = "chat.queue"
# Customers with no chat open: they are told when agents become available or go away.
LOBBY_GROUP = "chat.lobby"
SESSION_GROUP_PREFIX = "chat.session."


def session_group(session_id: int) -> str:
    return f"{SESSION_GROUP_PREFIX}{session_id}"


async def nudge_session(layer, session_id: int) -> None:
    await layer.group_send(session_group(session_id), {"type": "chat.nudge", "session": session_id})


async def nudge_queue(layer) -> None:
    await layer.group_send(QUEUE_GROUP, {"type": "queue.nudge"})
