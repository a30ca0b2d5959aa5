"""Topics in the shared search index, so search, "similar topics" and the submission wizard's
suggestions find them beside articles and FAQs.

A topic's document is its title, the question, the accepted solution and official answer,
and the best-voted replies; its visibility is its board's audience. Topics nobody else can
read (pending, hidden, merged) are taken out.
"""

from django.conf import settings
from django.db.models import Q
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.translation import pgettext

from search.models import Visibility
from search.services import DocumentData, index_documents, remove_document

from ..models import Audience, Post, PostState, Topic, TopicState

DOC_TYPE = "topic"
KIND = "topic"
TOP_REPLIES = 20
VISIBILITY = {
    Audience.EVERYONE: Visibility.PUBLIC,
    Audience.SIGNED_IN: Visibility.CUSTOMERS,
    Audience.STAFF: Visibility.AGENTS,
}


def kind_label(topic: Topic) -> str:
    # Stored once in the product's language, like every other kind label in the index.
    with translation.override(settings.LANGUAGE_CODE):
        if topic.is_solved:
            return pgettext("search kind", "Solved community topic")
        return pgettext("search kind", "Community topic")


def board_names(board) -> list[str]:
    return list(dict.fromkeys(name for name in (board.name_zh_hans, board.name_en) if name))


def topic_document(topic: Topic, texts: list[str]) -> DocumentData:
    return DocumentData(
        doc_type=DOC_TYPE,
        object_id=str(topic.pk),
        title=topic.title,
        url=topic.get_absolute_url(),
        kind=KIND,
        kind_label=kind_label(topic),
        visibility=VISIBILITY[topic.board.read_audience],
        body="\n".join(texts),
        # The board's name in both languages: the document must not depend on who saved last.
        tags=[*board_names(topic.board), *(tag.name for tag in topic.tags.all())],
        # Ranking signals (search/scoring.py): solved topics rank above loose matches, voted
        # and recently active ones a little higher, the board's ERP for the wizard's match.
        changed_at=topic.last_activity_at,
        solved=topic.is_solved,
        popularity=max(0, topic.vote_count),
        erp_systems=[topic.board.erp_system] if topic.board.erp_system else [],
    )


def _texts(topic: Topic) -> list[str]:
    featured = [pk for pk in (topic.solution_id, topic.official_answer_id) if pk]
    first = Post.objects.filter(Q(topic=topic, number=1) | Q(pk__in=featured), state=PostState.VISIBLE)
    replies = (
        Post.objects.filter(topic=topic, state=PostState.VISIBLE, number__gt=1)
        .exclude(pk__in=featured)
        .order_by("-vote_count", "number")
        .values_list("body_html", flat=True)[:TOP_REPLIES]
    )
    ordered = sorted(first.values_list("number", "body_html"))
    return [strip_tags(html) for _, html in ordered] + [strip_tags(html) for html in replies]


def index_topic(topic: Topic) -> None:
    """(Re)index one topic, or remove it; call inside the transaction that changed it."""
    if topic.state != TopicState.VISIBLE:
        remove_document(doc_type=DOC_TYPE, object_id=topic.pk)
        return
    index_documents([topic_document(topic, _texts(topic))])


def remove_topic(topic: Topic) -> None:
    remove_document(doc_type=DOC_TYPE, object_id=topic.pk)
