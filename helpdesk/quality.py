"""How well a ticket describes its problem: one pure function, used by the server-side form
validation, the live quality meter and the stored quality_score.

Length is counted in "words" that make sense for Chinese: each CJK character is one word,
each run of Latin letters or digits is one word. So "科目不存在" is five words and
"account does not exist" four; both say about as much.

Rules (each one named in a Finding for the field it concerns):

- required text: summary, what happened, steps, expected and actual result — missing,
  a stock phrase ("不能用", "doesn't work", "urgent!!!") or too short is blocking;
  short but acceptable text gets a non-blocking hint;
- expected and actual result must differ;
- when: a date-time or "long-standing problem"; with `now`, not in the future and not
  older than MAX_AGE unless long-standing;
- the exact error text (at least a few words, not a stock phrase) or "no error shown";
- ERP system, ERP version, plugin version;
- impact (users affected / posting blocked): advice only, never blocking;
- categories that need them (complex ones): environment details and an attachment.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
WORD_RE = re.compile(rf"[{CJK}]|[A-Za-z0-9]+(?:[._'’-][A-Za-z0-9]+)*")
PUNCT_RE = re.compile(rf"[^{CJK}A-Za-z0-9]+")

# A problem older than this is "long-standing" and must be ticked as such.
MAX_AGE = timedelta(days=90)
# Clock skew between the user's machine and ours: a few minutes "in the future" is fine.
FUTURE_TOLERANCE = timedelta(minutes=5)

# Phrases that say nothing on their own. Chinese ones are removed as substrings (Chinese has
# no spaces), English ones as whole words; the text is vague when something was removed and
# almost nothing is left.
VAGUE_CJK = (
    "不能用",
    "用不了",
    "不好用",
    "没反应",
    "没有反应",
    "报错了",
    "报错",
    "出错了",
    "出错",
    "错误",
    "有问题",
    "出问题了",
    "出问题",
    "不行",
    "坏了",
    "失败了",
    "失败",
    "很急",
    "紧急",
    "急",
    "求助",
    "帮帮忙",
    "帮忙",
    "救命",
    "看一下",
    "看看",
    "请尽快",
    "尽快",
    "系统",
    "了",
    "啊",
    "吧",
    "呢",
    "的",
)
VAGUE_LATIN = re.compile(
    r"\b(?:doesn'?t|does|don'?t|do|not|no|works?|working|broken|is|it'?s|it|please|pls|help|me|"
    r"urgent|asap|error|errors|failed|fails?|problem|issue|bug|hi|hello|sos|again|still|the|system)\b"
)
# A number of three digits or more (an error code, a voucher number) is specific.
SPECIFIC_RE = re.compile(r"\d{3,}")
# Left-overs this short (in words) after removing stock phrases mean nothing was said.
VAGUE_REMAINDER_WORDS = 2

# Per text field: fewer words than `needed` blocks, fewer than `good` earns a hint.
MIN_WORDS: dict[str, tuple[int, int]] = {
    "subject": (4, 8),
    "symptoms": (10, 25),
    "steps_to_reproduce": (6, 15),
    "expected_result": (2, 4),
    "actual_result": (2, 4),
    "error_message": (2, 2),
    "environment": (6, 12),
}

# (field, weight). Weights add up to 100.
WEIGHTS = {
    "subject": 8,
    "symptoms": 18,
    "occurred_at": 8,
    "error_message": 14,
    "steps_to_reproduce": 14,
    "expected_result": 6,
    "actual_result": 6,
    "erp_system": 4,
    "erp_version": 6,
    "plugin_version": 6,
    "impact": 6,
    "voucher_numbers": 4,
}


def word_count(text: str) -> int:
    return len(WORD_RE.findall(text or ""))


def is_vague(text: str) -> bool:
    """True when the text is only stock phrases such as 不能用, “报错了！！” or “doesn't work!!!”."""
    text = (text or "").strip()
    if not text:
        return False
    if not WORD_RE.search(text):
        return True  # only punctuation: "???", "！！！"
    if SPECIFIC_RE.search(text):
        return False
    lowered = text.lower().replace("’", "'")
    remainder = VAGUE_LATIN.sub(" ", lowered)
    for phrase in VAGUE_CJK:
        remainder = remainder.replace(phrase, " ")
    if PUNCT_RE.sub("", remainder) == PUNCT_RE.sub("", lowered):
        return False
    return word_count(remainder) <= VAGUE_REMAINDER_WORDS


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

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking]

    @property
    def hints(self) -> list[Finding]:
        return [f for f in self.findings if not f.blocking]

    def for_field(self, name: str) -> list[Finding]:
        return [f for f in self.findings if f.field == name]

    def as_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "level": self.level,
            "acceptable": self.acceptable,
            "findings": [
                {"field": f.field, "message": str(f.message), "blocking": f.blocking} for f in self.findings
            ],
        }


