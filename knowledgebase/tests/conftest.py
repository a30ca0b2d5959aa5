import pytest

from knowledgebase.services.feedback import view_counter


@pytest.fixture(autouse=True)
def _empty_view_buffer():
    # The view buffer is per process; tests must not see each other's pending views.
    view_counter._pending.clear()
    yield
    view_counter._pending.clear()
