"""Template context every portal page can use (evaluated only when a template asks)."""

from django.utils.functional import SimpleLazyObject

from portal.versions import maintenance_windows


def maintenance(request):
    # Lazy: admin pages and JSON never ask, so they never read it.
    return {"maintenance_windows": SimpleLazyObject(maintenance_windows)}
