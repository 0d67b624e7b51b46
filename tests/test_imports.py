"""The architecture as a test: packages import only downward, no module imports itself back, the cell path is light.

Every import counts — at module level, inside functions and under TYPE_CHECKING — because each one is a
dependency a reader has to follow.
"""
import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Each unit may import only units of a lower rank, and itself. Written once, here.
RANKS = {
    "scoring.common": 0,
    "scoring.model": 1,
    "scoring.rules": 2,
    "scoring.exports": 2,
    "scoring.checks": 3,
    "scoring.narrative": 3,
    "scoring.cells": 3,
    "scoring.assessment": 4,
    "scoring.year_over_year": 5,
    "scoring": 6,  # the facade: imports everything, lazily
    "xladdin": 10,  # the facts shared by all adapters (xladdin/__init__.py)
    "xladdin.functions": 10,
    "xladdin.workbook": 11,
    "xladdin.files": 12,
    "xladdin.report": 13,
    "xladdin.batch": 13,
    "xladdin.calc": 13,
    "xladdin.excel": 14,
    "xladdin.cli": 15,
}
ADAPTER_MAY_USE = {"scoring", "scoring.cells"}  # the core's public API: the facade and the cell functions


def _modules() -> dict[str, Path]:
    found = {}
    for package in ("scoring", "xladdin"):
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The project modules ``name`` imports (a ``from package import module`` names the module)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            bases = [alias.name for alias in node.names]
            targets.update(base for base in bases if base.split(".")[0] in ("scoring", "xladdin"))
            continue
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            module = ".".join([*base, *([node.module] if node.module else [])])
        else:
            module = node.module or ""
        if module.split(".")[0] not in ("scoring", "xladdin"):
            continue
        for alias in node.names:
            submodule = f"{module}.{alias.name}"
            targets.add(submodule if submodule in MODULES else module)
    return targets - {name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _unit(module: str) -> str:
    return max((unit for unit in RANKS if module == unit or module.startswith(unit + ".")), key=len)


def test_every_module_belongs_to_a_ranked_unit():
    assert all(_unit(name) for name in MODULES)
    assert {_unit(name) for name in MODULES} == set(RANKS), "a unit without modules, or a module without a unit"


def test_units_import_only_downward_and_adapters_use_the_public_core():
    offenders = []
    for name, targets in GRAPH.items():
        unit = _unit(name)
        for target in sorted(targets):
            other = _unit(target)
            if unit.startswith("xladdin") and other.startswith("scoring"):
                if target not in ADAPTER_MAY_USE:
                    offenders.append(f"{name} → {target}（适配层只能用 scoring 的公开接口）")
            elif other != unit and RANKS[other] >= RANKS[unit]:
                offenders.append(f"{name} → {target}（{unit} 不能依赖 {other}）")
    assert offenders == []


def test_no_import_cycles():
    """Tarjan's strongly connected components over the module graph: every component is one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in GRAPH.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in GRAPH:
        if name not in index:
            visit(name)
    assert cycles == []


def test_the_walk_sees_imports_of_every_kind():
    """The graph is real: relative, absolute, in-function and ``from package import module`` imports are found."""
    assert "scoring.rules.ruleset" in GRAPH["scoring.cells"]
    assert "scoring.model.sources" in GRAPH["scoring.rules.ruleset"]  # from ..model import sources
    assert "xladdin.files.load" in GRAPH["xladdin.batch.runner"]
    assert "xladdin.workbook.build_templates" in GRAPH["xladdin.cli.commands"]  # imported inside a function
    assert "scoring.cells" in GRAPH["xladdin.excel.udfs"]


def test_the_cell_path_imports_only_what_cells_need():
    code = ("import sys, scoring.cells as c; c.score('xundian-2024', 'B12', 1, None, None, None); "
            "c.row_score('self-2020', '数量指标', '开展活动', '≥50场', '52场', 10, None, None, None); "
            "print(sorted({m for m in sys.modules if m.startswith(('scoring', 'xladdin', 'openpyxl', 'docx'))}))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    for heavy in ("scoring.narrative", "scoring.checks", "scoring.exports", "scoring.assessment", "scoring.year_over_year",
                  "openpyxl", "docx"):
        assert f"'{heavy}" not in loaded, heavy
