"""Search quality on the judged query set, and search latency over 50,000 documents on SQLite.

Run from the repository root: ``python benchmarks/bench_search.py [--docs N] [--skip-latency]``.

Quality: a throw-away SQLite file gets the demo knowledge base (``seed_kb``), and every query
of benchmarks/search_judgements.json runs through the search page's call, the wizard's
suggestions (with the asking customer's ERP system) and a plain jieba + BM25 baseline built
here over the same items (title, tags and body as one text; rank_bm25's BM25Okapi).
nDCG@5 and MRR@10 per query kind, with median latency.

Latency: N synthetic documents whose words follow the demo KB's own word frequencies
(Zipf-like: 凭证 is everywhere, 银企直连 is rare) are indexed through
``search.index_documents``; the judged queries and typed summaries are timed
(target: median under 20 ms). Then BENCH_TICKETS (default 20,000; 1,000,000 for the
issue-17 figure) agents-only ticket documents go into the tickets collection, and the same
knowledge-base search and suggestions are timed again beside the agents' ids-only ticket
search: the public figures must not move with the number of tickets.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(tmp: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("KUAIXIANG_VAR_DIR", tmp)
    # The demo's screen recordings add nothing to the indexed text (their transcripts are
    # seeded with the articles) and need the demo's users to sign in.
    os.environ.setdefault("KB_DEMO_VIDEOS", "false")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def customer():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get_or_create(
        email="bench-customer@example.com", defaults={"is_staff": False}
    )[0]


def slug_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1]


class Baseline:
    """Plain jieba + BM25 over the items a customer may see: no fields, synonyms or boosts."""

    def __init__(self, user) -> None:
        import jieba
        from rank_bm25 import BM25Okapi

        from knowledgebase.models import Kind
        from search.models import SearchDocument, visibilities_for

        jieba.setLogLevel(60)
        self.jieba = jieba
        docs = SearchDocument.objects.filter(visibility__in=visibilities_for(user), kind__in=Kind.values)
        self.keys = [slug_of(d.url) for d in docs]
        self.bm25 = BM25Okapi([self.tokens(f"{d.title} {d.tags_text} {d.text}") for d in docs])

    def tokens(self, text: str) -> list[str]:
        return [
            t for t in self.jieba.lcut_for_search(text.lower()) if t.strip() and (t.isalnum() or t.isalpha())
        ]

    def run(self, query: str, limit: int = 10) -> list[str]:
        scores = self.bm25.get_scores(self.tokens(query))
        ranked = sorted(range(len(scores)), key=lambda i: -scores[i])
        return [self.keys[i] for i in ranked[:limit] if scores[i] > 0]


def quality() -> None:
    from django.core.management import call_command

    from knowledgebase.models import Kind
    from search import evaluation
    from search.selectors import search, suggest

    call_command("seed_kb", verbosity=0)
    user = customer()
    judged = evaluation.load()
    baseline = Baseline(user)
    timings: dict[str, list[float]] = {"search page": [], "suggestions": [], "jieba + BM25": []}

    def timed(name, call):
        def run(item):
            start = time.perf_counter()
            keys = call(item)
            timings[name].append((time.perf_counter() - start) * 1000)
            return keys

        return run

    def page(item):
        hits = search(query=item.query, user=user, kinds=list(Kind.values), limit=10).hits
        return [slug_of(h.url) for h in hits]

    def suggestions(item):
        found = suggest(
            query=item.query, user=user, kinds=list(Kind.values), limit=10, erp_system=item.erp_system
        )
        return [slug_of(h.url) for h in found.hits]

    for item in judged[:5]:  # warm the segmenter and the page cache
        page(item)
    runs = {
        "search page": timed("search page", page),
        "suggestions": timed("suggestions", suggestions),
        "jieba + BM25": timed("jieba + BM25", lambda i: baseline.run(i.query)),
    }
    ranked = {name: {item.query: list(run(item)) for item in judged} for name, run in runs.items()}
    print(f"judged queries: {len(judged)} over the demo KB ({len(baseline.keys)} items a customer sees)")
    batches = sorted({item.batch for item in judged if item.batch})
    subsets = [("all judged queries", judged)]
    if batches:
        subsets.append(("queries of the first rounds", [i for i in judged if not i.batch]))
        subsets += [(f"queries added in batch {b}", [i for i in judged if i.batch == b]) for b in batches]
    for title, items in subsets:
        print(f"\n{title} ({len(items)})")
        table({name: evaluation.evaluate(lambda i, r=r: r[i.query], items) for name, r in ranked.items()})
    print(
        f"\n{'median latency (ms)':<42}" + "".join(f"{statistics.median(t):>24.1f}" for t in timings.values())
    )


def table(results) -> None:
    """nDCG@5, MRR@10 and empty result lists per query kind, one column group per ranking."""
    from search import evaluation

    kinds = evaluation.kinds()
    print(f"{'query kind':<42}" + "".join(f"{name:>24}" for name in results))
    print(f"{'':<42}" + "".join(f"{'nDCG@5  MRR@10  empty':>24}" for _ in results))
    first = next(iter(results.values()))
    for kind in [k for k in [*kinds, "all"] if k in first]:
        label = f"{kinds.get(kind, 'all queries')} ({first[kind].queries})"
        row = "".join(
            f"{r[kind].ndcg5:>10.2f}{r[kind].mrr10:>8.2f}{r[kind].empty:>6}" for r in results.values()
        )
        print(f"{label:<42}{row}")


def word_distribution() -> tuple[list[str], list[float]]:
    """Words as tickets and articles use them: half the product's (the demo KB's words,
    Zipf-weighted by their frequency there), half everyday Chinese (jieba's dictionary, by
    its frequencies), as in "客户反馈生成收款凭证时提示科目不存在，请帮忙看一下"."""
    import jieba

    from search.models import SearchDocument

    counts = Counter()
    for title, tags, body in SearchDocument.objects.values_list("title_norm", "tags_norm", "body_norm"):
        counts.update(f"{title} {tags} {body}".split())
    domain = [w for w, _ in counts.most_common()]
    domain_weights = [1 / (rank + 1) ** 1.05 for rank in range(len(domain))]
    general: list[tuple[str, int]] = []
    with jieba.get_dict_file() as lines:
        for line in lines:
            word, freq, *_ = line.decode("utf-8").split()
            if len(word) > 1 and int(freq) > 50:
                general.append((word, int(freq)))
    general.sort(key=lambda wf: -wf[1])
    general = general[:30_000]
    scale = sum(domain_weights) / sum(f for _, f in general)
    return domain + [w for w, _ in general], domain_weights + [f * scale for _, f in general]


def latency(n_docs: int, n_queries: int, n_tickets: int) -> None:
    from django.contrib.auth.models import AnonymousUser

    from search import evaluation
    from search.models import Collection
    from search.selectors import matching_ids, search, suggest
    from search.services import DocumentData, index_documents

    rng = random.Random(20251103)
    words, weights = word_distribution()

    def sentence(n: int) -> str:
        return "".join(w if not w.isascii() else f" {w} " for w in rng.choices(words, weights, k=n))

    kinds = ["article", "faq", "video", "known_issue"]
    began = time.perf_counter()
    docs = (
        DocumentData(
            doc_type="bench.article",
            object_id=str(i),
            title=sentence(rng.randint(4, 9)),
            url=f"/kb/a/bench-{i}/",
            kind=kinds[i % len(kinds)],
            kind_label=kinds[i % len(kinds)],
            visibility=("public", "customers", "agents")[i % 3],
            body=sentence(rng.randint(40, 160)),
            tags=rng.choices(words[:300], k=3),
        )
        for i in range(n_docs)
    )
    index_documents(docs)
    print(f"indexed {n_docs:,} synthetic documents in {time.perf_counter() - began:.1f} s")

    anon, user = AnonymousUser(), customer()
    judged = [item.query for item in evaluation.load()]
    queries = [rng.choice(judged) for _ in range(n_queries)]
    # The wizard: whole typed summaries, three or four words of the domain run together.
    summaries = ["".join(rng.choices(words[:400], k=rng.randint(3, 5))) for _ in range(n_queries)]

    def public_figures(where: str) -> None:
        for q in queries[:20]:  # warm the page cache
            search(query=q, user=anon)
        report(f"search page over {where}", queries, lambda q: search(query=q, user=user, limit=20))
        report(
            f"suggestions (typed summaries) over {where}",
            summaries,
            lambda q: suggest(query=q, user=user, limit=5, erp_system="kingdee"),
        )

    public_figures(f"{n_docs:,} docs")
    tickets(n_tickets, n_docs, sentence, rng)
    public_figures(f"{n_docs:,} docs with {n_tickets:,} tickets indexed")
    agent = staff()
    report(
        f"agents' ticket search (ids, every term) over {n_tickets:,} tickets",
        queries,
        lambda q: matching_ids(
            query=q, user=agent, collection=Collection.TICKETS, kinds=["ticket"], limit=500
        ),
    )


def staff():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get_or_create(
        email="bench-agent@example.com", defaults={"is_staff": True}
    )[0]


def tickets(n_tickets: int, first_id: int, sentence, rng) -> None:
    """Agents-only ticket documents in their own collection, as helpdesk.search feeds them."""
    from search.models import Collection
    from search.services import DocumentData, index_documents

    began = time.perf_counter()
    index_documents(
        DocumentData(
            doc_type="ticket",
            object_id=str(first_id + i),
            title=f"KX-{i:06d} {sentence(rng.randint(4, 9))}",
            url=f"/admin/helpdesk/ticket/{i}/change/",
            kind="ticket",
            kind_label="Ticket",
            visibility="agents",
            body=sentence(rng.randint(30, 120)),
            collection=Collection.TICKETS,
        )
        for i in range(n_tickets)
    )
    print(f"indexed {n_tickets:,} ticket documents in {time.perf_counter() - began:.1f} s")


def report(title: str, queries: list[str], run) -> None:
    """Time `run` once per query and print median, p95 and max in milliseconds."""
    timings = []
    for q in queries:
        start = time.perf_counter()
        run(q)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"{title}, {len(timings)} queries: "
        f"median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--tickets", type=int, default=int(os.environ.get("BENCH_TICKETS", 20_000)))
    parser.add_argument("--skip-latency", action="store_true")
    args = parser.parse_args()
    setup(tempfile.mkdtemp(prefix="kx-bench-"))
    quality()
    if not args.skip_latency:
        latency(args.docs, args.queries, args.tickets)


if __name__ == "__main__":
    main()
