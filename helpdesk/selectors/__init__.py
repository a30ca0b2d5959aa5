"""Reads that are more than a lookup; selectors never write."""
