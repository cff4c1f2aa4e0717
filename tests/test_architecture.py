"""The house reads in one direction: the command line knows every part; the dashboard may use
the exports (its download links); the dashboard, the exports and the loader read or write the
warehouse through its contract; everything speaks the shared vocabulary, which imports nothing
of the project. An import inside a function counts like one at the top."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("govkpi", "dashboard", "exports", "etl", "ops", "warehouse", "vocab")
# Which layer may import which (besides itself), as docs/architecture.md draws them.
ALLOWED = {
    "govkpi": {"dashboard", "exports", "etl", "ops", "warehouse", "vocab"},
    "dashboard": {"exports", "ops", "warehouse", "vocab"},
    "exports": {"warehouse", "vocab"},
    "etl": {"ops", "warehouse", "vocab"},
    "ops": {"vocab"},
    "warehouse": {"vocab"},
    "vocab": set(),
}


def module_name(path: Path, root: Path = ROOT) -> str:
    name = ".".join(path.relative_to(root).with_suffix("").parts)
    return name.removesuffix(".__init__")


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Gives every module of the project's layers → the project modules it imports, wherever
    in the file the import stands (top, function, TYPE_CHECKING block)."""
    modules = {module_name(f, root): f for layer in LAYERS for f in (root / layer).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
                found = [base] + [f"{base}.{a.name}" for a in node.names]
            else:
                continue
            for imported in found:
                if imported in modules and imported != name:
                    targets.add(imported)
                elif imported.rsplit(".", 1)[0] in modules and imported.rsplit(".", 1)[0] != name:
                    targets.add(imported.rsplit(".", 1)[0])
        graph[name] = targets
    return graph


def wrong_arrows(graph: dict[str, set[str]]) -> list[str]:
    """Gives each import that goes against the allowed arrows, and each import of the CLI."""
    wrong = []
    for source, targets in graph.items():
        src_layer = source.split(".")[0]
        for target in targets:
            dst_layer = target.split(".")[0]
            if target == "govkpi.cli" and src_layer != "govkpi":
                wrong.append(f"{source} → {target} (nothing imports the command line)")
            elif dst_layer != src_layer and dst_layer not in ALLOWED[src_layer]:
                wrong.append(f"{source} → {target}")
    return sorted(wrong)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Gives the strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in graph:
        if v not in index:
            visit(v)
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph()


def test_the_graph_sees_every_layer(graph):
    assert {name.split(".")[0] for name in graph} == set(LAYERS)
    assert "warehouse.reader" in graph["dashboard.data"]
    assert "exports.model" in graph["exports"]  # an import inside export() counts


def test_no_import_goes_up_a_layer(graph):
    assert wrong_arrows(graph) == []


def test_no_import_cycle(graph):
    assert cycles(graph) == []


@pytest.mark.parametrize("given, expect", [
    ({"etl.load": {"dashboard.app"}, "dashboard.app": set()}, ["etl.load → dashboard.app"]),
    ({"exports.model": {"dashboard.data"}, "dashboard.data": set()}, ["exports.model → dashboard.data"]),
    ({"vocab.periods": {"warehouse.reader"}, "warehouse.reader": set()}, ["vocab.periods → warehouse.reader"]),
    ({"dashboard.app": {"govkpi.cli"}, "govkpi.cli": set()}, ["dashboard.app → govkpi.cli (nothing imports the command line)"]),
    ({"govkpi.cli": {"dashboard.app", "etl.load"}, "dashboard.app": {"exports.model"}, "etl.load": {"warehouse.reader"}}, []),
])
def test_the_arrow_check_catches_a_wrong_arrow(given, expect):
    assert wrong_arrows(given) == expect


def test_the_cycle_check_catches_a_cycle():
    assert cycles({"etl.warehouse": {"etl.migrate"}, "etl.migrate": {"etl.derived"},
                   "etl.derived": {"etl.warehouse"}}) == [["etl.derived", "etl.migrate", "etl.warehouse"]]
    assert cycles({"etl.warehouse": {"etl.migrate"}, "etl.migrate": set()}) == []


def test_a_function_level_import_is_seen(tmp_path):
    (tmp_path / "etl").mkdir()
    (tmp_path / "dashboard").mkdir()
    for layer in LAYERS:
        (tmp_path / layer).mkdir(exist_ok=True)
        (tmp_path / layer / "__init__.py").write_text("")
    (tmp_path / "dashboard" / "app.py").write_text("")
    (tmp_path / "etl" / "load.py").write_text("def f():\n    from dashboard.app import serve\n")
    assert wrong_arrows(import_graph(tmp_path)) == ["etl.load → dashboard.app"]


def test_the_written_architecture_matches_the_code():
    """docs/architecture.md: its table of arrows is the one this test enforces, and every file
    it names exists."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    written = {}
    for source, targets in re.findall(r"^\| `(\w+)`\s*\| ([^|]+)\|", text, re.M):
        written[source] = set() if targets.strip().startswith("nothing") else {t.strip() for t in targets.split(",")}
    assert written == ALLOWED
    named = set(re.findall(r"`((?:vocab|warehouse|etl|dashboard|exports|govkpi|data|tests)/[\w/.*<>-]+)`", text))
    missing = [p for p in named if "<" not in p and "*" not in p and not (ROOT / p).exists()]
    assert missing == []
