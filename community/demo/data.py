"""The demo forum: boards, tags and threads finance teams really ask about (mostly Chinese,
a few English), played through the forum's services by `manage.py seed_forum`."""

from ..models import Audience, Participation

# slug, name, description, read, start topics, reply, approval, ERP, ticket category slug
# slug, (Chinese name, English name), (Chinese description, English description), audiences,
# approval, ERP system, ticket category for escalations
BOARDS = [
    ("announcements", ("公告", "Announcements"), ("插件版本发布、维护通知与重要变更。", "Releases, maintenance windows and changes."),
     Audience.EVERYONE, Participation.STAFF, Participation.SIGNED_IN, False, "", ""),
    ("kingdee", ("金蝶", "Kingdee"), ("金蝶云星空、K/3 WISE、K/3 Cloud 的收款凭证对接问题。", "Receipt vouchers with Kingdee Cloud Galaxy, K/3 WISE and K/3 Cloud."),
     Audience.EVERYONE, Participation.SIGNED_IN, Participation.SIGNED_IN, False, "kingdee", "voucher-generation"),
    ("yonyou", ("用友", "Yonyou"), ("用友 U8、NC、YonSuite 的凭证生成、过账与红冲。", "Generating, posting and reversing vouchers with Yonyou U8, NC and YonSuite."),
     Audience.EVERYONE, Participation.SIGNED_IN, Participation.SIGNED_IN, False, "yonyou", "posting"),
    ("voucher-rules", ("凭证规则与对账", "Voucher rules and reconciliation"), ("摘要、科目映射、汇率、手续费与对账差异。", "Summaries, account mapping, exchange rates, fees and reconciliation differences."),
     Audience.SIGNED_IN, Participation.SIGNED_IN, Participation.SIGNED_IN, False, "", "reconciliation"),
    ("international", ("SAP · Oracle（英文）", "SAP · Oracle (English)"), ("SAP S/4HANA、SAP ECC 与 Oracle EBS 对接，英文交流。", "SAP S/4HANA, SAP ECC and Oracle EBS integrations, in English."),
     Audience.EVERYONE, Participation.SIGNED_IN, Participation.SIGNED_IN, False, "sap", "erp-integration"),
    ("first-questions", ("新手提问", "First questions"), ("第一次使用插件？在这里提问。新成员的帖子由版主审核后显示。", "New to the plugin? Ask here. New members' posts appear once a moderator approves them."),
     Audience.EVERYONE, Participation.SIGNED_IN, Participation.SIGNED_IN, True, "", "setup"),
    ("staff-lounge", ("客服内部", "Staff lounge"), ("仅客服与管理员可见：疑难问题讨论、答复口径。", "Agents and administrators only: hard cases and agreed answers."),
     Audience.STAFF, Participation.STAFF, Participation.STAFF, False, "", ""),
]  # fmt: skip

TAGS = ["红冲", "过账", "科目", "摘要", "汇率", "对账", "安装", "升级", "U8", "K3", "云星空", "SAP", "Oracle"]

# Who writes besides the helpdesk's demo people: a spammer for the flag queue, a newcomer
# whose first post waits for approval.
EXTRA_PEOPLE = {
    "promo@spam.example": "推广小王",
    "newbie@huadong-textile.example": "钱会计 Qian",
}
NEWBIE = "newbie@huadong-textile.example"

ZHAO, SUN, LIU, ZHOU = (
    "customer@example.com",
    "customer2@example.com",
    "finance.liu@huadong-textile.example",
    "cfo@shuwei-food.example",
)
WEBER, SMITH = "k.weber@nordic-components.example", "j.smith@pacific-retail.example"
LI, ZHANG, MUELLER, CHEN, WANG = (
    "agent@example.com",
    "agent.zhang@example.com",
    "agent.mueller@example.com",
    "agent.chen@example.com",
    "manager@example.com",
)

