"""`python -m bench` (make bench): run every benchmark."""

from __future__ import annotations

import sys

from bench import backup_bench, flatten_bench, packet_bench


def main() -> int:
    """Run all benchmarks; exit 1 when a target is missed."""
    ok = True
    for module in (packet_bench, flatten_bench, backup_bench):
        ok = module.main() and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
