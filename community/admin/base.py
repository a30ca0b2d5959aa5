"""Shared admin pieces: read-only model pages (actions use core.admin's choose-then-apply)."""

from core.admin import ModelAdmin


class ReadOnlyAdmin(ModelAdmin):
    """Rows change only through the actions (services); the change page shows them."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        fields = [f.name for f in self.model._meta.fields] + [f.name for f in self.model._meta.many_to_many]
        return [*fields, *self.readonly_fields]
