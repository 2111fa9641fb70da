"""The package diagram stays one-way (issue 12): read from the source with `ast`, every
static import counted, those inside functions too. The pages come first, then what
they hand work to, the cached view of Tixallo, and the client, which speaks HTTP:

    tickets, embed  →  customers, outbox  →  mirror  →  tixallo
    webhooks → outbox, mirror      ops → (reads the state of all of them)
    config and telemetry beside them: config → tixallo; telemetry → shared only
    demo → sandbox: the one wiring point to the stand-in Tixallo, installed with it

The top-level modules (settings, urls, wsgi, asgi, local_state) are the wiring and may
import any package. A new arrow goes into ALLOWED with the reason it is fine."""

import ast
from pathlib import Path

PORTAL = Path(__file__).resolve().parent.parent / "portal"

ALLOWED = {
    # The customer pages: who the visitor is (customers), reads through the mirror,
    # writes handed to the outbox, the configuration. From tixallo only its vocabulary:
    # types, errors, field limits and idempotency keys (no client calls: CLIENT_USERS
    # below). The admin's
    # request forms: their fields on the submit form and in the description.
    # A form's start token is used once in all processes (shared).
    # A request's rating and its muted answer emails are kept by their own apps.
    "tickets": {
        "customers",
        "outbox",
        "mirror",
        "config",
        "tixallo",
        "requestforms",
        "shared",
        "satisfaction",
        "mutes",
    },
    # The same pages in a frame: the identity the host vouches for (customers), the
    # submit form's prefill rules (tickets.forms, never its views), each action's page
    # (tickets.urls.PAGE_OF_ACTION, for "open in a new tab"), the loopback check
    # (tixallo.addresses);
    # a request form's field labels, to give back what was typed when cookies are blocked.
    "embed": {"customers", "config", "tickets", "tixallo", "requestforms"},
    # Who the visitor is: proven email, signed links, the session; the ticket check
    # reads through the mirror; refusals are counted; rate limits in the shared store.
    "customers": {"mirror", "config", "tixallo", "telemetry", "shared"},
    # Everything after "saved": sends to Tixallo, drops cached copies, emails customers
    # their private links (customers), counts the emails; what is queued for a customer
    # changes a marker every process reads (shared).
    # Answer emails are not sent for a request the customer muted (mutes).
    "outbox": {"mirror", "tixallo", "customers", "config", "telemetry", "shared", "mutes"},
    # Ratings: kept here, counted, and added to the ticket through the outbox (so a
    # rating given while Tixallo is down is not lost); Tixallo's types.
    "satisfaction": {"outbox", "telemetry", "tixallo"},
    "mutes": set(),  # one table: which requests' answer emails are muted
    # The receiver: events invalidate the mirror and are handed to the outbox for the
    # answer emails; Tixallo's types clean its values.
    "webhooks": {"mirror", "outbox", "config", "tixallo", "telemetry"},
    # The cached view of Tixallo: reads through the client, counts hits and misses; its
    # markers, locks and budget (and the breaker it hands the client) in the shared store.
    "mirror": {"tixallo", "telemetry", "shared"},
    # Health page, probes, /metrics, system checks: read only, of everything below it;
    # relative times in the customer pages' words (tickets.timewords, never its views).
    "ops": {"outbox", "mirror", "config", "webhooks", "tixallo", "telemetry", "tickets"},
    # Request forms and their fields: the priority words and the embed snippet (config),
    # Tixallo's field limits for the composed subject and description.
    # Their version, bumped by an admin's change, in the shared store.
    "requestforms": {"config", "tixallo", "shared"},
    # The settings row, its admin, "Test connection" and the Connection it supplies.
    # Its version, bumped by a save, in the shared store: every process follows.
    "config": {"tixallo", "shared"},
    "tixallo": set(),  # the API client: HTTP only; the apps plug in what it needs
    # Counters and log lines: any package may record. Tixallo's last answers for the
    # health page go to the shared store, so every process shows the same.
    "telemetry": {"shared"},
    "caches": set(),  # cache backends named by settings.CACHES
    # State every process agrees on (Redis or a table): logs a Redis outage as the
    # cache does. Any package may use it.
    "shared": {"caches"},
    "sandbox": set(),  # the stand-in Tixallo: a real install has none
    # The one wiring point to the sandbox, installed with it: hands the client its
    # transport, runs `manage.py demo` (the outbox's worker, the settings row, the
    # request forms it seeds).
    "demo": {"sandbox", "tixallo", "outbox", "config", "requestforms"},
}
# Who may import these packages at all: the sandbox is known only to the demo's wiring,
# and the demo to nobody (portal/urls.py includes its URLs by name, with the sandbox on).
ONLY_IMPORTED_BY = {"sandbox": {"demo"}, "demo": set()}


