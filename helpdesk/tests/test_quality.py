"""The description quality score: pure, no database."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from helpdesk.quality import is_vague, score_description, word_count
from helpdesk.tests.factories import GOOD_DETAILS

NOW = datetime(2025, 11, 3, 2, 0, tzinfo=UTC)

GOOD_ZH = {
    "subject": "金蝶收款单生成凭证失败：科目不存在",
    **GOOD_DETAILS,
    "voucher_numbers": "SK-20251103-0001",
}

GOOD_EN = {
    "subject": "Receipt vouchers fail to sync to SAP with account error",
    "symptoms": (
        "Since this morning every receipt we sync from the plugin to SAP stops at the posting "
        "step and the sync log shows a red line for each voucher; nothing arrives in SAP."
    ),
    "occurred_at": datetime(2025, 11, 2, 23, 0, tzinfo=UTC),
    "error_message": "F5 808: Field Business Area is a required field",
    "steps_to_reproduce": "1. Open receipt list 2. Select yesterday's receipts 3. Click Sync to ERP 4. Open the log",
    "expected_result": "The vouchers are posted in SAP",
    "actual_result": "The sync stops with an error for every voucher",
    "erp_system": "sap",
    "erp_version": "S/4HANA 2022",
    "plugin_version": "3.2.1",
    "affected_users": 3,
    "voucher_numbers": "1400000123",
}

COMPLEX = SimpleNamespace(needs_environment=True, needs_attachment=True)


def fields_of(report, *, blocking=True):
    return {f.field for f in report.findings if f.blocking == blocking}


@pytest.mark.parametrize("sample", [GOOD_ZH, GOOD_EN], ids=["chinese", "english"])
def test_a_complete_description_is_acceptable_and_scores_good(sample):
    report = score_description(sample, now=NOW)
    assert report.acceptable
    assert report.level == "good"
    assert report.score >= 90


def test_an_empty_description_is_refused_and_names_every_missing_field():
    report = score_description({})
    assert not report.acceptable
    assert report.level == "poor"
    assert fields_of(report) == {
        "subject",
        "symptoms",
        "occurred_at",
        "error_message",
        "steps_to_reproduce",
        "expected_result",
        "actual_result",
        "erp_system",
        "erp_version",
        "plugin_version",
    }


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("科目不存在", 5),
        ("account does not exist", 4),
        ("K/3 Cloud 8.1", 4),
        ("凭证 ERR-4012 失败", 5),
        ("", 0),
    ],
)
def test_a_cjk_character_counts_as_a_word_and_latin_runs_count_once(text, words):
    assert word_count(text) == words


@pytest.mark.parametrize(
    "text",
    [
        "不能用",
        "没反应",
        "报错了",
        "doesn't work",
        "help",
        "urgent!!!",
        "系统报错了！！",
        "It does not work!!",
        "？？？",
    ],
)
def test_stock_phrases_are_vague(text):
    assert is_vague(text)


@pytest.mark.parametrize(
    "text",
    [
        "点击生成凭证后没反应",
        "ERR-4012: 科目 1122 不存在",
        "Error 4012",
        "helpdesk crashes on save",
        "凭证同步失败：科目不存在",
    ],
)
def test_specific_text_is_not_vague_even_with_a_stock_word(text):
    assert not is_vague(text)


@pytest.mark.parametrize("vague", ["不能用", "doesn't work", "urgent!!!", "help"])
def test_a_vague_summary_is_called_out_with_a_concrete_hint(vague):
    report = score_description({**GOOD_ZH, "subject": vague}, now=NOW)
    [finding] = report.for_field("subject")
    assert finding.blocking
    assert vague[:5] in str(finding.message)
    assert "e.g." in str(finding.message)


@pytest.mark.parametrize("vague", ["没反应", "报错了", "doesn't work"])
def test_vague_symptoms_are_refused(vague):
    report = score_description({**GOOD_ZH, "symptoms": vague}, now=NOW)
    assert "symptoms" in fields_of(report)
    assert not report.acceptable


def test_short_symptoms_block_but_merely_brief_ones_only_get_a_hint():
    assert "symptoms" in fields_of(score_description({**GOOD_ZH, "symptoms": "凭证未生成"}, now=NOW))
    brief = score_description({**GOOD_ZH, "symptoms": "点击生成凭证后弹出错误提示框，没有凭证"}, now=NOW)
    assert "symptoms" not in fields_of(brief)
    assert "symptoms" in fields_of(brief, blocking=False)
    assert brief.acceptable


def test_the_error_text_or_an_explicit_no_error_is_required():
    missing = score_description({**GOOD_ZH, "error_message": ""}, now=NOW)
    assert "error_message" in fields_of(missing)
    ticked = score_description({**GOOD_ZH, "error_message": "", "no_error_shown": True}, now=NOW)
    assert "error_message" not in fields_of(ticked)


@pytest.mark.parametrize("error", ["报错了", "error", "x"])
def test_a_vague_or_one_word_error_text_is_refused(error):
    report = score_description({**GOOD_ZH, "error_message": error}, now=NOW)
    assert "error_message" in fields_of(report)


def test_the_time_is_required_unless_the_problem_is_long_standing():
    no_time = {**GOOD_ZH, "occurred_at": None}
    assert "occurred_at" in fields_of(score_description(no_time, now=NOW))
    assert "occurred_at" not in fields_of(score_description({**no_time, "long_standing": True}, now=NOW))


def test_a_time_in_the_future_is_refused():
    report = score_description({**GOOD_ZH, "occurred_at": NOW + timedelta(hours=1)}, now=NOW)
    assert "occurred_at" in fields_of(report)


def test_a_few_minutes_of_clock_skew_is_not_the_future():
    report = score_description({**GOOD_ZH, "occurred_at": NOW + timedelta(minutes=2)}, now=NOW)
    assert "occurred_at" not in fields_of(report)


def test_a_time_older_than_90_days_needs_the_long_standing_tick():
    old = {**GOOD_ZH, "occurred_at": NOW - timedelta(days=91)}
    assert "occurred_at" in fields_of(score_description(old, now=NOW))
    assert "occurred_at" not in fields_of(score_description({**old, "long_standing": True}, now=NOW))


def test_without_now_the_time_is_not_checked_against_the_clock():
    report = score_description({**GOOD_ZH, "occurred_at": NOW + timedelta(days=400)})
    assert "occurred_at" not in fields_of(report)


def test_steps_expected_and_actual_results_are_required():
    report = score_description(
        {**GOOD_EN, "steps_to_reproduce": "", "expected_result": "", "actual_result": ""}, now=NOW
    )
    assert {"steps_to_reproduce", "expected_result", "actual_result"} <= fields_of(report)


def test_identical_expected_and_actual_results_are_refused():
    report = score_description(
        {**GOOD_ZH, "expected_result": "凭证生成", "actual_result": "凭证生成。"}, now=NOW
    )
    assert "actual_result" in fields_of(report)


def test_erp_system_version_and_plugin_version_are_required():
    report = score_description(
        {**GOOD_ZH, "erp_system": "", "erp_version": " ", "plugin_version": ""}, now=NOW
    )
    assert {"erp_system", "erp_version", "plugin_version"} <= fields_of(report)


def test_missing_impact_and_vouchers_are_hints_that_never_block():
    report = score_description({**GOOD_ZH, "impact": "", "voucher_numbers": ""}, now=NOW)
    assert report.acceptable
    assert {"impact", "voucher_numbers"} <= fields_of(report, blocking=False)


def test_ticking_posting_blocked_counts_as_impact():
    report = score_description({**GOOD_ZH, "impact": "", "posting_blocked": True}, now=NOW)
    assert "impact" not in {f.field for f in report.findings}


def test_a_complex_category_requires_environment_details_and_an_attachment():
    report = score_description(GOOD_ZH, category=COMPLEX, now=NOW)
    assert {"environment", "attachments"} <= fields_of(report)
    complete = score_description(
        {**GOOD_ZH, "environment": "Windows Server 2019，SQL Server 2017，金蝶私有云部署，通过 VPN 连接"},
        category=COMPLEX,
        attachment_count=1,
        now=NOW,
    )
    assert complete.acceptable


def test_a_simple_category_requires_neither_environment_nor_attachment():
    simple = SimpleNamespace(needs_environment=False, needs_attachment=False)
    assert score_description(GOOD_ZH, category=simple, now=NOW).acceptable


def test_the_score_rises_as_the_description_improves():
    empty = score_description({}).score
    half = score_description({k: GOOD_ZH[k] for k in ("subject", "symptoms", "occurred_at")}).score
    full = score_description(GOOD_ZH).score
    assert empty < half < full <= 100


def test_as_dict_is_json_ready_with_translated_strings():
    data = score_description({"subject": "help"}).as_dict()
    assert set(data) == {"score", "level", "acceptable", "findings"}
    assert all(isinstance(f["message"], str) for f in data["findings"])
    assert data["acceptable"] is False
