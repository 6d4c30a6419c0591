"""What the summary does not say, made up so that every page and document has data.

A venue, a six-day timetable, the pools that participants' names and positions are drawn
from, the questionnaires and the accounts. Plausible, and named as sample data wherever the
demo reports what it loaded.
"""

# Chinese text is written with full-width punctuation, as Chinese is.
# ruff: noqa: RUF001

from dataclasses import dataclass
from datetime import datetime

from events.models import Session
from feedback.models import Question, Questionnaire
from participants.models import Registration
from reports.demo.reference import SLUG, TOPICS, TRAINERS, TZ, Level, at

UID_DOMAIN = "workshops.demo"

VENUE = "Lijiang Guanfang Hotel"
VENUE_LOCAL = "丽江官房大酒店"
ROOMS = {
    "hall": ("Main Hall", 120),
    "room1": ("Meeting Room 1", 30),
    "room2": ("Meeting Room 2", 30),
    "room3": ("Meeting Room 3", 30),
}
# The summary gives neither the venue nor how people were nominated.
WORKSHOP_SAMPLE = {
    "venue": VENUE,
    "venue_local": VENUE_LOCAL,
    "capacity": 60,
    "requires_approval": True,
    "registration_opens_at": datetime(2007, 7, 16, 9, 0, tzinfo=TZ),
    "registration_closes_at": datetime(2007, 8, 17, 18, 0, tzinfo=TZ),
}
# Nor who paid for the workshop: the office that provided the summary stands in.
FUNDER = "uniap_china"
FUNDER_NOTE = "Sample data: the 2007 summary does not name the funder."

SK = Session.Kind


@dataclass(frozen=True)
class SessionData:
    slot: str  # with the day, the session's UID: lijiang-2007-day3-am1@workshops.demo
    day: int  # 1 to 6
    start: tuple[int, int]
    end: tuple[int, int]
    kind: str
    title: str
    title_local: str
    room: str = ""
    trainers: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    description: str = ""
    group: str = ""  # parallel groups: only that group's participants attend

    @property
    def uid(self) -> str:
        return f"{SLUG}-day{self.day}-{self.slot}@{UID_DOMAIN}"

    @property
    def starts_at(self) -> datetime:
        return at(25 + self.day, *self.start)

    @property
    def ends_at(self) -> datetime:
        return at(25 + self.day, *self.end)


ALL_TOPICS = tuple(TOPICS)
AM1, AM2, PM1, PM2 = (
    ((9, 0), (10, 30)),
    ((11, 0), (12, 0)),
    ((14, 0), (15, 30)),
    ((16, 0), (17, 30)),
)


def _group_sessions(day, slot, times, title, title_local, topics, groups):
    return [
        SessionData(
            f"{slot}-{letter.lower()}",
            day,
            *times,
            SK.GROUP_WORK,
            f"{title} (group {letter})",
            f"{title_local}（{letter}组）",
            room,
            (trainer,),
            topics,
            group=letter,
        )
        for letter, room, trainer in groups
    ]


