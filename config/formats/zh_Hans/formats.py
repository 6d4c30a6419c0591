"""Chinese dates as Chinese writes them: 2027年3月15日 星期一, 09:00.

Django's own zh_Hans formats spell the month as a word (三月), which the site's templates
used to put in English order ("15 三月 2027"); these use numbers, year first.
"""

DATE_FORMAT = "Y年n月j日 l"
SHORT_DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 l H:i"
SHORT_DATETIME_FORMAT = "Y年n月j日 H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "n月j日"
YEAR_MONTH_FORMAT = "Y年n月"
FIRST_DAY_OF_WEEK = 1  # Monday
