"""The extension points: what each app contributes to another's screens is really there."""

import pytest

from core import registry
from core.registry import Registry


def test_every_home_panel_the_portal_shows_is_registered_in_order():
    assert registry.home_panels.keys() == ["faq", "articles", "categories", "community"]


def test_the_knowledge_base_adds_its_action_to_the_ticket_queue():
    assert "knowledgebase.draft_article" in registry.ticket_admin_actions


def test_the_helpdesk_adds_the_workspace_and_the_report_pages_to_the_admin():
    assert "helpdesk.workspace" in registry.admin_index_sections
    assert "helpdesk.reports" in registry.admin_urls


def test_live_chat_adds_its_queue_and_the_chat_button():
    # The chat's link sits above the workspace; its button is a widget on every page.
    assert registry.admin_index_sections.keys()[:2] == ["chat.queue", "helpdesk.workspace"]
    assert "chat.queue" in registry.admin_urls
    assert registry.page_widgets.keys() == ["chat"]


def test_the_portal_measures_deflection_for_the_reports():
    assert registry.report_measures.get("deflection").key == "deflection"


def test_asking_for_something_nobody_registered_is_an_error_not_an_empty_box():
    with pytest.raises(LookupError, match="nothing registered as 'forum'"):
        registry.home_panels.get("forum")


def test_registering_two_different_things_under_one_key_is_refused():
    panels: Registry[str] = Registry("panels")
    panels.register("faq", "one")
    panels.register("faq", "one")  # the same thing again (a second ready()) is fine
    with pytest.raises(ValueError, match="'faq' is registered twice"):
        panels.register("faq", "two")


def test_items_come_in_their_order_then_in_the_order_of_registration():
    panels: Registry[str] = Registry("panels")
    panels.register("late", "c", order=50)
    panels.register("first", "a", order=10)
    panels.register("second", "b", order=10)
    assert list(panels) == ["a", "b", "c"]


def test_the_forum_offers_its_topics_to_the_search_page():
    assert str(registry.search_kinds.get("topic")) == "Forum topic"
