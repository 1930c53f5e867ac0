"""Run every benchmark and print one JSON object per line.

Each ``bench/bench_*.py`` module has ``run() -> Iterable[Figure]``;
``python -m bench [NAME_SUBSTRING ...]`` runs all (or the matching) modules.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys

import bench


def main(argv: list[str]) -> int:
    wanted = argv[1:]
    failed = 0
    for info in sorted(pkgutil.iter_modules(bench.__path__), key=lambda m: m.name):
        if not info.name.startswith("bench_"):
            continue
        if wanted and not any(w in info.name for w in wanted):
            continue
        module = importlib.import_module(f"bench.{info.name}")
        try:
            for figure in module.run():
                sys.stdout.write(json.dumps(figure, ensure_ascii=False) + "\n")
                sys.stdout.flush()
        except Exception as exc:  # noqa: BLE001 - report and go on with the other benchmarks
            failed += 1
            sys.stdout.write(json.dumps({"name": info.name, "error": repr(exc)}, ensure_ascii=False) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
