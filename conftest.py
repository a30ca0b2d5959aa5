"""Project-wide pytest fixtures."""

import os
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.utils import timezone, translation

from core.tests.subprocesses import TEMPLATES_ENV
from helpdesk.selectors import maintenance as maintenance_selectors
from helpdesk.selectors import reference
from helpdesk.sla.calendars import clear_cache


def pytest_configure(config):
    # One directory for the run's shared templates (core.tests.subprocesses.migrated_database),
    # made by the main process before xdist starts its workers, which inherit the variable.
    if not hasattr(config, "workerinput"):
        os.environ[TEMPLATES_ENV] = tempfile.mkdtemp(prefix="kuaixiang-test-templates-")


def pytest_unconfigure(config):
    if not hasattr(config, "workerinput"):
        shutil.rmtree(os.environ.pop(TEMPLATES_ENV, ""), ignore_errors=True)


@pytest.fixture(autouse=True, scope="session")
def _serialized_rollback_survives_an_earlier_flush():
    """A transactional test without serialized rollback ends with a flush, and the flush's
    post_migrate re-creates content types, permissions and the role groups under new ids; a
    later test with serialized rollback then restores the same rows under their old ids and
    fails on their unique names (Django restores rows, it does not merge them). The database
    was just flushed, so those re-created rows are dropped before the restore brings back the
    originals."""
    from django.db.backends.base.creation import BaseDatabaseCreation

    original = BaseDatabaseCreation.deserialize_db_from_string

    def deserialize(self, data):
        from django.contrib.auth.models import Group, Permission
        from django.contrib.contenttypes.models import ContentType

        alias = self.connection.alias
        Group.objects.using(alias).all().delete()
        Permission.objects.using(alias).all().delete()
        ContentType.objects.using(alias).all().delete()
        ContentType.objects.clear_cache()
        try:
            return original(self, data)
        finally:
            ContentType.objects.clear_cache()

    BaseDatabaseCreation.deserialize_db_from_string = deserialize
    yield
    BaseDatabaseCreation.deserialize_db_from_string = original


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    # The calendar cache is per process; test databases roll back underneath it.
    clear_cache()
    reference.clear()
    yield
    clear_cache()
    reference.clear()


@pytest.fixture(autouse=True)
def _no_announced_maintenance():
    # The banner's per-process memo: every test database starts without maintenance windows,
    # so the memo starts as that (empty) answer; saving a window through the service resets it.
    maintenance_selectors.remember([])
    yield
    maintenance_selectors.forget()


@pytest.fixture(autouse=True)
def _fresh_subscriptions():
    # Webhook and alert subscriptions are cached per process; a rolled-back test's endpoints
    # must not receive the next test's events.
    from helpdesk.services.integrations import clear_subscription_cache

    clear_subscription_cache(empty=True)
    yield
    clear_subscription_cache(empty=True)


@pytest.fixture(autouse=True)
def _default_language():
    # A test that activates a language (or a request that did) must not leak it into the next
    # one: with the suite in random order that would make assertions depend on the order.
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _default_time_zone():
    # The same for an activated time zone (a request's middleware, timezone.override left open):
    # parsed dates and "today" must not depend on which test ran before.
    timezone.deactivate()
    yield
    timezone.deactivate()


@pytest.fixture
def monday_9am() -> datetime:
    """2025-11-03 09:00 in Asia/Shanghai: a plain working Monday."""
    return datetime(2025, 11, 3, 1, 0, tzinfo=UTC)


# --- Browser tests (Playwright driving Debian's Chromium) --------------------------------------
# `make test` installs chromium and a CJK font first (scripts/browser-deps.sh). Here a missing
# browser is an error with the command to run, never a silent skip.

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parent / "test-artifacts" / "screenshots"
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: run `sudo apt-get install -y chromium fonts-wqy-microhei`")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


# pytest-django lets a test reach the database only through its mark or one of these fixtures.
DATABASE_FIXTURES = frozenset(
    {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "live_server",
     "django_db_setup"}
)  # fmt: skip


def uses_the_suites_database(item) -> bool:
    return item.get_closest_marker("django_db") is not None or bool(
        DATABASE_FIXTURES & set(item.fixturenames)
    )


def pytest_collection_modifyitems(config, items):
    # Browser tests share one xdist worker (--dist loadgroup): two Chromiums on two cores
    # next to the rest of the suite only slow each other down.
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))
    # `make test` runs the suite on SQLite, then again on PostgreSQL for what depends on the
    # database. A test that cannot reach the suite's database (pytest-django refuses it any
    # access) gives the same answer both times: the tests of scripts, settings and pure
    # functions, and those that run real processes on SQLite files of their own.
    if leaves_out_database_free_tests(config):
        kept = [item for item in items if uses_the_suites_database(item)]
        if len(kept) < len(items):
            config.hook.pytest_deselected(
                items=[item for item in items if not uses_the_suites_database(item)]
            )
            items[:] = kept


def pytest_addoption(parser):
    parser.addoption(
        "--keep-database-free",
        action="store_true",
        dest="keep_database_free",
        help="On PostgreSQL, also run the tests that do not use the database (they ran on SQLite).",
    )


def leaves_out_database_free_tests(config) -> bool:
    """The PostgreSQL pass, unless told to keep them (`--keep-database-free`)."""
    return os.environ.get("DATABASE_URL", "").startswith("postgres") and not config.getoption(
        "keep_database_free"
    )


def pytest_report_header(config):
    if leaves_out_database_free_tests(config):
        return "PostgreSQL pass: tests that use no database are deselected (they ran in the SQLite pass)"
