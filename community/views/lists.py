"""Topic lists (latest, unanswered, solved, mine, per board, per tag), search, members."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from search.selectors import search, suggest

from .. import permissions
from ..forms import SearchForm
from ..models import ForumProfile
from ..selectors import boards as board_reads
from ..selectors import topics as topic_reads
from ..selectors.topics import Cursor, ListKind
from ..services.indexing import KIND

SEARCH_PAGE_SIZE = 20
SIMILAR = 5


def _render_list(request: HttpRequest, *, kind: str, title: str, board=None, tag=None) -> HttpResponse:
    boards = board_reads.visible_boards(request.user)
    page = topic_reads.topic_list(
        user=request.user,
        kind=kind,
        boards=boards,
        board=board,
        tag=tag,
        cursor=Cursor.decode(request.GET.get("before")),
    )
    context = {
        "kind": kind,
        "title": title,
        "board": board,
        "tag": tag,
        "boards": boards,
        "tags": board_reads.all_tags(),
        "page": page,
        "is_first_page": "before" not in request.GET,
        "can_start": any(permissions.can_start_topic(request.user, b) for b in boards)
        if board is None
        else permissions.can_start_topic(request.user, board),
        "follows_board": topic_reads.follows_board(request.user, board) if board is not None else False,
    }
    return render(request, "community/list.html", context)


@require_GET
def latest(request: HttpRequest) -> HttpResponse:
    return _render_list(request, kind=ListKind.LATEST, title=_("Latest topics"))


@require_GET
def unanswered(request: HttpRequest) -> HttpResponse:
    return _render_list(request, kind=ListKind.UNANSWERED, title=_("Unanswered topics"))


@require_GET
def solved(request: HttpRequest) -> HttpResponse:
    return _render_list(request, kind=ListKind.SOLVED, title=_("Solved topics"))


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    return _render_list(request, kind=ListKind.MINE, title=_("My topics"))


@require_GET
def board(request: HttpRequest, slug: str) -> HttpResponse:
    found = board_reads.board_for(request.user, slug)
    return _render_list(request, kind=ListKind.BOARD, title=found.name, board=found)


@require_GET
def tag(request: HttpRequest, name: str) -> HttpResponse:
    found = board_reads.tag_for(name)
    return _render_list(
        request, kind=ListKind.TAG, title=_("Topics tagged “%(tag)s”") % {"tag": found.name}, tag=found
    )


@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    results, query, page = None, "", 1
    if form.is_valid():
        query, page = form.cleaned_data["q"], form.cleaned_data["page"] or 1
        if query:
            results = search(
                query=query,
                user=request.user,
                kinds=[KIND],
                limit=SEARCH_PAGE_SIZE,
                offset=(page - 1) * SEARCH_PAGE_SIZE,
            )
    context = {
        "form": form,
        "query": query,
        "results": results,
        "page": page,
        "has_next": results is not None and results.total > page * SEARCH_PAGE_SIZE,
        "boards": board_reads.visible_boards(request.user),
    }
    return render(request, "community/search.html", context)


@never_cache
@require_GET
def similar(request: HttpRequest) -> JsonResponse:
    """Topics like the title being typed, from the shared search (reads only)."""
    query = request.GET.get("q", "")[:200]
    hits = suggest(query=query, user=request.user, kinds=[KIND], limit=SIMILAR) if query.strip() else []
    return JsonResponse(
        {"results": [{"title": h.title, "url": h.url, "kind_label": h.kind_label} for h in hits]}
    )


@require_GET
def member(request: HttpRequest, handle: str) -> HttpResponse:
    profile = ForumProfile.objects.select_related("user").filter(handle=handle[:30].lower()).first()
    if profile is None or not profile.user.is_active:
        raise Http404
    boards = board_reads.visible_boards(request.user)
    context = {
        "profile": profile,
        "member": profile.user,
        "topics": topic_reads.member_topics(profile_user=profile.user, viewer=request.user, boards=boards),
        "boards": boards,
    }
    return render(request, "community/member.html", context)
