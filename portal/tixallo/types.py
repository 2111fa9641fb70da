"""Tixallo's vocabulary, the one part of `tixallo` the pages use: what Tixallo answers
(tickets, messages, customers), what the portal sends it (`NewTicket`, `Reply`, their
field limits, idempotency keys) and the webhook `Event` it delivers.

Answers are parsed tolerantly: unknown fields are ignored, unknown status and priority
values are kept as they are, and a missing conversation is an empty one. Only a ticket
without an id is unusable: `from_api` raises `BadResponse` for it.
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Self

from .errors import BadResponse

STATUSES = ("new", "open", "pending", "on_hold", "solved", "closed")
PRIORITIES = ("low", "medium", "high", "urgent")


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _time(data: Mapping[str, Any], key: str) -> datetime | None:
    value = data.get(key)
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _int(data: Mapping[str, Any], key: str) -> int | None:
    value = data.get(key)
    if isinstance(value, bool):
        return None
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def short_text(value: object, limit: int = 255) -> str:
    """An id (or a status) from Tixallo's JSON, such as a webhook event, as a database
    stores it: JSON may carry lone surrogates ("\\ud800") and NUL, which neither UTF-8
    nor PostgreSQL's text takes, and more than its column holds, so those are no value
    at all."""
    if not isinstance(value, str) or not 0 < len(value) <= limit or "\x00" in value:
        return ""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return ""
    return value


def _require_mapping(data: object, what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping) or not _text(data, "id"):
        raise BadResponse(f"Tixallo sent a {what} without an id")
    return data


@dataclass(frozen=True, slots=True)
class Customer:
    id: str
    email: str
    name: str

    @classmethod
    def from_api(cls, data: object) -> Self | None:
        if not isinstance(data, Mapping):
            return None
        return cls(id=_text(data, "id"), email=_text(data, "email"), name=_text(data, "name"))


@dataclass(frozen=True, slots=True)
class Message:
    id: str
    ticket_id: str
    author_type: str
    author_name: str
    body: str
    public: bool
    created_at: datetime | None

    @property
    def from_customer(self) -> bool:
        return self.author_type == "customer"

    @classmethod
    def from_api(cls, data: object) -> Self:
        data = _require_mapping(data, "message")
        return cls(
            id=_text(data, "id"),
            ticket_id=_text(data, "ticket_id"),
            author_type=_text(data, "author_type"),
            author_name=_text(data, "author_name"),
            body=_text(data, "body"),
            # Anything but an explicit true is treated as internal: never show by mistake.
            public=data.get("public") is True,
            created_at=_time(data, "created_at"),
        )


@dataclass(frozen=True, slots=True)
class Ticket:
    id: str
    ticket_number: int | None
    subject: str
    status: str
    priority: str
    source: str
    created_at: datetime | None
    updated_at: datetime | None
    customer_id: str
    description: str = ""
    customer: Customer | None = None
    messages: tuple[Message, ...] = field(default=())

    @property
    def public_messages(self) -> tuple[Message, ...]:
        return tuple(m for m in self.messages if m.public)

    @property
    def customer_email(self) -> str:
        """The email of the customer it belongs to, as Tixallo spells it ("" if none)."""
        return self.customer.email if self.customer else ""

    @property
    def public_updated_at(self) -> datetime | None:
        """When something the customer sees last changed. An internal note moves Tixallo's
        `updated_at` too; when the newest change is a note, the time before it counts."""
        notes = [m.created_at for m in self.messages if not m.public and m.created_at]
        if not notes or self.updated_at is None or max(notes) < self.updated_at:
            return self.updated_at
        seen = [m.created_at for m in self.public_messages if m.created_at]
        return max([t for t in (self.created_at, *seen) if t], default=self.updated_at)

    @classmethod
    def from_api(cls, data: object) -> Self:
        data = _require_mapping(data, "ticket")
        raw_messages = data.get("messages")
        messages = raw_messages if isinstance(raw_messages, list) else []
        return cls(
            id=_text(data, "id"),
            ticket_number=_int(data, "ticket_number"),
            subject=_text(data, "subject"),
            status=_text(data, "status"),
            priority=_text(data, "priority"),
            source=_text(data, "source"),
            created_at=_time(data, "created_at"),
            updated_at=_time(data, "updated_at"),
            customer_id=_text(data, "customer_id"),
            description=_text(data, "description"),
            customer=Customer.from_api(data.get("customer")),
            messages=tuple(Message.from_api(m) for m in messages if isinstance(m, Mapping)),
        )


@dataclass(frozen=True, slots=True)
class TicketPage:
    tickets: tuple[Ticket, ...]
    next_cursor: str | None


# --- what the portal sends ------------------------------------------------------

# ASSUMPTION (part B): field limits Tixallo accepts; the portal's forms use the same.
SUBJECT_MAX = 200
DESCRIPTION_MAX = 20000
NAME_MAX = 100
EMAIL_MAX = 254


def new_idempotency_key() -> str:
    """A fresh key for one action (a form shown): Tixallo does it once however often
    the same key is sent."""
    return uuid.uuid4().hex


@dataclass(frozen=True, slots=True)
class NewTicket:
    """A customer's new request, from the submit form to `client.create_ticket`. The
    outbox keeps it as JSON (`to_json`) until Tixallo has it."""

    subject: str
    description: str
    customer_email: str
    customer_name: str = ""
    priority: str = ""  # "": Tixallo's default

    def to_json(self) -> dict[str, str]:
        return {
            "subject": self.subject,
            "description": self.description,
            "customer_email": self.customer_email,
            "customer_name": self.customer_name,
            "priority": self.priority,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """Rows saved before this record have the same keys (they were the keyword
        arguments of `create_ticket`); a missing or empty (null) one reads as ""."""
        return cls(
            subject=_text(data, "subject"),
            description=_text(data, "description"),
            customer_email=_text(data, "customer_email"),
            customer_name=_text(data, "customer_name"),
            priority=_text(data, "priority"),
        )


@dataclass(frozen=True, slots=True)
class Reply:
    """A customer's message on their ticket, from its reply box (or a rating) to
    `client.add_message`."""

    ticket_id: str
    body: str
    customer_email: str
    # A rating's: Tixallo reopens a solved ticket it is written to; the outbox marks it
    # solved again once the message is in.
    keep_solved: bool = False

    def to_json(self) -> dict[str, str | bool]:
        """Without the ticket id: the outbox row keeps it in a column of its own."""
        data: dict[str, str | bool] = {"body": self.body, "customer_email": self.customer_email}
        if self.keep_solved:
            data["keep_solved"] = True  # looked up by `outbox.agent_answers`
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any], ticket_id: str) -> Self:
        return cls(
            ticket_id=ticket_id,
            body=_text(data, "body"),
            customer_email=_text(data, "customer_email"),
            keep_solved=bool(data.get("keep_solved")),
        )


# --- what Tixallo's webhooks deliver ----------------------------------------------


@dataclass(frozen=True, slots=True)
class Event:
    """One signed delivery, read once (`portal.webhooks.events.parse`) and handed on as it
    is: to the mirror (what changed) and to `portal.outbox.agent_answers` (an email?)."""

    id: str
    type: str
    ticket_id: str
    changed_at: datetime | None  # the ticket's updated_at as of this event, if it says
    public: bool  # False for an agent's internal note (`public: false`)
    customer_id: str = ""  # a ticket event's; a message event names only the ticket
    customer_email: str = ""  # when the ticket in the event carries its customer
    created_at: datetime | None = None  # when Tixallo made the event (for the lag metric)
    message_id: str = ""  # message.created: the message's id (a number read as text)
    from_agent: bool = False  # message.created: an agent wrote it
    status: str = ""  # ticket.*: the ticket's status
    updated_at: str = ""  # ticket.*: its updated_at as Tixallo wrote it
