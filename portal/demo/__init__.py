"""The demo: the portal wired to the built-in Tixallo sandbox (`manage.py demo`, the tests).

Installed, with portal.sandbox, only when PORTAL_SANDBOX is on (settings.INSTALLED_APPS), and
the one package of the portal that imports the sandbox: it hands the API client the sandbox's
in-process transport (apps.py), mounts the sandbox's console and demo inbox at /sandbox/
(urls.py), copies emails into that inbox (console_mail.py) and runs the demo (`demo`).
It may import the sandbox, and the portal packages the demo drives (tixallo, outbox with its
console mail backend, config); nothing of the portal imports it.
"""
