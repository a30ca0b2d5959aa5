"""Demo organizations, teams, categories and people (created only by `seed_demo`)."""

DEMO_PASSWORD = "kuaixiang-demo"

ORGANIZATIONS = [
    # name, plan tier, timezone, ERP, email domain
    ("华东纺织集团有限公司", "advanced", "Asia/Shanghai", "kingdee", "huadong-textile.example"),
    ("深圳前海物流股份有限公司", "urgent", "Asia/Shanghai", "yonyou", "qianhai-logistics.example"),
    ("成都蜀味食品有限公司", "standard", "Asia/Shanghai", "kingdee", "shuwei-food.example"),
    ("Nordic Components GmbH", "advanced", "Europe/Berlin", "sap", "nordic-components.example"),
    ("Pacific Retail Inc.", "standard", "America/Los_Angeles", "oracle", "pacific-retail.example"),
]

TEAMS = [
    # (Chinese name, English name), email, ERP skills, calendar tier
    (("金蝶对接组", "Kingdee"), "kingdee-team@vendor.example", ["kingdee"], "advanced"),
    (("用友对接组", "Yonyou & Inspur"), "yonyou-team@vendor.example", ["yonyou", "inspur"], "advanced"),
    (("国际组", "International"), "intl-team@vendor.example", ["sap", "oracle"], "urgent"),
]

CATEGORIES = [
    # slug, (Chinese name, English name), complexity, default team index, skilled team indexes
    ("account", ("账号与登录", "Account & sign-in"), "simple", 0, [0, 1, 2]),
    ("setup", ("安装与配置", "Installation & setup"), "standard", 0, [0, 1, 2]),
    ("voucher-generation", ("凭证生成失败", "Voucher generation fails"), "standard", 0, [0, 1, 2]),
    ("posting", ("过账与记账", "Posting to the ledger"), "standard", 0, [0, 1]),
    ("erp-integration", ("ERP 深度对接", "Deep ERP integration"), "complex", 2, [2]),
    ("reconciliation", ("对账差异", "Reconciliation differences"), "complex", 1, [1]),
]

PLUGIN_VERSIONS = [
    ("3.2.1", "2025-10-20"),
    ("3.2.0", "2025-08-15"),
    ("3.1.4", "2025-05-06"),
    ("3.0.0", "2024-12-01"),
]

# (Chinese title, body), (English title, body): agents pick the one in the customer's language.
CANNED_RESPONSES = [
    (
        (
            "请提供日志",
            "您好，为了尽快定位问题，请在插件目录 logs/ 下找到出错当天的 voucher-sync.log，并作为附件回复本工单。谢谢！",
        ),
        (
            "Ask for the log",
            "Hello, to find the cause quickly, please attach voucher-sync.log from the plugin's logs/ folder "
            "for the day of the error to this ticket. Thank you!",
        ),
    ),
    (
        (
            "科目不存在的处理",
            "您好，错误 ERR-4012 表示凭证模板中的会计科目在 ERP 中不存在或已禁用。请在 ERP 中启用该科目，或在插件「凭证模板」中改为有效科目后重新生成。",
        ),
        (
            "Account does not exist",
            "Hello, error ERR-4012 means an account in the voucher template does not exist in the ERP or is "
            "disabled. Enable the account in the ERP, or choose a valid account in the plugin's voucher "
            "template, then generate the voucher again.",
        ),
    ),
    (
        (
            "询问版本号",
            "您好，请告诉我们 ERP 的具体版本（帮助 → 关于）和插件版本（设置 → 关于），谢谢。",
        ),
        (
            "Ask for versions",
            "Hello, could you tell us the exact ERP version (Help → About) and the plugin version "
            "(Settings → About)? Thank you.",
        ),
    ),
    (
        ("已发布修复版本", "您好，该问题已在插件 3.2.1 中修复，请升级后重试。升级说明见知识库「升级指南」。"),
        (
            "Fixed in a released version",
            "Hello, this problem is fixed in plugin 3.2.1; please upgrade and try again. The knowledge "
            "base's upgrade guide explains how.",
        ),
    ),
]

PEOPLE = {
    # email: (full name, role, extra)
    "admin@example.com": ("系统管理员 Admin", "admin", {}),
    "manager@example.com": ("王经理 Wang", "manager", {}),
    "agent@example.com": ("李客服 Li", "agent", {"teams": [0, 1]}),
    "agent.zhang@example.com": ("张工程师 Zhang", "agent", {"teams": [0], "lead_of": [0]}),
    "agent.mueller@example.com": ("Anna Müller", "agent", {"teams": [2], "lead_of": [2]}),
    "agent.chen@example.com": ("陈工 Chen", "agent", {"teams": [1], "lead_of": [1]}),
    "customer@example.com": ("赵会计 Zhao", "customer", {"org": 0, "org_admin": True, "language": "zh-hans"}),
    "customer2@example.com": ("孙出纳 Sun", "customer", {"org": 1, "language": "zh-hans"}),
    "finance.liu@huadong-textile.example": ("刘财务 Liu", "customer", {"org": 0}),
    "cfo@shuwei-food.example": ("周总监 Zhou", "customer", {"org": 2}),
    "k.weber@nordic-components.example": (
        "Klaus Weber",
        "customer",
        {"org": 3, "language": "en", "timezone": "Europe/Berlin"},
    ),
    "j.smith@pacific-retail.example": (
        "Jenny Smith",
        "customer",
        {"org": 4, "language": "en", "timezone": "America/Los_Angeles"},
    ),
}

DEMO_LOGINS = [
    "customer@example.com",
    "customer2@example.com",
    "agent@example.com",
    "manager@example.com",
    "admin@example.com",
]
