"""One post: edit, its history, votes, accepting it as the solution, flags, its files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import add_service_errors

from .. import permissions
from ..forms import EditForm, FlagForm
from ..models import ForumAttachment, PostState
from ..selectors import topics as topic_reads
from ..services import flags, posting, solutions, subscriptions, votes


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = topic_reads.post_for(request.user, pk)
    if not permissions.can_edit_post(request.user, post):
        raise Http404
    question = post.is_question
    initial = {"body": post.body_md}
    if question:
        initial |= {"title": post.topic.title, "tags": list(post.topic.tags.all())}
    form = EditForm(request.POST or None, initial=initial, question=question)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            posting.edit_post(
                post=post,
                editor=request.user,
                body=data["body"],
                title=data.get("title") if question else None,
                tags=data.get("tags") if question else None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect(post.get_absolute_url())
    return render(request, "community/post_edit.html", {"post": post, "form": form, "topic": post.topic})


@require_GET
def history(request: HttpRequest, pk: int) -> HttpResponse:
    post = topic_reads.post_for(request.user, pk)
    if not permissions.can_see_post_body(request.user, post):
        raise Http404
    revisions = list(post.revisions.select_related("editor").order_by("-number"))
    for revision in revisions:
        revision.body_html, _mentioned = posting.render(revision.body_md)
    return render(
        request, "community/post_history.html", {"post": post, "topic": post.topic, "revisions": revisions}
    )


@login_required
@require_POST
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    post = topic_reads.post_for(request.user, pk)
    try:
        if request.POST.get("action") == "withdraw":
            votes.withdraw_vote(post=post, user=request.user)
        else:
            votes.vote(post=post, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(post.get_absolute_url())


@login_required
@require_POST
def solution(request: HttpRequest, pk: int) -> HttpResponse:
    post = topic_reads.post_for(request.user, pk)
    try:
        if request.POST.get("action") == "unmark":
            solutions.unmark_solution(topic=post.topic, actor=request.user)
            messages.success(request, _("The topic is no longer marked as solved."))
        else:
            solutions.mark_solution(topic=post.topic, post=post, actor=request.user)
            messages.success(request, _("Marked as the solution. Thank you for closing the loop!"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(post.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def flag(request: HttpRequest, pk: int) -> HttpResponse:
    post = topic_reads.post_for(request.user, pk)
    if post.author_id == request.user.pk or post.state != PostState.VISIBLE:
        raise Http404
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            flags.flag_post(
                post=post,
                user=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Thank you: the moderators will look at this post."))
            return redirect(post.topic)
    return render(request, "community/flag.html", {"post": post, "topic": post.topic, "form": form})


@require_GET
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """A post's file, for whoever may read the post; images inline, anything else downloaded."""
    found = (
        ForumAttachment.objects.select_related("post", "post__topic", "post__topic__board")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    post = found.post
    if not permissions.can_read_topic(request.user, post.topic) or not permissions.can_see_post_body(
        request.user, post
    ):
        raise Http404
    try:
        handle = found.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=not found.is_image,
        filename=found.original_name,
        content_type=found.content_type,
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# Mail clients send RFC 8058 one-click unsubscribes as a POST without a CSRF token; the
# signed token in the URL is the authorisation.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscriptions.read_token(token)
    except ValidationError as error:
        return render(request, "community/unsubscribe.html", {"error": error.messages[0]}, status=400)
    if request.method == "POST":
        done = subscriptions.unsubscribe(token=token)
        return render(request, "community/unsubscribe.html", {"done": done})
    return render(request, "community/unsubscribe.html", {"token": token})
