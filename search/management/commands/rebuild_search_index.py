"""manage.py rebuild_search_index — write the full-text side again from the stored documents.

After a database restore the full-text side may be missing; after a change to the
segmenter's dictionary or the tokenizer (search/vocabulary.py, search/tokenize.py) the stored
tokens are stale: `--reanalyse` cuts every stored text again, so documents and queries are
analysed alike.
"""

import time

from django.core.management.base import BaseCommand

from search.services import rebuild_fulltext


class Command(BaseCommand):
    help = "Rewrite the search index's full-text side; --reanalyse also re-tokenizes every document."

    def add_arguments(self, parser):
        parser.add_argument("--reanalyse", action="store_true", help="cut every stored text again")

    def handle(self, *args, reanalyse: bool, **options):
        began = time.perf_counter()
        written = rebuild_fulltext(reanalyse=reanalyse)
        self.stdout.write(
            self.style.SUCCESS(f"{written} documents written in {time.perf_counter() - began:.1f} s")
        )
