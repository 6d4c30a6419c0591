"""What the published summary of the Lijiang workshop says, as data.

Spelled as ``shared/reference/lijiang-workshop-2007.txt`` spells it, except where the text is
plainly wrong ("Gilin" is Jilin) or uses an unofficial English name for a body
("International Organisation for Migration", "Youth Corps Central Committee"). Chinese
names are given only where they are known, never guessed.
"""

# Chinese text is written with full-width punctuation, as Chinese is.
# ruff: noqa: RUF001

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from events.models import Agency, Workshop, WorkshopAgency

SLUG = "lijiang-2007"
TZ = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in August 2007, Lijiang time."""
    return datetime(2007, 8, day, hour, minute, tzinfo=TZ)


Role = WorkshopAgency.Role
Kind = Agency.Kind
Level = Agency.Level

WORKSHOP = {
    "title": "National Anti-Trafficking Workshop",
    # A translation of the title, not in the English summary.
    "title_local": "全国反拐培训班",
    "start_date": date(2007, 8, 26),
    "end_date": date(2007, 8, 31),
    "timezone": "Asia/Shanghai",
    "city": "Lijiang",
    "city_local": "丽江",
    "region": "Yunnan Province",
    "region_local": "云南省",
    "country": "China",
    "country_local": "中国",
    "objectives": (
        "To further improve the capabilities of personnel engaged in anti-trafficking work, "
        "more powerfully promoting the effective implementation of the six country, regional "
        "Memorandum of Understanding (COMMIT MoU) and the Sub-Regional Plan of Action."
    ),
    "narrative": (
        "The training focused on the international and national definitions of trafficking, "
        "prevention, protection and legal assistance for victims, the prosecution of "
        "traffickers, etc. Lively discussions on issues concerning theory and practice took "
        "place. Everybody thought that, China’s trafficking legislation is included in "
        "China’s Criminal Law, Labour Law, Public Order Regulations and other laws and "
        "regulations. It is necessary to further consider how the “trafficking definition” "
        "used in the International Protocol on Human Trafficking can be integrated into "
        "China’s laws, as well as to compare and cooperate with other countries. The "
        "participants believe that, anti-trafficking work is a long-term and arduous task, "
        "under the leadership of the government with the participation of many departments "
        "and national and international cooperation, from the grassroots to national level "
        "everyone must make a concerted effort. The Chinese Ministry of Public Security has "
        "already made combating human trafficking a priority, so that the economy can benefit "
        "it should also link up with many departments to undertake comprehensive "
        "improvements, all-round prevention and develop methods to prevent human trafficking "
        "at the lowest cost for the largest society.\n\n"
        "Those who attended the training thoroughly approved of the training methods and made "
        "positive suggestions on the content of the training."
    ),
    # Translations of the objectives and the narrative, sentence by sentence, as the title's:
    # the Chinese report says what the English summary says, no more.
    "objectives_local": (
        "进一步提高从事反拐工作人员的能力，更有力地推动六国区域《谅解备忘录》（COMMIT MoU）"
        "和《次区域行动计划》的有效实施。"
    ),
    "narrative_local": (
        "培训重点围绕国际和国内关于拐卖人口的定义、预防、对受害者的保护和法律援助、"
        "对拐卖者的起诉等内容展开。培训中就理论和实践问题展开了热烈讨论。大家认为，"
        "中国关于拐卖人口的立法体现在中国的《刑法》《劳动法》、治安管理法规以及其他法律法规"
        "之中。有必要进一步考虑如何将国际拐卖人口议定书中使用的“拐卖定义”纳入中国法律，"
        "并与其他国家进行比较与合作。学员们认为，反拐工作是一项长期而艰巨的任务，"
        "需要在政府的领导下，多部门参与，开展国内和国际合作，从基层到国家层面，"
        "人人都必须齐心协力。中国公安部已将打击拐卖人口作为工作重点；"
        "为使经济从中受益，还应联合多个部门开展综合治理、全面预防，"
        "并探索以最小代价取得最大社会效益的预防拐卖人口的方法。\n\n"
        "参加培训的人员充分肯定了培训方法，并对培训内容提出了积极的建议。"
    ),
    # "(Provided by the UNIAP China Office, August 2008)": the month, as its first day.
    "summary_date": date(2008, 8, 1),
    "status": Workshop.Status.COMPLETED,
    "language": "en",
    "is_sample": False,
}
SUMMARY_PROVIDED_BY = "uniap_china"


@dataclass(frozen=True)
class AgencyData:
    name: str
    name_local: str = ""
    acronym: str = ""
    kind: str = Kind.GOVERNMENT
    level: str = Level.NATIONAL
    region: str = ""
    country: str = "China"
    parent: str = ""  # key of the parent agency, listed before it


AGENCIES: dict[str, AgencyData] = {
    "nwccw": AgencyData(
        "National Working Committee on Children and Women under the State Council",
        "国务院妇女儿童工作委员会",
        "NWCCW",
    ),
    "mps": AgencyData("Ministry of Public Security", "公安部", "MPS"),
    "mfa": AgencyData("Ministry of Foreign Affairs", "外交部", "MFA"),
    "cccmps": AgencyData(
        "Central Committee for Comprehensive Management of Public Security",
        "中央社会治安综合治理委员会",
    ),
    # The summary's "Youth Corps Central Committee".
    "cyl": AgencyData("Communist Youth League Central Committee", "共青团中央"),
    "uniap": AgencyData(
        "United Nations Inter-Agency Project on Human Trafficking",
        "联合国机构间反对拐卖人口项目",
        "UNIAP",
        Kind.UN,
        Level.INTERNATIONAL,
        country="",
    ),
    "uniap_china": AgencyData(
        "UNIAP China Office",
        "联合国机构间反对拐卖人口项目中国办公室",
        kind=Kind.UN,
        parent="uniap",
    ),
    # The summary's "International Organisation for/of Migration".
    "iom": AgencyData(
        "International Organization for Migration",
        "国际移民组织",
        "IOM",
        Kind.INTERNATIONAL,
        Level.INTERNATIONAL,
        country="",
    ),
    "iom_china": AgencyData(
        "International Organization for Migration China Liaison Office",
        "国际移民组织驻华联络处",
        kind=Kind.INTERNATIONAL,
        parent="iom",
    ),
    "npc": AgencyData("National People's Congress", "全国人民代表大会", "NPC"),
    "npc_lac": AgencyData(
        "Legislative Affairs Commission of the National People's Congress",
        "全国人大常委会法制工作委员会",
        parent="npc",
    ),
    "npc_lac_criminal": AgencyData(
        "Criminal Legislation Department of the Legislative Affairs Commission of the "
        "National People's Congress",
        "全国人大常委会法制工作委员会刑法室",
        parent="npc_lac",
    ),
    "cupl": AgencyData(
        "China University of Political Science and Law",
        "中国政法大学",
        "CUPL",
        Kind.ACADEMIC,
        region="Beijing",
    ),
    "cass": AgencyData(
        "Chinese Academy of Social Sciences", "中国社会科学院", "CASS", Kind.ACADEMIC
    ),
    "cass_social_policy": AgencyData(
        "Social Policy Research Centre of the Chinese Academy of Social Sciences",
        "中国社会科学院社会政策研究中心",
        kind=Kind.ACADEMIC,
        parent="cass",
    ),
    "yass": AgencyData(
        "Yunnan Academy of Social Sciences",
        "云南省社会科学院",
        kind=Kind.ACADEMIC,
        level=Level.PROVINCIAL,
        region="Yunnan Province",
    ),
}

# The six provincial delegations. The summary names only the provinces ("relevant
# departments in Yunnan, Guangxi, Guangdong, Sichuan, Shanxi and Gilin Provinces"): which
# department sent each delegation is sample naming.
PROVINCES = [
    ("yunnan", "Yunnan Province", "云南省", "Yunnan Provincial Department of Public Security"),
    (
        "guangxi",
        "Guangxi Zhuang Autonomous Region",
        "广西壮族自治区",
        "Guangxi Zhuang Autonomous Region Department of Public Security",
    ),
    (
        "guangdong",
        "Guangdong Province",
        "广东省",
        "Guangdong Provincial Department of Public Security",
    ),
    ("sichuan", "Sichuan Province", "四川省", "Sichuan Provincial Department of Public Security"),
    ("shanxi", "Shanxi Province", "山西省", "Shanxi Provincial Department of Public Security"),
    ("jilin", "Jilin Province", "吉林省", "Jilin Provincial Department of Public Security"),
]
AGENCIES.update(
    (key, AgencyData(name, f"{region_local}公安厅", level=Level.PROVINCIAL, region=region))
    for key, region, region_local, name in PROVINCES
)

ALSO_SENT_PERSONNEL = "also sent personnel to attend"
# (agency key, role, note), in the order the summary names them within each role.
ROLES = [
    ("nwccw", Role.HOST, ""),
    ("mps", Role.HOST, ""),
    ("uniap_china", Role.PARTNER, ""),
    ("iom", Role.PARTNER, ""),
    ("nwccw", Role.ATTENDING, ""),
    ("mps", Role.ATTENDING, ""),
    ("mfa", Role.ATTENDING, ""),
    ("cccmps", Role.ATTENDING, ""),
    ("cyl", Role.ATTENDING, ""),
    *((key, Role.ATTENDING, "") for key, *_ in PROVINCES),
    ("uniap_china", Role.ATTENDING, ALSO_SENT_PERSONNEL),
    ("iom_china", Role.ATTENDING, ALSO_SENT_PERSONNEL),
]

TOPICS = {
    "definitions": (
        "International and national definitions of trafficking",
        "拐卖人口的国际与国内定义",
    ),
    "prevention": ("Prevention", "预防"),
    "protection": ("Protection and legal assistance for victims", "受害者保护与法律援助"),
    "prosecution": ("Prosecution of traffickers", "起诉拐卖犯罪分子"),
}


@dataclass(frozen=True)
class TrainerData:
    name: str
    name_local: str
    honorific: str
    position: str
    agency: str


# Chinese names only where they are known; the others are left blank, not guessed.
TRAINERS = {
    "huang": TrainerData(
        "Huang TaiYun", "黄太云", "", "Deputy Director-General", "npc_lac_criminal"
    ),
    "liang": TrainerData("Liang ShuYing", "梁淑英", "Prof.", "", "cupl"),
    "mi": TrainerData("Mi XiaoXiong", "", "Dr.", "", "cass_social_policy"),
    "tong": TrainerData("Tong JiYu", "", "", "researcher", "yass"),
    "bonneau": TrainerData("Lance Bonneau", "", "", "senior regional programme officer", "iom"),
}
