"""How well a ticket describes its problem: one pure function, used by the server-side form
validation, the live quality meter and the stored quality_score.

Length is counted in "words" that make sense for Chinese: each CJK character is one word,
each run of Latin letters or digits is one word.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
WORD_RE = re.compile(rf"[{CJK}]|[A-Za-z0-9]+(?:[._'-][A-Za-z0-9]+)*")
PUNCT_RE = re.compile(rf"[^{CJK}A-Za-z0-9]+")

# Phrases that say nothing on their own. Matched against the text with punctuation and
# spaces removed, lower-cased.
VAGUE_PHRASES = (
    "不能用",
    "用不了",
    "没反应",
    "没有反应",
    "报错了",
    "报错",
    "出错了",
    "出错",
    "有问题",
    "出问题了",
    "不行",
    "坏了",
    "急",
    "紧急",
    "很急",
    "求助",
    "帮忙",
    "帮帮忙",
    "救命",
    "doesntwork",
    "doesnotwork",
    "notworking",
    "broken",
    "help",
    "helpme",
    "urgent",
    "error",
    "itsbroken",
    "problem",
    "issue",
    "asap",
    "pleasehelp",
    "bug",
)

MIN_WORDS = {
    "subject": 6,
    "symptoms": 20,
    "steps_to_reproduce": 10,
    "expected_result": 4,
    "actual_result": 4,
    "error_message": 3,
    "environment": 8,
}


def word_count(text: str) -> int:
    return len(WORD_RE.findall(text or ""))


def is_vague(text: str) -> bool:
    """True when the text is only a stock phrase such as 不能用 or “doesn't work!!!”."""
    squashed = PUNCT_RE.sub("", (text or "").lower())
    if not squashed:
        return False
    for phrase in VAGUE_PHRASES:
        remainder = squashed.replace(phrase, "")
        if len(remainder) < len(squashed) and word_count(remainder) <= 3:
            return True
    return False


@dataclass(frozen=True)
class Finding:
    field: str
    message: str | Promise
    blocking: bool = True


@dataclass
class QualityReport:
    score: int
    findings: list[Finding] = field(default_factory=list)

    @property
    def acceptable(self) -> bool:
        return not any(f.blocking for f in self.findings)

    @property
    def level(self) -> str:
        return "good" if self.score >= 80 else "fair" if self.score >= 50 else "poor"

    def as_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "level": self.level,
            "acceptable": self.acceptable,
            "findings": [
                {"field": f.field, "message": str(f.message), "blocking": f.blocking} for f in self.findings
            ],
        }


# (field, weight). Weights add up to 100.
WEIGHTS = {
    "subject": 10,
    "symptoms": 20,
    "occurred_at": 8,
    "error_message": 14,
    "steps_to_reproduce": 14,
    "expected_result": 6,
    "actual_result": 6,
    "erp_system": 4,
    "erp_version": 6,
    "plugin_version": 6,
    "impact": 6,
}


def _text(fields: Mapping[str, Any], name: str) -> str:
    value = fields.get(name)
    return value.strip() if isinstance(value, str) else ""


def _check_text(
    fields: Mapping[str, Any], name: str, label_short: Promise, label_vague: Promise
) -> Finding | None:
    text = _text(fields, name)
    if not text:
        return Finding(name, _("This is required."))
    if is_vague(text):
        return Finding(name, label_vague)
    if word_count(text) < MIN_WORDS[name]:
        return Finding(name, label_short)
    return None


def score_description(
    fields: Mapping[str, Any], *, category: Any = None, attachment_count: int = 0
) -> QualityReport:
    """Rate a ticket description 0–100 and name what is missing or too vague.

    `fields` holds the ticket's description fields (strings, booleans, a datetime);
    `category` may require environment details and an attachment.
    """
    findings: list[Finding | None] = [
        _check_text(
            fields,
            "subject",
            _("Say in one line what failed, e.g. “金蝶凭证同步失败：科目不存在”."),
            _("“%(text)s” is too vague: name the function and the symptom.")
            % {"text": _text(fields, "subject")[:30]},
        ),
        _check_text(
            fields,
            "symptoms",
            _(
                "Describe what you saw in more detail: which screen, which vouchers, what happened (at least 20 words)."
            ),
            _(
                "“%(text)s” does not tell us what happened. Which screen were you on, what did you click, what did you see?"
            )
            % {"text": _text(fields, "symptoms")[:30]},
        ),
        _check_text(
            fields,
            "steps_to_reproduce",
            _("List the steps one per line, e.g. “1. 打开收款单 2. 点击生成凭证 …”."),
            _("List the steps you took, one per line."),
        ),
        _check_text(
            fields,
            "expected_result",
            _("Say what you expected to happen."),
            _("Say what you expected to happen."),
        ),
        _check_text(
            fields,
            "actual_result",
            _("Say what actually happened instead."),
            _("Say what actually happened instead."),
        ),
    ]
    if not fields.get("occurred_at") and not fields.get("long_standing"):
        findings.append(
            Finding("occurred_at", _("Tell us when it happened, or tick “long-standing problem”."))
        )
    if not fields.get("no_error_shown"):
        error = _text(fields, "error_message")
        if not error:
            findings.append(
                Finding(
                    "error_message", _("Copy the exact error text, or tick “no error message was shown”.")
                )
            )
        elif is_vague(error) or word_count(error) < MIN_WORDS["error_message"]:
            findings.append(
                Finding("error_message", _("Paste the full error text exactly as shown, including any code."))
            )
    if not fields.get("erp_system"):
        findings.append(Finding("erp_system", _("Choose your ERP system.")))
    if not _text(fields, "erp_version"):
        findings.append(Finding("erp_version", _("Enter your ERP version, e.g. K/3 Cloud 8.1 or U8 V13.0.")))
    if not _text(fields, "plugin_version"):
        findings.append(Finding("plugin_version", _("Choose the plugin version you use.")))
    if not _text(fields, "impact") and not fields.get("posting_blocked") and not fields.get("affected_users"):
        findings.append(
            Finding(
                "impact", _("Tell us the impact: how many users, is voucher posting blocked?"), blocking=False
            )
        )
    if category is not None and getattr(category, "needs_environment", False):
        found = _check_text(
            fields,
            "environment",
            _(
                "This category needs environment details: server OS, database, network setup, integration account."
            ),
            _(
                "This category needs environment details: server OS, database, network setup, integration account."
            ),
        )
        findings.append(found)
    if category is not None and getattr(category, "needs_attachment", False) and attachment_count < 1:
        findings.append(Finding("attachments", _("Attach a log file or a screenshot of the error.")))

    real = [f for f in findings if f is not None]
    lost = {f.field for f in real}
    score = sum(weight for name, weight in WEIGHTS.items() if name not in lost)
    return QualityReport(score=score, findings=real)
