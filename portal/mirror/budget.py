"""Placeholder for issue 8's request budget (its branch's module replaces this one).

The shape is the interface the health page and /metrics read."""


def usage() -> dict[str, float | int | None]:
    return {
        "used_last_minute": 0,
        "used_last_hour": 0,
        "limit_per_minute": 0,
        "paused_until": None,
    }
