"""The report's words in English and Chinese (one table, so both languages always carry the same sections,
rows and figures). ``words(lang)`` returns a lookup that fails loudly on a missing key."""

from __future__ import annotations

from collections.abc import Callable

LANGS = ("en", "zh")

# key -> (English, Chinese)
_WORDS: dict[str, tuple[str, str]] = {
    # frame
    "report_title": ("Environmental, Social and Governance Report {year}", "{year}年度环境、社会及管治报告"),
    "subtitle": ("Responsibility report: performance against the standards, from the evidence",
                 "社会责任报告：对照标准的表现，均以证据为据"),
    "contents": ("Contents", "目录"),
    "period": ("Reporting period", "报告期间"),
    "period_note": ("the days of {year} with monitoring data in the store (plant-local time)",
                    "{year}年内存储中有监测数据的日期（厂区当地时间）"),
    "store_hash": ("Store content hash (SHA-256)", "数据存储内容哈希（SHA-256）"),
    "software": ("Software", "软件"),
    "generated": ("Generated", "生成时间"),
    "store": ("Store", "数据存储"),
    "synthetic_note": ("The store's registry is marked synthetic: every plant and value in this report is invented "
                       "demonstration data.", "本数据存储的登记信息标记为合成数据：本报告中的所有工厂和数值均为演示用虚构数据。"),
    "figure_ref": ("Figure numbers [F…] refer to the assurance appendix, which gives each figure's evidence.",
                   "图表编号[F…]对应鉴证附录，附录列出每个数字的证据。"),
    "page": ("page", "页"),
    "na": ("—", "—"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    # sections
    "s_statement": ("Statement of the board", "董事会声明"),
    "s_group": ("The group and its bases", "集团及生产基地"),
    "s_environment": ("Environmental performance against the standards", "对照排放标准的环境表现"),
    "s_ghg": ("Greenhouse gases and CBAM", "温室气体与碳边境调节机制（CBAM）"),
    "s_social": ("Employees and safety", "员工与安全"),
    "s_community": ("Community", "社区"),
    "s_overseas": ("Overseas contribution", "海外贡献"),
    "s_quality": ("Data quality and marks", "数据质量与标记"),
    "s_hkex": ("HKEX ESG Reporting Code content index", "香港联交所《环境、社会及管治守则》内容索引"),
    "s_hkex_short": ("Content index", "内容索引"),
    "s_gri": ("GRI cross-reference", "GRI 对照索引"),
    "s_assurance": ("Assurance appendix: every figure and its evidence", "鉴证附录：每个数字及其证据"),
    "s_claims": ("Claim check of this report's text", "本报告文字的声明核查"),
    # group
    "group_intro": ("{group} reports on {bases} bases in {countries}. Each base's monitored emission sources "
                    "and, where the production ledger holds them, its output in {year}:",
                    "{group}报告范围涵盖位于{countries}的{bases}个生产基地。各基地的监测排放源，以及生产台账中记录的{year}年产量："),
    "base": ("Base", "基地"),
    "country": ("Country", "国家"),
    "sources": ("Monitored sources", "监测排放源"),
    "outlets": ("Outlets", "排放口"),
    "produces": ("Output in the year", "年内产量"),
    "no_production": ("no approved production ledger rows", "无已审批的生产台账记录"),
    # environment
    "env_intro": ("Every figure below is computed by the HJ 75/76 engine from the hourly CEMS data of {outlets} "
                  "outlets over {first} to {last}: capture is valid hours / operating hours, compliance is judged "
                  "hours not exceeding the limit / judged hours, the ultra-low time ratio is assessed hours meeting "
                  "the ultra-low limits / assessed hours, tonnes are measured plus HJ 75 substitutes.",
                  "以下所有数字均由 HJ 75/76 引擎根据{outlets}个排放口在{first}至{last}期间的小时 CEMS 数据计算："
                  "捕获率 = 有效小时 / 运行小时；达标率 = 未超标的判定小时 / 判定小时；超低排放时间比例 = 满足超低限值的考核小时 / 考核小时；"
                  "排放量为实测值加 HJ 75 替代值。"),
    "highlights": ("Highlights", "要点"),
    "hl_compliance": ("In {year}, {judged} hours were judged against the limits across the group and {exceeded} "
                      "of them exceeded a limit.", "{year}年，集团共有{judged}个小时对照限值进行判定，其中{exceeded}个小时超标。"),
    "hl_concentration": ("In {year}, the {pollutant} concentration of the {scope} averaged {value} mg/m3.",
                         "{year}年，{scope}{pollutant}平均浓度为{value} mg/m3。"),
    "hl_mass": ("In {year}, {pollutant} emissions of the {scope} were {value} t.",
                "{year}年，{scope}{pollutant}排放量为{value}吨。"),
    "by_base": ("Performance by base and source type", "按基地和排放源类型的表现"),
    "by_type": ("Performance by source type (group)", "按排放源类型的表现（集团）"),
    "against_limits": ("Concentrations against the standards", "浓度与排放标准对照"),
    "source_type": ("Source type", "排放源类型"),
    "pollutant": ("Pollutant", "污染物"),
    "capture": ("Capture", "捕获率"),
    "compliance": ("Compliance", "达标率"),
    "exceed_h": ("Exceedance hours", "超标小时"),
    "ultra_low": ("Ultra-low ratio", "超低排放时间比例"),
    "so2_t": ("SO2 t", "SO2 吨"),
    "nox_t": ("NOx t", "NOx 吨"),
    "pm_t": ("PM t", "颗粒物 吨"),
    "f_t": ("Fluoride t", "氟化物 吨"),
    "mean_mg": ("Mean mg/m3", "均值 mg/m3"),
    "max_mg": ("Highest hour mg/m3", "最高小时值 mg/m3"),
    "limit_mg": ("Limit mg/m3", "限值 mg/m3"),
    "ul_limit_mg": ("Ultra-low limit mg/m3", "超低限值 mg/m3"),
    "group_total": ("Group", "集团合计"),
    "events": ("Exceedance events and their causes", "超标事件及原因"),
    "no_events": ("No exceedance event in the period.", "报告期内无超标事件。"),
    "outlet": ("Outlet", "排放口"),
    "start": ("Start", "开始"),
    "hours": ("Hours", "小时数"),
    "peak": ("Peak mg/m3", "峰值 mg/m3"),
    "multiple": ("Multiple over limit", "超标倍数"),
    "limit_set": ("Limit set", "限值标准"),
    "cause": ("Cause recorded", "记录的原因"),
    "cause_none": ("no mark or data-quality finding in the event's hours", "事件时段内无标记或数据质量发现"),
    "events_more": ("{n} further events are listed in the store (ultralow compliance --format json).",
                    "另有{n}个事件记录在数据存储中（ultralow compliance --format json）。"),
    "chart_tonnes": ("Monthly emissions of the group (t)", "集团月度排放量（吨）"),
    "chart_worst": ("Hourly corrected values against the limit: {outlet}, {pollutant}, {month}",
                    "小时折算值与限值对照：{outlet}，{pollutant}，{month}"),
    # ghg
    "ghg_intro": ("Scope 1 and Scope 2 under the {regime} regime (GWP set {gwp}, PFC coefficients {pfc}), from the "
                  "approved production and process-parameter ledgers.",
                  "按{regime}口径（GWP {gwp}，PFC 系数 {pfc}）计算的范围一和范围二排放，数据来自已审批的生产及工艺参数台账。"),
    "no_ledger": ("No approved ledger rows for {year}: this section has no figure.", "{year}年无已审批的台账记录：本节无数据。"),
    "scope1": ("Scope 1 t CO2e", "范围一 吨CO2e"),
    "scope2": ("Scope 2 t CO2e", "范围二 吨CO2e"),
    "int_al": ("t CO2e / t aluminium", "吨CO2e/吨铝"),
    "int_alumina": ("t CO2e / t alumina", "吨CO2e/吨氧化铝"),
    "aluminium_t": ("Aluminium t", "电解铝 吨"),
    "alumina_t": ("Alumina t", "氧化铝 吨"),
    "by_category": ("By source category", "按排放源类别"),
    "category": ("Category", "类别"),
    "co2e_t": ("t CO2e", "吨二氧化碳当量"),
    "pfc_sets": ("PFC (CF4, C2F6) by coefficient set", "按系数集计算的全氟化碳（CF4、C2F6）"),
    "pfc_note": ("The IPCC 2006 and EU MRR/CBAM coefficient sets are shown side by side; rows where they give "
                 "different tonnes are marked.", "并列列示 IPCC 2006 与欧盟 MRR/CBAM 系数集的结果；两者结果不同的行已标注。"),
    "pfc_same": ("The two coefficient sets give the same tonnes for every base (identical coefficients for the "
                 "cell technology): one set is shown.", "两套系数集对所有基地给出相同结果（该电解槽技术的系数相同）：仅列示一套。"),
    "set": ("Coefficient set", "系数集"),
    "method": ("Method", "方法"),
    "technology": ("Technology", "技术"),
    "differs": ("Sets differ", "系数集结果不同"),
    "cbam": ("CBAM: specific direct embedded emissions of unwrought aluminium (CN 7601)",
             "CBAM：未锻轧铝（CN 7601）的直接隐含排放强度"),
    "installation": ("Installation", "装置"),
    "see": ("SEE direct t CO2e/t", "直接隐含排放强度 吨/吨"),
    "benchmark": ("Benchmark", "基准值"),
    "default": ("Default with mark-up", "含加成的默认值"),
    "no_cbam": ("No smelting installation with approved production rows: no CBAM figure.",
                "无具有已审批生产记录的电解铝装置：无 CBAM 数据。"),
    # social
    "figure": ("Figure", "指标"),
    "value": ("Value", "数值"),
    "unit": ("Unit", "单位"),
    "ref": ("Ref.", "编号"),
    "ledger_intro": ("From the approved ledger rows of {year} (a row still awaiting approval is never published).",
                     "数据来自{year}年已审批的台账记录（待审批的记录不予发布）。"),
    "draft_only": ("rows awaiting approval: not published", "记录待审批：不予发布"),
    "no_data": ("no ledger rows", "无台账记录"),
    "no_approved": ("No approved ledger rows for {year}.", "{year}年无已审批的台账记录。"),
    # quality
    "quality_intro": ("Hours that are not valid are never reported as zero. Invalid hours by reason, HJ 75 "
                      "substitutions, marks and data-quality findings of the period:",
                      "无效小时不作为零值报告。报告期内按原因统计的无效小时、HJ 75 替代、标记及数据质量发现："),
    "invalid_reason": ("Reason an operating hour is not valid", "运行小时无效的原因"),
    "substituted": ("Hours substituted (HJ 75-2017 §12.2)", "替代小时（HJ 75-2017 §12.2）"),
    "rule": ("Rule", "规则"),
    "no_substitution": ("No hour was substituted in the period.", "报告期内无替代小时。"),
    "marks": ("Marked hours by mark type", "按标记类型统计的标记小时"),
    "mark_type": ("Mark", "标记"),
    "no_marks": ("No hour carries a mark in the period.", "报告期内无带标记的小时。"),
    "findings": ("Data-quality findings", "数据质量发现"),
    "finding": ("Finding", "发现"),
    "count": ("Count", "次数"),
    "no_findings": ("No data-quality finding in the period.", "报告期内无数据质量发现。"),
    # hkex / gri
    "hkex_intro": ("Every Part C KPI and Part D metric of the ESG Code, where it is reported in this report and "
                   "its value, or the explanation where it is not.",
                   "《环境、社会及管治守则》C 部分每项关键绩效指标及 D 部分指标在本报告中的位置及数值，未披露者列明解释。"),
    "kpi": ("KPI", "指标"),
    "part": ("Part", "部分"),
    "title": ("Disclosure", "披露内容"),
    "section": ("Section, page", "章节、页码"),
    "value_or_explanation": ("Value or explanation", "数值或解释"),
    "st_reported": ("reported", "已披露"),
    "st_explain": ("explain", "解释"),
    "st_not_applicable": ("not applicable", "不适用"),
    "gri_intro": ("GRI disclosures and the HKEX KPIs that carry them.", "GRI 披露项及对应的香港联交所关键绩效指标。"),
    "gri": ("GRI", "GRI"),
    # assurance
    "assurance_intro": ("Each figure of the report, numbered, with its evidence: the engine query or ledger rows, "
                        "the rule or formula, the period and the inputs. Software {software}; store hash {hash}.",
                        "本报告每个数字均已编号并列出证据：引擎查询或台账记录、规则或公式、期间及输入。软件 {software}；数据存储哈希 {hash}。"),
    "evidence": ("Evidence", "证据"),
    "query_pattern": ("Engine figures cover {first} to {last} and are reproduced by {query} with the outlets "
                      "listed for each figure; ledger figures name their approved rows as row_id@revision.",
                      "引擎数字覆盖{first}至{last}，可用 {query} 加上各数字所列排放口复算；台账数字列出其已审批记录（row_id@revision）。"),
    "rules_used": ("Rules applied (HJ 75/76 engine)", "所用规则（HJ 75/76 引擎）"),
    "factors_used": ("Coefficients and factors applied (GHG, CBAM)", "所用系数和因子（温室气体、CBAM）"),
    "status": ("Status", "状态"),
    "source_doc": ("Source", "来源"),
    "claims_intro": ("Before the report was written, the claim check read its own text ({documents}) and verified "
                     "every quantitative claim against the same evidence. Verdicts:",
                     "报告生成前，声明核查读取了报告自身文字（{documents}），并以相同证据核对每项定量声明。核查结论："),
    "claims_refused": ("CONTRADICTED CLAIMS: this report was written with --allow-contradicted although the claim "
                       "check found {n} contradicted claim(s) in its text.",
                       "存在被否定的声明：尽管声明核查在本报告文字中发现{n}项被否定的声明，本报告仍以 --allow-contradicted 生成。"),
    "claims_clean": ("No claim of the report's text is contradicted by the evidence.", "本报告文字中无被证据否定的声明。"),
    "claim": ("Claim", "声明"),
    "verdict": ("Verdict", "结论"),
    "reason": ("Reason", "理由"),
    "no_claims": ("The claim check found no quantitative claim in the text.", "声明核查未在文字中发现定量声明。"),
    "statement_none": ("No board statement was given for this report (ultralow report --statement FILE).",
                       "本报告未提供董事会声明（ultralow report --statement FILE）。"),
}

# source types, countries, pollutants, claim scopes (for the sentences the claim check reads)
SOURCE_TYPES: dict[str, tuple[str, str]] = {
    "coal_boiler": ("Coal-fired power unit", "燃煤发电机组"),
    "gas_turbine": ("Gas turbine", "燃气轮机"),
    "gas_boiler": ("Gas-fired boiler", "燃气锅炉"),
    "oil_boiler": ("Oil-fired boiler", "燃油锅炉"),
    "alumina_calciner": ("Alumina calciner", "氧化铝焙烧炉"),
    "clinker_kiln": ("Clinker kiln", "熟料窑"),
    "potline": ("Potline gas treatment centre", "电解烟气净化系统"),
    "anode_baking": ("Anode baking furnace", "阳极焙烧炉"),
    "all": ("All source types", "全部排放源类型"),
}
COUNTRIES: dict[str, tuple[str, str]] = {"CN": ("China", "中国"), "GN": ("Guinea", "几内亚"),
                                         "ID": ("Indonesia", "印度尼西亚")}
POLLUTANTS: dict[str, tuple[str, str]] = {"a21026": ("SO2", "二氧化硫"), "a21002": ("NOx", "氮氧化物"),
                                          "a34013": ("PM", "颗粒物"), "a21018": ("fluoride", "氟化物")}
# claim-check scopes (claims/data/context.toml) named with words its vocabulary knows
SCOPES: dict[str, tuple[str, str]] = {
    "thermal_power": ("power plants", "电厂"),
    "electrolytic_aluminium": ("smelters", "电解铝"),
    "alumina": ("alumina calciners", "氧化铝焙烧炉"),
    "carbon_anode": ("anode baking furnaces", "阳极焙烧"),
}
# what a base produces (production ledger columns), in display order
PRODUCTS: dict[str, tuple[str, str]] = {
    "aluminium_t": ("aluminium {v} t", "电解铝 {v} 吨"),
    "alumina_t": ("alumina {v} t", "氧化铝 {v} 吨"),
    "bauxite_t": ("bauxite {v} t", "铝土矿 {v} 吨"),
    "anode_baked_t": ("baked anodes {v} t", "焙烧阳极 {v} 吨"),
    "electricity_generated_mwh": ("electricity {v} MWh", "发电 {v} MWh"),
}
VERDICTS: dict[str, tuple[str, str]] = {
    "supported": ("supported", "有证据支持"), "contradicted": ("contradicted", "被证据否定"),
    "partly_supported": ("partly supported", "部分支持"), "no_evidence": ("no evidence", "无证据"),
    "not_checkable": ("not checkable", "无法核查"),
}


def _pick(table: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    pair = table.get(key)
    if pair is None:
        return key
    return pair[LANGS.index(lang)]


def words(lang: str) -> Callable[..., str]:
    """``t(key, **fields)`` in ``lang``; a missing key is a KeyError (the table is the single source)."""
    if lang not in LANGS:
        raise ValueError(f"report language {lang!r}: expected one of {', '.join(LANGS)}")
    index = LANGS.index(lang)

    def t(key: str, **fields: object) -> str:
        text = _WORDS[key][index]
        return text.format(**fields) if fields else text

    return t


def label(kind: str, key: str, lang: str) -> str:
    """Display name of a source type, country, pollutant, scope or verdict (the key itself when unknown)."""
    tables = {"source_type": SOURCE_TYPES, "country": COUNTRIES, "pollutant": POLLUTANTS, "scope": SCOPES,
              "verdict": VERDICTS, "product": PRODUCTS}
    return _pick(tables[kind], key, lang)


def keys() -> list[str]:
    return sorted(_WORDS)
