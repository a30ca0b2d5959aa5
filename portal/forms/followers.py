"""The ticket page's "add a colleague" form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk.models import Ticket
from helpdesk.services.followers import colleagues_to_add


class ColleagueChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        # Colleagues see each other's names; the address helps tell two Li Nas apart.
        return f"{obj.full_name} <{obj.email}>" if obj.full_name else obj.email


class AddFollowerForm(forms.Form):
    user = ColleagueChoiceField(
        label=_("Colleague"),
        queryset=None,
        empty_label=_("Choose a colleague"),
        error_messages={"invalid_choice": _("Choose one of your colleagues from the list.")},
    )

    def __init__(self, *args, ticket: Ticket, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = colleagues_to_add(ticket=ticket)

    def colleagues_left(self) -> bool:
        """Whether anyone is left to add. The one read also makes the select's options, where
        asking the template for `queryset.exists` and then rendering the list read twice."""
        field = self.fields["user"]
        colleagues = list(field.queryset)
        options = field.iterator(field)
        field.widget.choices = [("", field.empty_label), *(options.choice(user) for user in colleagues)]
        return bool(colleagues)
