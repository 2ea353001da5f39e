"""The looking-ahead commands of the command line: `salesperf whatif`, `salesperf forecast`
and `salesperf compare`, each on a request document. With `_cli`, which wires them in, the
only place in the package that reads files or prints.

Exit codes as `_cli`'s: 0 success, 1 invalid input (every problem on stderr with its path,
printed by `_cli.main`), 2 wrong usage (a file that cannot be read).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["add_commands"]

_KINDS = {
    "whatif": "what hypothetical records would earn a payee: before, after and what lies ahead",
    "forecast": "pace and forecasts to the period's end on the request's as_of date",
    "compare": "plans compared on the same history: cost per payee, change, curves",
}


def add_commands(commands: Any) -> None:
    """Add the looking-ahead subcommands to the `salesperf` parser's subcommands."""
    for kind, about in _KINDS.items():
        p = commands.add_parser(kind, help=about, description=about)
        p.add_argument("request", nargs="?", help=f"a {kind} request document (JSON); - for "
                       "standard input")
        p.add_argument("--format", choices=("text", "json"), default="text")
        p.add_argument("--schema", choices=("request", "response"),
                       help="print the JSON Schema of the request or response and stop")
        p.set_defaults(run=_command(kind))


def _command(kind: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        from salesperf._ahead import documents as docs

        if args.schema:
            make = getattr(docs, f"{kind}_{args.schema}_schema")
            json.dump(make(), sys.stdout, indent=2)
            sys.stdout.write("\n")
            return 0
        if not args.request:
            print(f"salesperf {kind}: give a request document, or --schema", file=sys.stderr)
            return 2
        text = _read(args.request)
        if text is None:
            return 2
        from salesperf._documents import LIMITS, loads_json

        data = loads_json(text, max_chars=LIMITS.max_request_chars)
        result = getattr(docs, f"{kind}_result")(data)
        if args.format == "json":
            json.dump(getattr(docs, f"{kind}_document")(result), sys.stdout, indent=2,
                      ensure_ascii=False)
        elif kind == "forecast":
            sys.stdout.write("\n".join(f.explain() for f in result.forecasts))
            team = result.run_rate
            sys.stdout.write(f"\nteam: {result.actual:,.2f} of quota {result.quota:,.2f}; run "
                             f"rate {team.measure:,.2f}, earning {team.earned:,.2f}")
        else:
            sys.stdout.write(result.explain())
        sys.stdout.write("\n")
        return 0

    return run


def _read(path: str) -> str | None:
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        print(f"salesperf: no such file: {path}", file=sys.stderr)
    except (OSError, UnicodeDecodeError) as err:
        print(f"salesperf: cannot read {path}: {err}", file=sys.stderr)
    return None
