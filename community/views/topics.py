"""A topic's page, starting topics, replying, following, escalating to support."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import add_service_errors
from helpdesk.uploads import keep_uploads

from .. import permissions
from ..forms import EscalateForm, ReplyForm, TopicForm
from ..models import Post, PostState, TopicState
from ..selectors import boards as board_reads
from ..selectors import topics as topic_reads
from ..services import escalation, moderation, posting, subscriptions
from .helpers import back_to, int_param

QUOTE_CHARS = 600


def _quote_text(post: Post) -> str:
    handle = getattr(getattr(post.author, "forum_profile", None), "handle", "")
    who = f"@{handle}" if handle else post.author.get_short_name()
    lines = post.body_md.strip()[:QUOTE_CHARS].splitlines()
    quoted = "\n".join(f"> {line}" if line.strip() else ">" for line in lines)
    return _("> %(who)s wrote (#%(number)s):\n") % {"who": who, "number": post.number} + quoted + "\n\n"


def _decorate(user, view: topic_reads.TopicView) -> list[Post]:
    """Per-post answers the template needs: may the user see, vote, flag, edit, accept it…"""
    topic = view.topic
    can_solve = permissions.can_mark_solution(user, topic)
    staff = permissions.is_staff(user)
    posts = [view.question, *(p for p in (view.solution, view.official_answer) if p), *view.replies]
    for post in posts:
        post.anchor = f"post-{post.number}"
        post.show_body = permissions.can_see_post_body(user, post)
        post.is_own = user.is_authenticated and post.author_id == user.pk
        post.voted = post.pk in view.voted
        post.flagged = post.pk in view.flagged
        visible = post.state == PostState.VISIBLE
        post.can_vote = user.is_authenticated and visible and not post.is_own
        post.can_flag = user.is_authenticated and visible and not post.is_own and not post.flagged
        post.can_edit = permissions.can_edit_post(user, post)
        post.can_solve = can_solve and visible and post.number > 1
        post.can_pin = staff and visible and post.number > 1 and bool(post.author_badge)
    return posts


def _render_topic(
    request: HttpRequest, topic, *, reply_form: ReplyForm | None = None, kept_files=(), status: int = 200
) -> HttpResponse:
    at = int_param(request.GET.get("at"))
    after = topic_reads.after_for_number(at) if at else int_param(request.GET.get("after"), 1)
    view = topic_reads.topic_view(user=request.user, topic=topic, after=after)
    _decorate(request.user, view)
    can_reply = permissions.can_reply(request.user, topic)
    if reply_form is None and can_reply:
        initial = {}
        quote_pk = int_param(request.GET.get("quote"))
        quoted = (
            Post.objects.select_related("author", "author__forum_profile")
            .filter(pk=quote_pk, topic=topic)
            .first()
            if quote_pk
            else None
        )
        if quoted is not None and permissions.can_see_post_body(request.user, quoted):
            initial = {"quote": quoted.pk, "body": _quote_text(quoted)}
        reply_form = ReplyForm(initial=initial)
    context = {
        "topic": topic,
        "view": view,
        "reply_form": reply_form,
        "kept_files": kept_files,
        "can_reply": can_reply,
        "can_escalate": permissions.can_escalate(request.user, topic),
        "is_author": request.user.is_authenticated and topic.author_id == request.user.pk,
        "is_staff": permissions.is_staff(request.user),
    }
    return render(request, "community/topic.html", context, status=status)


@require_GET
def topic_page(request: HttpRequest, pk: int) -> HttpResponse:
    topic = topic_reads.topic_for(request.user, pk)
    if topic.state == TopicState.MERGED and topic.merged_into_id:
        return redirect(topic.merged_into)
    return _render_topic(request, topic)


@login_required
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    topic = topic_reads.topic_for(request.user, pk)
    uploads = keep_uploads(request)
    form = ReplyForm(uploads.data, upload_errors=uploads.errors)
    if form.is_valid():
        quote = form.cleaned_data.get("quote")
        quoted = Post.objects.filter(pk=quote, topic=topic).first() if quote else None
        try:
            post = posting.create_reply(
                topic=topic,
                author=request.user,
                body=form.cleaned_data["body"],
                quote_of=quoted,
                attachments=uploads.staged,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if post.state == PostState.PENDING:
                messages.info(
                    request, _("Thank you! A moderator will look at your reply before others see it.")
                )
            else:
                messages.success(request, _("Your reply was posted."))
            return redirect(post.get_absolute_url())
    return _render_topic(request, topic, reply_form=form, kept_files=uploads.kept)


@login_required
@require_http_methods(["GET", "POST"])
def new_topic(request: HttpRequest) -> HttpResponse:
    boards = [
        b for b in board_reads.visible_boards(request.user) if permissions.can_start_topic(request.user, b)
    ]
    if not boards:
        messages.warning(request, _("There is no board where you can start a topic."))
        return redirect("community:latest")
    kept = []
    if request.method == "POST":
        uploads = keep_uploads(request)
        form = TopicForm(uploads.data, boards=boards, upload_errors=uploads.errors)
        kept = uploads.kept
        if form.is_valid():
            data = form.cleaned_data
            try:
                topic = posting.create_topic(
                    board=data["board"],
                    author=request.user,
                    title=data["title"],
                    body=data["body"],
                    tags=data["tags"],
                    attachments=uploads.staged,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if topic.state == TopicState.PENDING:
                    messages.info(
                        request, _("Thank you! A moderator will look at your topic before others see it.")
                    )
                else:
                    messages.success(
                        request, _("Your topic was posted. You follow it: replies come by mail.")
                    )
                return redirect(topic)
    else:
        slug = request.GET.get("board", "")
        chosen = next((b for b in boards if b.slug == slug), boards[0])
        form = TopicForm(
            initial={"board": chosen.pk, "title": request.GET.get("title", "")[:200]}, boards=boards
        )
    return render(
        request,
        "community/topic_form.html",
        {"form": form, "kept_files": kept, "boards": boards, "similar_url": reverse("community:similar")},
    )


@login_required
@require_POST
def follow_topic(request: HttpRequest, pk: int) -> HttpResponse:
    topic = topic_reads.topic_for(request.user, pk)
    if request.POST.get("action") == "unfollow":
        subscriptions.unfollow_topic(user=request.user, topic=topic)
        messages.success(request, _("You no longer follow this topic."))
    else:
        subscriptions.follow_topic(user=request.user, topic=topic)
        messages.success(request, _("You follow this topic: new replies come in your forum digest."))
    return back_to(request, topic.get_absolute_url())


@login_required
@require_POST
def follow_board(request: HttpRequest, slug: str) -> HttpResponse:
    board = board_reads.board_for(request.user, slug)
    if request.POST.get("action") == "unfollow":
        subscriptions.unfollow_board(user=request.user, board=board)
        messages.success(request, _("You no longer follow this board."))
    else:
        subscriptions.follow_board(user=request.user, board=board)
        messages.success(request, _("You follow this board: new topics come in your forum digest."))
    return redirect(board)


@login_required
@require_http_methods(["GET", "POST"])
def escalate(request: HttpRequest, pk: int) -> HttpResponse:
    topic = topic_reads.topic_for(request.user, pk)
    if not permissions.can_escalate(request.user, topic):
        raise Http404
    form = EscalateForm(request.POST or None, initial={"category": topic.board.ticket_category_id})
    if request.method == "POST" and form.is_valid():
        try:
            ticket = escalation.escalate_topic(
                topic=topic,
                actor=request.user,
                category=form.cleaned_data["category"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if ticket.needs_details:
                messages.success(
                    request,
                    _("Your request %(ref)s was opened. It lacks some details: we mailed you what to add.")
                    % {"ref": ticket.reference},
                )
            else:
                messages.success(request, _("Your request %(ref)s was opened.") % {"ref": ticket.reference})
            return redirect(topic)
    return render(request, "community/escalate.html", {"topic": topic, "form": form})


@login_required
@require_POST
def pin_answer(request: HttpRequest, pk: int) -> HttpResponse:
    post = topic_reads.post_for(request.user, pk)
    if not permissions.is_staff(request.user):
        raise Http404
    try:
        if request.POST.get("action") == "unpin":
            moderation.unpin_official_answer(topic=post.topic, actor=request.user)
        else:
            moderation.pin_official_answer(post=post, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(post.get_absolute_url())
