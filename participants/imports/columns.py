"""What a nominations file holds: its columns, the spellings accepted for headers and
values, and the limits on its size."""

import re
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy

from participants.models import Registration

MAX_BYTES = 2 * 1024 * 1024
# Every row goes through register_participant and its e-mail inside the request: about
# 10-25 ms a row on PostgreSQL, so 500 rows stay well inside a worker's 30 s timeout.
# The rows to confirm also wait in the session, which this keeps small.
MAX_ROWS = 500


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, for the organiser."""


@dataclass(frozen=True)
class ImportColumn:
    key: str
    header: str  # as written in the template; matched ignoring case, spaces and _ -
    label: Any  # lazy translation, for the page
    help: Any
    required: bool = False
    max_length: int | None = None
    aliases: tuple[str, ...] = ()


COLUMNS = (
    ImportColumn(
        "name",
        "Name",
        gettext_lazy("Name"),
        gettext_lazy("Full name in English or Latin script (pinyin). Required."),
        required=True,
        max_length=255,
        aliases=("full name", "name (english)", "english name", "name in english", "英文名"),
    ),
    ImportColumn(
        "name_local",
        "Local name",
        gettext_lazy("Local name"),
        gettext_lazy("Name in the local script, for example in Chinese characters."),
        max_length=255,
        aliases=(
            "name local",
            "name (local script)",
            "name (local)",
            "local script name",
            "chinese name",
            "姓名（本地文字）",  # noqa: RUF001
            "中文名",
            "中文姓名",
        ),
    ),
    ImportColumn(
        "gender",
        "Gender",
        gettext_lazy("Gender"),
        gettext_lazy(
            "female, male, other or prefer not to say; also F, M, 女, 男. Empty means "
            "prefer not to say."
        ),
        aliases=("sex", "性别"),
    ),
    ImportColumn(
        "agency",
        "Agency",
        gettext_lazy("Agency"),
        gettext_lazy(
            "The agency's name, local name or acronym, as listed under Agencies. Empty: the "
            "nominating agency chosen on the form, for people new to the system."
        ),
        aliases=(
            "organisation",
            "organization",
            "department",
            "ministry",
            "unit",
            "单位",
            "工作单位",
            "机构",
        ),
    ),
    ImportColumn(
        "position",
        "Position",
        gettext_lazy("Position"),
        gettext_lazy("Job title or function."),
        max_length=255,
        aliases=("job title", "title", "function", "职务", "职位"),
    ),
    ImportColumn(
        "region",
        "Region",
        gettext_lazy("Region"),
        gettext_lazy("Province, state or region."),
        max_length=120,
        aliases=("province", "state", "地区", "省份"),
    ),
    ImportColumn(
        "email",
        "Email",
        gettext_lazy("E-mail"),
        gettext_lazy("Required: it tells people apart and carries their personal link."),
        required=True,
        max_length=254,
        aliases=("e mail", "email address", "e mail address", "mail", "电子邮件", "邮箱"),
    ),
    ImportColumn(
        "phone",
        "Phone",
        gettext_lazy("Phone"),
        gettext_lazy("Telephone or mobile number."),
        max_length=40,
        aliases=("telephone", "mobile", "phone number", "tel", "电话", "手机"),
    ),
    ImportColumn(
        "preferred_language",
        "Language",
        gettext_lazy("Language"),
        gettext_lazy(
            "en (English) or zh (Simplified Chinese), for e-mails and pages. Empty: the "
            "workshop's main language for people new to the system."
        ),
        aliases=("preferred language", "语言"),
    ),
)
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
TEMPLATE_HEADERS = [column.header for column in COLUMNS]

_SEPARATORS = re.compile(r"[\s_\-]+")


def normalise(text: str) -> str:
    return _SEPARATORS.sub(" ", str(text).strip().strip("*:\uff1a").strip()).casefold()


def _header_index() -> dict[str, str]:
    index = {}
    for column in COLUMNS:
        for spelling in (column.key, column.header, *column.aliases):
            index[normalise(spelling)] = column.key
    return index


HEADER_KEYS = _header_index()
# 姓名 ("name") heads the English-script name in our own export in Chinese, beside the
# local-script column; in a file that has another name column, it is the name in Chinese.
AMBIGUOUS_NAME = normalise("姓名")

GENDER_WORDS = {
    Registration.Gender.FEMALE: ("female", "f", "woman", "w", "女", "女性"),
    Registration.Gender.MALE: ("male", "m", "man", "男", "男性"),
    Registration.Gender.OTHER: ("other", "another gender", "其他", "其它"),
    Registration.Gender.UNDISCLOSED: (
        "",
        "undisclosed",
        "prefer not to say",
        "not stated",
        "不愿透露",
        "未说明",
    ),
}
LANGUAGE_WORDS = {
    "en": ("en", "english", "英文", "英语"),
    "zh-hans": (
        "zh",
        "zh hans",
        "zh cn",
        "chinese",
        "simplified chinese",
        "中文",
        "汉语",
        "简体中文",
    ),
}


def synonyms(words: dict, choices) -> dict[str, str]:
    """Lower-cased spellings, plus each choice's label in every language we speak."""
    table = {normalise(word): value for value, spellings in words.items() for word in spellings}
    for code in ("en", "zh-hans"):
        with translation.override(code):
            for value, label in choices:
                table.setdefault(normalise(str(label)), value)
    return table
