"""The forum's writes: every change to boards, topics and posts goes through one of these."""
