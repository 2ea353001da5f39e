"""The `salesperf` command line. The only place in the package that reads files or prints.

Exit codes: 0 success, 1 invalid input (every problem is printed to stderr with its path),
2 wrong usage of the command itself.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import io
import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TextIO

from salesperf._errors import DefinitionError, Problem, SalesperfError

if TYPE_CHECKING:  # types only: each command imports what it runs where it runs it
    from salesperf._periods import Period
    from salesperf._records import Record
    from salesperf._requests import ColumnMapping, EvaluationRequest

_FORMATS = ("table", "json", "csv", "jsonl")


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _UsageError(f"no such file: {path}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise _UsageError(f"cannot read {path}: {err}") from None


def _json_file(path: str, *, max_chars: int | None = None, text: str | None = None) -> Any:
    """A JSON file (or its `text`, read already) read exactly (`loads_json`); a problem
    reading it names the file."""
    from salesperf._documents import loads_json

    try:
        return loads_json(_read(path) if text is None else text, max_chars=max_chars)
    except DefinitionError as err:
        name = "stdin" if path == "-" else path
        raise DefinitionError([Problem(f"{name}: {p.path}" if p.path else name, p.message)
                               for p in err.problems]) from None


class _UsageError(Exception):
    """A mistake in how the command was called (a missing file, a bad option); with
    `show_usage`, the command's usage is printed before it, as argparse does."""

    def __init__(self, message: str, *, show_usage: bool = False) -> None:
        super().__init__(message)
        self.show_usage = show_usage


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
    from salesperf._documents import LIMITS, document_kind
    from salesperf._requests import (
        ColumnMapping,
        load_request,
        records_from_json_lines,
    )

    if not args.request and not args.plan:
        raise _UsageError("give an evaluation request document, or a plan with --plan, "
                          "--period and --records", show_usage=True)
    if not args.request and not args.period:
        raise _UsageError("without a request document, give the period with --period",
                          show_usage=True)
    doc: dict[str, Any] = {}
    if args.request:
        loaded = _json_file(args.request, max_chars=LIMITS.max_request_chars)
        if not isinstance(loaded, dict):
            raise DefinitionError([Problem(args.request, "a request document is a JSON "
                                           "object")])
        if document_kind(loaded) == "salesperf.plan":
            raise _UsageError(f"{args.request} is a plan document, not an evaluation request: "
                              "give it with --plan, with --period and --records (or with a "
                              "request document)", show_usage=True)
        doc = loaded
    if args.plan:
        doc = {k: v for k, v in doc.items() if k not in ("plan", "plan_id", "plans")}
        doc["plan"] = _json_file(args.plan)
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
            mapping = ColumnMapping.from_document(_json_file(args.columns))
        records: Iterable[Record] = _csv_records(lines, mapping)
    elif args.records.endswith((".jsonl", ".ndjson")):
        records = records_from_json_lines(lines)
    else:
        doc["records"] = _json_file(args.records, max_chars=LIMITS.max_request_chars)
        return load_request(doc)
    request, _ = load_request(doc)
    return request, records


def _csv_records(lines: Iterable[str], mapping: ColumnMapping | None) -> Iterator[Record]:
    """Records from CSV lines; without a mapping, a header with no column for a record
    field says to give one with --columns."""
    from salesperf._requests import records_from_csv

    try:
        yield from records_from_csv(lines, mapping)
    except DefinitionError as err:
        if mapping is not None or not any(p.path == "columns" for p in err.problems):
            raise
        raise DefinitionError([*err.problems, Problem(
            "--columns", "give a column mapping file, e.g. {\"columns\": {\"id\": "
            "\"Opportunity ID\", \"date\": \"Close Date\", \"payee\": \"Owner\", "
            "\"amount\": \"Amount\"}} (see salesperf run --help)")]) from None


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
    from salesperf._responses import write_response

    if args.no_traces and args.format != "jsonl":
        raise _UsageError("--no-traces goes with --format jsonl", show_usage=True)
    request, records = _load_request(args)
    if args.format == "jsonl":  # streamed: lines written a chunk at a time
        evaluation = request.evaluate(_progress(records, sys.stderr))
        with _output(args.output) as out:
            write_response(evaluation, out, traces=not args.no_traces,
                           include_earlier=request.options.include_earlier)
        return 0
    response = evaluate_request(request, _progress(records, sys.stderr))
    with _output(args.output) as out:
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
            out.write(_table(response, request))
    return 0