# What to say per field: (missing, vague, too short). Concrete examples, so a hurried user
# knows what to type rather than merely that something is wrong.
HINTS: dict[str, tuple[Promise, Promise, Promise]] = {
    "subject": (
        _("Give a one-line summary, e.g. “Kingdee receipt voucher fails: account does not exist”."),
        _(
            "A summary like “%(text)s” does not say what failed. Name the function and the "
            "symptom, e.g. “syncing receipts to Yonyou U8 reports ERR-4012”."
        ),
        _("Make the summary a little more specific: which function, what went wrong."),
    ),
    "symptoms": (
        _("Describe what happened: which screen, which vouchers, what you saw."),
        _(
            "“%(text)s” does not tell us what happened. Say which screen you were on, what "
            "you clicked and what you saw, e.g. “in the receipt list I clicked Generate voucher, a red "
            "message appeared and no voucher was created”."
        ),
        _("Add a little more detail: which screen, which vouchers, what happened after you clicked."),
    ),
    "steps_to_reproduce": (
        _(
            "List the steps you took, one per line, e.g. “1. open the receipt 2. click Generate voucher 3. …”."
        ),
        _("“%(text)s” is not a list of steps. Write what you did, one step per line: 1. … 2. … 3. …"),
        _("Write the steps one per line so we can repeat them: 1. open … 2. click … 3. …"),
    ),
    "expected_result": (
        _("Say what you expected to happen, e.g. “the voucher is generated and posted”."),
        _("Say what you expected to happen instead of “%(text)s”, e.g. “the voucher is posted”."),
        _("Say a little more about what you expected, e.g. “the voucher is generated and posted”."),
    ),
    "actual_result": (
        _("Say what actually happened, e.g. “an error appears and no voucher is generated”."),
        _("Say what actually happened rather than “%(text)s”, e.g. “an error appears, no voucher”."),
        _(
            "Say a little more about what actually happened, e.g. “an error appears and no voucher is generated”."
        ),
    ),
    "environment": (
        _(
            "This category needs environment details: server OS, database, ERP deployment "
            "(cloud or on-premises), network setup, integration account."
        ),
        _("“%(text)s” is not enough: list server OS, database, ERP deployment and network setup."),
        _("Add more environment details: server OS, database, ERP deployment and network setup."),
    ),
}


def _text(fields: Mapping[str, Any], name: str) -> str:
    value = fields.get(name)
    return value.strip() if isinstance(value, str) else ""


def _check_text(fields: Mapping[str, Any], name: str) -> Finding | None:
    missing, vague, short = HINTS[name]
    text = _text(fields, name)
    needed, good = MIN_WORDS[name]
    if not text:
        return Finding(name, missing)
    if is_vague(text):
        return Finding(name, vague % {"text": text[:30]})
    words = word_count(text)
    if words < needed:
        return Finding(name, short)
    if words < good:
        return Finding(name, short, blocking=False)
    return None


def check_when(fields: Mapping[str, Any], now: datetime | None) -> Finding | None:
    """When it happened: present (or long-standing), and with `now`, not in the future and
    within MAX_AGE unless long-standing. Shared by the description score and the API."""
    occurred = fields.get("occurred_at")
    long_standing = bool(fields.get("long_standing"))
    if not occurred:
        if long_standing:
            return None
        return Finding("occurred_at", _("Tell us when it happened, or tick “a long-standing problem”."))
    if not isinstance(occurred, datetime) or now is None:
        return None
    if occurred > now + FUTURE_TOLERANCE:
        return Finding("occurred_at", _("That time is in the future; check the date and the hour."))
    if occurred < now - MAX_AGE and not long_standing:
        return Finding(
            "occurred_at",
            _(
                "That is more than %(days)s days ago. If the problem has been there since, "
                "tick “a long-standing problem”; otherwise check the date."
            )
            % {"days": MAX_AGE.days},
        )
    return None