SESSIONS = [
    SessionData(
        "am1",
        1,
        (9, 0),
        (10, 0),
        SK.CEREMONY,
        "Opening ceremony",
        "开幕式",
        "hall",
        description=(
            "Welcome by the National Working Committee on Children and Women under the State "
            "Council and the Ministry of Public Security; the UNIAP China Office and the "
            "International Organization for Migration; the objectives of the training."
        ),
    ),
    SessionData(
        "am2",
        1,
        (10, 30),
        (12, 0),
        SK.LECTURE,
        "International and national definitions of trafficking",
        "拐卖人口的国际与国内定义",
        "hall",
        ("liang",),
        ("definitions",),
    ),
    SessionData(
        "pm1",
        1,
        *PM1,
        SK.LECTURE,
        "Trafficking in China's Criminal Law and other laws",
        "中国刑法及其他法律中的拐卖犯罪",
        "hall",
        ("huang",),
        ("definitions", "prosecution"),
    ),
    SessionData(
        "pm2",
        1,
        *PM2,
        SK.DISCUSSION,
        "Integrating the Protocol's definition into China's laws",
        "将议定书中的拐卖定义纳入中国法律",
        "hall",
        ("huang", "liang"),
        ("definitions",),
    ),
    SessionData(
        "am1",
        2,
        *AM1,
        SK.LECTURE,
        "Prevention: social policy and vulnerable groups",
        "预防：社会政策与弱势群体",
        "hall",
        ("mi",),
        ("prevention",),
    ),
    SessionData(
        "am2",
        2,
        *AM2,
        SK.LECTURE,
        "The COMMIT process and the Sub-Regional Plan of Action",
        "湄公河次区域反拐进程与次区域行动计划",
        "hall",
        ("bonneau",),
        ("definitions", "prevention"),
    ),
    SessionData(
        "pm1",
        2,
        *PM1,
        SK.CASE_STUDY,
        "Trafficking in Yunnan's border areas",
        "云南边境地区的拐卖问题",
        "hall",
        ("tong",),
        ("prevention",),
    ),
    *_group_sessions(
        2,
        "pm2",
        PM2,
        "Group work: prevention at county level",
        "小组活动：县级预防工作",
        ("prevention",),
        [("A", "room1", "mi"), ("B", "room2", "tong")],
    ),
    SessionData(
        "am1",
        3,
        *AM1,
        SK.LECTURE,
        "Identifying and protecting victims",
        "受害者的识别与保护",
        "hall",
        ("bonneau",),
        ("protection",),
    ),
    SessionData(
        "am2",
        3,
        *AM2,
        SK.LECTURE,
        "Legal assistance for victims",
        "受害者的法律援助",
        "hall",
        ("liang",),
        ("protection",),
    ),
    SessionData(
        "pm1",
        3,
        *PM1,
        SK.CASE_STUDY,
        "Return and reintegration across borders",
        "跨境遣返与重新融入社会",
        "hall",
        ("bonneau", "tong"),
        ("protection",),
    ),
    SessionData(
        "pm2",
        3,
        *PM2,
        SK.DISCUSSION,
        "Protection in practice: the provinces' experience",
        "保护工作实践：各省经验",
        "hall",
        ("mi",),
        ("protection",),
    ),
    SessionData(
        "am1",
        4,
        *AM1,
        SK.LECTURE,
        "Prosecuting traffickers under the Criminal Law",
        "依据刑法起诉拐卖犯罪分子",
        "hall",
        ("huang",),
        ("prosecution",),
    ),
    SessionData(
        "am2",
        4,
        *AM2,
        SK.LECTURE,
        "International cooperation against trafficking crime",
        "打击拐卖犯罪的国际合作",
        "hall",
        ("liang",),
        ("prosecution", "definitions"),
    ),
    SessionData(
        "pm1",
        4,
        *PM1,
        SK.CASE_STUDY,
        "Investigating a cross-border case",
        "跨境拐卖案件的侦查",
        "hall",
        ("huang", "bonneau"),
        ("prosecution",),
    ),
    *_group_sessions(
        4,
        "pm2",
        PM2,
        "Group work: cooperation between departments",
        "小组活动：部门间合作",
        ("prevention", "protection", "prosecution"),
        [("A", "room1", "liang"), ("B", "room2", "mi"), ("C", "room3", "tong")],
    ),
    SessionData(
        "all",
        5,
        (8, 30),
        (17, 0),
        SK.FIELD_VISIT,
        "Field visit: community prevention work in Lijiang",
        "实地考察：丽江社区预防工作",
        "",
        ("tong",),
        ("prevention", "protection"),
        description=(
            "A day with a township's women's federation and police station: how villages "
            "warn young people who leave to find work, and how returned victims are received."
        ),
    ),
    SessionData(
        "am1",
        6,
        *AM1,
        SK.GROUP_WORK,
        "Groups report: provincial plans of action",
        "小组汇报：各省行动计划",
        "hall",
        ("mi", "bonneau"),
        ALL_TOPICS,
    ),
    SessionData(
        "am2",
        6,
        *AM2,
        SK.DISCUSSION,
        "The way forward: cooperation from the grassroots to national level",
        "下一步：从基层到国家层面的合作",
        "hall",
        ("huang", "liang"),
        ALL_TOPICS,
    ),
    SessionData(
        "pm1",
        6,
        (14, 30),
        (15, 30),
        SK.CEREMONY,
        "Evaluation and closing ceremony",
        "评估与闭幕式",
        "hall",
        description="The knowledge test and the evaluation, then the closing speeches.",
    ),
]
OPENING_UID = SESSIONS[0].uid
CLOSING_UID = SESSIONS[-1].uid

# How many people each attending body sent; 62 nominations for 60 seats.
DELEGATION_SIZES = {
    "nwccw": 4,
    "mps": 6,
    "mfa": 3,
    "cccmps": 3,
    "cyl": 3,
    "uniap_china": 2,
    "iom_china": 2,
    "yunnan": 9,
    "guangxi": 6,
    "guangdong": 6,
    "sichuan": 6,
    "shanxi": 6,
    "jilin": 6,
}
POSITIONS = {
    Level.NATIONAL: [
        "Division Director",
        "Deputy Division Director",
        "Principal Staff Member",
        "Senior Staff Member",
        "Staff Member",
    ],
    Level.PROVINCIAL: [
        "Deputy Director-General",
        "Division Director, Criminal Investigation",
        "Deputy Division Director",
        "Officer, Anti-Trafficking Office",
        "Police Officer",
        "Principal Staff Member",
    ],
    "international": ["National Programme Officer", "Project Officer", "Programme Assistant"],
}

