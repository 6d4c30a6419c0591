"""Benchmarks, run by ``make bench`` (``python -m bench [name ...]``).

Each module here other than those starting with ``_`` has a ``main()`` that measures one
feature and prints, through ``report``, each figure next to the baseline it names and their
ratio. Benchmarks run on a scratch database of their own, never the development one.
"""
