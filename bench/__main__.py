"""Run every benchmark module, or those named: ``python -m bench [name ...]``.

Each figure is printed with its floor (the same work done the plainest way, measured in turns
with it) and their ratio; the exit status is non-zero when any gate (a target ratio) is missed.
"""

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    names = argv or sorted(
        m.name for m in pkgutil.iter_modules([str(here)]) if not m.name.startswith("_")
    )
    if len(names) > 1:
        # Each benchmark in a process of its own: its own scratch database and settings.
        failed = 0
        for name in names:
            print(f"\n== {name} ==", flush=True)
            failed |= subprocess.call([sys.executable, "-m", "bench", name])
        return failed
    from bench._harness import missed

    for name in names:
        importlib.import_module(f"bench.{name}").main()
    if missed():
        print("\nGATES MISSED:\n  " + "\n  ".join(missed()), flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
