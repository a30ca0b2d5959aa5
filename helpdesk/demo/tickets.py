"""Demo tickets told as little stories: who asked what, and what happened next.

Each step is (hours after creation, action, arguments). Played through the real services
with `now` in the past, so SLA clocks, events and mails are what production would record.
"""

ZH_DETAILS = {
    "symptoms": "在收款单列表中选中 11 月的收款单，点击「生成凭证」后进度条走到一半停止，弹出红色错误框，凭证没有生成，今天所有收款单都无法生成凭证。",
    "error_message": "ERR-4012: 会计科目 1122.01 不存在或已禁用 (voucher template: 收款-银行)",
    "steps_to_reproduce": "1. 打开 财务 → 收款单 2. 筛选 11 月收款单 3. 全选后点击「生成凭证」 4. 等待进度条，出现错误",
    "expected_result": "凭证生成并自动过账到总账",
    "actual_result": "弹出 ERR-4012 错误，没有任何凭证生成",
    "erp_system": "kingdee",
    "erp_version": "K/3 Cloud 8.1",
    "plugin_version": "3.2.0",
    "impact": "财务部 6 人无法做账，月底结账受影响",
    "posting_blocked": True,
    "affected_users": 6,
}

EN_DETAILS = {
    "symptoms": "Since this morning the nightly sync posts receipt vouchers twice into SAP: every incoming payment from the bank statement appears as two identical documents in FB03.",
    "error_message": "",
    "no_error_shown": True,
    "steps_to_reproduce": "1. Import the bank statement 2. Run the plugin sync job manually 3. Open FB03 and search for the payment reference",
    "expected_result": "One accounting document per incoming payment",
    "actual_result": "Two identical accounting documents per payment",
    "erp_system": "sap",
    "erp_version": "S/4HANA 2022 FPS02",
    "plugin_version": "3.2.1",
    "impact": "Month-end close blocked for 3 accountants; duplicates must be reversed by hand",
    "affected_users": 3,
}

