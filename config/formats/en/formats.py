"""English dates as the site writes them everywhere: Monday 15 March 2027, 09:00.

One style for every page, e-mail and export (templates name these formats, never a pattern
of their own); 24-hour times, since workshops are international.
"""

DATE_FORMAT = "l j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "l j F Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1  # Monday
