"""A tiny agent console (server-rendered HTML) to answer tickets the portal created.

Every value from the store goes through `escape()`: ticket text is customer input. Links are
built from SCRIPT_NAME so the console works when mounted under a prefix such as `/sandbox`.
"""

from __future__ import annotations

from html import escape
from urllib.parse import urlsplit

from . import agents, tickets
from .faults import FaultConfigError, Faults
from .store import Store
from .wsgi import Request, Response, error_response, html_response, redirect

# Emails' <pre> wraps anywhere: a long private link breaks instead of running past its card.
STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}td,th{padding:.4rem;border-bottom:1px solid #ddd;
text-align:left}.msg{border:1px solid #ccc;border-radius:6px;padding:.6rem .8rem;margin:.6rem 0}
.agent{background:#eef5ff}.note{background:#fff6d5;border:2px dashed #c9a200}
.meta{color:#555;font-size:.85em}.flash{padding:.5rem;background:#e7f7e7}.error{background:#fde8e8}
pre{white-space:pre-wrap;overflow-wrap:anywhere;font:inherit;margin:.3rem 0 0}
textarea{width:100%;min-height:7rem}
"""
NOTICES = {
    "reply": ("flash", "Reply sent to the customer."),
    "note": ("flash", "Internal note added."),
    "status": ("flash", "Status changed."),
    "nothing": ("flash", "Nothing to do: write a message or pick a status."),
    "closed": ("flash error", "This ticket is closed and cannot change any more."),
    "faults": ("flash", "Faults changed: the portal's next calls to the API meet them."),
    "bad-faults": (
        "flash error",
        "Faults not changed: use a rate from 0 to 100 % and a latency from 0 to 60000 ms.",
    ),
}


def handle(store: Store, request: Request) -> Response:
    base = request.script_name + "/console"
    parts = request.path.removeprefix("/console").strip("/").split("/")
    if parts == [""] and request.method == "GET":
        return html_response(_ticket_list(store, base, request.query.get("done", [""])[0]))
    if parts == ["faults"] and request.method == "POST":
        return _set_faults(store, base, request)
    if len(parts) == 2 and parts[0] == "tickets" and parts[1].isdigit():
        if request.method == "GET":
            return _ticket_page(store, base, int(parts[1]), request.query.get("done", [""])[0])
        if request.method == "POST":
            return _act(store, base, int(parts[1]), request)
        return error_response(405, "method_not_allowed", "Method not allowed.")
    return html_response(page_html("Not found", "<p>No such page.</p>", base), status=404)


def page_html(title: str, content: str, base: str) -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}'
        f" · Tixallo sandbox</title><style>{STYLE}</style></head><body>"
        f'<p class="meta"><a href="{escape(base)}/">All tickets</a> · '
        f'<a href="{escape(base.removesuffix("/console"))}/inbox/">Demo inbox</a> · '
        "Tixallo sandbox console</p>"
        f"{content}</body></html>"
    )


def _notice(done: str) -> str:
    notice = NOTICES.get(done)
    return f'<p class="{notice[0]}" role="status">{escape(notice[1])}</p>' if notice else ""


def _fault_form(store: Store, base: str) -> str:
    """The demo's fault switches: what `PUT /_sandbox/faults` does, without curl."""
    faults = store.get_faults()
    down = faults.force_status == 503
    rate = round(faults.error_rate * 100)
    return (
        f'<h2>Faults</h2><form method="post" action="{escape(base)}/faults" class="faults">'
        f'<p><label><input type="checkbox" name="down" value="1"{" checked" if down else ""}>'
        " Tixallo down (every API call answers 503)</label></p>"
        '<p><label>Error rate <input type="number" name="error_rate" min="0" max="100" '
        f'step="1" value="{rate}"> % of API calls answer 500</label></p>'
        '<p><label>Latency <input type="number" name="latency_ms" min="0" max="60000" '
        f'step="50" value="{faults.latency_ms}"> ms added to every API call</label></p>'
        "<p><button>Apply</button> "
        '<button name="reset" value="1">Turn all faults off</button></p></form>'
    )


def _cross_site(request: Request) -> bool:
    """No CSRF token in a dev tool, but refuse cross-site form posts outright. "null" is
    what sandboxed frames and some redirects send: it vouches for no site, so it is refused."""
    origin = request.header("origin")
    return bool(origin) and urlsplit(origin).netloc != request.header("host")


def _set_faults(store: Store, base: str, request: Request) -> Response:
    if _cross_site(request):
        return error_response(403, "forbidden", "Cross-site form post refused.")
    form = request.form()
    if form.get("reset"):
        store.set_faults(Faults())
        return redirect(f"{base}/?done=faults")
    try:
        rate = float(form.get("error_rate") or 0) / 100
        latency = int(form.get("latency_ms") or 0)
        faults = Faults.from_dict(
            {
                "error_rate": rate,
                "latency_ms": latency,
                "force_status": 503 if form.get("down") else None,
            }
        )
    except (ValueError, FaultConfigError):
        return redirect(f"{base}/?done=bad-faults")
    store.set_faults(faults)
    return redirect(f"{base}/?done=faults")


def _ticket_list(store: Store, base: str, done: str = "") -> str:
    with store.transaction(write=False) as conn:
        rows = conn.execute(
            "SELECT t.*, c.name, c.email FROM tickets t JOIN customers c ON c.id = t.customer_id"
            " ORDER BY t.updated_at DESC, t.id DESC LIMIT 200"
        ).fetchall()
    lines = "".join(
        f'<tr><td><a href="{escape(base)}/tickets/{row["ticket_number"]}">'
        f"#{row['ticket_number']}</a></td><td>{escape(row['subject'])}</td>"
        f"<td>{escape(row['status'])}</td><td>{escape(row['name'] or row['email'])}</td>"
        f"<td>{escape(row['updated_at'][:16].replace('T', ' '))}</td></tr>"
        for row in rows
    )
    table = (
        "<table><thead><tr><th>Number</th><th>Subject</th><th>Status</th><th>Customer</th>"
        f"<th>Updated (UTC)</th></tr></thead><tbody>{lines}</tbody></table>"
    )
    content = table if rows else "<p>No tickets yet.</p>"
    content = f"{_notice(done)}<h1>Tickets</h1>{content}{_fault_form(store, base)}"
    return page_html("Tickets", content, base)


def _ticket_page(store: Store, base: str, number: int, done: str) -> Response:
    with store.transaction(write=False) as conn:
        try:
            ticket = tickets.ticket_detail(conn, tickets.find_ticket(conn, number, by_number=True))
        except tickets.NotFound:
            return html_response(page_html("Not found", "<p>No such ticket.</p>", base), status=404)
    customer = ticket["customer"]
    notice = NOTICES.get(done)
    content = (
        (f'<p class="{notice[0]}" role="status">{escape(notice[1])}</p>' if notice else "")
        + f"<h1>#{ticket['ticket_number']} {escape(ticket['subject'])}</h1>"
        f'<p class="meta">Status <strong>{escape(ticket["status"])}</strong> · priority '
        f"{escape(ticket['priority'])} · from {escape(customer['name'])} "
        f"&lt;{escape(customer['email'])}&gt; · via {escape(ticket['source'])}</p>"
        + _message("Description", ticket["created_at"], ticket["description"], "msg")
        + "".join(_message_block(message) for message in ticket["messages"])
        + _form(base, ticket)
    )
    return html_response(page_html(f"#{ticket['ticket_number']}", content, base))


def _message(author: str, at: str, body: str, css: str, label: str = "") -> str:
    return (
        f'<article class="{css}"><div class="meta"><strong>{escape(author)}</strong> · '
        f"{escape(at[:19].replace('T', ' '))} UTC{label}</div><pre>{escape(body)}</pre></article>"
    )


def _message_block(message: dict) -> str:
    author = f"{message['author_name']} ({message['author_type']})"
    if not message["public"]:
        label = " · <strong>Internal note</strong> (never shown to the customer)"
        return _message(author, message["created_at"], message["body"], "msg note", label)
    css = "msg agent" if message["author_type"] == "agent" else "msg"
    return _message(author, message["created_at"], message["body"], css)


def _form(base: str, ticket: dict) -> str:
    options = "".join(f'<option value="{status}">{status}</option>' for status in tickets.STATUSES)
    return (
        f'<h2>Answer</h2><form method="post" action="{escape(base)}/tickets/'
        f'{ticket["ticket_number"]}"><p><label>Agent name <input name="agent_name" '
        f'value="{escape(agents.DEFAULT_AGENT)}" maxlength="100"></label></p>'
        '<p><label>Message<br><textarea name="body"></textarea></label></p>'
        '<p><label><input type="radio" name="kind" value="reply" checked> Reply to customer'
        '</label> <label><input type="radio" name="kind" value="note"> Internal note</label></p>'
        '<p><label>Status <select name="status"><option value="">default (reply: pending, '
        f"note: unchanged)</option>{options}</select></label></p>"
        "<p><button>Save</button></p></form>"
    )


def _act(store: Store, base: str, number: int, request: Request) -> Response:
    if _cross_site(request):
        return error_response(403, "forbidden", "Cross-site form post refused.")
    form = request.form()
    body, status = form.get("body", "").strip(), form.get("status", "") or None
    agent_name = form.get("agent_name", "").strip()[:100] or agents.DEFAULT_AGENT
    if status and status not in tickets.STATUSES:
        return error_response(400, "invalid_request", "Unknown status.")
    try:
        if body and form.get("kind") == "note":
            agents.add_note(store, number, body, agent_name)
            if status:
                agents.set_status(store, number, status)
            done = "note"
        elif body:
            agents.agent_reply(store, number, body, agent_name, status=status or "pending")
            done = "reply"
        elif status:
            agents.set_status(store, number, status)
            done = "status"
        else:
            done = "nothing"
    except tickets.TicketClosed:
        done = "closed"
    except tickets.NotFound:
        return html_response(page_html("Not found", "<p>No such ticket.</p>", base), status=404)
    return redirect(f"{base}/tickets/{number}?done={done}")
