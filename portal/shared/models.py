from django.db import models


class Entry(models.Model):
    """One key of the shared store (`store`), when there is no Redis: a counter
    (`number`), or a pickled value, with an optional expiry (unix time)."""

    key = models.CharField(max_length=200, primary_key=True)
    number = models.BigIntegerField(null=True)
    value = models.BinaryField(null=True)
    expires_at = models.FloatField(null=True, db_index=True)

    def __str__(self) -> str:
        return self.key