@contextlib.contextmanager
def _output(path: str | None) -> Iterator[TextIO]:
    """Standard output, or the file `path` (UTF-8), opened once the evaluation is done."""
    if path is None or path == "-":
        yield sys.stdout
        return
    try:
        stream = Path(path).open("w", encoding="utf-8", newline="")  # noqa: SIM115 - closed below
    except OSError as err:
        raise _UsageError(f"cannot write {path}: {err}") from None
    with stream:
        yield stream


def _table(response: dict[str, Any], request: EvaluationRequest) -> str:
    """The response as a table a person reads: a row per payee with their name, what was
    credited against their quota and the attainment, each component's earnings and what is
    payable and paid, with thousands separators; a last row of totals."""
    from salesperf._demo import percent
    from salesperf._money import currency

    statements = response["statements"]
    components = [c["component"] for c in statements[0]["components"]] if statements else []
    measure, quota = _quotas(request)
    credited: dict[str, Decimal] = {}
    for c in response["credits"]:
        if c["measure"] == measure and dt.date.fromisoformat(c["date"]) in quota.period:
            credited[c["payee"]] = credited.get(c["payee"], Decimal(0)) + Decimal(c["amount"])
    # Columns for what settles across periods, shown when any statement has them.
    before = any(Decimal(st["paid_before"]) for st in statements)
    extra = [(name, key) for name, key in (("held", "held"), ("draw", "draw"),
                                           ("recovered", "recovered"),
                                           ("balance", "balance_after"))
             if any(Decimal(st[key]) for st in statements)]
    paid = any(st["paid"] != st["payable"] for st in statements)
    named = any(st["name"] for st in statements)
    quoted = [f"{measure} credited", "quota", "attainment"] if quota.amounts else []
    head = ["payee", *(["name"] if named else []), *quoted, *components, "earned",
            *(["paid before"] if before else []), "payable", *(name for name, _ in extra),
            *(["paid"] if paid else [])]
    rows: list[list[str]] = []
    for st in statements:
        row = [st["payee"], *([st["name"] or ""] if named else [])]
        if quota.amounts:
            got, target = credited.get(st["payee"], Decimal(0)), quota.amounts.get(st["payee"])
            got = currency(st["currency"]).round(got)
            row += [_money(got), "" if target is None else _money(target),
                    "" if not target else percent(got / target)]
        row += [*(_money(c["earned"]) for c in st["components"]), _money(st["earned"]),
                *([_money(st["paid_before"])] if before else []), _money(st["payable"]),
                *(_money(st[key]) for _, key in extra),
                *([_money(st["paid"])] if paid else [])]
        rows.append(row)
    totals = [_money(sum((Decimal(st[key]) for st in statements), Decimal(0)))
              for key in ("payable", *(key for _, key in extra), *(["paid"] if paid else []))]
    rows.append(["total", *[""] * (len(head) - len(totals) - 1), *totals])
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    left = 2 if named else 1  # the payee and the name read from the left
    buf = io.StringIO()
    buf.write(f"{response['plan']} v{response['version']}, {response['period']}\n")
    for r in [head, *rows]:
        cells = [c.ljust(w) if i < left else c.rjust(w)
                 for i, (c, w) in enumerate(zip(r, widths, strict=True))]
        buf.write("  ".join(cells).rstrip() + "\n")
    n_excluded = len({e["record"] for e in response["exclusions"]})
    buf.write(f"{len({c['record'] for c in response['credits']})} records credited, "
              f"{n_excluded} excluded\n")
    return buf.getvalue()


class _Quotas(NamedTuple):
    period: Period
    amounts: dict[str, Decimal]  # by payee


def _quotas(request: EvaluationRequest) -> tuple[str, _Quotas]:
    """The first measure of the plan's components that has quotas for the period, and them."""
    plan = request.chosen_plan()
    period = plan.calendar.parse(request.period)
    measures = [m for m in (getattr(c, "measure", None) for c in plan.components)
                if isinstance(m, str)]
    for measure in measures:
        amounts = {q.payee: q.amount for q in request.quotas
                   if q.measure == measure and q.period == str(period)}
        if amounts:
            return measure, _Quotas(period, amounts)
    return "", _Quotas(period, {})


def _money(text: str | Decimal) -> str:
    return f"{Decimal(text):,}"


