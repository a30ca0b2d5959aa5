"""The forum in the agents' admin: boards and tags, topics with their staff actions, the flag
queue, posts awaiting approval, members' trust and the moderation log. Every change goes
through a service (community.services.*), which also writes the moderation log."""

from . import boards, moderation, topics  # noqa: F401
