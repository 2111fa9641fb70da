"""The Tixallo API client. Pages import from here; this package imports no page."""
