"""POST endpoints: vote on an article."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from knowledgebase.forms import VoteForm
from knowledgebase.selectors.articles import access_article
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
