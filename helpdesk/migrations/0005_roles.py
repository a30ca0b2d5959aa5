"""Create the Agents and Managers groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_roles(apps, schema_editor):
    from helpdesk.roles import sync_roles

    # Permissions are normally made after all migrations; make the ones that exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_roles(Group=apps.get_model("auth", "Group"), Permission=apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0004_event_kind_category"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
