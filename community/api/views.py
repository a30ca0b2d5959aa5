"""The forum over the API: read what the site shows the caller; start topics and reply
through community.services.posting, under the same permissions and rate limits."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, Throttled
from rest_framework.permissions import SAFE_METHODS, IsAuthenticated
from rest_framework.response import Response

from community.models import Board, Post, Topic, TopicState
from community.selectors.boards import board_for, visible_boards
from community.selectors.topics import readable_posts, topic_for
from community.services.posting import create_reply, create_topic
from helpdesk.api.base import ApiViewSetMixin
from helpdesk.api.errors import service_errors
from helpdesk.api.filtering import RejectUnknownParameters
from helpdesk.api.idempotency import IDEMPOTENCY_PARAMETER
from helpdesk.api.pagination import NumberedPagination, PostPagination, TopicPagination
from helpdesk.api.permissions import HasKeyScope
from helpdesk.models import ApiScope

from .filters import TopicFilter
from .serializers import (
    BoardSerializer,
    PostSerializer,
    ReplyCreateSerializer,
    TopicCreateSerializer,
    TopicSerializer,
)

FORUM_WRITE = ApiScope.FORUM_WRITE.value


class ReadOpenWriteSignedIn(IsAuthenticated):
    """Reading is open, as on the site; writing needs a signed-in member (a key counts)."""

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or super().has_permission(request, view)


def _posting(function, **kwargs):
    """The forum's refusals in the API's shape: no right to post is 403, a rate limit 429."""
    try:
        return function(**kwargs)
    except DjangoValidationError as exc:
        code = getattr(exc, "code", None)
        if code in {"forbidden", "locked"}:
            raise PermissionDenied(exc.messages[0]) from exc
        if code == "rate_limited":
            raise Throttled(detail=exc.messages[0]) from exc
        raise service_errors(exc) from exc


class ForumMixin(ApiViewSetMixin):
    permission_classes = [ReadOpenWriteSignedIn, HasKeyScope]
    write_scope = FORUM_WRITE


class BoardViewSet(ForumMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Board.objects.none()  # the model, for the schema; rows come from get_queryset
    serializer_class = BoardSerializer
    pagination_class = NumberedPagination
    lookup_field = "slug"

    def get_queryset(self):
        return visible_boards_queryset(self.request.user)

    def get_object(self):
        return board_for(self.request.user, self.kwargs["slug"])


def visible_boards_queryset(user):
    return Board.objects.filter(pk__in=[board.pk for board in visible_boards(user)]).order_by(
        "position", "name", "pk"
    )


class TopicViewSet(ForumMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Visible topics of the boards the caller may read, latest activity first (keyset pages)."""

    queryset = Topic.objects.none()  # the model, for the schema; rows come from get_queryset
    serializer_class = TopicSerializer
    filterset_class = TopicFilter
    pagination_class = TopicPagination
    search_fields = ["title"]

    def get_queryset(self):
        boards = [board.pk for board in visible_boards(self.request.user)]
        return (
            Topic.objects.filter(board_id__in=boards, state=TopicState.VISIBLE)
            .select_related("board", "author__forum_profile")
            .prefetch_related("tags")
        )

    def get_object(self):
        try:
            pk = int(self.kwargs["pk"])
        except (TypeError, ValueError):
            raise Http404 from None
        return topic_for(self.request.user, pk)

    @extend_schema(
        request=TopicCreateSerializer, responses={201: TopicSerializer}, parameters=[IDEMPOTENCY_PARAMETER]
    )
    def create(self, request, *args, **kwargs):
        data = TopicCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        board = board_for(request.user, values["board"])
        topic = _posting(
            create_topic,
            board=board,
            author=request.user,
            title=values["title"],
            body=values["body"],
            tags=values.get("tags", []),
        )
        topic = Topic.objects.select_related("board", "author__forum_profile").get(pk=topic.pk)
        return Response(
            TopicSerializer(topic, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(responses=PostSerializer(many=True), filters=False, methods=["GET"])
    @extend_schema(
        request=ReplyCreateSerializer,
        responses={201: PostSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        filters=False,
        methods=["POST"],
    )
    @action(
        detail=True,
        methods=["get", "post"],
        filter_backends=[RejectUnknownParameters],
        pagination_class=PostPagination,
    )
    def posts(self, request, pk=None, format=None):
        """GET: the topic's posts in order (keyset pages). POST: reply."""
        topic = self.get_object()
        if request.method == "GET":
            posts = self.filter_queryset(readable_posts(user=request.user, topic=topic))
            page = self.paginate_queryset(posts)
            return self.get_paginated_response(
                PostSerializer(page, many=True, context={"request": request}).data
            )
        data = ReplyCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        quote = None
        if values.get("quote_of"):
            quote = Post.objects.filter(pk=values["quote_of"], topic=topic).first()
            if quote is None:
                raise service_errors(
                    DjangoValidationError({"quote_of": [_("The post you quote is not in this topic.")]})
                )
        post = _posting(create_reply, topic=topic, author=request.user, body=values["body"], quote_of=quote)
        post = Post.objects.select_related("author__forum_profile").get(pk=post.pk)
        return Response(
            PostSerializer(post, context={"request": request}).data, status=status.HTTP_201_CREATED
        )
