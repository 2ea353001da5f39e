"""The `salesperf` command line. The only place in the package that reads files or prints."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from salesperf._errors import SalesperfError


def _demo(_: argparse.Namespace) -> int:
    from salesperf._demo import build_report, load_example

    print(build_report(load_example()))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = argparse.ArgumentParser(
        prog="salesperf", description="Exact, explainable sales performance management."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="run the shipped example end to end")
    demo.set_defaults(run=_demo)
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
    except SalesperfError as err:
        print(f"salesperf: error: {err}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
