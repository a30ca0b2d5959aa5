"""More demo articles for `seed_kb`: the answers (and the near misses) of the judged query set
in benchmarks/search_judgements.json. Same shape as seed_kb.ARTICLES:
(slug, kind, category, title, tags, body). A slug starting with agents- or customers- sets
the visibility.
"""

from knowledgebase.models import Kind

A, F = Kind.ARTICLE, Kind.FAQ

MORE_CATEGORIES = ["对接/Oracle", "对接/浪潮", "安装与升级", "账号与授权"]

# The English name of each demo category path segment (seed_kb fills both languages).
CATEGORY_NAMES_EN = {
    "快速入门": "Getting started",
    "对接": "Integrations",
    "金蝶": "Kingdee",
    "用友": "Yonyou",
    "SAP": "SAP",
    "Oracle": "Oracle",
    "浪潮": "Inspur",
    "凭证规则": "Voucher rules",
    "常见错误": "Common errors",
    "安装与升级": "Installation & upgrades",
    "账号与授权": "Accounts & licences",
}

MORE_ARTICLES = [
    ("sync-timeout-err4090", A, "常见错误", "ERR-4090：同步超时，凭证一直处于“处理中”", ["超时", "同步", "ERR-4090"],
     "## 现象\n\n点击生成凭证后进度条一直转圈，几分钟后提示 `ERR-4090: 同步超时`，凭证状态停在“处理中”。\n\n"
     "## 原因\n\n插件服务器调用 ERP 接口超过 60 秒没有返回，常见于月末大批量生成或网络不稳定。\n\n"
     "## 解决\n\n1. 在 **设置 → 连接** 中把超时时间调到 120 秒\n2. 分批生成，每批不超过 200 张收款单\n"
     "3. 在 **任务列表** 中对“处理中”的任务点击 **重试**"),
    ("err-1001-connection", A, "常见错误", "ERR-1001：无法连接 ERP 服务器", ["网络", "连接", "ERR-1001"],
     "提示 `ERR-1001: connection refused` 表示插件连不上 ERP 服务器。请检查 **服务地址** 和端口是否正确、"
     "防火墙是否放行，以及 ERP 服务是否已启动。"),
    ("err-2003-license-expired", F, "账号与授权", "提示 ERR-2003 授权已过期怎么办？", ["授权", "到期", "ERR-2003"],
     "授权到期后插件只能查看、不能生成凭证。续费后在门户 **账户 → 授权** 中点击 **刷新授权**，再重启 ERP 客户端。"),
    ("login-failed-password", F, "账号与授权", "插件登录失败，提示用户名或密码错误", ["登录", "密码"],
     "插件使用 ERP 账号登录。连续输错 5 次密码会锁定 30 分钟，管理员可以在门户的 **用户** 页面解锁。"),
    ("cert-expired-err2010", A, "账号与授权", "ERR-2010：客户端证书过期导致无法登录插件", ["证书", "登录", "ERR-2010"],
     "插件客户端证书每年更新一次。证书过期后登录时提示 `ERR-2010`。在门户下载新证书，双击导入后重新登录即可。"),
    ("voucher-date-vs-receipt-date", F, "凭证规则", "凭证日期为什么和收款日期不一致？", ["凭证日期", "收款日期"],
     "插件默认取 **生成凭证当天** 作为凭证日期。在 **凭证规则 → 日期来源** 中改为“收款单日期”或“业务日期”，"
     "凭证日期就和收款日期一致了。注意：收款日期所在期间已结账时，凭证日期会顺延到下一个未结账期间的第一天。"),
    ("voucher-date-next-period", F, "凭证规则", "收款单是上个月的，生成的凭证却在本月？", ["会计期间", "结账"],
     "上个月的会计期间已经结账，插件会把凭证放到第一个未结账的期间。需要记在上月时，请先反结账再生成。"),
    ("attachment-upload", A, "凭证规则", "如何把收款单的附件上传到凭证", ["附件", "上传"],
     "在凭证规则中勾选 **同步附件**，插件会把收款单上的银行回单、合同扫描件作为凭证附件上传到 ERP。"
     "单个附件不超过 20 MB，支持 PDF、JPG、PNG。"),
    ("attachment-err5001", A, "常见错误", "ERR-5001：附件上传失败，文件过大或格式不支持", ["附件", "ERR-5001"],
     "上传凭证附件时提示 `ERR-5001`：文件超过 20 MB，或者格式不是 PDF、JPG、PNG。压缩或转换格式后重新上传。"),
    ("attachment-count", F, "凭证规则", "凭证上的附件数怎么设置？", ["附件数"],
     "附件数默认取收款单的附件张数，也可以在凭证规则中固定为 1。"),
    ("summary-template-edit", F, "凭证规则", "如何修改凭证摘要？", ["摘要", "摘要模板"],
     "在 **凭证规则 → 摘要模板** 中编辑摘要，例如“收{客户名称}货款”。已生成的凭证需要在 ERP 中修改，或删除后重新生成。"),
    ("auxiliary-missing", F, "凭证规则", "生成的凭证没有辅助核算（客户、部门）怎么办？", ["辅助核算", "客户"],
     "科目启用了客户或部门辅助核算，但凭证规则没有映射。在分录行上把辅助核算来源设为“收款单客户”或“收款单部门”。"),
    ("auto-generate-schedule", F, "凭证规则", "能否定时自动生成凭证？", ["自动生成", "定时任务"],
     "3.1.0 起支持定时任务：在 **设置 → 定时任务** 中选择每天 18:00 为已审核的收款单自动生成凭证。"),
    ("batch-generate", A, "凭证规则", "批量生成收款凭证", ["批量生成"],
     "在收款单列表勾选多张单据后点击 **批量生成**，一次最多 500 张。数量很大时建议分批，以免同步超时。"),
    ("amount-zero-or-missing", F, "常见错误", "凭证上的金额是 0 或者金额栏为空？", ["金额", "缺失"],
     "金额来源字段映射错误：收款单的“实收金额”在有些 ERP 版本里叫“本次收款金额”。在凭证规则中重新选择金额来源。"
     "金额为空时插件会跳过该分录行，凭证分录就会缺失。"),
    ("rounding-difference", F, "常见错误", "凭证金额与收款单差 0.01（四舍五入）", ["四舍五入", "精度", "金额"],
     "外币收款折算本位币时按行四舍五入，合计可能差 0.01。尾差会自动计入汇兑损益科目。"),
    ("voucher-not-found-in-erp", F, "常见错误", "提示生成成功，但在 ERP 里找不到凭证", ["凭证", "缺失", "未生成"],
     "先确认账套和会计期间，再检查凭证字过滤条件：凭证可能生成在另一个账套里。在插件的凭证列表中点击凭证号可以直接跳转。"),
    ("receipt-list-empty", F, "常见错误", "收款单列表里看不到要生成凭证的单据", ["收款单", "审核"],
     "列表只显示 **已审核且未生成凭证** 的收款单。请检查单据是否已审核，以及过滤条件中的日期范围。"),
    ("voucher-cannot-delete", F, "常见错误", "已生成的凭证删不掉怎么办？", ["删除", "凭证"],
     "已审核或已过账的凭证不能直接删除：先反审核、反过账后再删除，或者用红冲生成一张金额相反的凭证。"),
    ("garbled-summary", F, "常见错误", "凭证摘要显示乱码", ["乱码", "摘要"],
     "ERP 数据库字符集不是 UTF-8 或 GBK 时摘要会显示乱码。在 **设置 → 连接** 中把字符集改为与数据库一致。"),
    ("kingdee-datacenter", A, "对接/金蝶", "金蝶云星空：插件无法登录，提示数据中心不存在", ["金蝶", "云星空", "登录"],
     "登录时提示“数据中心不存在”：插件设置中的数据中心 ID（acctID）填错了。在金蝶云星空管理中心复制正确的 ID。"),
    ("kingdee-attachment", A, "对接/金蝶", "金蝶云星空：凭证附件上传到附件管理", ["金蝶", "云星空", "附件"],
     "金蝶云星空的凭证附件保存在 **附件管理** 中。插件通过 WebAPI 的 AttachmentUpload 接口上传，需要账号有附件上传权限。"),
    ("kingdee-auto-audit", F, "对接/金蝶", "金蝶中插件生成的凭证能自动审核吗？", ["金蝶", "审核"],
     "可以。在插件设置中勾选 **生成后自动审核**，并为插件账号授予凭证审核权限。"),
    ("kingdee-webapi-timeout", A, "对接/金蝶", "金蝶 K3 Cloud WebAPI 调用超时", ["金蝶", "K3", "超时"],
     "金蝶 K/3 Cloud 的 WebAPI 默认 100 秒超时。大批量生成时在 IIS 中调高 executionTimeout，或者分批生成。"),
    ("kingdee-eas-support", F, "对接/金蝶", "是否支持金蝶 EAS？", ["金蝶", "EAS"],
     "支持金蝶 EAS Cloud 8.5 及以上版本，通过 EAS 的 WebService 接口写入凭证。"),
    ("u8-server-unavailable", A, "对接/用友", "U8 插件登录失败：提示“服务器不可用”", ["用友", "U8", "登录"],
     "检查 U8 应用服务器地址和端口（默认 4630），并确认 U8 服务管理器中的远程服务已启动。"),
    ("u8-voucher-number-gap", F, "对接/用友", "U8 凭证号不连续、断号怎么办？", ["用友", "U8", "凭证号"],
     "删除凭证会留下断号。在 U8 总账中使用 **整理凭证** 功能重新编号即可。"),
    ("u8-date-before-start", A, "对接/用友", "U8 提示“单据日期不能早于系统启用日期”", ["用友", "U8", "日期"],
     "收款单日期早于总账启用日期。把凭证日期来源改为生成日期，或者调整收款单日期。"),
    ("u8-auxiliary-required", A, "对接/用友", "U8 报错：科目 1122 辅助核算客户必须录入", ["用友", "U8", "辅助核算"],
     "应收账款 1122 启用了客户辅助核算。在凭证规则分录行上设置辅助核算来源为“收款单客户”后重新生成。"),
    ("nc-cloud-support", F, "对接/用友", "是否支持用友 NC Cloud 和 YonSuite？", ["用友", "NC"],
     "支持 NC Cloud 2021 及以上版本；YonSuite 通过开放平台接口对接，需要先申请应用密钥。"),
    ("sap-tax-code", A, "对接/SAP", "SAP 报错 FF 704：Enter a tax code（请输入税码）", ["SAP", "税码"],
     "科目要求税码而凭证行没有。在凭证规则的 SAP 行设置中填写税码，例如 J0（免税）。"),
    ("sap-balance-f5-702", A, "对接/SAP", "SAP 报错 F5 702：Balance in transaction currency（借贷不平）", ["SAP", "借贷不平"],
     "消息 F5 702 表示凭证借贷不平。通常是手续费行没有生成：检查凭证规则中手续费行的金额来源。"),
    ("sap-period-not-open", A, "对接/SAP", "SAP：Posting period 012 2025 is not open（F5 201）", ["SAP", "过账", "期间"],
     "SAP 返回 F5 201 “Posting period is not open”：请财务在事务码 OB52 中打开对应的过账期间后重试。"),
    ("sap-rfc-failure", A, "对接/SAP", "SAP RFC 连接失败：RFC_COMMUNICATION_FAILURE", ["SAP", "RFC", "连接"],
     "检查 SAP 应用服务器、系统编号和网关服务 sapgw00 是否可达，防火墙需放行 3300 端口。"),
    ("sap-cost-center", F, "对接/SAP", "SAP 提示成本中心必填（KI 235）", ["SAP", "成本中心"],
     "消息 KI 235 “Account requires an assignment to a CO object”：损益类科目需要成本中心。在凭证规则中为该行指定成本中心。"),
    ("oracle-ora-01017", A, "对接/Oracle", "Oracle：ORA-01017 用户名/密码无效，插件连不上数据库", ["Oracle", "登录", "ORA-01017"],
     "插件连接 Oracle EBS 数据库时提示 `ORA-01017: invalid username/password`。确认 APPS 账号的密码，注意 11g 起密码区分大小写。"),
    ("oracle-journal-import-period", F, "对接/Oracle", "Oracle EBS Journal Import 报错 EU02：期间未打开", ["Oracle", "EBS", "期间"],
     "Journal Import 的 EU02 错误表示总账期间未打开。在 EBS 总账中打开期间后重新运行 Journal Import。"),
    ("inspur-gs-interface", A, "对接/浪潮", "浪潮 GS：配置凭证接口地址", ["浪潮", "GS", "接口"],
     "在插件设置中选择 ERP 类型“浪潮 GS”，填写凭证接口地址（http://服务器:端口/api/voucher）和应用密钥。"),
    ("inspur-voucher-type", F, "对接/浪潮", "浪潮 GS 中凭证类型的对应关系怎么设置？", ["浪潮", "凭证字"],
     "浪潮 GS 的“凭证类型”相当于凭证字。在凭证规则中把“收”对应到 GS 的收款凭证类型。"),
    ("inspur-writeback-stuck", A, "对接/浪潮", "浪潮 GS：凭证回写卡在“等待回写”", ["浪潮", "回写", "超时"],
     "凭证已在 GS 生成，但状态一直停在“等待回写”：GS 回调地址不可达。检查回调地址和防火墙，然后在任务列表中点击重试。"),
    ("upgrade-plugin", A, "安装与升级", "如何升级插件到新版本", ["升级", "版本"],
     "在门户下载新版本安装包，关闭 ERP 客户端后直接覆盖安装；凭证规则和设置会保留。升级前建议导出一次设置备份。"),
    ("uninstall-plugin", F, "安装与升级", "如何卸载插件？卸载后数据会丢吗？", ["卸载"],
     "在控制面板中卸载即可。已生成的凭证在 ERP 中，不会丢失；凭证规则保存在插件服务器上，重装后仍然可用。"),
    ("supported-versions", F, "安装与升级", "插件支持哪些 ERP 版本？", ["兼容", "版本"],
     "金蝶云星空 7.x–8.x、K/3 WISE 15；用友 U8 V13–V16、NC Cloud 2021；SAP ECC 6.0 和 S/4HANA；Oracle EBS R12；浪潮 GS 7。"),
    ("proxy-settings", F, "安装与升级", "公司网络需要代理，插件怎么配置代理？", ["代理", "网络"],
     "在 **设置 → 网络** 中填写代理服务器地址和端口，需要认证时填写代理账号。"),
    ("install-dotnet-missing", A, "安装与升级", "安装时提示缺少 .NET Framework 4.8", ["安装"],
     "插件客户端需要 .NET Framework 4.8。先从微软官网安装运行库，再重新运行安装程序。"),
    ("button-missing-after-install", F, "安装与升级", "安装后 ERP 里看不到“生成凭证”按钮", ["安装", "按钮"],
     "安装后需要在 ERP 中启用插件并重启客户端；仍然看不到时，检查当前用户是否有插件菜单权限。"),
    ("partial-refund-reversal", F, "凭证规则", "部分退款时如何红冲？", ["红冲", "退款"],
     "在原收款单上填写退款金额后选择 **部分红冲**，插件只冲销退款部分。"),
    ("bank-fee-line", F, "凭证规则", "银行手续费怎么单独生成一行分录？", ["手续费", "凭证规则"],
     "在凭证规则中新增一行，科目选财务费用—手续费，金额来源选“收款单手续费”。"),
    ("prepayment-account", F, "凭证规则", "预收款生成凭证时科目怎么选？", ["预收款", "科目"],
     "预收款对应预收账款科目（2203）。在凭证规则中按收款类型“预收”设置单独的分录行。"),
    ("bank-receipt-matching", A, "凭证规则", "银企直连：银行回单自动匹配收款单", ["银企直连", "回单"],
     "开通银企直连后，插件每天下载银行回单，按金额和付款人自动匹配收款单，并把回单作为凭证附件。"),
    ("export-logs", F, "快速入门", "如何导出插件日志发给技术支持？", ["日志", "导出日志"],
     "在插件中点击 **帮助 → 导出日志**，会生成一个 zip 文件，提交工单时把它作为附件上传。"),
    ("en-attachments", A, "凭证规则", "How to attach receipt files to the voucher", ["attachment", "附件"],
     "Tick **Sync attachments** in the voucher rule: bank slips and scanned contracts on the receipt are uploaded to the ERP with the voucher (PDF, JPG or PNG, up to 20 MB each)."),
    ("en-sync-timeout", F, "常见错误", "Error ERR-4090: synchronisation timed out", ["timeout", "ERR-4090"],
     "The ERP did not answer within 60 seconds. Raise the timeout to 120 seconds under Settings → Connection, generate in smaller batches, then retry the stuck task."),
    ("en-supported-erp", F, "安装与升级", "Which ERP versions are supported?", ["compatibility"],
     "Kingdee Cloud Galaxy 7.x–8.x, Yonyou U8 V13–V16 and NC Cloud 2021, SAP ECC 6.0 and S/4HANA, Oracle EBS R12, Inspur GS 7."),
    ("en-sap-rfc", A, "对接/SAP", "Setting up the SAP RFC connection", ["SAP", "RFC"],
     "Enter the application server, system number and client; the gateway service sapgw00 must be reachable on port 3300."),
    ("customers-installer-download", A, "安装与升级", "下载最新安装包（客户专享）", ["安装", "下载"],
     "登录门户后在 **下载** 页面获取最新版本的插件安装包和离线证书。"),
    ("agents-err4090-server", A, "常见错误", "内部：ERR-4090 超时的服务器端排查", ["超时", "ERR-4090"],
     "仅限支持人员：查看插件服务器的 task.log，找到超时的请求 ID，再到 ERP 网关日志中查同一 ID 的耗时。"),
]  # fmt: skip

MORE_RELEASES = {
    "3.3.0": "- 新增：附件同步支持 PDF\n- 修复：ERR-4090 同步超时后任务无法重试\n- 新增：支持浪潮 GS 7",
}
MORE_VERSIONS = [("3.3.0", "2025-10-27")]
MORE_ISSUES = [
    ("issue-sync-stuck-3-2-1", "3.2.1 中大批量生成时同步卡在“处理中”", ["3.2.1"], "3.3.0", "fixed",
     "分批生成（每批不超过 200 张），或升级到 3.3.0。"),
]  # fmt: skip
