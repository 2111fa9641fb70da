"""The package diagram stays one-way (issue 12): read from the source with `ast`, every
static import counted, those inside functions too. The pages come first, then what
they hand work to, the cached view of Tixallo, and the client, which speaks HTTP:

    tickets, embed  →  customers, outbox  →  mirror  →  tixallo
    webhooks → outbox, mirror      ops → (reads the state of all of them)
    config and telemetry beside them: config → tixallo; telemetry imports nothing
    demo → sandbox: the one wiring point to the stand-in Tixallo, installed with it

The top-level modules (settings, urls, wsgi, asgi, local_state) are the wiring and may
import any package. A new arrow goes into ALLOWED with the reason it is fine."""

import ast
from pathlib import Path

PORTAL = Path(__file__).resolve().parent.parent / "portal"

ALLOWED = {
    # The customer pages: who the visitor is (customers), reads through the mirror,
    # writes handed to the outbox, the configuration. From tixallo only its vocabulary:
    # types, errors, field limits and idempotency keys (no client calls).
    # A request's rating and its muted answer emails are kept by their own apps.
    "tickets": {"customers", "outbox", "mirror", "config", "tixallo", "satisfaction", "mutes"},
    # The same pages in a frame: the identity the host vouches for (customers), the
    # submit form's prefill rules (tickets.forms, never its views), the loopback check.
    "embed": {"customers", "config", "tickets", "tixallo"},
    # Who the visitor is: proven email, signed links, the session; the ticket check
    # reads through the mirror; refusals are counted.
    "customers": {"mirror", "config", "tixallo", "telemetry"},
    # Everything after "saved": sends to Tixallo, drops cached copies, emails customers
    # their private links (customers), counts the emails.
    # Answer emails are not sent for a request the customer muted (mutes).
    "outbox": {"mirror", "tixallo", "customers", "config", "telemetry", "mutes"},
    # Ratings: kept here, counted, and added to the ticket through the outbox (so a
    # rating given while Tixallo is down is not lost); Tixallo's types.
    "satisfaction": {"outbox", "telemetry", "tixallo"},
    "mutes": set(),  # one table: which requests' answer emails are muted
    # The receiver: events invalidate the mirror and are handed to the outbox for the
    # answer emails; Tixallo's types clean its values.
    "webhooks": {"mirror", "outbox", "config", "tixallo", "telemetry"},
    # The cached view of Tixallo: reads through the client, counts hits and misses.
    "mirror": {"tixallo", "telemetry"},
    # Health page, probes, /metrics, system checks: read only, of everything below it.
    "ops": {"outbox", "mirror", "config", "webhooks", "tixallo", "telemetry"},
    # The settings row, its admin, "Test connection" and the Connection it supplies.
    "config": {"tixallo"},
    "tixallo": set(),  # the API client: HTTP only; the apps plug in what it needs
    "telemetry": set(),  # counters and log lines: any package may record, it imports none
    "caches": set(),  # cache backends named by settings.CACHES
    "sandbox": set(),  # the stand-in Tixallo: a real install has none
    # The one wiring point to the sandbox, installed with it: hands the client its
    # transport, runs `manage.py demo` (the outbox's worker, the settings row).
    "demo": {"sandbox", "tixallo", "outbox", "config"},
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


def test_relative_imports_are_resolved():
    """The graph would miss `from . import breaker` otherwise (tixallo uses them)."""
    assert "portal.tixallo.breaker" in imports_of(PORTAL / "tixallo" / "client.py")
