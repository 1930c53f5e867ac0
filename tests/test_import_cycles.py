"""No import cycles between the modules of desktop/, sync/ and forms/ (issue 19).

import-linter's contracts check layers and forbidden imports, not cycles between sibling modules, so this
test builds the import graph with grimp (which import-linter runs on) and looks for strongly connected
components: every module of one can reach every other, so each component of two or more is a cycle.
Imports under ``TYPE_CHECKING`` count: a cycle for the type checker is still two modules that need each other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import grimp

#: Cycles allowed while they wait to be broken (none now): none may grow and no other may appear; the test
#: fails on a listed cycle that is gone, so the list cannot go stale.
KNOWN_CYCLES: frozenset[frozenset[str]] = frozenset()


def cycles(imports: Mapping[str, Iterable[str]]) -> set[frozenset[str]]:
    """The strongly connected components of two or more modules (Tarjan's algorithm, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[frozenset[str]] = set()
    for root in sorted(imports):
        if root in index:
            continue
        work = [(root, iter(sorted(imports[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, pending = work[-1]
            for imported in pending:
                if imported not in index:
                    index[imported] = low[imported] = len(index)
                    stack.append(imported)
                    on_stack.add(imported)
                    work.append((imported, iter(sorted(imports.get(imported, ())))))
                    break
                if imported in on_stack:
                    low[module] = min(low[module], index[imported])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[module])
                if low[module] == index[module]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == module:
                            break
                    if len(component) > 1:
                        found.add(frozenset(component))
    return found


def test_the_cycle_finder_finds_cycles_and_only_cycles() -> None:
    graph = {"a": ["b"], "b": ["c"], "c": ["a", "d"], "d": [], "e": ["f"], "f": ["e"], "g": ["a"]}
    assert cycles(graph) == {frozenset("abc"), frozenset("ef")}
    assert cycles({"a": ["b"], "b": []}) == set()


def test_no_import_cycles_in_desktop_sync_forms() -> None:
    graph = grimp.build_graph("desktop", "sync", "forms", include_external_packages=False)
    found = cycles({m: graph.find_modules_directly_imported_by(m) for m in graph.modules})
    new = [sorted(c) for c in found - KNOWN_CYCLES]
    assert new == [], f"import cycles: {new}"
    broken = [sorted(c) for c in KNOWN_CYCLES - found]
    assert broken == [], f"no longer cycles, take them off KNOWN_CYCLES: {broken}"
