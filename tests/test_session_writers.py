"""Only `portal.customers` writes the session (docs/architecture.md, "The packages"): a
key set, popped or flushed anywhere else is a key nobody keeps track of."""

import ast
from pathlib import Path

PORTAL = Path(__file__).resolve().parent.parent / "portal"
WRITES = {"pop", "setdefault", "update", "clear", "flush", "cycle_key", "popitem", "__setitem__"}


def _is_session(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "session"


def session_writes(path: Path) -> list[int]:
    """The lines of `path` that change `<something>.session`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        targets = (
            node.targets
            if isinstance(node, ast.Assign | ast.Delete)
            else [node.target]
            if isinstance(node, ast.AugAssign)
            else []
        )
        if any(isinstance(t, ast.Subscript) and _is_session(t.value) for t in targets):
            found.append(node.lineno)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in WRITES
            and _is_session(node.func.value)
        ):
            found.append(node.lineno)
    return found


def test_only_customers_writes_the_session():
    writers = {
        str(path.relative_to(PORTAL)): lines
        for path in PORTAL.rglob("*.py")
        if path.relative_to(PORTAL).parts[0] != "customers" and (lines := session_writes(path))
    }
    assert writers == {}


def test_it_sees_each_kind_of_write(tmp_path):
    module = tmp_path / "writer.py"
    module.write_text(
        "request.session['a'] = 1\n"
        "del request.session['a']\n"
        "request.session['n'] += 1\n"
        "request.session.pop('a', None)\n"
        "request.session.flush()\n"
        "request.session.get('a')\n"
    )
    assert session_writes(module) == [1, 2, 3, 4, 5]
