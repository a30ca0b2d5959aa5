"""The base every workspace ModelAdmin shares: the workspace stylesheet on every page."""

from core.admin import ModelAdmin


class KxModelAdmin(ModelAdmin):
    class Media:
        css = {"all": ["css/admin.css"]}


class ReadOnlyAdmin(KxModelAdmin):
    """Records written only by services (audit trail, ratings, mail): view, never edit."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