SURNAMES = [
    ("Wang", "王"), ("Li", "李"), ("Zhang", "张"), ("Liu", "刘"), ("Chen", "陈"),
    ("Yang", "杨"), ("Zhao", "赵"), ("Huang", "黄"), ("Zhou", "周"), ("Wu", "吴"),
    ("Xu", "徐"), ("Sun", "孙"), ("Hu", "胡"), ("Zhu", "朱"), ("Gao", "高"),
    ("Lin", "林"), ("He", "何"), ("Guo", "郭"), ("Ma", "马"), ("Luo", "罗"),
    ("Song", "宋"), ("Zheng", "郑"), ("Xie", "谢"), ("Han", "韩"), ("Tang", "唐"),
    ("Feng", "冯"), ("Dong", "董"), ("Xiao", "肖"), ("Cao", "曹"), ("Deng", "邓"),
    ("Peng", "彭"), ("Duan", "段"), ("Yin", "尹"), ("Bai", "白"), ("Shi", "石"),
]  # fmt: skip
GIVEN = {
    Registration.Gender.FEMALE: [
        ("li", "丽"), ("mei", "梅"), ("hong", "红"), ("xia", "霞"), ("yan", "燕"),
        ("fang", "芳"), ("ling", "玲"), ("jing", "静"), ("hui", "慧"), ("juan", "娟"),
        ("ying", "英"), ("lan", "兰"), ("ping", "萍"), ("qin", "琴"), ("xiu", "秀"),
        ("yun", "云"), ("min", "敏"), ("yu", "玉"), ("hua", "华"), ("xue", "雪"),
        ("dan", "丹"), ("qing", "青"), ("li", "莉"), ("na", "娜"),
    ],
    Registration.Gender.MALE: [
        ("wei", "伟"), ("qiang", "强"), ("jun", "军"), ("yong", "勇"), ("jie", "杰"),
        ("tao", "涛"), ("ming", "明"), ("chao", "超"), ("hui", "辉"), ("gang", "刚"),
        ("ping", "平"), ("jian", "建"), ("guo", "国"), ("dong", "东"), ("bin", "斌"),
        ("feng", "峰"), ("hai", "海"), ("bo", "波"), ("peng", "鹏"), ("zhi", "志"),
        ("wen", "文"), ("long", "龙"), ("lin", "林"), ("hua", "华"),
    ],
}  # fmt: skip

# (role, username, password, superuser, the password hashed once with a fixed salt). The
# hashes let a load store the same value every time and cost no hashing (~0.4 s each by
# design); the passwords are printed for anyone to use, so their hashes hide nothing. The
# site's password rules accept them, as the admin's form would (not "admin2007" for
# "admin": too like the username).
LOGINS = (
    (
        "organiser",
        "organiser",
        "lijiang2007",
        False,
        "pbkdf2_sha256$1000000$LijiangDemoOrganiser07$FBjq4fQgVUG3iU8SH1mV8CTd+phWQvLMVQxGbqwzVy4=",
    ),
    (
        "administrator",
        "admin",
        "yunnan2007",
        True,
        "pbkdf2_sha256$1000000$LijiangDemoAdminist007$01U326k0Gv0hDQGapIAX8kcmsvhfRDaS5uMRa18ASBk=",
    ),
    (
        "funder",
        "funder",
        "uniap2007",
        False,
        "pbkdf2_sha256$1000000$LijiangDemoFunderUNIAP$Crm3ofcMRNFFEykiS4lpDvKCHiItPihw3jKj6+IynZ0=",
    ),
)

