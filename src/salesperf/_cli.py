"""The `salesperf` command line. The only place in the package that reads files or prints.

Exit codes: 0 success, 1 invalid input (every problem is printed to stderr with its path),
2 wrong usage of the command itself.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from salesperf._errors import DefinitionError, Problem, SalesperfError

if TYPE_CHECKING:  # types only: each command imports what it runs where it runs it
    from salesperf._records import Record
    from salesperf._requests import EvaluationRequest

_FORMATS = ("table", "json", "csv")


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _UsageError(f"no such file: {path}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise _UsageError(f"cannot read {path}: {err}") from None


class _UsageError(Exception):
    """A mistake in how the command was called (a missing file, a bad option)."""


def _progress(records: Iterable[Any], stream: TextIO) -> Iterator[Any]:
    """Count records on stderr while they stream through, when stderr is a terminal."""
    if not stream.isatty():
        yield from records
        return
    n = 0
    for n, record in enumerate(records, start=1):
        if n % 10_000 == 0:
            stream.write(f"\rsalesperf: {n:,} records read")
            stream.flush()
        yield record
    stream.write(f"\rsalesperf: {n:,} records read\n")


def _demo(_: argparse.Namespace) -> int:
    from salesperf._demo import build_report, load_example

    print(build_report(load_example()))
    return 0


def _load_request(args: argparse.Namespace) -> tuple[EvaluationRequest, Iterable[Record]]:
    from salesperf._documents import LIMITS, loads_json
    from salesperf._requests import (
        ColumnMapping,
        load_request,
        records_from_csv,
        records_from_json_lines,
    )

    doc: dict[str, Any] = {}
    if args.request:
        loaded = loads_json(_read(args.request), max_chars=LIMITS.max_request_chars)
        if not isinstance(loaded, dict):
            raise DefinitionError([Problem("", "a request document is a JSON object")])
        doc = loaded
    if args.plan:
        doc = {k: v for k, v in doc.items() if k not in ("plan", "plan_id", "plans")}
        doc["plan"] = loads_json(_read(args.plan))
    if args.period:
        doc["period"] = args.period
    if not args.records:
        return load_request(doc)
    doc.pop("records", None)
    doc.pop("records_csv", None)
    # Records from a file stream through the evaluation: one row in memory at a time.
    lines = _lines(args.records)
    if args.records.endswith(".csv"):
        mapping = None
        if args.columns:
            mapping = ColumnMapping.from_document(loads_json(_read(args.columns)))
        records: Iterable[Record] = records_from_csv(lines, mapping)
    elif args.records.endswith((".jsonl", ".ndjson")):
        records = records_from_json_lines(lines)
    else:
        doc["records"] = loads_json("".join(lines), max_chars=LIMITS.max_request_chars)
        return load_request(doc)
    request, _ = load_request(doc)
    return request, records


def _lines(path: str) -> Iterator[str]:
    """The lines of a file (or stdin), read as they are needed."""
    if path == "-":
        yield from sys.stdin
        return
    try:
        with Path(path).open(encoding="utf-8", newline="") as stream:
            yield from stream
    except FileNotFoundError:
        raise _UsageError(f"no such file: {path}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise _UsageError(f"cannot read {path}: {err}") from None


def _run(args: argparse.Namespace) -> int:
    from salesperf._requests import evaluate_request

    request, records = _load_request(args)
    response = evaluate_request(request, _progress(records, sys.stderr))
    out = sys.stdout
    if args.format == "json":
        json.dump(response, out, indent=2, ensure_ascii=False)
        out.write("\n")
    elif args.format == "csv":
        writer = csv.writer(out)
        writer.writerow(["payee", "period", "component", "record", "date", "amount",
                         "explanation"])
        for st in response["statements"]:
            for line in st["lines"]:
                writer.writerow([st["payee"], st["period"], line["component"],
                                 line["record"] or "", line["date"], line["amount"],
                                 line["explanation"]])
    else:
        out.write(_table(response))
    return 0


def _table(response: dict[str, Any]) -> str:
    statements = response["statements"]
    components = [c["component"] for c in statements[0]["components"]] if statements else []
    # Columns for what settles across periods, shown when any statement has them.
    extra = [(name, key) for name, key in (("held", "held"), ("draw", "draw"),
                                           ("recovered", "recovered"), ("balance",
                                                                        "balance_after"))
             if any(Decimal(st[key]) for st in statements)]
    head = ["payee", *components, "earned", "paid before", "payable",
            *(name for name, _ in extra), "paid"]
    rows = [[st["payee"], *(c["earned"] for c in st["components"]), st["earned"],
             st["paid_before"], st["payable"], *(st[key] for _, key in extra), st["paid"]]
            for st in statements]
    totals = [str(sum((Decimal(st[key]) for st in statements), Decimal(0)))
              for key in ("payable", *(key for _, key in extra), "paid")]
    rows.append(["total", *[""] * len(components), "", "", *totals])
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    buf = io.StringIO()
    buf.write(f"{response['plan']} v{response['version']}, {response['period']}\n")
    for r in [head, *rows]:
        cells = [str(c).ljust(w) if i == 0 else str(c).rjust(w)
                 for i, (c, w) in enumerate(zip(r, widths, strict=True))]
        buf.write("  ".join(cells).rstrip() + "\n")
    n_excluded = len({e["record"] for e in response["exclusions"]})
    buf.write(f"{len({c['record'] for c in response['credits']})} records credited, "
              f"{n_excluded} excluded\n")
    return buf.getvalue()


def _validate(args: argparse.Namespace) -> int:
    from salesperf._documents import loads_plan
    from salesperf._engine import compile_plan

    plan = loads_plan(_read(args.plan))
    compile_plan(plan)
    print(f"ok: plan {plan.id!r} v{plan.version}, {len(plan.components)} components, "
          f"{len(plan.credit_rules)} crediting rules")
    return 0


def _explain(args: argparse.Namespace) -> int:
    request, records = _load_request(args)
    statement = request.evaluate(records).statement(args.payee)
    if args.json:
        json.dump(statement.to_dict(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(statement.explain(traces=True) + "\n")
    return 0


def _schema(args: argparse.Namespace) -> int:
    from salesperf import _people as people
    from salesperf._documents import plan_schema
    from salesperf._requests import request_schema, response_schema

    schema = {"plan": plan_schema, "request": request_schema,
              "response": response_schema, "rules": people.rule_set_schema,
              "review-template": people.review_template_schema,
              "scorecard": people.scorecard_schema,
              "improvement-plan": people.improvement_plan_schema,
              "performance-request": people.performance_request_schema,
              "performance-response": people.performance_response_schema}[args.which]()
    json.dump(schema, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


def _review(args: argparse.Namespace) -> int:
    from importlib import resources

    from salesperf._documents import loads_json
    from salesperf._people import evaluate_performance_request, load_performance_request

    if args.request:
        text = _read(args.request)
    else:  # the example team shipped with the package
        text = resources.files("salesperf").joinpath("_data/example_people.json").read_text(
            "utf-8")
    loaded, records = load_performance_request(loads_json(text))
    response = evaluate_performance_request(loaded, records)
    if args.format == "json":
        json.dump(response, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(_review_table(response))
    return 0


def _review_table(response: dict[str, Any]) -> str:
    out = [f"Performance {response['period']} as of {response['as_of']}", "", "Reviews:"]
    out.extend(f"  {r['person']:<10}{r['final'] or '-':>6}  {r['rating'] or '-':<16}"
               f"self − manager {Decimal(r['gap']):+.2f}" if r["gap"] is not None else
               f"  {r['person']:<10}{r['final'] or '-':>6}  {r['rating'] or '-'}"
               for r in response["reviews"])
    calibration = response["calibration"]
    if calibration is not None:
        out += ["", f"Calibration: {calibration['explanation']}"]
        out.extend(f"  {m['person']}: {m['from_rating']} → {m['to_rating']} ({m['reason']})"
                   for m in calibration["moves"])
    out += ["", "Feedback checks:"]
    out.extend(f"  {f}" for f in response["feedback_findings"] or ["none"])
    out += ["", "Improvement plans:"]
    out.extend(f"  {p['explanation']}" for p in response["improvement_plans"] or
               [{"explanation": "none"}])
    if "recommendations" in response:
        out += ["", "Recommendations and recognition:"]
        out.extend(f"  {r['explanation']}" for r in response["recommendations"])
        out += ["", "Conflicts:"]
        out.extend(f"  {c['explanation']}" for c in response["conflicts"] or
                   [{"explanation": "none"}])
    return "\n".join(out) + "\n"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="salesperf", description="Exact, explainable sales performance management.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="run the shipped example end to end").set_defaults(
        run=_demo)

    def inputs(p: argparse.ArgumentParser) -> None:
        p.add_argument("request", nargs="?", help="an evaluation request document (JSON)")
        p.add_argument("--plan", help="a plan document (JSON); replaces the request's plan")
        p.add_argument("--records", help="records as JSON (a list), JSON lines (*.jsonl) or "
                       "CSV (*.csv); CSV and JSON lines stream")
        p.add_argument("--columns", help="CSV column mapping: {\"columns\": {...}, "
                       "\"types\": {...}}")
        p.add_argument("--period", help="the period to evaluate, e.g. 2026-Q1")

    run = commands.add_parser("run", help="evaluate a plan over records for a period")
    inputs(run)
    run.add_argument("--format", choices=_FORMATS, default="table")
    run.set_defaults(run=_run)
    validate = commands.add_parser("validate", help="check a plan and print every problem")
    validate.add_argument("plan", help="a plan document (JSON)")
    validate.set_defaults(run=_validate)
    explain = commands.add_parser("explain", help="print the trace of one payee's statement")
    inputs(explain)
    explain.add_argument("--payee", required=True)
    explain.add_argument("--json", action="store_true", help="the statement as JSON")
    explain.set_defaults(run=_explain)
    people = commands.add_parser("review", help="reviews, feedback checks, improvement plans "
                                 "and recommendations for a team (default: the shipped example)")
    people.add_argument("request", nargs="?", help="a performance request document (JSON)")
    people.add_argument("--format", choices=("table", "json"), default="table")
    people.set_defaults(run=_review)
    schema = commands.add_parser("schema", help="print a JSON Schema")
    schema.add_argument("which", choices=("plan", "request", "response", "rules",
                                          "review-template", "scorecard", "improvement-plan",
                                          "performance-request", "performance-response"),
                        nargs="?", default="plan")
    schema.set_defaults(run=_schema)
    from salesperf._cli_ahead import add_commands

    add_commands(commands)  # whatif, forecast, compare
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    args = _parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except DefinitionError as err:
        print(f"salesperf: {len(err.problems)} problem(s):", file=sys.stderr)
        for problem in err.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except SalesperfError as err:
        print(f"salesperf: error: {err}", file=sys.stderr)
        return 1
    except _UsageError as err:
        print(f"salesperf: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # pragma: no cover - e.g. `salesperf run … | head`
        return 0
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
