"""The forum's reads: boards, topic lists (keyset-paginated), a topic's page."""