def _validate(args: argparse.Namespace) -> int:
    from salesperf import _people as people
    from salesperf._documents import DOCUMENT_KINDS, LIMITS, document_kind, load_plan
    from salesperf._engine import compile_plan
    from salesperf._requests import load_request

    text = _read(args.document)
    doc = _json_file(args.document, max_chars=LIMITS.max_request_chars, text=text)
    kind = document_kind(doc) if isinstance(doc, dict) else None
    if kind == "salesperf.request":
        request, records = load_request(doc)
        for version in request.chosen_versions():
            compile_plan(version)
        plan = request.chosen_plan()
        print(f"ok: evaluation request for {request.period}: plan {plan.id!r} v{plan.version}, "
              f"{len(request.payees)} payees, {len(records)} records")
        return 0
    others = {"salesperf.rules": people.load_rule_set,
              "salesperf.review-template": people.load_review_template,
              "salesperf.scorecard": people.load_scorecard,
              "salesperf.improvement-plan": people.load_improvement_plan,
              "salesperf.performance-request": people.load_performance_request}
    if kind in others:
        others[kind](doc)
        print(f"ok: {DOCUMENT_KINDS[kind]}")
        return 0
    if kind is not None and kind != "salesperf.plan":
        raise _UsageError(f"{args.document} is {DOCUMENT_KINDS[kind]}, which salesperf writes; "
                          "validate checks plans, requests and the people documents")
    _json_file(args.document, text=text)  # a plan document has the smaller size limit
    plan = load_plan(doc)
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
    from salesperf._requests import request_schema
    from salesperf._responses import response_lines_schema, response_schema

    schema = {"plan": plan_schema, "request": request_schema,
              "response": response_schema, "response-lines": response_lines_schema,
              "rules": people.rule_set_schema,
              "review-template": people.review_template_schema,
              "scorecard": people.scorecard_schema,
              "improvement-plan": people.improvement_plan_schema,
              "performance-request": people.performance_request_schema,
              "performance-response": people.performance_response_schema}[args.which]()
    json.dump(schema, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


def _review(args: argparse.Namespace) -> int:
    from salesperf import examples
    from salesperf._people import evaluate_performance_request, load_performance_request

    # Without a file, the example team shipped with the package.
    document = (_json_file(args.request) if args.request
                else examples.performance_request_document())
    loaded, records = load_performance_request(document)
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
    parser.add_argument("--version", action="version", version=f"salesperf {_version()}")
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
    run.add_argument("--format", choices=_FORMATS, default="table",
                     help="table (default), json (the response document), csv (a row per "
                     "line) or jsonl (the response streamed as JSON lines: a header, each "
                     "statement followed by its lines, the credits and exclusions)")
    run.add_argument("--output", metavar="FILE", help="write to FILE instead of stdout")
    run.add_argument("--no-traces", action="store_true",
                     help="with --format jsonl: leave out each line's trace and explanation "
                     "(the stream then costs a fraction of the evaluation)")
    run.set_defaults(run=_run, usage=run.format_usage())
    validate = commands.add_parser(
        "validate", help="check a plan, an evaluation request or a people document and print "
        "every problem")
    validate.add_argument("document", help="a plan, request, rules, review template, scorecard, "
                          "improvement plan or performance request document (JSON)")
    validate.set_defaults(run=_validate, usage=validate.format_usage())
    explain = commands.add_parser("explain", help="print the trace of one payee's statement")
    inputs(explain)
    explain.add_argument("--payee", required=True,
                         help="the payee's id, or their name as the request gives it")
    explain.add_argument("--json", action="store_true", help="the statement as JSON")
    explain.set_defaults(run=_explain, usage=explain.format_usage())
    people = commands.add_parser("review", help="reviews, feedback checks, improvement plans "
                                 "and recommendations for a team (default: the shipped example)")
    people.add_argument("request", nargs="?", help="a performance request document (JSON)")
    people.add_argument("--format", choices=("table", "json"), default="table")
    people.set_defaults(run=_review)
    schema = commands.add_parser("schema", help="print a JSON Schema")
    kinds = ("plan", "request", "response", "response-lines", "rules", "review-template",
             "scorecard", "improvement-plan", "performance-request", "performance-response")
    schema.add_argument("which", choices=kinds, nargs="?", default="plan", metavar="document",
                        help=f"one of {', '.join(kinds)} (default: plan)")
    schema.set_defaults(run=_schema)
    from salesperf._cli_ahead import add_commands

    add_commands(commands)  # whatif, forecast, compare
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("salesperf")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree not installed
        return "(not installed)"


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
        if err.show_usage:
            print(f"{args.usage}salesperf {args.command}: error: {err}", file=sys.stderr)
        else:
            print(f"salesperf: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # pragma: no cover - e.g. `salesperf run … | head`
        return 0
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
