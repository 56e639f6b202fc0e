"""The ``talentkg`` command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from talentkg.errors import TalentKGError


def _fail(e: Exception) -> None:
    click.echo(f"error: {e}", err=True)
    sys.exit(getattr(e, "exit_code", 2))


REPORT_URL = "https://github.com/talentkg/talentkg/issues"


def _os_error(e: OSError) -> str:
    name = e.filename if e.filename is not None else ""
    reason = e.strerror or str(e)
    hint = {
        "ENOENT": "check the path",
        "EACCES": "check the permissions",
        "EISDIR": "give a file, not a folder",
        "ENOSPC": "free some disk space",
        "EROFS": "write somewhere writable",
        "ENOTDIR": "check the path",
    }
    import errno

    code = errno.errorcode.get(e.errno or 0, "")
    return f"{name}: {reason}" + (f"; {hint[code]}" if code in hint else "") if name else reason


class Group(click.Group):
    """Every command runs inside one error wrapper (issue 12): a user's mistake is one line and
    exit 2 (3: a remote endpoint failed; 4: nothing to do), never a traceback; anything else is an
    internal bug — exit 1 with a "please report" line (TALENTKG_DEBUG=1 shows the traceback)."""

    def invoke(self, ctx):
        import os

        try:
            return super().invoke(ctx)
        except TalentKGError as e:
            _fail(e)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            sys.exit(0)
        except RecursionError:
            click.echo("error: the input is nested too deeply to read; flatten it", err=True)
            sys.exit(2)
        except UnicodeDecodeError as e:
            click.echo(f"error: the input is not UTF-8 text (byte {e.start}); save it as UTF-8", err=True)
            sys.exit(2)
        except OSError as e:
            click.echo(f"error: {_os_error(e)}", err=True)
            sys.exit(2)
        except Exception as e:  # noqa: BLE001 - the last line of defence
            if os.environ.get("TALENTKG_DEBUG"):
                raise
            click.echo(f"internal error: {type(e).__name__}: {e}", err=True)
            click.echo(
                f"this is a bug in talentkg — please report it at {REPORT_URL} with the command you ran "
                "(TALENTKG_DEBUG=1 shows the details)",
                err=True,
            )
            sys.exit(1)


CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(cls=Group, context_settings=CONTEXT)
@click.version_option(package_name="talentkg")
@click.option(
    "--data",
    "data_dirs",
    multiple=True,
    type=click.Path(file_okay=False),
    help="A local overlay folder of tables (same files and headers as data/) loaded on top of the packaged data; repeatable. Default: $TALENTKG_DATA.",
)
def main(data_dirs):
    """talentkg — China's foreign-talent work-permit policy as a knowledge graph.

    Which graph the commands answer from: --graph PATH, else overlays (--data / $TALENTKG_DATA,
    on the packaged data), else $TALENTKG_GRAPH (a path, or 'packaged'), else
    ./build/talentkg.nt when `talentkg build` has written it, else the packaged data. Table
    output notes the graph on stderr; a stale build is reported.

    \b
    Example:
      talentkg build && talentkg query salary_threshold -p city=Guangzhou -p date=2023-12-01
    """


def _overlay_dirs():
    """The overlay folders of this run: `talentkg --data DIR …`, else $TALENTKG_DATA (issue 18)."""
    from talentkg.loaders.overlays import overlay_dirs

    ctx = click.get_current_context(silent=True)
    given = ctx.find_root().params.get("data_dirs") if ctx else None
    return overlay_dirs(list(given) if given else None)


def _json_number(o):
    """Decimals in outcome values (e.g. a computed candidate 10951.5) written as JSON numbers."""
    from decimal import Decimal

    if isinstance(o, Decimal):
        return int(o) if o == o.to_integral_value() else float(o)
    raise TypeError(f"{type(o).__name__} is not JSON serializable")


def _kg(graph: str | None, catalogue: str | None = None, note: bool = False):
    """Load the current graph; say which on stderr (``note``), and always when the build is stale."""
    import warnings

    from talentkg.kg import KnowledgeGraph

    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        kg = KnowledgeGraph.load(graph, catalogue=catalogue, data=None if graph else _overlay_dirs())
    if kg.graph.stale:
        click.echo(f"warning: {kg.graph.path} is stale — {kg.graph.stale_reason}", err=True)
    if note and not kg.graph.stale:
        click.echo(kg.graph.note(), err=True)
    return kg


# ---------------------------------------------------------------- build / validate / stats
@main.command()
@click.option(
    "--out", "out_dir", default="build", show_default=True, type=click.Path(file_okay=False), help="Output folder."
)
@click.option("--no-validate", is_flag=True, help="Skip SHACL and violation checks (not recommended).")
@click.option(
    "--catalogue",
    type=click.Path(exists=True, dir_okay=False),
    help="Use an imported official catalogue CSV instead of the reconstruction.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def build(out_dir, no_validate, catalogue, quiet):
    """Load ontology + data, validate, write build/talentkg.nt and .ttl (atomic, deterministic).

    Also writes build/talentkg.build.json (input hash, data version, catalogue), so that every
    later command uses this build and can tell when the data has changed since.

    \b
    Examples:
      talentkg build
      talentkg build --catalogue build/catalogue_official.csv
    """
    from talentkg.graph.build import build as do_build
    from talentkg.graphsource import write_manifest
    from talentkg.progress import spinner
    from talentkg.stats import print_stats

    cat = Path(catalogue) if catalogue else None
    overlays = _overlay_dirs()
    with spinner("building the graph (load, validate, write)", quiet=quiet):
        res = do_build(Path(out_dir), validate=not no_validate, catalogue=cat, overlays=overlays)
        if Path(out_dir, "talentkg.nt").is_file():
            import hashlib

            from talentkg.dataset import current_release
            from talentkg.graph.build import make_store, serialize_ntriples
            from talentkg.kg import catalogue_evidence

            digest = hashlib.sha256(serialize_ntriples(res.triples)).hexdigest()[:12]
            res.outputs.append(
                write_manifest(
                    Path(out_dir),
                    f"{current_release().version}+{digest}",
                    cat,
                    catalogue_evidence(make_store(res.triples)),
                    overlays=[getattr(o, "path", o) for o in overlays or []],
                )
            )
    print_stats(res.triples)
    t = res.timings
    click.echo(
        f"built {len(res.triples)} triples in {t['total']:.2f}s (load {t['load']:.2f}s, validate {t.get('validate', 0):.2f}s) → "
        + ", ".join(str(p) for p in res.outputs)
    )


@main.command()
@click.option("--catalogue", type=click.Path(exists=True, dir_okay=False))
def validate(catalogue):
    """Validate the data and ontology (SHACL + *-violation queries) without writing anything.

    \b
    Example:
      talentkg validate
    """
    from talentkg.graph.build import build as do_build

    res = do_build(None, validate=True, catalogue=Path(catalogue) if catalogue else None, overlays=_overlay_dirs())
    click.echo(f"valid: {len(res.triples)} triples, SHACL conforms, no violation query returned rows")


@main.command()
@click.option(
    "--graph",
    type=click.Path(exists=True, dir_okay=False),
    help="A built graph file (default: ./build/talentkg.nt, else the packaged data).",
)
def stats(graph):
    """Counts by class, confidence and evidence flag.

    \b
    Example:
      talentkg stats
    """
    from talentkg.stats import print_stats

    kg = _kg(graph, note=True)
    print_stats([q.triple for q in kg.store])
    _print_overlays(kg)


def _print_overlays(kg) -> None:
    """The overlays loaded (issue 18): folder, tables, rows; for a built graph, the origins it holds."""
    from collections import Counter

    for ov in kg.overlays:
        click.echo(f"overlay {ov.path}: {ov.rows} row(s) in {', '.join(ov.tables) or 'no table'}")
    if not kg.overlays:
        for origin, n in sorted(Counter(kg.origins.values()).items()):
            click.echo(f"{origin}: {n} fact(s)")
    if not kg.origins and not kg.overlays:
        click.echo("no overlay loaded (packaged data only)")


# ---------------------------------------------------------------- queries
QUERY_LIST_COLUMNS = ["name", "title", "question_en", "question_zh", "parameters", "columns", "clause", "example"]


@main.command("queries")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option(
    "--columns", "columns", help="Comma-separated columns to show, of: " + ", ".join(QUERY_LIST_COLUMNS) + "."
)
@click.option("--excel", is_flag=True, help="CSV with a UTF-8 byte-order mark (Chinese opens correctly in Excel).")
def list_queries(fmt, columns, excel):
    """List the library's queries with their questions and parameters.

    \b
    Examples:
      talentkg queries
      talentkg queries --columns name,question_zh
      talentkg queries --format json
    """
    from talentkg.querylib import library
    from talentkg.render import select_columns
    from talentkg.terms import declared_columns

    rows = []
    for q in library().values():
        params = "; ".join(
            f"{p.name} ({p.type}{', required' if p.required else ''}) e.g. {p.example}" for p in q.params
        )
        rows.append(
            {
                "name": q.name,
                "title": q.title,
                "question_en": q.question_en,
                "question_zh": q.question_zh,
                "parameters": params or None,
                "columns": " ".join(declared_columns(q.text)) or None,
                "clause": q.clause,
                "example": q.example,
            }
        )
    default = "name,question_en,question_zh,parameters" if fmt == "table" else None
    cols = select_columns(QUERY_LIST_COLUMNS, columns or default)
    _emit(rows, cols, fmt, excel=excel)


def _parse_params(params: tuple[str, ...]) -> dict[str, str]:
    from talentkg.errors import ParameterError

    out: dict[str, str] = {}
    for p in params:
        if "=" not in p:
            raise ParameterError(p, "write parameters as --param key=value")
        k, v = p.split("=", 1)
        k = k.strip()
        if not k:
            raise ParameterError(p, "the parameter has no name; write --param key=value")
        if k in out:
            raise ParameterError(f"--param {k}", f"given twice ({out[k]!r} and {v!r}); give each parameter once")
        out[k] = v
    return out


def _emit(
    rows: list[dict],
    columns: list[str],
    fmt: str,
    *,
    out: str | None = None,
    excel: bool = False,
    kinds: dict | None = None,
) -> None:
    """Print (or write to --out) rows as a table that fits the terminal, CSV, JSON or XLSX."""
    rows = [{c: r.get(c) for c in columns} for r in rows]
    if fmt == "xlsx":
        from talentkg.errors import ParameterError
        from talentkg.xlsx import write_xlsx

        if not out:
            raise ParameterError("--out", "--format xlsx needs --out results.xlsx (or --out - for stdout)")
        write_xlsx(out, columns, rows, kinds=kinds)
        if out != "-":
            click.echo(f"written {len(rows)} row(s) → {out}", err=True)
        return
    if fmt == "json":
        data = (json.dumps(rows, ensure_ascii=False, indent=2, default=str) + "\n").encode("utf-8")
    elif fmt == "csv":
        import csv
        import io

        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\r\n" if excel else "\n")
        w.writeheader()
        from talentkg.files import safe_row

        for r in rows:
            w.writerow(safe_row({k: "" if v is None else v for k, v in r.items()}))
        data = (("\ufeff" if excel else "") + buf.getvalue()).encode("utf-8")
    else:
        from talentkg.render import render_table

        if out and out != "-":
            import io

            buf = io.StringIO()
            render_table(columns, rows, file=buf)
            data = buf.getvalue().encode("utf-8")
        else:
            render_table(columns, rows)
            return
    if out and out != "-":
        from talentkg.files import write_output

        write_output(out, data)
        click.echo(f"written {len(rows)} row(s) → {out}", err=True)
    else:
        sys.stdout.buffer.write(data) if hasattr(sys.stdout, "buffer") else click.echo(data.decode("utf-8"), nl=False)
        sys.stdout.flush()


@main.command()
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, help="key=value; repeatable.")
@click.option(
    "--file",
    "file_",
    type=click.Path(exists=True, dir_okay=False),
    help="Run your own .rq file instead of a library query.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json", "xlsx"]),
    default="table",
    show_default=True,
    help="table fits the terminal (long text cut with …); csv/json/xlsx carry full values.",
)
@click.option(
    "--columns", "wanted", help="Comma-separated columns to keep, in that order (e.g. category,monthly_threshold)."
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write to this file (atomic) instead of stdout; required for xlsx.",
)
@click.option("--excel", is_flag=True, help="CSV for Excel: UTF-8 with a byte-order mark, CRLF line ends.")
@click.option(
    "--graph",
    type=click.Path(exists=True, dir_okay=False),
    help="A built graph file (default: ./build/talentkg.nt, else the packaged data).",
)
@click.option("--endpoint", help="Run against a SPARQL 1.1 endpoint instead of the embedded store.")
@click.option(
    "--timeout",
    default=30.0,
    show_default=True,
    type=float,
    help="Seconds; the query is stopped at the limit (embedded and --endpoint).",
)
@click.option(
    "--allow-service",
    is_flag=True,
    help="Allow SERVICE clauses (federation: the engine sends requests to other servers). Off by default.",
)
@click.option(
    "--show-sparql",
    is_flag=True,
    help="Print the query with its parameters bound (ready to paste into any endpoint); run nothing.",
)
@click.option(
    "--default-graph",
    "default_graph",
    help="For --endpoint: the named graph to query as the default graph (SPARQL protocol default-graph-uri), e.g. the graph given to `talentkg push`.",
)
def query(
    name, params, file_, fmt, wanted, out, excel, graph, endpoint, timeout, allow_service, show_sparql, default_graph
):
    """Run a library query (or --file my.rq) with typed parameters.

    --file runs SELECT, ASK (one row: boolean), CONSTRUCT and DESCRIBE (rows: subject, predicate,
    object); an UPDATE is refused.

    \b
    Examples:
      talentkg query salary_threshold -p city=Guangzhou -p date=2023-12-01
      talentkg query salary_history -p city=广州 --columns valid_from,category,monthly_threshold
      talentkg query catalogue_summary --format xlsx --out catalogue.xlsx
      talentkg query qualification_equivalents --format csv --excel --out entries.csv
      talentkg query salary_threshold -p city=Foshan -p date=2026-06-01 --show-sparql
    """
    from talentkg.errors import ParameterError

    if not name and not file_:
        raise ParameterError("NAME", "give a query name (see `talentkg queries`) or --file my.rq")
    if name and file_:
        raise ParameterError("NAME", f"give a query name or --file, not both ({name!r} and {file_})")
    if not timeout > 0:
        raise ParameterError("--timeout", f"{timeout} is not a positive number of seconds")
    given = _parse_params(params)
    kg = _kg(graph, note=fmt == "table")
    kg.allow_service = allow_service
    target = file_ or name
    if show_sparql:  # the same binding as execution (kg.bound_text), also shown by the workbench
        click.echo(kg.bound_text(target, given), nl=False)
        return
    if endpoint:
        from talentkg.remote import remote_rows
        from talentkg.sparqltext import check_read_only

        text = kg.bound_text(target, given)
        check_read_only(text, allow_service=allow_service, where=str(target))
        columns, rows = remote_rows(endpoint, text, timeout=timeout, default_graph=default_graph)
    else:
        import pyoxigraph as ox

        from talentkg.terms import plain, rows_to_dicts

        res = kg._run(target, given, timeout=timeout)
        if isinstance(res, ox.QueryBoolean):
            columns, rows = ["boolean"], [{"boolean": bool(res)}]
        elif isinstance(res, list):
            columns = ["subject", "predicate", "object"]
            rows = [
                {"subject": plain(t.subject), "predicate": plain(t.predicate), "object": plain(t.object)} for t in res
            ]
        else:
            columns = [v.value for v in res.variables]
            rows = rows_to_dicts(res)
            from talentkg.origins import annotate_rows  # rows naming an overlay fact say so (issue 18)

            rows, columns = annotate_rows(rows, columns, kg.origins)
    from talentkg.render import select_columns
    from talentkg.terms import declared_columns

    kinds = declared_columns(kg.query_file(target).text)
    _emit(rows, select_columns(columns, wanted), fmt, out=out, excel=excel, kinds=kinds)


# ---------------------------------------------------------------- assess
@main.command()
@click.argument("profile", required=False)
@click.option(
    "--batch", help="A roster: CSV, XLSX or Parquet file, a folder of them, or a URL (one applicant per row)."
)
@click.option(
    "--out", help="Where --batch writes: .csv, .xlsx (≤ 1M rows) or .parquet, or - for CSV on stdout (atomic)."
)
@click.option("--graph", type=click.Path(exists=True, dir_okay=False))
@click.option("--as-of", "as_of", help="Assess every row on this date (YYYY-MM-DD) instead of its application_date.")
@click.option("--compare", help="With --as-of D1: each person on D1 and on this date, who changes category and why.")
@click.option("--strict", is_flag=True, help="All or nothing: any bad row is an error (exit 2) and nothing is written.")
@click.option("--encoding", help="The CSV's encoding when it is not UTF-8/UTF-16 (e.g. gbk).")
@click.option("--workers", type=int, default=None, help="Worker processes for --batch (default: the machine's cores).")
@click.option("--scheduler", help="Run the chunks on a Dask distributed scheduler, e.g. tcp://10.0.0.5:8786.")
@click.option(
    "--chunk-size", "chunk_size", type=int, default=None, help="Applicants per set-based pass (default 10000)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx", "parquet"]),
    help="Output format (default: from the --out name).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    help="Print a readable explanation in English or Chinese instead of JSON (the JSON holds both languages).",
)
@click.option(
    "--fields", "list_fields", is_flag=True, help="List the profile fields (name, kind, ontology property) and exit."
)
def assess(
    profile,
    batch,
    out,
    graph,
    as_of,
    compare,
    strict,
    encoding,
    workers,
    scheduler,
    chunk_size,
    fmt,
    quiet,
    lang,
    list_fields,
):
    """Which category can an applicant apply for on a date, and why? PROFILE.json, or - for stdin.

    With --batch: one result row per roster row, in order. Exit 0 every row assessed; 3 some rows
    failed (listed in the error column and in OUT.errors.csv; the others are written); 2 the input
    cannot be used (nothing written).

    \b
    Examples:
      talentkg assess profile.json
      echo '{"city": "Guangzhou", "application_date": "2023-12-01", "monthly_salary_rmb": 65000}' | talentkg assess -
      talentkg assess --batch applicants.csv --out results.xlsx
      talentkg assess --batch roster.csv --as-of 2024-07-12 --compare 2024-07-13 --out changes.csv
      talentkg assess --fields   # the profile fields (also the roster's columns)
    """
    from talentkg.errors import ParameterError

    if list_fields:
        from talentkg.profile_schema import field_reference

        click.echo(field_reference(), nl=False)
        return

    if as_of is not None:
        as_of = as_of.strip()
    if batch and profile:
        raise ParameterError("PROFILE", f"give either a profile ({profile}) or --batch ({batch}), not both")
    if batch:
        _assess_batch(batch, out, graph, as_of, compare, strict, encoding, workers, scheduler, chunk_size, fmt, quiet)
        return
    if out:
        raise ParameterError(
            "--out",
            "only --batch writes a file; a single profile's result goes to standard output "
            "(redirect it: talentkg assess p.json > result.json)",
        )
    if not profile:
        raise ParameterError("PROFILE", "give a profile JSON file, - for stdin, or --batch applicants.csv")
    data = read_profile_json(profile)  # exact numbers: parse_float=Decimal (62693.99999999999999 stays below 62694)
    kg = _kg(graph)
    result = kg.assess(data)
    if lang:
        from talentkg.web.explain import explain_for_cli

        click.echo(explain_for_cli(kg, result, data, lang), nl=False)
        return
    click.echo(json.dumps(result, ensure_ascii=False, indent=2, default=_json_number))


MAX_JSON_DEPTH = 100


def read_profile_json(source: str):
    """A profile (or a list of profiles) from a JSON file or ``-`` (stdin), checked strictly.

    A UTF-8 BOM is accepted; duplicate keys, more than MAX_JSON_DEPTH levels of nesting,
    NaN/Infinity, non-UTF-8 text, a missing file or a folder are errors naming the file; numbers
    with a fraction are read as ``decimal.Decimal`` (no binary rounding)."""
    import decimal

    from talentkg.errors import ParameterError

    name = "stdin" if source == "-" else source
    if source == "-":
        raw = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode("utf-8")
    else:
        p = Path(source)
        if p.is_dir():
            raise ParameterError(name, "is a folder; give a profile JSON file")
        if not p.exists():
            raise ParameterError(name, "no such file; check the path")
        try:
            raw = p.read_bytes()
        except OSError as e:
            raise ParameterError(name, f"cannot read it ({e.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ParameterError(name, f"is not UTF-8 text (bad byte at offset {e.start}); save it as UTF-8") from None
    if not text.strip():
        raise ParameterError(
            name, 'is empty; a profile is a JSON object such as {"city": "Guangzhou", "application_date": "2024-01-01"}'
        )
    depth = cur = 0
    in_str = esc = False
    for ch in text:  # the nesting depth, before the parser recurses
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            cur += 1
            if cur > depth:
                depth = cur
                if depth > MAX_JSON_DEPTH:
                    raise ParameterError(
                        name, f"JSON nested more than {MAX_JSON_DEPTH} levels deep; a profile is a flat object"
                    )
        elif ch in "]}":
            cur -= 1

    def pairs(items):
        out = {}
        for k, v in items:
            if k in out:
                raise ParameterError(f"{name}: field {k!r}", "appears twice in the same object; keep one")
            out[k] = v
        return out

    def constant(c):
        raise ParameterError(name, f"{c} is not a number JSON allows; give a finite number")

    try:
        return json.loads(text, object_pairs_hook=pairs, parse_float=decimal.Decimal, parse_constant=constant)
    except json.JSONDecodeError as e:
        raise ParameterError(name, f"not valid JSON: {e.msg} at line {e.lineno} column {e.colno}") from None
    except RecursionError:
        raise ParameterError(name, "JSON nested too deeply; a profile is a flat object") from None


def _assess_batch(batch, out, graph, as_of, compare, strict, encoding, workers, scheduler, chunk_size, fmt, quiet):
    import os

    from talentkg.batch import CHUNK, run_batch, summary_rows
    from talentkg.errors import ParameterError

    if not out:
        raise ParameterError("--out", "--batch needs --out results.csv (or .xlsx, .parquet, - for stdout)")
    for name, v in (("--workers", workers), ("--chunk-size", chunk_size)):
        if v is not None and v < 1:
            raise ParameterError(name, f"{v} is not a positive number")
    base = out[: -len(out.rsplit(".", 1)[-1]) - 1] if "." in os.path.basename(out) else out
    errors_out = None if out == "-" else f"{base}.errors.csv"
    summary_out = None if out == "-" or not compare else f"{base}.summary.csv"
    report = run_batch(
        _kg(graph),
        batch,
        out,
        as_of=as_of,
        compare=compare,
        strict=strict,
        encoding=encoding,
        workers=workers or os.cpu_count() or 1,
        scheduler=scheduler,
        chunk=chunk_size or CHUNK,
        fmt=fmt,
        progress=not quiet and sys.stderr.isatty(),
        errors_out=errors_out,
        summary_out=summary_out,
    )
    msg = f"assessed {report.rows - report.failed} of {report.rows} row(s) → {out}: " + ", ".join(
        f"{k} {v}" for k, v in sorted(report.counts.items())
    )
    if report.failed:
        msg += f"; {report.failed} row(s) failed (error column{', ' + errors_out if errors_out else ''})"
    click.echo(msg, err=out == "-")
    if compare:
        changed = [r for r in summary_rows(report.summary) if r["changed"]]
        click.echo(
            f"{sum(r['people'] for r in changed)} people change verdict between {as_of} and {compare}"
            + (f" (summary by city: {summary_out})" if summary_out else ""),
            err=out == "-",
        )
        for r in changed:
            click.echo(f"  {r['city']}: {r['verdict_1']} → {r['verdict_2']}: {r['people']}", err=out == "-")
    if report.rows == 0:
        click.echo(f"warning: {batch} has no applicant rows (empty or header only); nothing was assessed", err=True)
        sys.exit(4)
    if report.failed:
        sys.exit(3)


# ---------------------------------------------------------------- catalogue
@main.group()
def catalogue():
    """The Guangzhou 2025 overseas-qualification catalogue.

    \b
    Examples:
      talentkg catalogue import annex.xlsx && talentkg build --catalogue build/catalogue_official.csv
      talentkg catalogue export --out catalogue.xlsx
    """


@catalogue.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--out", default="build/catalogue_official.csv", show_default=True, type=click.Path(dir_okay=False))
@click.option("--quiet", "-q", is_flag=True, help="No progress display.")
def catalogue_import(file, out, quiet):
    """Import the official annex (CSV or XLSX, Chinese or English headers) and compare its totals.

    \b
    Example:
      talentkg catalogue import annex.xlsx --out build/catalogue_official.csv
    """
    from talentkg.catalogue_import import import_annex

    report = import_annex(Path(file), Path(out), quiet=quiet)
    for line in report:
        click.echo(line)
    click.echo(f"written {out}; build with: talentkg build --catalogue {out}")


@catalogue.command("export")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="The workbook to write (.xlsx, atomic).")
@click.option(
    "--graph", default=None, help="Answer from this graph file (default: the current build, else the packaged data)."
)
@click.option("--quiet", "-q", is_flag=True, help="No progress display.")
def catalogue_export(out, graph, quiet):
    """Export the catalogue as an Excel workbook: one sheet per title level and one per sector.

    Bilingual headers, typed cells, the evidence flag on every row (a reconstruction is never shown as
    the official list), 未公布 where no Chinese name is published; an "About 说明" sheet says which graph.

    \b
    Example:
      talentkg catalogue export --out catalogue.xlsx
    """
    from talentkg.catalogue_export import export_catalogue
    from talentkg.errors import ParameterError
    from talentkg.progress import spinner

    if not str(out).lower().endswith(".xlsx"):
        raise ParameterError("--out", f"{out!r} is not an .xlsx file; write e.g. --out catalogue.xlsx")
    kg = _kg(graph)
    with spinner("writing the catalogue workbook", quiet=quiet):
        counts = export_catalogue(kg, out)
    sheets = [f"{k} ({v})" for k, v in counts.items()]
    click.echo(f"written {out}: {len(counts)} sheets — " + ", ".join(sheets))


# ---------------------------------------------------------------- interop (issue 5)
@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["turtle", "ntriples", "jsonld", "rdfxml", "owl", "graphml", "neo4j"]),
    required=True,
)
@click.option("--out", required=True, type=click.Path())
@click.option("--graph", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--schema/--no-schema",
    default=False,
    show_default=True,
    help="GraphML: include the ontology's classes and properties (data only by default).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress display.")
def export(fmt, out, graph, schema, quiet):
    """Export the graph: RDF formats, JSON-LD (compacted), GraphML (Gephi, igraph), or neo4j-admin import CSVs + Cypher.

    \b
    Examples:
      talentkg export --format turtle --out talentkg.ttl
      talentkg export --format neo4j --out neo4j/
    """
    from talentkg.exports import export as do_export
    from talentkg.progress import spinner

    kg = _kg(graph)
    with spinner(f"exporting {fmt} → {out}", quiet=quiet):
        paths = do_export(kg.store, fmt, Path(out), schema=schema)
    click.echo("written " + ", ".join(str(p) for p in paths))


@main.command()
@click.option("--port", default=7878, show_default=True, type=int, help="1–65535, or 0 for a free port (reported).")
@click.option("--writable", is_flag=True, help="Allow SPARQL Update (read-only by default).")
@click.option("--graph", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--timeout", default=30, show_default=True, type=int, help="Seconds: Oxigraph stops a query at this limit."
)
@click.option(
    "--allow-service",
    is_flag=True,
    help="Allow SERVICE clauses (the server would send requests to other addresses). Off by default.",
)
def serve(port, writable, graph, timeout, allow_service):
    """Serve the graph as a local SPARQL 1.1 endpoint (Oxigraph server) on 127.0.0.1.

    \b
    Example:
      talentkg serve --port 7878   # then: talentkg query jurisdictions --endpoint http://127.0.0.1:7878/query
    """
    from talentkg.server import check_port
    from talentkg.server import serve as do_serve

    check_port(port)
    do_serve(_kg(graph).store, port=port, writable=writable, allow_service=allow_service, timeout_s=timeout)


# ---------------------------------------------------------------- workbench (issue 15)
@main.command()
@click.option("--port", default=8765, show_default=True, help="Port on 127.0.0.1.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Local address only (127.0.0.1).")
@click.option(
    "--graph",
    type=click.Path(exists=True, dir_okay=False),
    help="A built graph file (default: ./build/talentkg.nt, else the packaged data).",
)
def workbench(port, host, graph):
    """The analyst workbench: the query library, assessments and a SPARQL editor in the browser (read-only).

    \b
    Example:
      talentkg workbench --port 8765   # then open http://127.0.0.1:8765/
    """
    from talentkg.web.app import serve as serve_workbench

    serve_workbench(port=port, host=host, graph=graph)


@main.command()
@click.option("--endpoint", required=True, help="Graph Store Protocol endpoint, e.g. http://127.0.0.1:7878/store")
@click.option("--graph", "graph_iri", required=True, help="Named graph IRI to replace.")
@click.option("--from", "graph_file", type=click.Path(exists=True, dir_okay=False), help="A built graph file.")
@click.option("--timeout", default=60.0, show_default=True)
def push(endpoint, graph_iri, graph_file, timeout):
    """Upload the graph, replacing one named graph in a single request (HTTP PUT).

    \b
    Example:
      talentkg push --endpoint http://127.0.0.1:7878/store --graph https://w3id.org/talentkg/id/graph/policy
    """
    from talentkg.remote import check_graph_iri
    from talentkg.remote import push as do_push

    check_graph_iri(graph_iri)
    n = do_push(_kg(graph_file).store, endpoint, graph_iri, timeout=timeout)
    click.echo(f"pushed {n} triples to <{graph_iri}> at {endpoint}")


@main.command()
@click.option("--out", default="docs/ontology", show_default=True, type=click.Path(file_okay=False))
@click.option("--quiet", "-q", is_flag=True, help="No progress display.")
def docs(out, quiet):
    """Generate the ontology documentation (pyLODE) into docs/ontology/.

    \b
    Example:
      talentkg docs --out docs/ontology
    """
    from talentkg.docs import make_docs
    from talentkg.progress import spinner

    with spinner("generating the ontology documentation (pyLODE)", quiet=quiet):
        path = make_docs(Path(out))
    click.echo(f"written {path}")


# ---------------------------------------------------------------- standard add / fact add (issue 18)
def _target_dir(data):
    """Where added rows go: --data of the subcommand, else the run's overlay folder."""
    if data:
        return Path(data)
    dirs = _overlay_dirs()
    if dirs:
        return dirs[0]
    from talentkg.errors import ParameterError

    raise ParameterError(
        "--data",
        "say where to write: --data DIR (an overlay folder, created when missing; or data/ for the packaged tables)",
    )


