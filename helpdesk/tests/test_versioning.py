"""Version numbers compare as people read them."""

import pytest

from helpdesk.versioning import is_older, sort_versions, version_key


@pytest.mark.parametrize(
    ("older", "newer"),
    [
        ("3.2.1", "3.10.0"),
        ("3.2.1", "3.2.2"),
        ("3.9", "3.10"),
        ("2.9.9", "3.0.0"),
        ("3.2.0-rc1", "3.2.0"),
        ("3.2.0b1", "3.2.0b2"),
        ("v3.1.4", "3.2"),
    ],
)
def test_semantic_order(older, newer):
    assert is_older(older, newer)
    assert not is_older(newer, older)


def test_equal_versions_are_not_older():
    assert version_key("3.2") == version_key("3.2.0")
    assert not is_older("3.2", "3.2.0")


@pytest.mark.parametrize("text", ["", None, "latest", "3.x", "三点二"])
def test_text_that_is_not_a_version_is_unknown(text):
    assert version_key(text) is None
    assert not is_older(text, "3.2.0")
    assert not is_older("3.2.0", text)


def test_sort_newest_first_keeps_unknown_last():
    assert sort_versions(["3.2.1", "x", "3.10.0", "3.9.2"], reverse=True) == ["3.10.0", "3.9.2", "3.2.1", "x"]
    assert sort_versions(["3.10.0", "3.2.1"]) == ["3.2.1", "3.10.0"]
