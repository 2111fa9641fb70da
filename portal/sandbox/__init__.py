"""A faithful stand-in for the Tixallo helpdesk REST API, for the demo, development and tests.

It imports nothing of the portal's: a real install never has it. The core modules use only the
standard library and httpx; `apps`, `inprocess` and the management commands are the only
Django-aware parts. Installed only when PORTAL_SANDBOX is on, next to portal/demo, the portal's
one wiring point to it; `manage.py sandbox` serves it over HTTP to a portal that has it off.
"""
