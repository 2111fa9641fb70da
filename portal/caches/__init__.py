"""The cache backends settings.CACHES names: Django's Redis cache, made to answer
"missing" while Redis is down (`redis`), and the per-process memory (`local`). A module
each: only a portal with REDIS_URL pays for importing redis-py. Imports nothing of the
portal."""
