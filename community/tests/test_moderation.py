"""Flags and the automatic hide, the flag queue, and every staff action with its log entry."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from community.models import (
    Board,
    Flag,
    FlagReason,
    FlagState,
    HiddenReason,
    ModerationAction,
    ModerationLog,
    Post,
    PostState,
    Subscription,
    Topic,
    TopicState,
)
from community.services import flags, moderation
from helpdesk.tests.factories import CustomerFactory

from .factories import make_board, reply, topic, trusted

pytestmark = pytest.mark.django_db


def last_log() -> ModerationLog:
    return ModerationLog.objects.order_by("-pk").first()


@pytest.fixture
def spam(question):
    return reply(
        topic=question, author=trusted(CustomerFactory()), body="低价代开发票，加微信 fapiao888 详聊"
    )


def test_a_flag_needs_a_reason_and_a_note_for_something_else(spam, helper):
    with pytest.raises(ValidationError, match="Tell the moderators what is wrong"):
        flags.flag_post(post=spam, user=helper, reason=FlagReason.OTHER)
    with pytest.raises(ValidationError, match="Choose why the post does not belong here"):
        flags.flag_post(post=spam, user=helper, reason="because")
    assert flags.flag_post(post=spam, user=helper, reason=FlagReason.SPAM).state == FlagState.OPEN


def test_one_flag_per_member_and_never_ones_own(spam, helper):
    flags.flag_post(post=spam, user=helper, reason=FlagReason.SPAM)
    with pytest.raises(ValidationError, match="You have already flagged this post"):
        flags.flag_post(post=spam, user=helper, reason=FlagReason.OFF_TOPIC)
    with pytest.raises(ValidationError, match="You cannot flag your own post"):
        flags.flag_post(post=spam, user=spam.author, reason=FlagReason.SPAM)


def test_enough_flags_from_different_members_hide_the_post_pending_review(client, spam):
    for _ in range(flags.AUTO_HIDE_FLAGS - 1):
        flags.flag_post(post=spam, user=CustomerFactory(), reason=FlagReason.SPAM)
    assert Post.objects.get(pk=spam.pk).state == PostState.VISIBLE
    flags.flag_post(post=spam, user=CustomerFactory(), reason=FlagReason.INAPPROPRIATE)
    spam.refresh_from_db()
    assert (spam.state, spam.hidden_reason, spam.flag_count) == (PostState.HIDDEN, HiddenReason.FLAGS, 3)
    entry = last_log()
    assert (entry.action, entry.actor, entry.post) == (ModerationAction.AUTO_HIDE, None, spam)
    page = client.get(spam.topic.get_absolute_url()).content.decode()
    assert "fapiao888" not in page
    assert "hidden until a moderator has looked at it" in page
    assert Topic.objects.get(pk=spam.topic_id).reply_count == 0


def test_the_queue_dismisses_flags_and_restores_the_post(spam, agent):
    for _ in range(flags.AUTO_HIDE_FLAGS):
        flags.flag_post(post=spam, user=CustomerFactory(), reason=FlagReason.SPAM)
    flags.dismiss_flags(post=spam, actor=agent)
    spam.refresh_from_db()
    assert (spam.state, spam.flag_count) == (PostState.VISIBLE, 0)
    assert set(Flag.objects.values_list("state", flat=True)) == {FlagState.DISMISSED}
    actions = list(ModerationLog.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-2:] == [ModerationAction.DISMISS_FLAGS, ModerationAction.UNHIDE]


def test_the_queue_agrees_and_the_post_stays_hidden(spam, agent):
    flags.flag_post(post=spam, user=CustomerFactory(), reason=FlagReason.SPAM)
    flags.agree_with_flags(post=spam, actor=agent)
    spam.refresh_from_db()
    assert (spam.state, spam.hidden_reason) == (PostState.HIDDEN, HiddenReason.STAFF)
    assert Flag.objects.get().state == FlagState.AGREED
    assert last_log().action == ModerationAction.AGREE_FLAGS


def test_the_flag_queue_in_the_admin(client, spam, agent):
    flag = flags.flag_post(post=spam, user=CustomerFactory(), reason=FlagReason.SPAM)
    client.force_login(agent)
    queue = client.get(reverse("admin:community_flag_changelist"))
    assert queue.status_code == 200
    assert "fapiao888" in queue.content.decode()
    response = client.post(
        reverse("admin:community_flag_changelist"),
        {"action": "agree_with_flags_selected", "_selected_action": [flag.pk]},
    )
    assert response.status_code == 302
    assert Post.objects.get(pk=spam.pk).state == PostState.HIDDEN
    assert "fapiao888" not in client.get(reverse("admin:community_flag_changelist")).content.decode()


def test_hide_and_unhide_are_logged(spam, agent):
    moderation.hide_post(post=spam, actor=agent, note="广告")
    assert (last_log().action, last_log().actor, last_log().note) == (ModerationAction.HIDE, agent, "广告")
    moderation.unhide_post(post=spam, actor=agent)
    assert last_log().action == ModerationAction.UNHIDE
    assert Post.objects.get(pk=spam.pk).state == PostState.VISIBLE


def test_hiding_the_question_hides_the_topic_and_takes_it_out_of_search(question, agent):
    from search.models import SearchDocument

    assert SearchDocument.objects.filter(doc_type="topic", object_id=str(question.pk)).exists()
    moderation.hide_post(post=question.posts.get(number=1), actor=agent)
    assert Topic.objects.get(pk=question.pk).state == TopicState.HIDDEN
    assert not SearchDocument.objects.filter(doc_type="topic", object_id=str(question.pk)).exists()


def test_lock_unlock_pin_unpin_are_logged(question, agent):
    for service, field, value, action in [
        (moderation.lock_topic, "is_locked", True, ModerationAction.LOCK),
        (moderation.unlock_topic, "is_locked", False, ModerationAction.UNLOCK),
        (moderation.pin_topic, "is_pinned", True, ModerationAction.PIN),
        (moderation.unpin_topic, "is_pinned", False, ModerationAction.UNPIN),
    ]:
        service(topic=question, actor=agent)
        assert getattr(Topic.objects.get(pk=question.pk), field) is value
        assert (last_log().action, last_log().topic_id, last_log().actor) == (action, question.pk, agent)


def test_only_staff_moderate(question, helper):
    with pytest.raises(ValidationError, match="Only staff can moderate the forum"):
        moderation.lock_topic(topic=question, actor=helper)


def test_moving_a_topic_changes_boards_counts_and_search_visibility(question, agent):
    from search.models import SearchDocument

    private = make_board(read_audience="signed_in", name="凭证规则 内部")
    old = question.board
    moderation.move_topic(topic=question, board=private, actor=agent)
    assert Topic.objects.get(pk=question.pk).board == private
    assert (Board.objects.get(pk=old.pk).topic_count, Board.objects.get(pk=private.pk).topic_count) == (0, 1)
    assert SearchDocument.objects.get(doc_type="topic", object_id=str(question.pk)).visibility == "customers"
    assert last_log().data["to"] == private.name


def test_merging_moves_the_posts_after_the_targets_and_points_the_source_there(
    client, board, question, helper, agent
):
    target_reply = reply(topic=question, author=helper)
    source = topic(board=board, author=trusted(CustomerFactory()), title="U8 红冲凭证怎么做（重复提问）")
    reply(topic=source, author=agent)
    moderation.merge_topics(source=source, target=question, actor=agent)
    source.refresh_from_db()
    assert (source.state, source.merged_into) == (TopicState.MERGED, question)
    numbers = list(Post.objects.filter(topic=question).order_by("number").values_list("number", flat=True))
    assert numbers == [1, target_reply.number, 3, 4]
    assert Topic.objects.get(pk=question.pk).reply_count == 3
    assert Subscription.objects.filter(topic=question, user=source.author).exists()
    assert client.get(source.get_absolute_url())["Location"] == question.get_absolute_url()
    assert (last_log().action, last_log().data["source"]) == (ModerationAction.MERGE, source.pk)


def test_closing_as_a_duplicate_locks_and_links(client, board, question, agent):
    again = topic(board=board, author=trusted(CustomerFactory()), title="已过账凭证怎么红冲？同样的问题")
    moderation.close_as_duplicate(topic=again, original=question, actor=agent)
    again.refresh_from_db()
    assert (again.duplicate_of, again.is_locked) == (question, True)
    page = client.get(again.get_absolute_url()).content.decode()
    assert "Closed as a duplicate of" in page and question.get_absolute_url() in page
    assert last_log().action == ModerationAction.DUPLICATE
    with pytest.raises(ValidationError, match="cannot be a duplicate of itself"):
        moderation.close_as_duplicate(topic=question, original=question, actor=agent)


def test_an_official_staff_answer_is_pinned_under_the_question(client, question, helper, agent):
    answer = reply(topic=question, author=agent, body="官方答复：请在插件里点“生成红冲凭证”，再到总账过账。")
    with pytest.raises(ValidationError, match="Only a staff reply"):
        moderation.pin_official_answer(post=reply(topic=question, author=helper), actor=agent)
    moderation.pin_official_answer(post=answer, actor=agent)
    page = client.get(question.get_absolute_url()).content.decode()
    assert page.index('id="official-answer"') < page.index('id="post-2"')
    assert "Support agent" in page  # the badge
    assert last_log().action == ModerationAction.PIN_ANSWER
    moderation.unpin_official_answer(topic=question, actor=agent)
    assert last_log().action == ModerationAction.UNPIN_ANSWER


def test_approve_and_reject_are_logged(newcomer, agent):
    strict = make_board(requires_approval=True)
    first = topic(board=strict, author=newcomer, title="新人第一个问题：要开什么权限")
    moderation.approve_post(post=first.posts.get(number=1), actor=agent)
    assert last_log().action == ModerationAction.APPROVE
    second = reply(topic=first, author=newcomer, body="新人第二条帖子也要审核吗？")
    assert second.state == PostState.PENDING
    moderation.reject_post(post=second, actor=agent, note="重复内容")
    assert (Post.objects.get(pk=second.pk).hidden_reason, last_log().action) == (
        HiddenReason.REJECTED,
        ModerationAction.REJECT,
    )


def test_topic_actions_from_the_admin_go_through_the_services(client, board, question, agent):
    client.force_login(agent)
    url = reverse("admin:community_topic_changelist")
    client.post(url, {"action": "lock_topic", "_selected_action": [question.pk]})
    assert Topic.objects.get(pk=question.pk).is_locked
    other = make_board(name="金蝶 Kingdee")
    page = client.post(url, {"action": "move_selected", "_selected_action": [question.pk]})
    assert page.status_code == 200 and "Move to board" in page.content.decode()
    client.post(
        url, {"action": "move_selected", "_selected_action": [question.pk], "apply": "1", "board": other.pk}
    )
    assert Topic.objects.get(pk=question.pk).board == other
    log = client.get(reverse("admin:community_moderationlog_changelist")).content.decode()
    assert "Locked a topic" in log and "Moved a topic" in log
