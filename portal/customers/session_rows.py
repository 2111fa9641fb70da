"""Sessions in the database (without Redis) read by one plain query: a speed trick.

Django's `db` backend reads a session through the ORM (`Session.objects.get(...)`),
which builds and compiles the query anew on every request: about 240 µs of a signed-in
poll's CPU on SQLite, where the query itself takes 18 µs (bench, one box: an unchanged
poll of My requests went from 0.55× to 0.65× the hello view, README Performance). The
same row, the same expiry check and the same answer for a missing or expired session;
writes are Django's.
SESSION_ENGINE names this module only without REDIS_URL (with Redis, `cached_db` reads
the cache and falls back to the database rarely)."""

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Session | None:
        connection = connections[router.db_for_read(self.model)]
        table = connection.ops.quote_name(self.model._meta.db_table)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s",  # noqa: S608 - the table's own name
                [self.session_key, now],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django's: a new session, a new key
            return None
        return self.model(session_key=self.session_key, session_data=row[0])
