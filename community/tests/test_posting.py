"""Writing posts: Chinese-aware minimums, edits with visible history, mentions, quotes, files,
approval of new members' posts."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from community.models import Board, DigestItem, NoticeReason, PostState, Topic, TopicState
from community.services import moderation, posting, profiles
from helpdesk.tests.factories import CustomerFactory
from helpdesk.tests.files import PNG

from .factories import make_board, reply, topic, trusted

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 11, 3, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("title", "ok"),
    [("U8怎么红冲", True), ("怎么红冲凭证", True), ("红冲凭证", False), ("How to reverse", False),
     ("How to reverse a voucher", True)],
)  # fmt: skip
def test_a_title_of_six_chinese_characters_is_a_question_english_needs_fifteen(board, asker, title, ok):
    if ok:
        assert topic(board=board, author=asker, title=title).title == title
        return
    with pytest.raises(ValidationError, match="The title is too short"):
        posting.create_topic(board=board, author=asker, title=title, body="已经过账的凭证要怎么红冲呢？")


@pytest.mark.parametrize(
    ("body", "ok"),
    [("过账后怎么红冲呢", True), ("怎么红冲呢", False), ("Posted twice", False), ("It was posted twice, why?", True),
     ("> 很长的引用内容很长的引用内容\n\n谢谢", False)],
)  # fmt: skip
def test_a_post_of_eight_chinese_characters_is_enough_english_needs_twenty(question, helper, body, ok):
    if ok:
        assert reply(topic=question, author=helper, body=body).body_md == body
        return
    with pytest.raises(ValidationError, match="The post is too short"):
        posting.create_reply(topic=question, author=helper, body=body)


def test_errors_name_their_fields_together(board, asker):
    with pytest.raises(ValidationError) as caught:
        posting.create_topic(board=board, author=asker, title="", body="")
    assert set(caught.value.message_dict) == {"title", "body"}
    assert "Write a title" in caught.value.message_dict["title"][0]
    assert Topic.objects.count() == 0


def test_an_edit_in_the_grace_period_leaves_no_revision(question):
    post = question.posts.get(number=1)
    posting.edit_post(post=post, editor=question.author, body=post.body_md + "（补充：U8 V13）",
                      now=post.created_at + timedelta(minutes=3))  # fmt: skip
    post.refresh_from_db()
    assert post.revision_count == 0
    assert post.edited_at is None
    assert "V13）" in post.body_html


def test_a_later_edit_keeps_the_old_version_in_a_visible_history(client, question):
    post = question.posts.get(number=1)
    original = post.body_md
    at = post.created_at + timedelta(minutes=30)
    posting.edit_post(post=post, editor=question.author, body="更正：我们用的是 U8 V15，不是 V13，凭证已经过账。",
                      title="U8 V15 已过账凭证怎么红冲", now=at)  # fmt: skip
    post.refresh_from_db()
    question.refresh_from_db()
    assert (post.revision_count, post.edited_at, question.title) == (1, at, "U8 V15 已过账凭证怎么红冲")
    revision = post.revisions.get()
    assert (revision.body_md, revision.title, revision.editor) == (
        original,
        "U8 已过账的凭证怎么红冲？",
        question.author,
    )

    page = client.get(question.get_absolute_url()).content.decode()
    assert reverse("community:post_history", args=[post.pk]) in page  # the "edited" link
    history = client.get(reverse("community:post_history", args=[post.pk])).content.decode()
    assert "V15" in history and "V13" in history and "U8 已过账的凭证怎么红冲？" in history


def test_staff_edits_of_someone_elses_post_are_always_kept(question, agent):
    post = question.posts.get(number=1)
    posting.edit_post(
        post=post, editor=agent, body=post.body_md + "（已删除客户的电话号码）", now=post.created_at
    )
    post.refresh_from_db()
    assert post.revision_count == 1
    assert post.revisions.get().editor == agent


def test_only_the_author_or_staff_may_edit(question, helper):
    with pytest.raises(ValidationError, match="You cannot edit this post"):
        posting.edit_post(post=question.posts.get(number=1), editor=helper, body="别人的帖子我也能改吗？试试")


def test_a_mention_links_the_member_and_notifies_them_once(question, helper, asker):
    handle = profiles.ensure_profile(helper).handle
    post = reply(topic=question, author=trusted(CustomerFactory()), body=f"@{handle} 你们上次是怎么红冲的？")
    assert f'href="{reverse("community:member", args=[handle])}"' in post.body_html
    line = DigestItem.objects.get(user=helper)
    assert (line.reason, line.last_post) == (NoticeReason.MENTION, post)
    # Editing the post (still mentioning them) does not notify again.
    posting.edit_post(post=post, editor=post.author, body=post.body_md + " 谢谢！", now=post.created_at)
    assert DigestItem.objects.get(user=helper).count == 1


def test_mentions_in_code_and_e_mail_addresses_are_not_mentions(question, helper):
    handle = profiles.ensure_profile(helper).handle
    post = reply(topic=question, author=trusted(CustomerFactory()),
                 body=f"日志里写着 `@{handle}`，邮箱是 x@{handle}.example，不是提到谁。")  # fmt: skip
    assert "/community/u/" not in post.body_html
    assert not DigestItem.objects.filter(user=helper).exists()


def test_quoting_a_reply_links_it_and_tells_its_author(question, helper, agent):
    answer = reply(topic=question, author=helper)
    quoted = reply(
        topic=question,
        author=agent,
        body=f"> {answer.body_md}\n\n补充：红冲凭证要先审核再过账。",
        quote_of=answer,
    )
    assert quoted.quote_of == answer
    assert DigestItem.objects.get(user=helper).reason == NoticeReason.REPLY


def test_a_quote_from_another_topic_is_refused(question, helper, board):
    elsewhere = reply(
        topic=topic(board=board, author=helper, title="K3 过账报错 ERR-5003"), author=question.author
    )
    with pytest.raises(ValidationError, match="The post you quote is not in this topic"):
        posting.create_reply(
            topic=question, author=helper, body="引用别的帖子里的内容试试", quote_of=elsewhere
        )


def test_the_topic_page_prefills_a_quote(client, question, helper):
    answer = reply(topic=question, author=helper)
    client.force_login(question.author)
    form = client.get(question.get_absolute_url(), {"quote": answer.pk}).context["reply_form"]
    assert form.initial["quote"] == answer.pk
    assert form.initial["body"].startswith(f"> @{profiles.ensure_profile(helper).handle} wrote (#2):")


def test_files_follow_the_ticket_attachment_rules(question, helper):
    good = SimpleUploadedFile("错误截图.png", PNG, content_type="image/png")
    post = reply(topic=question, author=helper, attachments=[good])
    assert post.attachments.get().original_name == "错误截图.png"
    fake = SimpleUploadedFile("invoice.png", b"<html>not a png</html>", content_type="image/png")
    with pytest.raises(ValidationError, match="does not look like a .png file"):
        posting.create_reply(
            topic=question, author=helper, body="再传一个假的图片文件试试", attachments=[fake]
        )
    script = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(ValidationError, match="this file type is not accepted"):
        posting.create_reply(
            topic=question, author=helper, body="再传一个可执行文件试试看", attachments=[script]
        )


def test_a_file_is_served_only_to_those_who_may_read_the_post(client, agent, helper):
    lounge = make_board(read_audience="staff", topic_audience="staff", reply_audience="staff")
    thread = topic(board=lounge, author=agent, title="内部：客户日志分析",
                   attachments=[SimpleUploadedFile("voucher-sync.log", b"ERR-4012", content_type="text/plain")])  # fmt: skip
    url = thread.posts.get(number=1).attachments.get().get_absolute_url()
    client.force_login(helper)
    assert client.get(url).status_code == 404
    client.force_login(agent)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == b"ERR-4012"


def test_a_new_members_first_post_waits_for_approval_on_boards_that_ask(newcomer, agent, helper):
    board = make_board(requires_approval=True)
    thread = topic(board=board, author=newcomer, title="第一次安装需要开什么权限？")
    post = thread.posts.get(number=1)
    assert (thread.state, post.state) == (TopicState.PENDING, PostState.PENDING)
    assert Board.objects.get(pk=board.pk).topic_count == 0
    moderation.approve_post(post=post, actor=agent)
    thread.refresh_from_db()
    assert thread.state == TopicState.VISIBLE
    assert Board.objects.get(pk=board.pk).topic_count == 1
    # Members and staff post straight away on the same board.
    assert topic(board=board, author=helper, title="同一个版块里老成员发帖").state == TopicState.VISIBLE
