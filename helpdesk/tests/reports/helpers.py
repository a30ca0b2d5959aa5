"""Shared by tests that count after-commit callbacks: the rollups' fold is not theirs."""

from helpdesk.services.rollups import _fold_pending


def without_rollups(callbacks: list) -> list:
    """The captured on_commit callbacks other than the report rollups' fold."""
    return [callback for callback in callbacks if callback is not _fold_pending]
