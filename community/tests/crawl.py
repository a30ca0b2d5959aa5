"""The forum's part of the no-500 crawl (config/tests/test_no_server_errors.py): real rows for
every forum page and admin page, made through the services, and the URL values naming them."""

from django.core.files.uploadedfile import SimpleUploadedFile

from community.models import FlagReason, Tag
from community.services import flags, limits, posting, profiles, subscriptions
from helpdesk.tests.factories import CustomerFactory

from .factories import make_board


def community_world(*, customer, agent) -> dict:
    """Create a board, a tag, a topic with a reply, a file, a flag and a moderation log entry;
    return {(route name, parameter): [values]} for the crawl's `real` table."""
    board = make_board(name="用友 Yonyou", slug="crawl-yonyou")
    tag = Tag.objects.create(name="红冲")
    topic = posting.create_topic(
        board=board,
        author=customer,
        title="U8 已过账的凭证怎么红冲？",
        body="已经过账的收款凭证金额录错了，怎么红冲？",
        tags=[tag],
        attachments=[SimpleUploadedFile("voucher-sync.log", b"ERR-4012", content_type="text/plain")],
    )
    limits.reset(user_id=customer.pk)
    answer = posting.create_reply(topic=topic, author=agent, body="在插件里点“生成红冲凭证”，再到总账过账。")
    for _ in range(flags.AUTO_HIDE_FLAGS):  # hidden by the flag rule: a log entry without an actor
        flags.flag_post(post=answer, user=CustomerFactory(), reason=FlagReason.SPAM)
    handle = profiles.ensure_profile(customer).handle
    question = topic.posts.get(number=1)
    post_routes = ["post_edit", "post_history", "vote", "solution", "flag", "pin_answer"]
    topic_routes = ["topic", "reply", "topic_follow", "escalate"]
    return {
        **{(f"community:{name}", "pk"): [topic.pk] for name in topic_routes},
        **{(f"community:{name}", "pk"): [question.pk, answer.pk] for name in post_routes},
        ("community:attachment", "pk"): [question.attachments.get().pk],
        ("community:board", "slug"): [board.slug],
        ("community:board_follow", "slug"): [board.slug],
        ("community:tag", "name"): [tag.name],
        ("community:member", "handle"): [handle],
        ("community:unsubscribe", "token"): [subscriptions.unsubscribe_token(user=customer, topic=topic)],
    }
