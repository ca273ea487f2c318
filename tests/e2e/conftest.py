"""The browser fixtures live in tests/browser.py (shared with other packages' browser tests)."""