QK = Question.Kind
EVALUATION = {
    "title": "Workshop evaluation",
    "title_local": "培训评估表",
    "introduction": (
        "Your answers are anonymous: they are kept with no link to your name. Please tell us "
        "what worked and what should change."
    ),
    "opens_at": at(31, 12),
    "closes_at": datetime(2007, 9, 7, 18, 0, tzinfo=TZ),
}
# (kind, English, Chinese, trainer key); each rating question's answers are drawn from its
# weights for 1 to 5. The summary: participants "thoroughly approved of the training methods".
EVALUATION_QUESTIONS = [
    (
        QK.RATING,
        "Overall, how useful was the workshop for your work?",
        "总体而言，本次培训对您的工作有多大帮助？",
        "",
        (0, 0, 2, 9, 9),
    ),
    (
        QK.RATING,
        "How well did the workshop improve your capabilities in anti-trafficking work?",
        "本次培训在多大程度上提高了您的反拐工作能力？",
        "",
        (0, 1, 3, 10, 6),
    ),
    (
        QK.RATING,
        "How appropriate were the training methods (lectures, discussions, case studies, "
        "group work and the field visit)?",
        "培训方法（讲座、讨论、案例分析、小组活动和实地考察）是否合适？",
        "",
        (0, 0, 1, 6, 13),
    ),
    *(
        (
            QK.RATING,
            f"How clear and useful were the sessions given by {trainer.name}?",
            f"{trainer.name_local or trainer.name}的授课是否清楚、有用？",
            key,
            weights,
        )
        for (key, trainer), weights in zip(
            TRAINERS.items(),
            [(0, 0, 2, 8, 10), (0, 0, 2, 7, 11), (0, 1, 3, 9, 7), (0, 0, 3, 9, 8), (0, 1, 3, 8, 8)],
            strict=True,
        )
    ),
    (
        QK.CHOICE,
        "Which topic was the most useful for your work?",
        "哪个专题对您的工作最有帮助？",
        "",
        (5, 4, 6, 5),  # weights of the topics, in TOPICS order
    ),
    (
        QK.RATING,
        "How well was the workshop organised (venue, materials, timetable)?",
        "培训的组织工作（场地、材料、日程安排）如何？",
        "",
        (0, 1, 4, 9, 6),
    ),
    (
        QK.TEXT,
        "What do you suggest for the content of future training?",
        "对今后的培训内容有何建议？",
        "",
        (),
    ),
]
SUGGESTIONS = [
    (
        "More case studies from the provinces, especially cross-border cases.",
        "增加来自各省的案例，特别是跨境案例。",
    ),
    (
        "Invite judges and prosecutors, so that police and courts understand each other's needs.",
        "邀请法官和检察官参加，使公安和法院相互了解工作需要。",
    ),
    ("More time for group discussion and fewer lectures.", "多安排小组讨论时间，少一些讲座。"),
    (
        "Send the training materials in Chinese before the workshop.",
        "请在培训前提供中文培训材料。",
    ),
    (
        "Hold similar training for grassroots police in the border counties.",
        "为边境县的基层民警举办类似培训。",
    ),
    (
        "Cover the return and reintegration of victims in more depth.",
        "更深入地讲解受害者的遣返和重新融入社会。",
    ),
    (
        "Explain how the international definition of trafficking can be applied in our courts.",
        "讲解国际拐卖定义如何在我国法院适用。",
    ),
    (
        "Include the labour and civil affairs departments next time.",
        "下次请劳动和民政部门也参加。",
    ),
    (
        "More exchange with colleagues from the other Mekong countries.",
        "加强与湄公河其他国家同行的交流。",
    ),
    (
        "A follow-up training in a year, to share what the provinces have done.",
        "一年后举办后续培训，交流各省的工作进展。",
    ),
]

