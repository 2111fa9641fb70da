"""A faithful stand-in for the Tixallo helpdesk REST API, for development and tests.

The core modules use only the standard library and httpx; `apps`, `inprocess` and the management
commands are the only Django-aware parts.
"""
