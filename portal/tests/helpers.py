"""Building valid form posts for the detailed submission form."""

import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

from core import clock
from helpdesk.tests.factories import GOOD_DETAILS

# A good description as the form posts it; occurred_at is typed in the user's time zone.
GOOD_POST = {
    "subject": "金蝶收款单生成凭证失败：科目不存在",
    **{name: value for name, value in GOOD_DETAILS.items() if name != "occurred_at"},
    "affected_users": "5",
    "voucher_numbers": "SK-20251103-0001",
}


def details_post(category, **overrides) -> dict:
    data = {
        **GOOD_POST,
        "occurred_at": local_input(hours_ago=2),
        "category": str(category.pk),
        "submission_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def local_input(*, hours_ago: float = 0, days_ago: float = 0, zone: str = "Asia/Shanghai") -> str:
    """A datetime-local value, as the browser sends it, in the user's zone."""
    moment = clock.now() - timedelta(hours=hours_ago, days=days_ago)
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")
