"""What can go wrong talking to Tixallo, sorted by what the caller should do.

- retry later: `RateLimited`, `Unavailable` (and `BadResponse`), `retry_later` is True;
- permanent until an admin acts: `AuthFailed`, `Misconfigured`;
- the user's input: `Invalid` (per-field messages), `NotFound`.

Messages are written for logs and admins; they never contain the API key.
"""


class TixalloError(Exception):
    retry_later = False

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, status={self.status!r})"


class Misconfigured(TixalloError):
    """The portal's own settings are unusable (no key, an http:// base URL)."""


class AuthFailed(TixalloError):
    """401/403: the API key is wrong, revoked or missing."""


class NotFound(TixalloError):
    """404: no such ticket (or not visible with this key)."""


class Invalid(TixalloError):
    """400/422: Tixallo rejected the input; `fields` maps field name to problem."""

    def __init__(
        self,
        message: str,
        *,
        fields: dict[str, str] | None = None,
        status: int | None = None,
        type: str = "",  # the API's own name
        detail: str = "",
    ) -> None:
        super().__init__(message, status=status)
        self.detail = detail  # Tixallo's own sentence, fit to show the customer
        self.fields = fields or {}
        # Part B: e.g. "ticket_closed" when a reply to a closed ticket is refused.
        self.type = type


class RateLimited(TixalloError):
    """429: too many requests; `retry_after` seconds when Tixallo said so."""

    retry_later = True

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message, status=429)
        self.retry_after = retry_after


class Unavailable(TixalloError):
    """5xx, a timeout, a refused or dropped connection — after the retries."""

    retry_later = True


class CircuitOpen(Unavailable):
    """Not even tried: Tixallo failed repeatedly just now (the circuit breaker). Not
    retried within the call either, so pages answer at once from cache or the outbox."""

    retry_later = False


class BadResponse(Unavailable):
    """Tixallo answered with a body that is not the JSON we expect."""


class Throttled(RateLimited):
    """Not sent: the portal's own request budget (or a 429's pause, shared by every
    process) says wait. Not retried within the call: reads answer from the copy the
    portal has, writes wait in the outbox."""

    retry_later = False


class VisitorLimited(Throttled):
    """Not sent: this visitor has caused its share of Tixallo reads for now (fair use);
    `retry_after` is the real wait. Other visitors' reads are not affected."""
