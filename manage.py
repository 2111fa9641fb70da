#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    if sys.argv[1:2] == ["demo"]:
        # The demo runs on the built-in sandbox over plain http://127.0.0.1;
        # settings read these at import.
        os.environ.setdefault("PORTAL_SANDBOX", "1")
        os.environ.setdefault("SECURE_COOKIES", "0")
    elif sys.argv[1:2] in (["sandbox"], ["sandbox_agent"]):
        # The sandbox's own commands exist where it is installed, i.e. with PORTAL_SANDBOX
        # (e.g. the sandbox over HTTP beside a portal that has it off: .ci/prod-install).
        os.environ.setdefault("PORTAL_SANDBOX", "1")
    from django.core.management import execute_from_command_line

    from portal import local_state

    local_state.prepare()  # var/ and a generated SECRET_KEY, before settings read them
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
