"""The built-in vocabulary of the voucher-plugin domain. Pure data, no Django.

- DOMAIN_WORDS: words the segmenter must keep whole (红字冲销, 凭证字, 云星空 …). Changing
  this list changes how text is cut: run `manage.py rebuild_search_index` afterwards so the
  stored documents are cut the same way as new queries.
- STOPWORDS: question words, particles and pronouns that a question carries but an answer
  need not contain (如何, 怎么, 为什么, 吗, 了, 的 …). They are dropped on both sides.
  Single characters that are often half of a word (上 of 上传, 用 of 用不了) stay out of it:
  when the dictionary cuts a phrase oddly, dropping them would drop the meaning.
- LIGHT_WORDS: words a question carries that narrow it only a little (设置, 处理, 问题 …):
  they still match, at half the weight, so 凭证规则科目设置 is about 凭证规则 and 科目 first.
  原因 and 现象 are here too: they head the sections of every troubleshooting article
  (现象 / 原因 / 解决), so "是什么原因" must not favour an article for its headings.
- EVERYDAY_SYNONYMS: how customers say it → how the articles say it. Seeded as editable
  `Synonym` rows by search migration 0003; editors change them in admin.
- BILINGUAL_SYNONYMS: the product's English words beside the Chinese ones (voucher 凭证,
  attachment 附件 …), so an English summary ("voucher broken") finds the Chinese articles
  and a Chinese question finds the English ones. Seeded as editable `Synonym` rows by search
  migration 0004, like the everyday phrasing.
- ERP_KEYWORDS: the words that tie a document to one ERP system, for the wizard's favour.
"""

DOMAIN_WORDS = (
    "凭证", "收款凭证", "付款凭证", "记账凭证", "凭证字", "凭证号", "凭证规则", "凭证模板", "凭证日期",
    "收款单", "付款单", "收款日期", "单据日期", "业务日期", "回单", "银行回单", "银企直连", "附件", "附件数",
    "红冲", "红字", "冲销", "红字冲销", "蓝字", "过账", "记账", "反过账", "结账", "反结账", "关账",
    "会计期间", "账期", "账套", "科目", "会计科目", "科目映射", "辅助核算", "核算项目", "成本中心", "利润中心",
    "摘要", "摘要模板", "借方", "贷方", "借贷", "借贷不平", "手续费", "汇率", "外币", "本位币", "汇兑损益",
    "应收", "应收款", "预收款", "核销", "总账", "期初", "审核", "反审核", "制单人", "审核人",
    "云星空", "星空", "精斗云", "用友", "金蝶", "浪潮", "插件", "客户端", "中间服务器", "服务地址",
    "超时", "无响应", "转圈", "卡住", "卡死", "报错", "报红", "乱码", "日志", "导出日志", "重试",
    "重复凭证", "重复生成", "批量生成", "自动生成", "定时任务", "同步", "推送", "回写", "合并凭证",
    "处理中",  # the plugin's task status, quoted as such: not the light word 处理 plus 中
    "连接不上", "无法连接", "连接失败",
    "无法登录", "登录失败", "进不去", "登不上", "证书", "授权", "许可", "到期", "续费", "权限", "未生成",
    "对不上", "不一致", "缺失", "丢失", "不见了", "金额", "税额", "数量", "小数", "四舍五入", "精度",
    "升级", "安装", "卸载", "更新说明", "版本", "兼容", "端口", "防火墙", "代理", "数据库", "接口",
    "上传", "下载", "导入", "导出", "生成", "删除", "修改", "设置", "打开", "登录", "审核", "重新生成",
)  # fmt: skip

_STOPWORDS = (
    "如何 怎么 怎么办 怎样 怎么样 怎么回事 为什么 为何 什么 什么样 啥 咋 咋办 吗 呢 吧 啊 呀 哦 嘛 么 "
    "了 的 地 得 之 是 我 我们 你 你们 您 他 她 它 他们 这 那 这个 那个 这里 那里 这样 那样 一下 "
    "请问 请 想 想要 要 能 能否 可以 可否 会 应该 需要 该 哪 哪里 哪个 哪些 哪儿 多少 几 和 与 及 或 "
    "在 把 被 就 都 也 还 又 才 时候 一个 能不能 有没有 是不是 可不可以 已经 以后 之后 的话 "
    "how do does did i to the a an is are was be my our your what why when where which can could "
    "should would will of for on in at it its this that with from by as me we you please"
)
STOPWORDS = frozenset(_STOPWORDS.split(" "))

_LIGHT_WORDS = (
    "设置 配置 处理 解决 问题 提示 显示 出现 操作 使用 功能 情况 方法 办法 步骤 时 原因 现象 "
    "setting settings configure problem issue error message"
)
LIGHT_WORDS = frozenset(_LIGHT_WORDS.split(" "))

# Everyday phrasing first, the product's words after; each group is one Synonym row.
EVERYDAY_SYNONYMS = (
    "卡住, 卡死, 一直转圈, 转圈, 没反应, 没有反应, 无响应, 超时",
    "不见了, 丢了, 丢失, 没了, 消失, 缺失, 未生成, 没有生成",
    "报红, 标红, 飘红, 报错, 错误",
    "进不去, 登不上, 登录不了, 无法登录, 登录失败",
    "对不上, 不一样, 不一致, 不相同",
    "删不掉, 删除不了, 无法删除",
    "打不开, 无法打开, 打开失败",
    "连不上, 连接不上, 无法连接, 连接失败",  # search migration 0006
    "改不了, 无法修改, 不能修改",
    "没权限, 没有权限, 无权限, 权限不足",
    "数字, 金额",
    "多了一张, 生成了两张, 重复生成, 重复凭证",
    "找不到, 没找到, 不存在",
    "取消结账, 反结账",
    "关账, 结账",
    "账期, 会计期间",
    "红冲, 红字冲销, 冲销",
    "过账, 记账",
    "金蝶, kingdee",
    "用友, yonyou",
    "浪潮, inspur",
    "云星空, k3 cloud, k/3 cloud",
)

# English as customers write it, beside the product's Chinese words; each group is one row.
BILINGUAL_SYNONYMS = (
    "voucher, vouchers, 凭证",
    "receipt, receipts, 收款单",
    "attachment, attachments, attach, 附件",
    "timeout, timed out, time out, 超时",
    "reversal, reverse, 红冲",
    "posting, post, 过账",
    "period, 期间",
    "version, versions, 版本",
    "supported, support, compatibility, 支持, 兼容",
    "install, installation, 安装",
    "upgrade, update, 升级",
    "uninstall, 卸载",
    "log in, login, sign in, 登录",
    "password, 密码",
    "license, licence, 授权",
    "certificate, 证书",
    "account, 科目",
    "summary, 摘要",
    "exchange rate, 汇率",
    "sync, synchronisation, synchronization, 同步",
    "duplicate, 重复",
    "proxy, 代理",
    "不行, 不行了, 坏了, 不好使, broken, not working, fails, failed, 失败",
)

# Matched as whole words (Latin) or substrings (CJK) in a document's title and tags.
ERP_KEYWORDS = {
    "kingdee": ("金蝶", "kingdee", "k3", "k/3", "云星空", "星空", "eas", "精斗云"),
    "yonyou": ("用友", "yonyou", "u8", "u9", "nc", "ncc", "yonsuite", "畅捷通"),
    "sap": ("sap", "bapi", "s/4hana", "s4hana", "ob52", "fb01"),
    "oracle": ("oracle", "ebs", "gl_interface"),
    "inspur": ("浪潮", "inspur", "genersoft", "gs cloud"),
}
