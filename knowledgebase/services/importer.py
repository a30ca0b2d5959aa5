"""Import a documentation folder: one Markdown file per article with a `---` front-matter block.

Re-running updates articles by slug. A bad file is reported with its name and line and
skipped; the others are imported, each in its own transaction.

Every kind can be imported. Beyond title, slug, category, kind, tags, visibility, status,
published_at and summary, the front matter may say:

- `version: 3.3.0` — a release note's plugin version (created when it does not exist yet,
  released on `released_on:`, else the publication date, else today);
- `video: https://player.bilibili.com/player.html?bvid=…` — a video's embed link;
- `affects: 3.2.0, 3.2.1`, `fixed_in: 3.3.0`, `issue_status: workaround`, `workaround: …` —
  a known issue's versions (which must exist), status and one-line workaround;
- `erp_versions: K/3 Cloud 8.x` — the ERP versions an article applies to.
"""

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from core.clock import resolve_now
from helpdesk.models import PluginVersion
from knowledgebase.models import Article, ArticleStatus, Category, IssueStatus, Kind, Visibility

from .articles import index_article, save_article, set_tags
from .videos import set_embed

KEYS = {
    "title", "slug", "category", "kind", "tags", "visibility", "status", "published_at", "summary",
    "version", "released_on", "video", "affects", "fixed_in", "issue_status", "workaround", "erp_versions",
}  # fmt: skip
ALIASES = {"release_version": "version", "video_embed_url": "video", "plugin_versions": "affects"}
CHOICES = {
    "kind": Kind.values,
    "visibility": Visibility.values,
    "status": ArticleStatus.values,
    "issue_status": IssueStatus.values,
}
# A model error on a field is reported at the front-matter line that set it.
FIELD_KEYS = {
    "release_version": "version",
    "fixed_in": "fixed_in",
    "issue_status": "issue_status",
    "erp_versions": "erp_versions",
    "title": "title",
    "slug": "slug",
    "summary": "summary",
}


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
        key = ALIASES.get(key, key)
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


def _date(line: int, raw: str):
    try:
        return datetime.fromisoformat(raw).date()
    except ValueError:
        raise ImportError_(line, f"released_on {raw!r} is not a date like 2025-10-27") from None


def _versions(meta: dict[str, tuple[int, str]], key: str) -> list[PluginVersion]:
    """Existing plugin versions named by `key` (comma-separated); an unknown one is an error."""
    if key not in meta:
        return []
    line, raw = meta[key]
    names = _tags(raw)
    found = {v.version: v for v in PluginVersion.objects.filter(version__in=names)}
    missing = [n for n in names if n not in found]
    if missing:
        known = ", ".join(
            PluginVersion.objects.order_by("-released_on").values_list("version", flat=True)[:8]
        )
        raise ImportError_(
            line, f"{key}: unknown plugin version {', '.join(missing)} (known: {known or 'none'})"
        )
    return [found[n] for n in names]


def _release_version(meta: dict[str, tuple[int, str]], published_at: datetime | None, now: datetime):
    """A release note's version, created when missing: the release note is its record."""
    if "version" not in meta:
        return None
    line, raw = meta["version"]
    if not raw or len(raw) > 30:
        raise ImportError_(line, "version must be a plugin version like 3.3.0")
    released_on = _date(*meta["released_on"]) if "released_on" in meta else None
    released_on = released_on or timezone.localdate(published_at or now)
    return PluginVersion.objects.get_or_create(version=raw, defaults={"released_on": released_on})[0]


def _extra_fields(meta: dict[str, tuple[int, str]], fields: dict, now: datetime) -> dict:
    """The kind-specific fields: release version, video link, known-issue details."""
    extra = {
        "issue_status": meta.get("issue_status", (0, ""))[1],
        "workaround_md": meta.get("workaround", (0, ""))[1],
        "erp_versions": meta.get("erp_versions", (0, ""))[1][:200],
        "release_version": _release_version(meta, fields["published_at"], now),
    }
    fixed = _versions(meta, "fixed_in")
    extra["fixed_in"] = fixed[0] if fixed else None
    return extra


def _field_errors(error: ValidationError, meta: dict[str, tuple[int, str]]) -> ImportError_:
    """The model's first complaint, at the line of the key behind the field (else of `kind`)."""
    if not hasattr(error, "error_dict"):
        return ImportError_(1, "; ".join(error.messages))
    field, errors = next(iter(error.error_dict.items()))
    key = FIELD_KEYS.get(field, "kind")
    line = meta.get(key, meta.get("kind", (1, "")))[0]
    messages = "; ".join(m for e in errors for m in e.messages)
    if key not in meta and field == "release_version":
        messages += f" (add '{key}:' to the front matter)"
    return ImportError_(line, f"{key}: {messages}" if key in meta else messages)


def category_for_path(path: str) -> Category | None:
    """对接/金蝶 → the 金蝶 node under 对接, creating missing nodes.

    A segment matches a node's name in either language (Integrations/Kingdee finds the same
    node); a new node is named in the default language, Chinese, whatever the reader's."""
    parent = None
    for name in [p.strip() for p in path.split("/") if p.strip()]:
        node = Category.objects.filter(Q(name_zh_hans=name) | Q(name_en=name), parent=parent).first()
        if node is None:
            base = slugify(name, allow_unicode=True) or "category"
            slug, n = base, 1
            while Category.objects.filter(slug=slug).exists():
                n += 1
                slug = f"{base}-{n}"
            node = Category.objects.create(parent=parent, name_zh_hans=name[:120], slug=slug)
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
    now = resolve_now(now)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ImportError_(1, f"not UTF-8 text ({error.reason})") from None
    meta, body = parse_document(text)
    fields = _fields(meta, path.stem)
    if fields["kind"] == Kind.VIDEO and not meta.get("video", (0, ""))[1]:
        line = meta.get("kind", (1, ""))[0]
        raise ImportError_(line, "A video needs a link to its video (add 'video:' to the front matter)")
    affected = _versions(meta, "affects")
    fields.update(_extra_fields(meta, fields, now))
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
        raise _field_errors(error, meta) from None
    if "tags" in meta:
        set_tags(article=article, names=_tags(meta["tags"][1]))
    if "affects" in meta:
        article.plugin_versions.set(affected)
    if article.kind == Kind.VIDEO:
        try:
            set_embed(article=article, url=meta["video"][1])
        except ValidationError as error:
            raise ImportError_(meta["video"][0], f"video: {'; '.join(error.messages)}") from None
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
