"""Strings of Django itself that its own zh-Hans catalogue does not translate yet.

Marked here so `make messages` extracts them into core's catalogue, which Django reads before
its own (project apps come first in INSTALLED_APPS): the admin's empty choice said
"- Select an option -" on Chinese pages (Django 6.1's BLANK_CHOICE_LABEL).
"""

from django.utils.translation import gettext_noop

DJANGO_STRINGS = [
    gettext_noop("- Select an option -"),
]