STORIES = [
    {
        "requester": "customer@example.com",
        "category": "voucher-generation",
        "priority": "p2",
        "hours_ago": 3,
        "subject": "收款单生成凭证报 ERR-4012 科目不存在",
        "details": ZH_DETAILS,
        "steps": [],
    },
    {
        "requester": "finance.liu@huadong-textile.example",
        "category": "posting",
        "priority": "p3",
        "hours_ago": 30,
        "subject": "凭证过账后总账余额与收款单合计不一致",
        "details": {
            **ZH_DETAILS,
            "error_message": "",
            "no_error_shown": True,
            "symptoms": "11 月收款单合计 1,204,300.00 元，但总账「银行存款」借方发生额只有 1,198,300.00 元，差 6,000 元，找不到差异来源。",
            "posting_blocked": False,
        },
        "steps": [
            (1, "assign", "agent@example.com"),
            (
                1.5,
                "reply",
                (
                    "agent@example.com",
                    "您好，我们已开始核对。请导出 11 月的收款单明细（Excel）并附上总账明细账截图。",
                    "pending_customer",
                ),
            ),
            (20, "customer", "明细已导出，见附件说明：有一张 6,000 元的收款单状态是「已作废」。"),
            (
                22,
                "note",
                (
                    "agent@example.com",
                    "作废单据仍生成了凭证——疑似 3.2.0 的已知问题 KI-17，升级 3.2.1 可修复。",
                ),
            ),
        ],
    },
    {
        "requester": "customer@example.com",
        "category": "setup",
        "priority": "p4",
        "hours_ago": 80,
        "subject": "如何设置凭证模板中的辅助核算（客户）",
        "details": {
            **ZH_DETAILS,
            "posting_blocked": False,
            "affected_users": 1,
            "impact": "单人，不影响过账",
        },
        "steps": [
            (2, "assign", "agent.zhang@example.com"),
            (
                3,
                "reply",
                (
                    "agent.zhang@example.com",
                    "您好，在「凭证模板 → 分录行 → 辅助核算」中选择「客户」，取值来源选「收款单.付款单位」。详见知识库文章《辅助核算设置》。",
                    None,
                ),
            ),
            (5, "status", ("agent.zhang@example.com", "resolved")),
            (6, "rate", (5, "讲得很清楚，谢谢！")),
        ],
    },
    {
        "requester": "customer2@example.com",
        "category": "voucher-generation",
        "priority": "p1",
        "hours_ago": 6,
        "subject": "用友 U8 凭证全部生成失败，接口返回 401",
        "details": {
            **ZH_DETAILS,
            "erp_system": "yonyou",
            "erp_version": "U8 V13.0",
            "plugin_version": "3.2.1",
            "error_message": "HTTP 401 Unauthorized: token expired (U8 EAI)",
        },
        "steps": [
            (0.2, "assign", "agent.chen@example.com"),
            (
                0.5,
                "reply",
                (
                    "agent.chen@example.com",
                    "您好，401 表示 U8 EAI 的令牌已过期。请在插件「连接设置」中重新授权，我们在线等您结果。",
                    None,
                ),
            ),
            (1, "customer", "重新授权后可以了，但是上午失败的 35 张要重新生成吗？"),
            (
                1.2,
                "reply",
                (
                    "agent.chen@example.com",
                    "需要的，在「失败队列」里全选后点「重试」即可，不会重复生成。",
                    "pending_customer",
                ),
            ),
        ],
    },
    {
        "requester": "k.weber@nordic-components.example",
        "category": "erp-integration",
        # Mailed in without the sync log a deep-integration request needs: accepted, flagged
        # "needs details", and Klaus was asked for it.
        "channel": "email",
        "priority": "p2",
        "hours_ago": 50,
        "subject": "Receipt vouchers posted twice into SAP after nightly sync",
        "details": EN_DETAILS,
        "steps": [
            (0.5, "assign", "agent.mueller@example.com"),
            (
                0.8,
                "reply",
                (
                    "agent.mueller@example.com",
                    "Hello Klaus, thanks for the detailed report. Could you send the sync log of last night (logs/voucher-sync.log)?",
                    "pending_customer",
                ),
            ),
            (3, "customer", "Log attached. The job seems to have been started twice by the scheduler."),
            (
                4,
                "note",
                (
                    "agent.mueller@example.com",
                    "Two scheduler entries on their app server. Not our bug, but we should guard against it (idempotency key).",
                ),
            ),
            (
                5,
                "reply",
                (
                    "agent.mueller@example.com",
                    "Found it: the Windows task scheduler runs the job twice. Please delete the duplicate task; version 3.3 will refuse duplicate runs.",
                    "on_hold",
                ),
            ),
        ],
    },
    {
        "requester": "j.smith@pacific-retail.example",
        "category": "account",
        "priority": "p4",
        "hours_ago": 400,
        "subject": "Need a second login for our new accountant",
        "details": {
            **EN_DETAILS,
            "erp_system": "oracle",
            "erp_version": "EBS 12.2.10",
            "symptoms": "We hired a new accountant and she needs her own login to the plugin console to review failed vouchers.",
            "steps_to_reproduce": "Not applicable: this is an account request for a new user.",
            "expected_result": "A personal login",
            "actual_result": "Shared login only",
        },
        "steps": [
            (
                10,
                "reply",
                (
                    "agent.mueller@example.com",
                    "Hi Jenny, your organization admin can invite her from the portal (Account → Invite a colleague).",
                    None,
                ),
            ),
            (30, "status", ("agent.mueller@example.com", "resolved")),
            (300, "status", ("agent.mueller@example.com", "closed")),
        ],
    },
    {
        "requester": "cfo@shuwei-food.example",
        "category": "reconciliation",
        # Phoned in; the screenshot the category needs came later.
        "channel": "phone",
        "priority": "p3",
        "hours_ago": 100,
        "subject": "银行回单与收款凭证对不上（差异 0.01 元）",
        "details": {
            **ZH_DETAILS,
            "error_message": "",
            "no_error_shown": True,
            "symptoms": "每张外币收款凭证与银行回单都差 0.01 元，汇率折算后四舍五入方式不一致，月底对账差异累计 3.47 元。",
            "environment": "金蝶云星空 8.1 私有云，SQL Server 2019，插件部署在财务服务器上",
            "posting_blocked": False,
        },
        "steps": [
            (
                30,
                "reply",
                (
                    "agent.chen@example.com",
                    "您好，请问贵司的本位币精度设置是 2 位还是 4 位？请截图「基础资料 → 币别」。",
                    "pending_customer",
                ),
            ),
            (60, "customer", "是 2 位，截图已发邮件。"),
            (
                62,
                "reply",
                (
                    "agent.chen@example.com",
                    "已确认为 3.1.x 的舍入问题，3.2.0 起改为银行家舍入。请升级后重新生成本月凭证。",
                    None,
                ),
            ),
            (70, "status", ("agent.chen@example.com", "resolved")),
            (75, "customer", "升级后还是差 0.01 元，能再看看吗？"),
        ],
    },
    {
        "requester": "customer@example.com",
        "category": "account",
        "priority": "p3",
        "hours_ago": 200,
        "subject": "插件登录提示密码错误",
        "details": {
            **ZH_DETAILS,
            "error_message": "登录失败：用户名或密码错误 (code 1003)",
            "posting_blocked": False,
            "affected_users": 1,
        },
        "steps": [
            (4, "reply", ("agent@example.com", "您好，已为您重置密码，新的临时密码已通过短信发送。", None)),
            (5, "status", ("agent@example.com", "resolved")),
            (6, "rate", (2, "等了好几个小时才回复")),
            (180, "status", ("agent@example.com", "closed")),
        ],
    },
    {
        "requester": "finance.liu@huadong-textile.example",
        "category": "voucher-generation",
        "priority": "p3",
        "hours_ago": 2,
        "subject": "同样的 ERR-4012 错误（同事也遇到了）",
        "details": ZH_DETAILS,
        "steps": [(1, "merge_into", 0)],
    },
]
