"""`manage.py seed_forum`: a lively demo forum, played through the services; `--posts N` for scale."""

from io import StringIO

import pytest
from django.core.management import call_command

from community.models import Board, Flag, FlagState, Post, PostState, Topic
from helpdesk.demo.seed import seed_people, seed_reference_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_people(db):
    seed_people(seed_reference_data())


def test_the_demo_forum_is_lively_and_a_second_run_adds_nothing(demo_people):
    out = StringIO()
    call_command("seed_forum", stdout=out)
    assert "threads created" in out.getvalue()
    topics = Topic.objects.count()
    assert topics >= 10
    titles = list(Topic.objects.values_list("title", flat=True))
    assert sum(1 for t in titles if t.isascii()) >= 2  # a few English threads
    assert sum(1 for t in titles if not t.isascii()) >= 8  # mostly Chinese
    assert Topic.objects.filter(is_solved=True).count() >= 3
    assert Topic.objects.filter(is_solved=False, state="visible").count() >= 3
    assert Post.objects.exclude(author_badge="").filter(number__gt=1).exists()  # staff answers
    assert Flag.objects.filter(state=FlagState.OPEN).exists()  # a flagged post in the queue
    assert Post.objects.filter(state=PostState.PENDING).exists()  # a post awaiting approval
    assert Board.objects.filter(read_audience="staff").exists()
    call_command("seed_forum", stdout=StringIO())
    assert Topic.objects.count() == topics


def test_posts_n_adds_generated_posts(demo_people):
    call_command("seed_forum", stdout=StringIO())
    before = Post.objects.count()
    out = StringIO()
    call_command("seed_forum", posts=500, stdout=out)
    assert Post.objects.count() - before == 500
    assert "Generated 500 posts" in out.getvalue()
    board = Board.objects.get(slug="kingdee")
    assert (
        board.post_count
        == Post.objects.filter(topic__board=board, state="visible", topic__state="visible").count()
    )
