"""The shared slot counters live in core.limits (inbound mail counts senders with them too)."""

from core.limits import KEY_PREFIX, clear_bucket, release_labelled, slots_taken, take_slot

__all__ = ["KEY_PREFIX", "clear_bucket", "release_labelled", "slots_taken", "take_slot"]