@main.group()
def standard():
    """Salary standards: add a city's new standard from its notice.

    \b
    Example:
      talentkg --data my-overlay standard add --city Hangzhou --notice notice.html --dry-run
    """


@standard.command("add")
@click.option("--city", required=True, help="City name (Hangzhou, 杭州) or GB/T 2260 code.")
@click.option(
    "--notice", required=True, help="The notice: a text or HTML file, - for stdin, or the pasted text itself."
)
@click.option("--source-url", help="Where the notice is published.")
@click.option(
    "--data",
    type=click.Path(file_okay=False),
    help="Folder to write to (an overlay, or data/). Default: the --data/TALENTKG_DATA overlay.",
)
@click.option(
    "--yes",
    is_flag=True,
    help="Accept every extracted figure without asking (for scripts); missing figures must then be given as options.",
)
@click.option("--dry-run", is_flag=True, help="Check and print the rows as JSON; write nothing.")
@click.option("--valid-from", help="YYYY-MM-DD, when the notice does not say.")
@click.option("--valid-until", help="YYYY-MM-DD, when the notice does not say (empty: open).")
@click.option(
    "--basis",
    "wage_basis",
    help="Wage basis notation (non_private, all_urban, all_urban_onpost, non_private_onpost …).",
)
@click.option("--statistics-year", type=int, help="Year of the average wage the base is.")
@click.option("--annual", help="Annual average wage (CNY), when the notice does not print it.")
@click.option("--monthly-base", help="Monthly base (CNY), when the notice does not print it.")
@click.option(
    "--threshold",
    "thresholds",
    multiple=True,
    help="CAT=monthly amount, e.g. B=41796, to override a figure the notice prints wrongly.",
)
@click.option(
    "--confidence",
    type=click.Choice(["high", "medium", "low", "unverified"]),
    help="Default: asked; with --yes, unverified.",
)
@click.option("--id", "std_id", help="Id of the new standard (default CODE-VALIDFROM).")
def standard_add(
    city,
    notice,
    source_url,
    data,
    yes,
    dry_run,
    valid_from,
    valid_until,
    wage_basis,
    statistics_year,
    annual,
    monthly_base,
    thresholds,
    confidence,
    std_id,
):
    """Extract a salary standard from a notice, check its arithmetic, write validated rows.

    \b
    Examples:
      talentkg standard add --city 杭州 --notice notice.txt --source-url https://… --data my-overlay
      talentkg standard add --city Hangzhou --notice notice.html --yes --dry-run
    """
    from decimal import Decimal, InvalidOperation

    from talentkg import standard_add as sa
    from talentkg.errors import ParameterError

    if notice == "-":
        raw, name = sys.stdin.read(), "stdin"
    elif Path(notice).is_file():
        raw, name = Path(notice).read_text(encoding="utf-8"), Path(notice).name
    elif "\n" in notice or len(notice) > 40:
        raw, name = notice, "pasted text"
    else:
        raise ParameterError("--notice", f"{notice!r} is not a file; give a file, - for stdin, or the notice text")
    text = sa.notice_text(raw)
    jur = sa.find_city(city)

    def dec(field, v):
        try:
            return Decimal(v.replace(",", "")) if v else None
        except InvalidOperation:
            raise ParameterError(field, f"{v!r} is not a number") from None

    given = {
        "annual_average": dec("--annual", annual),
        "monthly_base": dec("--monthly-base", monthly_base),
        "thresholds": {},
    }
    for t in thresholds:
        cat, _, v = t.partition("=")
        given["thresholds"][cat.strip().upper()] = dec("--threshold", v)
    multiples = sa.salary_multiples(valid_from)
    ex = sa.extract(text, multiples)
    click.echo(f"{jur['name_en']} ({jur['code']}): figures found in {name}")
    for f in ex.spans():
        click.echo("  " + f.show())
    interactive = not yes and sys.stdin.isatty()
    meta = {"notice_name": name, "id": std_id}
    wanted = [
        ("valid_from", valid_from, "--valid-from", True),
        ("valid_until", valid_until, "--valid-until", False),
        ("wage_basis", wage_basis, "--basis", True),
        ("statistics_year", statistics_year, "--statistics-year", False),
        ("source_url", source_url, "--source-url", True),
        ("confidence", confidence, "--confidence", True),
    ]
    missing = []
    for key, opt_value, opt, required in wanted:
        value = opt_value if opt_value not in (None, "") else (ex.found[key].value if key in ex.found else None)
        if value is None and key == "confidence" and yes:
            value = "unverified"
        if value is None and interactive:
            value = (
                click.prompt(
                    f"{key} (not found in the notice; {opt})", default="" if not required else None, show_default=False
                )
                or None
            )
        if value is None and required:
            missing.append(opt)
        meta[key] = value
    if missing:
        raise ParameterError(", ".join(missing), "not found in the notice: give " + " and ".join(missing))
    multiples = sa.salary_multiples(meta["valid_from"])
    ck = sa.check(ex, multiples, given)
    click.echo("checks:")
    for line in ck.lines:
        click.echo("  " + line)
    rows = sa.standard_rows(jur, ex, ck, meta, multiples)
    for line in meta.get("skipped", []):
        click.echo("  " + line)
    if dry_run:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if interactive and not click.confirm("write these rows?", default=True):
        click.echo("nothing written")
        return
    for p in sa.write_rows(_target_dir(data), rows):
        click.echo(f"written {p}")