# Each thread: board, author, title, body, tags, hours ago, then steps. Post indexes count
# from 0 (the question); times are minutes after the question.
#   ("reply", who, minutes, body[, quote index])   ("vote", who, post)   ("solve", who, post)
#   ("pin_answer", who, post)   ("flag", who, post, reason)   ("edit", post, minutes, body)
#   ("pin", who)   ("lock", who)   ("follow", who)
THREADS = [
    ("announcements", WANG, "插件 3.2.1 发布：修复红冲凭证号重复、U8 接口超时重试",
     "各位财务同事好：\n\n收款凭证插件 **3.2.1** 已发布，主要变更：\n\n1. 修复红冲凭证偶发凭证号重复的问题\n2. 用友 U8 接口超时后自动重试 3 次\n3. 金蝶云星空支持按收款单摘要模板生成凭证摘要\n\n升级说明见知识库「升级指南」。有问题请在本版块回复。",
     ["升级", "红冲"], 120,
     [("pin", WANG), ("reply", ZHAO, 90, "升级后红冲终于正常了，感谢！我们金蝶云星空 8.1 测试通过。"),
      ("vote", LIU, 0), ("vote", ZHOU, 0), ("vote", SUN, 0)]),
    ("yonyou", SUN, "U8 已过账的收款凭证怎么红冲？",
     "我们用的是用友 U8 V13，上个月有一张收款凭证金额录错了，已经过账。\n\n请问在插件里怎么做**红字冲销**？直接删除收款单会不会影响总账？",
     ["红冲", "U8", "过账"], 72,
     [("reply", LIU, 40, "我们之前是在 U8 总账里手工做了一张红字凭证，不过插件里好像有专门的按钮？"),
      ("reply", CHEN, 95, "您好，已过账的凭证不要删除收款单。操作步骤：\n\n1. 在插件「收款单」列表中找到该单据，点击 **生成红冲凭证**\n2. 插件会生成一张金额为负的红字凭证，并关联原凭证号\n3. 在 U8 总账中审核并过账这张红字凭证\n4. 重新录入正确的收款单并生成凭证\n\n注意：3.2.1 之前的版本红冲凭证号可能重复，建议先升级。"),
      ("vote", SUN, 2), ("vote", LIU, 2), ("vote", ZHAO, 2), ("vote", ZHOU, 1),
      ("solve", SUN, 2),
      ("reply", SUN, 130, "按步骤操作成功了，谢谢陈工！", 2)]),
    ("kingdee", ZHAO, "云星空生成凭证提示“科目 1122 不存在或已禁用”",
     "金蝶云星空 8.1，插件 3.2.0。今天所有收款单生成凭证都失败，提示：\n\n```\nERR-4012: 科目 1122 不存在或已禁用\n```\n\n昨天还是好的，账套里 1122 应收账款明明存在。",
     ["科目", "云星空"], 50,
     [("reply", ZHOU, 30, "我们也遇到过一次，是有人在账套里把 1122 的下级科目启用了，1122 变成了非末级科目，凭证不能直接用它。"),
      ("reply", ZHANG, 60, "周总监说得对。ERR-4012 表示凭证规则里引用的科目不是可用的末级科目。请检查：\n\n- 1122 是否新增了下级科目（变成非末级）\n- 科目是否被禁用\n\n然后在插件 **凭证规则** 中把科目改成对应的末级科目（如 1122.01），重新生成即可。", 1),
      ("vote", ZHAO, 1), ("vote", ZHAO, 2), ("vote", LIU, 2), ("vote", SUN, 1),
      ("solve", ZHAO, 1), ("pin_answer", ZHANG, 2),
      ("reply", LIU, 80, "@customer 赵会计，我们组也改成 1122.01 了，现在正常。")]),
    ("kingdee", LIU, "收款单生成凭证后摘要出现乱码",
     "K/3 WISE 14.0，收款单摘要里有中文括号“（）”的，生成凭证后摘要变成问号。英文和数字正常。",
     ["摘要", "K3"], 30,
     [("reply", ZHAO, 45, "是不是数据库排序规则的问题？我们云星空没遇到过。"),
      ("edit", 0, 200, "K/3 WISE 14.0，插件 3.2.0。收款单摘要里有中文括号“（）”的，生成凭证后摘要变成问号。英文和数字正常，中文文字本身也正常。")]),
    ("voucher-rules", ZHOU, "外币收款的汇率差异应该记到哪个科目？",
     "我们有美元收款，收款日汇率和记账汇率不一样，插件生成的凭证差额应该记财务费用-汇兑损益吗？在哪里配置？",
     ["汇率", "科目"], 20, []),
    ("voucher-rules", SUN, "银行手续费自动生成一条分录，能合并吗？",
     "每笔收款都扣 5 元手续费，插件每张凭证都单独一条财务费用分录，月底对账很麻烦。能按天合并吗？",
     ["对账"], 12,
     [("reply", LI, 25, "您好，目前手续费分录按单据生成，按天合并的需求已经记录，我们会在后续版本评估。临时办法：在凭证规则里把手续费科目的摘要设为“银行手续费”，对账时按摘要汇总。"),
      ("reply", "promo@spam.example", 40, "低价代开各类发票，财务软件破解版，加微信 fapiao888 了解 http://spam.example/a http://spam.example/b"),
      ("flag", ZHAO, 2, "spam"), ("flag", SUN, 2, "spam")]),
    ("international", WEBER, "How do I map SAP posting keys for customer receipts?",
     "We run S/4HANA 2022. The plugin creates the receipt document but uses posting key 40/50. Our auditors want 15 for incoming payments on customer accounts. Where do I change this?",
     ["SAP"], 60,
     [("reply", MUELLER, 50, "Hi Klaus, the posting keys come from the voucher rule's line template. Open **Voucher rules → SAP → Line template**, set the customer line to posting key **15** (incoming payment) and the bank line to **40**. The plugin passes them to BAPI_ACC_DOCUMENT_POST unchanged."),
      ("vote", WEBER, 1), ("vote", SMITH, 1), ("solve", WEBER, 1),
      ("reply", WEBER, 120, "That did it, thank you Anna.")]),
    ("international", SMITH, "Oracle EBS: receipts imported twice after a timeout",
     "Oracle EBS 12.2. When the interface times out, the plugin retries and some receipts end up twice in AR. Is there a way to make the retry safe?",
     ["Oracle"], 8,
     [("reply", WEBER, 30, "Not Oracle here, but on SAP we saw the same before 3.2.1; the upgrade notes mention retries. Which plugin version are you on?")]),
    ("yonyou", ZHOU, "NC 凭证同步一直转圈，没有报错",
     "用友 NC 6.5，点击同步凭证后一直转圈，十分钟也不结束，也没有报错提示。日志里最后一行是 connecting...",
     ["过账"], 5, []),
    ("first-questions", NEWBIE, "第一次安装插件，需要先在 ERP 里开什么权限？",
     "我们公司刚买了插件，我是新来的会计。安装前需要让 IT 在金蝶里开哪些权限？", ["安装"], 2, []),
    ("staff-lounge", LI, "ERR-4012 的标准答复口径", "大家答复 ERR-4012 时统一先问是否新增了下级科目，再让客户截图凭证规则页面。",
     [], 40, [("reply", ZHANG, 20, "同意，另外提醒客户 3.2.1 的凭证规则页面会直接标红非末级科目。")]),
]  # fmt: skip