TESTS = {
    Questionnaire.Kind.PRE_TEST: {
        "title": "Knowledge test before the workshop",
        "title_local": "培训前知识测试",
        "introduction": "Eight questions on what the workshop will cover. Tick one answer each.",
        "opens_at": at(26, 8),
        "closes_at": at(26, 10),
    },
    Questionnaire.Kind.POST_TEST: {
        "title": "Knowledge test after the workshop",
        "title_local": "培训后知识测试",
        "introduction": "The same eight questions, to measure what the workshop taught.",
        "opens_at": at(31, 13),
        "closes_at": at(31, 17),
    },
}
# (English, Chinese, [(choice, choice in Chinese)], index of the correct choice)
TEST_QUESTIONS = [
    (
        "Which international instrument holds the internationally agreed definition of "
        "trafficking in persons?",
        "国际公认的拐卖人口定义载于哪项国际文书？",
        [
            (
                "The Protocol to Prevent, Suppress and Punish Trafficking in Persons, Especially "
                "Women and Children (2000)",
                "《关于预防、禁止和惩治贩运人口特别是妇女和儿童行为的补充议定书》（2000年）",
            ),
            (
                "The Convention on the Elimination of All Forms of Discrimination against Women",
                "《消除对妇女一切形式歧视公约》",
            ),
            ("The Universal Declaration of Human Rights", "《世界人权宣言》"),
        ],
        0,
    ),
    (
        "In the international definition, which three elements make up trafficking in adults?",
        "根据国际定义，拐卖成年人由哪三个要素构成？",
        [
            ("Crossing a border, a payment and forced labour", "跨越国境、金钱交易和强迫劳动"),
            ("An act, a means and a purpose of exploitation", "行为、手段和剥削目的"),
            ("Deception, a broker and a fee", "欺骗、中介和费用"),
        ],
        1,
    ),
    (
        "When the victim is a child, which element of the international definition need not "
        "be shown?",
        "受害者为儿童时，国际定义中的哪个要素无需证明？",
        [
            (
                "The act (recruitment, transport, harbouring or receipt)",
                "行为（招募、运送、窝藏或接收）",
            ),
            (
                "The means (such as force, deception or abuse of power)",
                "手段（如暴力、欺骗或滥用权力）",
            ),
            ("The purpose of exploitation", "剥削目的"),
        ],
        1,
    ),
    (
        "In 2007, whom did the crime of abducting and trafficking in Article 240 of China's "
        "Criminal Law protect?",
        "2007年，中国《刑法》第二百四十条规定的拐卖犯罪保护的对象是谁？",
        [
            ("Women and children", "妇女、儿童"),
            ("Any person", "任何人"),
            ("Children only", "仅限儿童"),
        ],
        0,
    ),
    (
        "Which six countries signed the COMMIT Memorandum of Understanding in 2004?",
        "哪六个国家于2004年签署了湄公河次区域反拐合作谅解备忘录？",
        [
            (
                "China, India, Japan, Mongolia, the Republic of Korea and Russia",
                "中国、印度、日本、蒙古、韩国和俄罗斯",
            ),
            (
                "Cambodia, China, Indonesia, Malaysia, the Philippines and Thailand",
                "柬埔寨、中国、印度尼西亚、马来西亚、菲律宾和泰国",
            ),
            (
                "Cambodia, China, Lao PDR, Myanmar, Thailand and Viet Nam",
                "柬埔寨、中国、老挝、缅甸、泰国和越南",
            ),
        ],
        2,
    ),
    (
        "A woman entered China illegally because she was trafficked across the border. How "
        "should she be treated?",
        "一名妇女因被拐卖而非法入境中国，应如何对待她？",
        [
            ("Detained and fined for illegal entry", "以非法入境为由拘留并罚款"),
            (
                "As a victim, not punished for an illegal entry caused by her being trafficked",
                "作为受害者对待，不因被拐卖导致的非法入境而受处罚",
            ),
            ("Sent back at once, without an interview", "不经询问立即遣返"),
        ],
        1,
    ),
    (
        "Which of these is a measure of prevention?",
        "下列哪一项属于预防措施？",
        [
            (
                "Telling people who plan to migrate about safe ways to do so and the risks of "
                "trafficking",
                "向准备外出务工的人宣传安全流动的途径和被拐卖的风险",
            ),
            ("Holding victims in detention until the trial", "在审判前拘留受害者"),
            ("Raising the penalties for crossing the border illegally", "加重对非法越境的处罚"),
        ],
        0,
    ),
    (
        "What does legal assistance for a victim of trafficking include?",
        "对拐卖受害者的法律援助包括哪些内容？",
        [
            ("Only a lawyer at the trafficker's trial", "仅在审判人贩子时提供律师"),
            ("Paying for her journey home", "支付其回家路费"),
            (
                "Information on her rights, help to claim compensation, and representation in "
                "proceedings",
                "告知其权利、帮助其要求赔偿、在诉讼中代理",
            ),
        ],
        2,
    ),
]

SAMPLE_PARTS = (
    "the venue and its rooms",
    "the six-day timetable",
    "the 62 participants (is_sample) and their registrations",
    "attendance",
    "the evaluation and the knowledge tests, and their answers",
    "the provincial departments' names (the summary names only the provinces)",
    "UNIAP China Office as funder (the summary names no funder)",
    "the user accounts",
)


# The next edition: the same workshop again, a few weeks from the day the demo is loaded, so
# that a newcomer can register for something. Its dates are chosen once and kept while they
# are still ahead, so running load_demo again changes nothing.
NEXT_SLUG = "lijiang-next-edition"
NEXT_WEEKS_AHEAD = 4
# A next edition starting sooner than this is moved to NEXT_WEEKS_AHEAD from today.
NEXT_MIN_DAYS_AHEAD = 7
NEXT_CAPACITY = 24
NEXT_CONFIRMED = 21  # three seats left
NEXT_PENDING = 1  # one registration awaiting the organisers' approval
NEXT_SAMPLE_NOTE = "Sample data: the next edition is made up, so that registering can be tried."