@main.group()
def fact():
    """Any dated fact of the tables (data/tables.yaml): add validated rows.

    \b
    Example:
      talentkg fact add recognitions --set id=… --set valid_from=2026-01-01 --data my-overlay
    """


@fact.command("add")
@click.argument("table")
@click.option(
    "--set",
    "values",
    multiple=True,
    required=True,
    help="column=value; repeatable. The table's columns are in data/tables.yaml.",
)
@click.option("--data", type=click.Path(file_okay=False), help="Folder to write to (an overlay, or data/).")
def fact_add(table, values, data):
    """Add one row to TABLE (e.g. salary_benchmark_rules, recognitions, catalogues), validated like the data.

    \b
    Example:
      talentkg fact add salary_benchmark_rules --set id=… --set jurisdiction=440100 --data my-overlay
    """
    from talentkg import standard_add as sa

    row = dict(v.split("=", 1) if "=" in v else (v, "") for v in values)
    for p in sa.write_rows(_target_dir(data), {table: [row]}):
        click.echo(f"written {p}")


# ---------------------------------------------------------------- changes (issue 16)
@main.command()
@click.option(
    "--from", "from_date", required=True, help="The earlier date, YYYY-MM-DD (a change on this day is not counted)."
)
@click.option("--to", "to_date", required=True, help="The later date, YYYY-MM-DD (a change on this day is counted).")
@click.option(
    "--city", help="A city or jurisdiction (name, 中文名 or code): its facts, its districts' and those above it."
)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option(
    "--graph",
    type=click.Path(exists=True, dir_okay=False),
    help="A built graph file (default: build from the packaged data).",
)
def changes(from_date, to_date, city, fmt, graph):
    """What changed between two dates: standards, thresholds, rules, recognitions, documents — with sources.

    The same as `talentkg query changes -p from_date=… -p to_date=… [-p city=…]`.

    \b
    Example:
      talentkg changes --from 2023-01-01 --to 2024-12-31 --city Guangzhou
    """
    kg = _kg(graph)
    params = {"from_date": from_date, "to_date": to_date, "city": city}
    res = kg._run("changes", {k: v for k, v in params.items() if v})
    columns = [v.value for v in res.variables]
    rows = kg.rows("changes", **{k: v for k, v in params.items() if v})
    if rows and "origin" in rows[0]:
        columns.append("origin")
    _emit(rows, columns, fmt)


if __name__ == "__main__":
    main()