def module_name(path: Path) -> str:
    parts = path.relative_to(PORTAL.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """The portal modules (and packages) `path` imports, relative imports resolved."""
    here = module_name(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}
    return {name for name in found if name.split(".")[0] == "portal"}


def package_of(module: str) -> str | None:
    """`tickets` for portal.tickets.views.submit; None for the top-level modules."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and (PORTAL / parts[1]).is_dir() else None


def package_edges() -> dict[tuple[str, str], set[str]]:
    """(importer, imported) → the importing files."""
    edges: dict[tuple[str, str], set[str]] = {}
    for path in PORTAL.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        source = package_of(module_name(path))
        if source is None:
            continue  # the wiring
        for name in imports_of(path):
            target = package_of(name)
            if target is not None and target != source:
                edges.setdefault((source, target), set()).add(str(path.relative_to(PORTAL)))
    return edges


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One cycle as a path (first node repeated at the end), or []."""
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str]:
        if node in path:
            return path[path.index(node) :] + [node]
        if node in done:
            return []
        for target in sorted(graph.get(node, ())):
            if cycle := visit(target, [*path, node]):
                return cycle
        done.add(node)
        return []

    for start in sorted(graph):
        if cycle := visit(start, []):
            return cycle
    return []


def test_no_two_packages_import_each_other_however_indirectly():
    graph: dict[str, set[str]] = {}
    for source, target in package_edges():
        graph.setdefault(source, set()).add(target)
    assert find_cycle(graph) == []


