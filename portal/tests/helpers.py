"""Building valid form posts for the detailed submission form."""

import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

from core import clock

GOOD_POST = {
    "subject": "金蝶收款单生成凭证失败：科目不存在",
    "symptoms": "在金蝶云星空中点击“生成凭证”后，收款单没有生成凭证，界面弹出红色错误提示框，当天所有收款单都无法过账。",
    "error_message": "ERR-4012: 科目 1122 不存在或已禁用",
    "steps_to_reproduce": "1. 打开收款单列表 2. 选择 11 月 3 日的收款单 3. 点击生成凭证 4. 查看弹出的错误",
    "expected_result": "凭证生成并自动过账",
    "actual_result": "弹出错误，凭证没有生成",
    "erp_system": "kingdee",
    "erp_version": "K/3 Cloud 8.1",
    "plugin_version": "3.2.1",
    "impact": "财务部 5 人无法过账",
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
