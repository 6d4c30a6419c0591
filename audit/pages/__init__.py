"""The organisers' history pages. Unlike the rest of ``audit`` (left of every domain app,
which call it), these pages look up workshops and registrations, so they sit right of the
domain apps (tests/test_layers.py)."""
