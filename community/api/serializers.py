"""The forum over the API: boards, topics and posts as the caller may read them."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from community import permissions
from community.models import Board, Post, Tag, Topic
from helpdesk.api.people import display_name
from helpdesk.api.serializers import APIModelSerializer, StrictInput


def _viewer(serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


def _member(user, *, viewer) -> str | None:
    """Members appear by their forum handle; never by their address."""
    if user is None:
        return None
    profile = getattr(user, "forum_profile", None)
    return profile.handle if profile is not None else display_name(user, viewer=viewer)


class BoardSerializer(APIModelSerializer):
    class Meta:
        model = Board
        fields = [
            "id",
            "name",
            "slug",
            "description",
            "erp_system",
            "topic_count",
            "post_count",
            "last_activity_at",
        ]
        read_only_fields = fields


class TopicSerializer(APIModelSerializer):
    board = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    author = serializers.SerializerMethodField()
    tags = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    url = serializers.SerializerMethodField(help_text="The topic's page on the site.")

    class Meta:
        model = Topic
        fields = [
            "id",
            "board",
            "title",
            "author",
            "tags",
            "is_pinned",
            "is_locked",
            "is_solved",
            "solution",
            "reply_count",
            "vote_count",
            "created_at",
            "last_activity_at",
            "url",
        ]
        read_only_fields = fields

    def get_author(self, topic: Topic) -> str | None:
        return _member(topic.author, viewer=_viewer(self))

    def get_url(self, topic: Topic) -> str:
        request = self.context.get("request")
        path = topic.get_absolute_url()
        return request.build_absolute_uri(path) if request is not None else path


class PostSerializer(APIModelSerializer):
    author = serializers.SerializerMethodField()
    body_html = serializers.SerializerMethodField(help_text="Sanitised HTML; null for a hidden post.")
    body = serializers.SerializerMethodField(help_text="The Markdown source; null for a hidden post.")

    class Meta:
        model = Post
        fields = [
            "id",
            "topic",
            "number",
            "author",
            "author_badge",
            "state",
            "body",
            "body_html",
            "quote_of",
            "vote_count",
            "created_at",
            "edited_at",
        ]
        read_only_fields = fields

    def get_author(self, post: Post) -> str | None:
        return _member(post.author, viewer=_viewer(self))

    def _shown(self, post: Post) -> bool:
        return permissions.can_see_post_body(_viewer(self), post)

    def get_body_html(self, post: Post) -> str | None:
        return post.body_html if self._shown(post) else None

    def get_body(self, post: Post) -> str | None:
        return post.body_md if self._shown(post) else None


class TopicCreateSerializer(StrictInput, serializers.Serializer):
    board = serializers.SlugField(help_text="The board's slug.")
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=100_000)
    tags = serializers.ListField(child=serializers.CharField(max_length=30), required=False, max_length=10)

    def validate_tags(self, names):
        tags = list(Tag.objects.filter(name__in=names))
        unknown = sorted(set(names) - {tag.name for tag in tags})
        if unknown:
            raise serializers.ValidationError(
                [_("“%(name)s”: no such tag.") % {"name": name} for name in unknown]
            )
        return tags


class ReplyCreateSerializer(StrictInput, serializers.Serializer):
    body = serializers.CharField(max_length=100_000)
    quote_of = serializers.IntegerField(
        required=False, min_value=1, help_text="A post of this topic to quote."
    )
