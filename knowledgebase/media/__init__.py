"""Video media helpers that need no database: embed links and container probing (pure Python)."""