def test_no_two_modules_import_each_other_either():
    """Within a package too (models.py and status.py once did, through a lazy import)."""
    modules = {module_name(path): path for path in PORTAL.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        for imported in imports_of(path):
            while imported not in modules and "." in imported:  # a name, not a module
                imported = imported.rsplit(".", 1)[0]
            if imported in modules and imported != name:
                graph.setdefault(name, set()).add(imported)
    assert find_cycle(graph) == []


def test_every_arrow_between_packages_is_an_allowed_one():
    unexpected = {
        f"{source} → {target}": sorted(files)
        for (source, target), files in package_edges().items()
        if target not in ALLOWED.get(source, set())
    }
    assert unexpected == {}


def test_the_allowed_arrows_themselves_point_one_way():
    assert find_cycle(ALLOWED) == []
    assert set(ALLOWED) == {p.name for p in PORTAL.iterdir() if (p / "__init__.py").exists()}


def test_the_tixallo_client_imports_nothing_of_the_portal():
    assert {b for (a, b) in package_edges() if a == "tixallo"} == set()


def test_nothing_imports_the_customer_pages():
    """The views of tickets are reached through URLs only (embed mounts them by include)."""
    importers = {
        str(path.relative_to(PORTAL))
        for path in PORTAL.rglob("*.py")
        if not module_name(path).startswith(("portal.tickets.views", "portal.tickets.urls"))
        and any(name.startswith("portal.tickets.views") for name in imports_of(path))
    }
    assert importers == set()


def test_the_sandbox_imports_nothing_of_the_portal():
    assert {b: files for (a, b), files in package_edges().items() if a == "sandbox"} == {}


def test_only_the_demo_wiring_knows_the_sandbox():
    """Nothing else of the portal imports it: a real install runs without both."""
    importers = {
        f"{source} → {target}": sorted(files)
        for (source, target), files in package_edges().items()
        if target in ONLY_IMPORTED_BY and source not in ONLY_IMPORTED_BY[target]
    }
    assert importers == {}


# Who may import the client itself (issue 20): those that call Tixallo (the mirror reads,
# the outbox writes), the apps that hand it what only the portal knows at start, and the
# admin's connection settings. Everyone else takes tixallo's vocabulary only: `types`
# (field limits, keys, the records sent), `errors`, `addresses`.
CLIENT_USERS = {
    "mirror/reads.py": "reads tickets and lists (get_ticket, list_tickets), in the page's time",
    "mirror/apps.py": "hands the client the request budget at start (use_gate)",
    "outbox/delivery.py": "sends submissions (create_ticket, add_message, mark_solved)",
    "outbox/solve.py": "the customer's 'This is solved', sent at once (mark_solved)",
    "config/apps.py": "hands the client its connection at start (use_connection)",
    "config/current.py": "the Connection it hands over, built from the settings row",
    "config/connection_check.py": "admin's 'Test connection' (check_connection)",
    "config/forms.py": "an entered base URL is checked as the client will use it (base_url)",
    "ops/apps.py": "hands the client who counts its answers, for /metrics (report_to)",
    "demo/apps.py": "hands the client the sandbox's in-process transport (use_transport)",
    # A page's calls, made through mirror and outbox, end within its time (deadline).
    "tickets/views/__init__.py": "in_page_time bounds the page's calls (deadline), makes none",
}


def test_only_listed_modules_import_the_tixallo_client():
    importers = {
        str(path.relative_to(PORTAL))
        for path in _portal_modules()
        if path.parent.name != "tixallo"
        and any(name.startswith("portal.tixallo.client") for name in imports_of(path))
    }
    # Equal, not within: a listed module that stops calling is taken off the list too.
    assert importers == set(CLIENT_USERS)


def test_relative_imports_are_resolved():
    """The graph would miss `from . import breaker` otherwise (tixallo uses them)."""
    assert "portal.tixallo.breaker" in imports_of(PORTAL / "tixallo" / "client.py")


# --- where state lives (issue 15; docs/architecture.md, "Where state lives") -------------

# The modules that may use Django's cache, and what they keep there. Without REDIS_URL it
# is per process and evicts at will, so only what cannot go stale belongs there: content
# addressed by a version read from the shared store, or what may be lost or seen late.
# What processes must agree on (counters, markers, locks, versions) is in portal.shared.
CACHE_USERS = {
    "caches/local.py": "the per-process backend itself",
    "caches/redis.py": "the Redis backend itself",
    "mirror/copies.py": "copies, each used only while the shared markers it carries hold",
    "mirror/owners.py": "which email owns a customer id: a miss refreshes every list instead",
    "mirror/public_times.py": "a fetched ticket's change times: a miss costs one fetch",
    "outbox/queue.py": "what is queued for a customer, under their shared change marker",
    "shared/store.py": "what admins edit (wordings, request forms), under its shared version",
    "ops/probes.py": "readyz: that the cache answers",
}
# What only a store shared by every process does right: counting, taking a lock, setting
# a first value. On a per-process cache each process would count and lock for itself.
SHARED_OPERATIONS = {"add", "incr", "decr", "get_or_set", "incr_version", "touch"}


def _cache_uses(path: Path) -> tuple[bool, set[str]]:
    """Whether `path` imports Django's cache, and which methods it calls on a `cache`."""
    tree = ast.parse(path.read_text(), str(path))
    imports = any(
        isinstance(node, ast.ImportFrom) and (node.module or "").startswith("django.core.cache")
        for node in ast.walk(tree)
    )
    calls = {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "cache"
    }
    return imports, calls


def _portal_modules() -> list[Path]:
    return [
        path
        for path in PORTAL.rglob("*.py")
        if "migrations" not in path.parts and path.parts[len(PORTAL.parts)] != "sandbox"
    ]


def test_only_listed_modules_use_the_per_process_cache():
    users = {str(path.relative_to(PORTAL)) for path in _portal_modules() if _cache_uses(path)[0]}
    assert users <= set(CACHE_USERS), "shared state goes to portal.shared.store"


def test_no_module_counts_or_locks_in_the_cache():
    found = {
        str(path.relative_to(PORTAL)): sorted(_cache_uses(path)[1] & SHARED_OPERATIONS)
        for path in _portal_modules()
    }
    assert {path: ops for path, ops in found.items() if ops} == {}


def test_the_cache_checks_see_what_they_look_for(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from django.core.cache import cache\n\ncache.add('k', 1)\n")
    assert _cache_uses(sample) == (True, {"add"})
