"""Search latency over 50,000 documents on SQLite (target: median under 20 ms).

Run from the repository root: ``python benchmarks/bench_search.py [--docs N]``. Uses a
throw-away SQLite file, migrates it, indexes N synthetic articles through
``search.index_documents`` and times ~200 varied Chinese/Latin queries.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = ("凭证", "过账", "红冲", "红字冲销", "科目", "科目不存在", "收款单", "应收", "总账", "期间", "结账", "反结账", "汇率", "外币", "客户", "供应商", "摘要", "辅助核算", "成本中心", "凭证字", "附件", "合并", "生成失败", "超时", "权限", "日志", "规则", "银行", "手续费", "借方", "贷方", "余额", "审核", "金蝶", "用友", "浪潮", "云星空", "U8", "K3", "SAP", "Oracle", "NC", "BAPI", "voucher", "posting", "account", "ledger", "receipt", "error", "timeout")  # fmt: skip
QUERIES = [
    "凭证", "过账", "红冲", "科目不存在", "凭证生成失败", "U8", "K3", "SAP", "金蝶", "U8 过账", "K3 凭证字",
    "红字冲销", "收款单 生成失败", "外币 汇率", "期间 结账", "voucher posting", "BAPI", "手续费", "辅助核算",
    "成本中心", "Oracle ledger", "总账 余额", "账", "凭", "timeout", "权限 日志", "客户 摘要", "云星空 凭证",
]  # fmt: skip


def sentence(rng: random.Random, n: int) -> str:
    return "".join(w if not w.isascii() else f" {w} " for w in rng.choices(WORDS, k=n))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="kx-bench-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("KUAIXIANG_VAR_DIR", tmp)
    import django

    django.setup()
    from django.contrib.auth.models import AnonymousUser
    from django.core.management import call_command

    from search.selectors import search, suggest
    from search.services import DocumentData, index_documents

    call_command("migrate", verbosity=0)
    rng = random.Random(20251103)
    kinds = ["article", "faq", "video", "known_issue"]
    began = time.perf_counter()
    docs = (
        DocumentData(
            doc_type="bench.article",
            object_id=str(i),
            title=sentence(rng, 4),
            url=f"/kb/a/bench-{i}/",
            kind=kinds[i % len(kinds)],
            kind_label=kinds[i % len(kinds)],
            visibility=("public", "customers", "agents")[i % 3],
            body=sentence(rng, 60),
            tags=rng.sample(WORDS, 3),
        )
        for i in range(args.docs)
    )
    index_documents(docs)
    print(f"indexed {args.docs:,} documents in {time.perf_counter() - began:.1f} s")

    anon = AnonymousUser()
    queries = [rng.choice(QUERIES) for _ in range(args.queries)]
    for q in queries[:20]:  # warm the page cache
        search(query=q, user=anon)
    report(f"search over {args.docs:,} docs", queries, lambda q: search(query=q, user=anon, limit=20))
    # The submission wizard's panel: whole typed summaries, strict then partial matches.
    summaries = ["".join(rng.sample(WORDS, 3)) for _ in range(args.queries)]
    report(
        f"suggest (typed summaries) over {args.docs:,} docs",
        summaries,
        lambda q: suggest(query=q, user=anon, limit=5),
    )


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


if __name__ == "__main__":
    main()
