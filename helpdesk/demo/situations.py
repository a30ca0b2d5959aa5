"""What the demo history's tickets say: the plugin's situations in Chinese and English, with
{placeholders} that `stories` fills per ticket, and the names, versions, replies, causes and
rating comments it draws from. Data only; the playing is in `stories`."""

# (category slug, ERP systems it happens on, Chinese text, English text); {placeholders} are
# filled per ticket.
SITUATIONS = [
    (
        "voucher-generation",
        ("kingdee", "yonyou"),
        {
            "subject": "收款单生成凭证报 ERR-4012：科目 {account} 不存在",
            "symptoms": "{day}起，{who}在收款单列表勾选{count}张收款单点击「生成凭证」，进度条停在{percent}%，弹出红色错误框，凭证没有生成。",
            "error": "ERR-4012: 会计科目 {account} 不存在或已禁用 (凭证模板: {template})",
            "expected": "凭证按模板生成并过账",
            "actual": "提示 ERR-4012，{count}张收款单均未生成凭证",
        },
        {
            "subject": "ERR-4012 when generating vouchers: account {account} not found",
            "symptoms": "Since {day}, {who} selects {count} receipts and clicks Generate vouchers; the progress bar stops at {percent}% and a red error box appears.",
            "error": "ERR-4012: account {account} does not exist or is disabled (template: {template})",
            "expected": "Vouchers created from the template and posted",
            "actual": "ERR-4012, none of the {count} receipts got a voucher",
        },
    ),
    (
        "voucher-generation",
        ("kingdee", "yonyou", "inspur"),
        {
            "subject": "凭证号 {voucher} 重复，第{batch}批收款单无法保存",
            "symptoms": "今天上午同步第{batch}批收款单时，{count}张单据报凭证号重复，ERP 里已有同号凭证，插件跳过了这些单据。",
            "error": "ERR-5031: 凭证号 {voucher} 在期间 {period} 已存在",
            "expected": "自动取下一个可用凭证号",
            "actual": "报 ERR-5031，{count}张收款单停在失败队列",
        },
        {
            "subject": "Duplicate voucher number {voucher} in batch {batch}",
            "symptoms": "While syncing batch {batch} this morning, {count} receipts failed because voucher number {voucher} already exists in the ERP.",
            "error": "ERR-5031: voucher number {voucher} already exists in period {period}",
            "expected": "The plugin takes the next free voucher number",
            "actual": "ERR-5031, {count} receipts left in the failure queue",
        },
    ),
    (
        "erp-integration",
        ("yonyou",),
        {
            "subject": "U8 EAI 接口返回 401（账套 {book}），第{batch}批{count}张凭证同步失败",
            "symptoms": "{day}凌晨定时任务开始报错，第{batch}批{count}张凭证没有同步到 U8，手工重试同样失败。",
            "error": "HTTP 401 Unauthorized: token expired (U8 EAI, 账套 {book})",
            "expected": "定时任务正常同步",
            "actual": "每次同步都返回 401",
        },
        {
            "subject": "U8 EAI returns 401 for book {book}: batch {batch}, {count} vouchers not synced",
            "symptoms": "The scheduled job started failing on {day} at night; {count} vouchers of batch {batch} did not reach U8 and a manual retry fails the same way.",
            "error": "HTTP 401 Unauthorized: token expired (U8 EAI, book {book})",
            "expected": "The scheduled job syncs as before",
            "actual": "Every sync returns 401",
        },
    ),
    (
        "posting",
        ("sap",),
        {
            "subject": "SAP 第{batch}批过账报 F5 201：期间 {period} 未开放",
            "symptoms": "月初第{batch}批收款凭证过账到 SAP 时全部被拒，{who}确认财务已开放新期间。",
            "error": "F5 201 Posting period {period} is not open (company code {company})",
            "expected": "凭证过账到新期间",
            "actual": "{count}张凭证全部被 SAP 拒绝",
        },
        {
            "subject": "SAP rejects batch {batch}: F5 201 period {period} not open",
            "symptoms": "At the start of the month every receipt voucher of batch {batch} was rejected by SAP although {who} confirms finance opened the new period.",
            "error": "F5 201 Posting period {period} is not open (company code {company})",
            "expected": "Vouchers posted into the new period",
            "actual": "All {count} vouchers rejected by SAP",
        },
    ),
    (
        "posting",
        ("sap",),
        {
            "subject": "SAP 报 F5 702 借贷不平衡（差额 {amount}，汇率 {rate}）",
            "symptoms": "汇率为 {rate} 的外币收款单生成凭证后，SAP 提示借贷不平衡，差额 {amount}，只影响美元收款。",
            "error": "F5 702 Balance in transaction currency: {amount}",
            "expected": "外币凭证借贷平衡",
            "actual": "差额 {amount}，凭证未过账",
        },
        {
            "subject": "F5 702 balance in transaction currency ({amount}) on USD receipts",
            "symptoms": "Receipts in USD at exchange rate {rate} produce vouchers that SAP refuses as unbalanced by {amount}; EUR receipts post fine.",
            "error": "F5 702 Balance in transaction currency: {amount}",
            "expected": "Foreign-currency vouchers balance",
            "actual": "Unbalanced by {amount}, not posted",
        },
    ),
    (
        "reconciliation",
        ("kingdee", "yonyou", "oracle"),
        {
            "subject": "{month}月收款单合计与总账差 {amount} 元",
            "symptoms": "{month}月收款单合计 {total} 元，总账「银行存款」借方只有 {rest} 元，差 {amount} 元，{who}查不到差异来源。",
            "error": "",
            "expected": "收款单合计与总账一致",
            "actual": "差额 {amount} 元",
        },
        {
            "subject": "Receipts for month {month} differ from the ledger by {amount}",
            "symptoms": "Receipts for month {month} total {total}, the bank account in the ledger shows {rest}; {who} cannot find the {amount} difference.",
            "error": "",
            "expected": "Receipts and ledger agree",
            "actual": "Difference of {amount}",
        },
    ),
    (
        "erp-integration",
        ("oracle",),
        {
            "subject": "Oracle EBS 导入第{batch}批报 GL_INTERFACE 成本中心无效",
            "symptoms": "第{batch}批收款凭证导入 GL_INTERFACE 后 Journal Import 报错，{count}行被拒。",
            "error": "EF04: The cost center segment value {segment} is not valid",
            "expected": "Journal Import 成功",
            "actual": "{count}行状态 EF04",
        },
        {
            "subject": "Oracle EBS Journal Import: invalid cost center {segment} in batch {batch}",
            "symptoms": "After batch {batch} was loaded into GL_INTERFACE, Journal Import rejected {count} lines.",
            "error": "EF04: The cost center segment value {segment} is not valid",
            "expected": "Journal Import succeeds",
            "actual": "{count} lines with status EF04",
        },
    ),
    (
        "setup",
        ("kingdee", "yonyou", "sap", "oracle"),
        {
            "subject": "插件升级到 {version} 后凭证模板 #{template_no} 打不开（{field}）",
            "symptoms": "升级到 {version} 后，{who}打开第 {template_no} 号凭证模板页面白屏，其他{count}个模板正常。",
            "error": "TemplateLoadError: field '{field}' missing in template #{template_no}",
            "expected": "凭证模板页面正常打开",
            "actual": "白屏，控制台报 TemplateLoadError",
        },
        {
            "subject": "Voucher template #{template_no} blank after upgrading to {version} ({field})",
            "symptoms": "Since the upgrade to {version}, {who} gets a blank page on voucher template #{template_no}; the other {count} templates work.",
            "error": "TemplateLoadError: field '{field}' missing in template #{template_no}",
            "expected": "The templates page opens",
            "actual": "Blank page, TemplateLoadError in the console",
        },
    ),
    (
        "account",
        ("kingdee", "yonyou", "sap", "oracle"),
        {
            "subject": "新同事 {who}（工号 {staff}）登录插件提示许可证已满",
            "symptoms": "今天给新同事 {who}（工号 {staff}）开账号，登录时提示许可证已满，我们购买了 {seats} 个用户，实际在用 {count} 个。",
            "error": "LIC-102: all {seats} seats are in use",
            "expected": "新同事可以登录",
            "actual": "提示 LIC-102",
        },
        {
            "subject": "New colleague {who} (staff no. {staff}) cannot sign in: all seats in use",
            "symptoms": "We created an account for {who} (staff no. {staff}) today; signing in says all seats are used although we bought {seats} and {count} are active.",
            "error": "LIC-102: all {seats} seats are in use",
            "expected": "The new colleague can sign in",
            "actual": "LIC-102 at sign-in",
        },
    ),
    (
        "voucher-generation",
        ("kingdee",),
        {
            "subject": "红冲收款单没有生成红字凭证（单号 {receipt}）",
            "symptoms": "对收款单 {receipt} 做红冲后，插件没有生成对应的红字凭证，原凭证 {voucher} 仍在。",
            "error": "",
            "expected": "生成红字凭证冲销 {voucher}",
            "actual": "没有任何新凭证",
        },
        {
            "subject": "Reversed receipt {receipt} produced no reversal voucher",
            "symptoms": "After reversing receipt {receipt}, the plugin did not create the reversal voucher; original voucher {voucher} is still there.",
            "error": "",
            "expected": "A reversal voucher for {voucher}",
            "actual": "No new voucher",
        },
    ),
]
ZH_NAMES = ["王芳", "李娜", "张伟", "刘洋", "陈静", "杨敏", "赵磊", "黄丽"]
EN_NAMES = ["Anna", "Lukas", "Sofia", "Erik", "Emma", "Noah", "Mia", "Ben"]
TEMPLATES = ["收款-银行", "收款-现金", "预收账款", "外币收款"]
FIELDS = ["aux_customer", "cost_center", "currency_rate", "bank_account"]
PLUGIN = ["3.2.1", "3.2.0", "3.1.4"]
ERP_VERSIONS = {
    "kingdee": ["K/3 Cloud 8.1", "K/3 Cloud 8.2", "EAS 8.5"],
    "yonyou": ["U8 V13.0", "U8 V15.0", "NC Cloud 2021"],
    "inspur": ["GS 7.0"],
    "sap": ["S/4HANA 2022 FPS02", "ECC 6.0 EhP8"],
    "oracle": ["EBS 12.2.10", "EBS 12.1.3"],
}
ZH_REPLY = [
    "您好，我们已收到，正在核对{code}的原因，请稍候。",
    "您好，请导出出错当天的 voucher-sync.log 并附在本工单中，我们据此定位。",
    "您好，问题已定位：{cause}。请按以下步骤处理后重试。",
]
EN_REPLY = [
    "Hello, we are looking into {code} now and will come back to you shortly.",
    "Hello, could you attach voucher-sync.log from the day it failed? It tells us where it stops.",
    "Hello, we found the cause: {cause}. Please follow the steps below and retry.",
]
CAUSES_ZH = [
    "模板中的科目在 ERP 已被停用",
    "期间锁定未同步到插件",
    "ERP 令牌过期未自动续期",
    "汇率取数精度不足",
]
CAUSES_EN = [
    "the template's account was disabled in the ERP",
    "the period lock was not synced",
    "the ERP token was not renewed",
    "the exchange rate was rounded too early",
]
COMMENTS_ZH = {
    5: "很快就解决了，谢谢！",
    4: "解决了，就是等得有点久。",
    3: "还行。",
    2: "来回问了好几次。",
    1: "到现在还没真正解决。",
}
COMMENTS_EN = {
    5: "Fixed fast, thank you!",
    4: "Solved, a bit slow.",
    3: "OK.",
    2: "Too much back and forth.",
    1: "Still not really fixed.",
}
