"""Architecture measures of issue #15, reproducible on any checkout of tokcost.

    python tools/arch_metrics.py [ROOT]          # ROOT: a checkout (default: this one)

Prints, for ``ROOT/src/tokcost``:

- **hand validation**: lines of the functions, in the input-loading modules the issue names,
  that check the shape of input by hand — a function (or method) counts when it contains at
  least one ``isinstance(...)`` call *and* reports a problem (a ``raise`` statement or a call
  named ``error``/``fail``/``warn``/``unknown``/``Issue``). Its whole span counts, once (an inner
  function is not counted again inside a counted outer one). Also the raw ``isinstance`` calls
  and ``raise`` statements in those modules.
- **string-key reads**: ``x["literal"]`` subscripts read (not assigned or deleted) and
  ``x.get("literal"...)`` calls — over all of ``src/tokcost`` and over the modules that
  consume result rows (costing, measurement, api, output/render, report/, gate/, cli/*_cmd).
- **``dict[str, Any]``**: occurrences of that text in ``src/tokcost``.
- **import cycles**: the intra-package import graph (``import``/``from`` at module level or in a
  function; imports under ``if TYPE_CHECKING:`` and a module's imports of its own parent package
  are left out, as ``tests/test_architecture.py`` does), its strongly connected components with
  more than one module (Tarjan); also the same for module-level imports only.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

# The modules issue #15 names for hand validation, at their place before and after the move.
VALIDATION_MODULES = (
    "pricing/tables.py", "pricing/records.py", "pricing/fx.py", "config.py",
    "catalog.py", "tokenizers/catalog.py", "corpora/requests.py", "gate/results.py",
)
REPORTERS = {"error", "fail", "warn", "unknown", "Issue"}


def _is_consumer(rel: str) -> bool:
    return (rel in {"costing.py", "measurement.py", "api.py", "output.py", "render.py"}
            or rel.startswith(("report/", "gate/"))
            or (rel.startswith("cli/") and rel.endswith("_cmd.py")))


def _call_name(node: ast.Call) -> str | None:
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def _validates(fn: ast.AST) -> bool:
    checks = reports = False
    for n in ast.walk(fn):
        if isinstance(n, ast.Call):
            name = _call_name(n)
            checks |= name == "isinstance"
            reports |= name in REPORTERS
        reports |= isinstance(n, ast.Raise)
    return checks and reports


def hand_validation(pkg: Path) -> tuple[int, int, int, dict[str, int]]:
    lines = isinst = raises = 0
    per: dict[str, int] = {}
    for rel in VALIDATION_MODULES:
        p = pkg / rel
        if not p.is_file():
            continue
        tree = ast.parse(p.read_text(encoding="utf-8"))
        counted: list[tuple[int, int]] = []
        for n in ast.walk(tree):
            if isinstance(n, ast.Call) and _call_name(n) == "isinstance":
                isinst += 1
            if isinstance(n, ast.Raise):
                raises += 1
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and _validates(n):
                end = n.end_lineno or n.lineno
                if not any(a <= n.lineno and end <= b for a, b in counted):
                    counted.append((n.lineno, end))
        counted = [c for c in counted
                   if not any(o != c and o[0] <= c[0] and c[1] <= o[1] for o in counted)]
        per[rel] = sum(b - a + 1 for a, b in counted)
        lines += per[rel]
    return lines, isinst, raises, per


def string_key_reads(pkg: Path) -> tuple[int, int, int, int]:
    """(all reads, ``x["k"]`` subscripts, ``x.get("k")`` calls, reads in row consumers)."""
    total = subs = gets = consumers = 0
    for p in sorted(pkg.rglob("*.py")):
        rel = p.relative_to(pkg).as_posix()
        if rel.startswith("schema/"):
            continue
        n_here = 0
        for n in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if (isinstance(n, ast.Subscript) and isinstance(n.ctx, ast.Load)
                    and isinstance(n.slice, ast.Constant) and isinstance(n.slice.value, str)):
                n_here += 1
                subs += 1
            elif (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                  and n.func.attr == "get" and n.args and isinstance(n.args[0], ast.Constant)
                  and isinstance(n.args[0].value, str)):
                n_here += 1
                gets += 1
        total += n_here
        consumers += n_here if _is_consumer(rel) else 0
    return total, subs, gets, consumers


def dict_str_any(pkg: Path) -> int:
    return sum(p.read_text(encoding="utf-8").count("dict[str, Any]") for p in pkg.rglob("*.py"))


def _modules(pkg: Path) -> dict[str, Path]:
    src = pkg.parent
    mods = {}
    for p in pkg.rglob("*.py"):
        name = ".".join(p.relative_to(src).with_suffix("").parts)
        mods[name.removesuffix(".__init__")] = p
    return mods


def import_graph(pkg: Path, module_level_only: bool = False) -> dict[str, set[str]]:
    mods = _modules(pkg)
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for m, p in mods.items():
        tree = ast.parse(p.read_text(encoding="utf-8"))
        skip = {id(x) for n in ast.walk(tree) if isinstance(n, ast.If)
                and getattr(n.test, "id", getattr(n.test, "attr", None)) == "TYPE_CHECKING"
                for x in ast.walk(n)}
        if module_level_only:
            skip |= {id(x) for n in ast.walk(tree)
                     if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) for x in ast.walk(n)}
        here = m if p.name == "__init__.py" else m.rpartition(".")[0]
        for n in ast.walk(tree):
            if id(n) in skip:
                continue
            names: list[str] = []
            if isinstance(n, ast.Import):
                names = [a.name for a in n.names]
            elif isinstance(n, ast.ImportFrom):
                base = n.module or ""
                if n.level:
                    parts = here.split(".")
                    parts = parts[: len(parts) - (n.level - 1)]
                    base = ".".join(parts + ([n.module] if n.module else []))
                names = [base] + [f"{base}.{a.name}" for a in n.names]
            for t in names:
                if t in mods and t != m and not m.startswith(t + "."):
                    graph[m].add(t)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    sys.setrecursionlimit(10_000)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(out)


def main(argv: list[str]) -> int:
    root = Path(argv[0]) if argv else Path(__file__).resolve().parents[1]
    pkg = root / "src" / "tokcost"
    lines, isinst, raises, per = hand_validation(pkg)
    total, subs, gets, consumers = string_key_reads(pkg)
    print(f"root: {root}")
    print(f"hand validation: {lines} lines in validator functions "
          f"({', '.join(f'{k} {v}' for k, v in per.items())}); "
          f"{isinst} isinstance calls, {raises} raise statements in those modules")
    print(f"string-key reads: {total} in src/tokcost (schema/ excluded; {subs} x[\"k\"], "
          f"{gets} x.get(\"k\")), {consumers} in row consumers")
    print(f"dict[str, Any]: {dict_str_any(pkg)}")
    for label, only in (("any import", False), ("module-level imports", True)):
        cyc = cycles(import_graph(pkg, only))
        print(f"import cycles ({label}): {len(cyc)} "
              f"({sum(map(len, cyc))} modules)" + "".join(f"\n  {' <-> '.join(c)}" for c in cyc))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
