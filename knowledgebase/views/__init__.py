"""Thin adapters over the knowledge-base services and selectors."""
