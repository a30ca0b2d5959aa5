"""POST endpoints: vote on an article, record a deflection from the submission wizard."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from knowledgebase.forms import DeflectForm, VoteForm
from knowledgebase.selectors.articles import access_article
from knowledgebase.services.deflection import record_deflection
from knowledgebase.services.feedback import record_vote

from .pages import render_article


@require_POST
def vote(request: HttpRequest, slug: str) -> HttpResponse:
    article = access_article(user=request.user, slug=slug)
    form = VoteForm(request.POST)
    if not form.is_valid():
        return render_article(request, article, vote_form=form, status=400)
    if not request.session.session_key:
        request.session.save()
    try:
        record_vote(
            article=article,
            user=request.user,
            session_key=request.session.session_key or "",
            helpful=form.cleaned_data["helpful"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        form.add_error(None, error)
        return render_article(request, article, vote_form=form, status=400)
    messages.success(request, _("Thank you for your feedback."))
    return redirect(article.get_absolute_url() + "#feedback")


@login_required
@require_POST
def deflect(request: HttpRequest) -> HttpResponse:
    """The wizard's "This solved my problem": record it, then show the article that solved it."""
    form = DeflectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("We could not record that; your request was not submitted."))
        return redirect("knowledgebase:home")
    url = form.cleaned_data["url"]
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=False):
        url = ""
    try:
        record_deflection(
            attempt_id=form.cleaned_data["attempt"],
            user=request.user,
            url=url,
            title=form.cleaned_data["title"],
        )
    except ValidationError:
        messages.error(request, _("We could not find that request; nothing was submitted."))
        return redirect(url or "knowledgebase:home")
    messages.success(request, _("Glad that helped! Your request was not submitted — no need to wait for us."))
    return redirect(url or "knowledgebase:home")
