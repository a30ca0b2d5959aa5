"""Reading pages: KB home, categories, articles, FAQ, videos, what's new, known issues."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from knowledgebase.forms import VoteForm
from knowledgebase.models import ArticleFeedback, IssueStatus
from knowledgebase.selectors import articles as sel
from knowledgebase.services.feedback import record_view


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    sections = sel.home_sections(user=request.user)
    return render(request, "knowledgebase/home.html", {"sections": sections})


@require_GET
def category(request: HttpRequest, slug: str) -> HttpResponse:
    node = sel.access_category(slug=slug)
    context = {
        "category": node,
        "breadcrumbs": node.ancestors_and_self()[:-1],
        "children": node.children.all(),
        "articles": sel.category_articles(category=node, user=request.user),
    }
    return render(request, "knowledgebase/category.html", context)


def my_vote(request: HttpRequest, article) -> ArticleFeedback | None:
    if request.user.is_authenticated:
        return ArticleFeedback.objects.filter(article=article, user=request.user).first()
    key = request.session.session_key
    return (
        ArticleFeedback.objects.filter(article=article, user=None, session_key=key).first() if key else None
    )


def render_article(request: HttpRequest, article, *, vote_form: VoteForm | None = None, status: int = 200):
    context = {
        "article": article,
        "breadcrumbs": article.category.ancestors_and_self() if article.category else [],
        "related": sel.related_articles(article=article, user=request.user),
        "vote": my_vote(request, article),
        "vote_form": vote_form or VoteForm(),
        "is_preview": article.status != "published",
    }
    return render(request, "knowledgebase/article.html", context, status=status)


@require_GET
def article(request: HttpRequest, slug: str) -> HttpResponse:
    preview = request.GET.get("preview") == "1"
    item = sel.access_article(user=request.user, slug=slug, preview=preview)
    if item.status == "published":
        record_view(article_id=item.pk)
    return render_article(request, item)


@require_GET
def faq(request: HttpRequest) -> HttpResponse:
    return render(request, "knowledgebase/faq.html", {"groups": sel.faq_by_category(user=request.user)})


@require_GET
def videos(request: HttpRequest) -> HttpResponse:
    return render(request, "knowledgebase/videos.html", {"videos": sel.videos(user=request.user)})


@require_GET
def whats_new(request: HttpRequest) -> HttpResponse:
    notes = sel.release_notes(user=request.user)
    return render(request, "knowledgebase/whats_new.html", {"notes": notes})


@require_GET
def known_issues(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in IssueStatus.values:
        status = ""
    issues = sel.known_issues(user=request.user, status=status)
    context = {"issues": issues, "status": status, "statuses": IssueStatus.choices}
    return render(request, "knowledgebase/known_issues.html", context)
