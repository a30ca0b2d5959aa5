"""People and who they belong to: users (email login), groups, organizations, teams."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from core.admin_site import admin_site
from helpdesk.models import CustomerProfile, ErpSystem, Organization, Team, User
from helpdesk.models.choices import timezone_choices

from .base import KxModelAdmin


class UserCreateForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name", "is_staff")

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("A user with this email address already exists."))
        return email


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes: dict = {}


class CustomerProfileInline(admin.StackedInline):
    model = CustomerProfile
    can_delete = False
    max_num = 1
    autocomplete_fields = ["organization"]
    fields = ["organization", "is_org_admin", "phone", "timezone", "language"]


@admin.register(User, site=admin_site)
class UserAdmin(DjangoUserAdmin, KxModelAdmin):
    form = UserEditForm
    add_form = UserCreateForm
    list_display = ["email", "full_name", "is_staff", "is_active", "group_names"]
    list_filter = ["is_staff", "is_active", "groups"]
    search_fields = ["email", "full_name"]
    ordering = ["email"]
    show_full_result_count = False
    filter_horizontal = ["groups", "user_permissions"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["full_name"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "is_staff", "usable_password", "password1", "password2"],
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def get_inlines(self, request, obj):
        # Agents belong to the vendor, not to a customer organization.
        if obj is None or obj.is_staff:
            return []
        return [CustomerProfileInline]

    @admin.display(description=_("groups"))
    def group_names(self, user: User) -> str:
        return ", ".join(group.name for group in user.groups.all())

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # The ticket's requester autocomplete offers customers only.
        if request.GET.get("model_name") == "ticket" and request.GET.get("field_name") == "requester":
            queryset = queryset.filter(is_staff=False, is_active=True, customer_profile__isnull=False)
        return queryset, may_have_duplicates


@admin.register(Group, site=admin_site)
class GroupAdmin(DjangoGroupAdmin, KxModelAdmin):
    pass


class OrganizationForm(forms.ModelForm):
    timezone = forms.ChoiceField(label=_("time zone"), choices=timezone_choices)

    class Meta:
        model = Organization
        fields = [
            "name",
            "sla_plan",
            "timezone",
            "default_erp_system",
            "email_domains",
            "is_active",
            "plugin_version",
            "erp_version",
        ]


@admin.register(Organization, site=admin_site)
class OrganizationAdmin(KxModelAdmin):
    form = OrganizationForm
    list_display = ["name", "sla_plan", "timezone", "plugin_version", "member_count", "is_active"]
    list_filter = ["sla_plan", "is_active", "default_erp_system"]
    list_select_related = ["sla_plan"]
    search_fields = ["name", "email_domains"]
    ordering = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(kx_member_count=Count("members"))

    @admin.display(description=_("members"), ordering="kx_member_count")
    def member_count(self, organization: Organization) -> int:
        return organization.kx_member_count


class TeamForm(forms.ModelForm):
    erp_systems = forms.MultipleChoiceField(
        label=_("ERP skills"),
        choices=ErpSystem.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Team
        fields = [
            "name_zh_hans",
            "name_en",
            "email",
            "lead",
            "calendar",
            "members",
            "categories",
            "erp_systems",
        ]


@admin.register(Team, site=admin_site)
class TeamAdmin(TranslationAdmin, KxModelAdmin):
    form = TeamForm
    list_display = ["name", "lead", "calendar", "email", "member_count"]
    list_select_related = ["lead", "calendar"]
    search_fields = ["name_zh_hans", "name_en"]
    filter_horizontal = ["members", "categories"]
    fields = [
        ("name_zh_hans", "name_en"),
        "email",
        "lead",
        "calendar",
        "members",
        "categories",
        "erp_systems",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(kx_member_count=Count("members", distinct=True))

    @admin.display(description=_("members"), ordering="kx_member_count")
    def member_count(self, team: Team) -> int:
        return team.kx_member_count
