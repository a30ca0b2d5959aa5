"""The forum's pages: thin translators from requests onto selectors (reads) and services (writes)."""
