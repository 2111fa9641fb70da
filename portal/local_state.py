"""The files a portal run without SECRET_KEY or DATABASE_URL (the demo, development) keeps in
var/: a SECRET_KEY generated once, and its SQLite database.

The entry points call `prepare()` before Django reads the settings: manage.py (every command,
the demo and the outbox worker included), portal/wsgi.py and portal/asgi.py (gunicorn), and
tests/settings.py for the suite. So importing settings writes nothing; it only reads the key
(`read_secret_key`). It sits beside settings.py, not in an app, because it runs before Django
is set up, and it imports nothing but the standard library and Django's exception.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

VAR = Path(__file__).resolve().parent.parent / "var"
SECRET_KEY_FILE = VAR / "secret_key"


def prepare() -> None:
    """var/ for the SQLite database when there is no DATABASE_URL, and a key in
    var/secret_key when there is no SECRET_KEY (the same variables settings.py reads)."""
    if not os.environ.get("SECRET_KEY"):
        ensure_secret_key(SECRET_KEY_FILE)
    elif not os.environ.get("DATABASE_URL"):
        VAR.mkdir(exist_ok=True)


def ensure_secret_key(path: Path) -> str:
    """The key kept in `path`, made first if missing, so a local portal's sessions, links and
    encrypted settings survive restarts.

    Workers starting together must all end up with the same key: each writes a complete
    candidate to its own owner-only temporary file, then hard-links it to the final name,
    which succeeds for exactly one of them; the others read the winner's key."""
    path.parent.mkdir(exist_ok=True)
    if not path.exists():
        candidate = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}")
        fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as file:
                file.write(os.urandom(32).hex())
            os.link(candidate, path)
        except FileExistsError:
            pass  # another process won the race: use its key
        finally:
            candidate.unlink(missing_ok=True)
    return read_secret_key(path)


def read_secret_key(path: Path = SECRET_KEY_FILE) -> str:
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        raise ImproperlyConfigured(
            f"SECRET_KEY is not set and {path} does not exist yet: set SECRET_KEY, or start "
            "the portal through manage.py or portal.wsgi, which generate a local one there."
        ) from None
