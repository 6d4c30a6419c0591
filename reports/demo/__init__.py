"""The Lijiang workshop of August 2007, loaded as demonstration data.

Two kinds of data, kept apart: ``reference`` holds what the published summary
(``shared/reference/lijiang-workshop-2007.txt``) says; ``sample`` and ``plan`` what it does
not say, generated deterministically and reported as sample data (participants carry
``is_sample``). ``loader`` writes both, idempotently, in one transaction;
``python manage.py load_demo`` calls it.
"""

from reports.demo.loader import DemoSummary, Login, load_demo
from reports.demo.plan import build_plan

__all__ = ["DemoSummary", "Login", "build_plan", "load_demo"]
