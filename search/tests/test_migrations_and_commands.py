from importlib import import_module

import pytest
from django.apps import apps
from django.core.management import call_command

from search.models import SearchDocument, Synonym
from search.selectors import search

from .conftest import ANON, NOW

pytestmark = pytest.mark.django_db
seed_migration = import_module("search.migrations.0003_everyday_synonyms")


def test_the_everyday_vocabulary_is_seeded_once_and_editable():
    groups = Synonym.objects.count()
    assert Synonym.objects.filter(terms__contains="卡住").exists()
    seed_migration.seed(apps, None)
    assert Synonym.objects.count() == groups  # idempotent
    Synonym.objects.filter(terms__contains="卡住").update(terms="卡住, 超时, 假死")
    seed_migration.seed(apps, None)
    assert Synonym.objects.count() == groups + 1  # the editor's changed group no longer holds the default


def test_rebuild_reanalyses_the_stored_text(doc):
    doc("ERR-4090 同步超时", "正文")
    SearchDocument.objects.update(title_norm="", body_norm="")
    call_command("rebuild_search_index", stdout=None)
    assert search(query="err4090", user=ANON, now=NOW).hits == []
    call_command("rebuild_search_index", "--reanalyse")
    assert [h.title for h in search(query="err4090", user=ANON, now=NOW).hits] == ["ERR-4090 同步超时"]


def test_the_connection_words_are_seeded_once():
    connection = import_module("search.migrations.0006_connection_synonyms")
    assert Synonym.objects.filter(terms__contains="连不上").count() == 1
    connection.seed(apps, None)
    assert Synonym.objects.filter(terms__contains="连不上").count() == 1
    Synonym.objects.filter(terms__contains="连不上").delete()
    connection.seed(apps, None)
    assert Synonym.objects.filter(terms__contains="无法连接").count() == 1