def _check_error(fields: Mapping[str, Any]) -> Finding | None:
    error = _text(fields, "error_message")
    if fields.get("no_error_shown"):
        return None
    if not error:
        return Finding("error_message", _("Copy the exact error text, or tick “no error message was shown”."))
    if is_vague(error) or word_count(error) < MIN_WORDS["error_message"][0]:
        return Finding(
            "error_message",
            _(
                "Paste the full error text exactly as shown, including any code, e.g. "
                "“ERR-4012: account 1122 does not exist or is disabled”. A screenshot helps too."
            ),
        )
    return None


def _check_results_differ(fields: Mapping[str, Any]) -> Finding | None:
    expected, actual = _text(fields, "expected_result"), _text(fields, "actual_result")
    if expected and actual and PUNCT_RE.sub("", expected.lower()) == PUNCT_RE.sub("", actual.lower()):
        return Finding("actual_result", _("Expected and actual result are the same; what went differently?"))
    return None


def _check_versions(fields: Mapping[str, Any]) -> list[Finding]:
    findings = []
    if not fields.get("erp_system"):
        findings.append(Finding("erp_system", _("Choose your ERP system.")))
    if not _text(fields, "erp_version"):
        findings.append(Finding("erp_version", _("Enter your ERP version, e.g. K/3 Cloud 8.1 or U8 V13.0.")))
    if not _text(fields, "plugin_version"):
        findings.append(
            Finding(
                "plugin_version",
                _("Choose the plugin version you use (shown under Help → About in the plugin)."),
            )
        )
    return findings


def _check_impact(fields: Mapping[str, Any]) -> Finding | None:
    if _text(fields, "impact") or fields.get("posting_blocked") or fields.get("affected_users"):
        return None
    return Finding(
        "impact",
        _("Tell us the impact: how many users are affected, is voucher posting blocked?"),
        blocking=False,
    )


def _check_vouchers(fields: Mapping[str, Any]) -> Finding | None:
    if _text(fields, "voucher_numbers"):
        return None
    return Finding(
        "voucher_numbers",
        _("If particular vouchers or receipts are affected, list a few numbers so we can look them up."),
        blocking=False,
    )


def score_description(
    fields: Mapping[str, Any],
    *,
    category: Any = None,
    attachment_count: int = 0,
    now: datetime | None = None,
) -> QualityReport:
    """Rate a ticket description 0–100 and name what is missing or too vague.

    `fields` holds the ticket's description fields (strings, booleans, an aware datetime);
    `category` (anything with `needs_environment` / `needs_attachment`) may require
    environment details and an attachment. With `now` the time of the problem is also
    checked against the future and MAX_AGE. Pure: reads no clock, settings or database.
    """
    candidates: list[Finding | None] = [
        _check_text(fields, "subject"),
        _check_text(fields, "symptoms"),
        check_when(fields, now),
        _check_error(fields),
        _check_text(fields, "steps_to_reproduce"),
        _check_text(fields, "expected_result"),
        _check_text(fields, "actual_result"),
        _check_results_differ(fields),
        *_check_versions(fields),
        _check_impact(fields),
        _check_vouchers(fields),
    ]
    if category is not None and getattr(category, "needs_environment", False):
        candidates.append(_check_text(fields, "environment"))
    if category is not None and getattr(category, "needs_attachment", False) and attachment_count < 1:
        candidates.append(
            Finding("attachments", _("This category needs a log file or a screenshot of the error."))
        )
    findings = [f for f in candidates if f is not None]
    return QualityReport(score=_score(findings), findings=findings)


def _score(findings: list[Finding]) -> int:
    # A blocking problem loses the field's whole weight, a hint half of it.
    lost: dict[str, float] = {}
    for finding in findings:
        share = 1.0 if finding.blocking else 0.5
        lost[finding.field] = max(lost.get(finding.field, 0.0), share)
    total = sum(weight * (1 - lost.get(name, 0.0)) for name, weight in WEIGHTS.items())
    # Fields outside WEIGHTS (environment, attachments) cost a fixed share when blocking.
    penalty = sum(10 for f in findings if f.blocking and f.field not in WEIGHTS)
    return max(0, min(100, round(total) - penalty))
