"""Tixallo Portal. Packages, from the pages down to HTTP (tests/test_architecture.py
keeps the arrows one way): tickets and embed (pages) → customers, outbox → mirror →
tixallo; webhooks → outbox, mirror; ops reads them all; config and telemetry beside
them; demo wires in the sandbox. The top-level modules are the wiring: settings
(the environment, read once), urls, wsgi/asgi, local_state."""
