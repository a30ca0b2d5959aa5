"""Knowledge-base admin, registered on the project admin site (imported from AppConfig.ready)."""

from . import articles, other  # noqa: F401
