"""The integrations' pages: a user's API tokens, an organiser's webhooks. Unlike the rest of
``integrations`` (left of every domain app, which call it), these pages read the events app's
organisers, so they sit right of the domain apps (tests/test_layers.py)."""
