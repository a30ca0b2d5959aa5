"""Import a documentation folder: one Markdown file per article with a `---` front-matter block.

Re-running updates articles by slug. A bad file is reported with its name and line and
skipped; the others are imported, each in its own transaction.
"""

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from core.clock import resolve_now
from knowledgebase.models import Article, ArticleStatus, Category, Kind, Visibility

from .articles import index_article, save_article, set_tags

KEYS = {"title", "slug", "category", "kind", "tags", "visibility", "status", "published_at", "summary"}
CHOICES = {"kind": Kind.values, "visibility": Visibility.values, "status": ArticleStatus.values}


class ImportError_(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    errors: list[tuple[str, int, str]] = field(default_factory=list)


def parse_document(text: str) -> tuple[dict[str, tuple[int, str]], str]:
    """Split a file into {key: (line, raw value)} and the Markdown body; raise ImportError_ on bad syntax."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        raise ImportError_(1, "the file must start with a '---' front-matter line")
    meta: dict[str, tuple[int, str]] = {}
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            return meta, "\n".join(lines[number:]).strip("\n") + "\n"
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        key = key.strip().lower()
        if not sep or not key:
            raise ImportError_(number, f"expected 'key: value', got {line.strip()!r}")
        if key not in KEYS:
            raise ImportError_(number, f"unknown key {key!r}")
        meta[key] = (number, value.strip().strip("\"'"))
    raise ImportError_(len(lines), "front matter is not closed with '---'")


def _tags(raw: str) -> list[str]:
    raw = raw.strip().removeprefix("[").removesuffix("]")
    return [t.strip().strip("\"'") for t in raw.replace("，", ",").split(",") if t.strip()]


def _published_at(line: int, raw: str) -> datetime | None:
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise ImportError_(
            line, f"published_at {raw!r} is not a date like 2024-05-01 or 2024-05-01T09:30"
        ) from None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def category_for_path(path: str) -> Category | None:
    """对接/金蝶 → the 金蝶 node under 对接, creating missing nodes."""
    parent = None
    for name in [p.strip() for p in path.split("/") if p.strip()]:
        node = Category.objects.filter(parent=parent, name=name).first()
        if node is None:
            base = slugify(name, allow_unicode=True) or "category"
            slug, n = base, 1
            while Category.objects.filter(slug=slug).exists():
                n += 1
                slug = f"{base}-{n}"
            node = Category.objects.create(parent=parent, name=name[:120], slug=slug)
        parent = node
    return parent


def _fields(meta: dict[str, tuple[int, str]], fallback_slug: str) -> dict:
    for key, allowed in CHOICES.items():
        if key in meta and meta[key][1] not in allowed:
            line, value = meta[key]
            raise ImportError_(line, f"{key} {value!r} is not one of {', '.join(allowed)}")
    title = meta.get("title", (1, ""))[1]
    if not title:
        raise ImportError_(meta.get("title", (1, ""))[0], "title is required")
    slug = meta.get("slug", (1, ""))[1] or slugify(fallback_slug, allow_unicode=True)
    published_at = _published_at(*meta["published_at"]) if "published_at" in meta else None
    return {
        "title": title[:200],
        "slug": slug[:200],
        "kind": meta.get("kind", (0, Kind.ARTICLE))[1],
        "visibility": meta.get("visibility", (0, Visibility.PUBLIC))[1],
        "status": meta.get("status", (0, ArticleStatus.PUBLISHED))[1],
        "summary": meta.get("summary", (0, ""))[1][:300],
        "published_at": published_at,
    }


@transaction.atomic
def import_file(path: Path, *, editor=None, now: datetime | None = None) -> bool:
    """Import one file; returns True if it created an article, False if it updated one."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ImportError_(1, f"not UTF-8 text ({error.reason})") from None
    meta, body = parse_document(text)
    fields = _fields(meta, path.stem)
    article = Article.objects.filter(slug=fields["slug"]).first()
    created = article is None
    article = article or Article(slug=fields["slug"])
    for name, value in fields.items():
        setattr(article, name, value)
    article.body_md = body
    article.category = category_for_path(meta["category"][1]) if "category" in meta else None
    try:
        save_article(article=article, editor=editor, reindex=False, note="import_kb", now=now)
    except ValidationError as error:
        raise ImportError_(1, "; ".join(error.messages)) from None
    if "tags" in meta:
        set_tags(article=article, names=_tags(meta["tags"][1]))
    index_article(article=article)
    return created


def import_directory(directory: Path, *, editor=None, now: datetime | None = None) -> ImportReport:
    now = resolve_now(now)
    report = ImportReport()
    for path in sorted(directory.rglob("*.md")):
        name = str(path.relative_to(directory))
        try:
            created = import_file(path, editor=editor, now=now)
        except ImportError_ as error:
            report.errors.append((name, error.line, error.message))
            continue
        (report.created if created else report.updated).append(name)
    return report
