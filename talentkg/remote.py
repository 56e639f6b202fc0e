"""Remote SPARQL 1.1 endpoints: run library queries (SPARQLWrapper) and replace a named graph (GSP PUT).

Faults — connection refused, timeout, HTTP 4xx/5xx, a malformed response — raise RemoteError
with a clear message; the CLI exits non-zero. A push is one HTTP PUT of the whole graph to the
Graph Store Protocol endpoint: the server replaces the named graph in one transaction, so a
reader never sees half a graph, and a failed upload leaves the previous graph as it was.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox

from talentkg.errors import TalentKGError
from talentkg.terms import binding_value


class RemoteError(TalentKGError):
    exit_code = 3


def remote_rows(
    endpoint: str, query_text: str, timeout: float = 30.0, default_graph: str | None = None
) -> tuple[list[str], list[dict]]:
    from SPARQLWrapper import JSON, POST, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    # SPARQLWrapper guesses the query type from keywords anywhere in the text, comments included
    # ("moves" reads as MOVE): send the query without its full-line comments.
    query_text = "\n".join(line for line in query_text.splitlines() if not line.lstrip().startswith("#"))
    sw = SPARQLWrapper(endpoint)
    sw.setQuery(query_text)
    if (
        default_graph
    ):  # the protocol's default-graph-uri (Virtuoso's default graph is otherwise the union of all graphs)
        sw.addDefaultGraph(default_graph)
    sw.setMethod(POST)
    sw.setReturnFormat(JSON)
    sw.setTimeout(int(max(1, timeout)))
    try:
        res = sw.queryAndConvert()
    except urllib.error.HTTPError as e:
        raise RemoteError(f"{endpoint}: HTTP {e.code} {e.reason}") from None
    except SPARQLWrapperException as e:
        raise RemoteError(f"{endpoint}: the endpoint rejected the request: {str(e)[:300]}") from None
    except TimeoutError:
        raise RemoteError(f"{endpoint}: no answer within {timeout} s") from None
    except urllib.error.URLError as e:
        if isinstance(e.reason, TimeoutError):  # socket.timeout is TimeoutError (3.10+)
            raise RemoteError(f"{endpoint}: timed out after {timeout} s (no answer; raise --timeout)") from None
        raise RemoteError(f"{endpoint}: cannot connect ({e.reason})") from None
    except ValueError as e:  # JSON decoding
        raise RemoteError(f"{endpoint}: malformed response ({e})") from None
    if not isinstance(res, dict) or "head" not in res or "results" not in res:
        raise RemoteError(f"{endpoint}: malformed response (not SPARQL JSON results)")
    cols = res["head"].get("vars", [])
    rows = [{c: binding_value(b.get(c)) for c in cols} for b in res["results"].get("bindings", [])]
    return cols, rows


def check_graph_iri(graph_iri: str) -> str:
    """An absolute IRI (scheme:rest, no spaces or <>"{}|^`\\), else a ParameterError naming --graph."""
    import re

    from talentkg.errors import ParameterError

    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|^`\\]+", graph_iri or ""):
        raise ParameterError(
            "--graph",
            f"{graph_iri!r} is not an absolute IRI; give one such as https://example.org/graph/talentkg "
            "(a relative name would be resolved against the endpoint)",
        )
    return graph_iri


def push(store: ox.Store, endpoint: str, graph_iri: str, timeout: float = 60.0) -> int:
    """Replace ``graph_iri`` at the Graph Store Protocol ``endpoint`` with the graph, in one PUT."""
    check_graph_iri(graph_iri)
    triples = sorted((q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())), key=str)
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    sep = "&" if "?" in endpoint else "?"
    url = f"{endpoint}{sep}graph={urllib.parse.quote(graph_iri, safe='')}"
    req = urllib.request.Request(url, data=body, method="PUT", headers={"Content-Type": "application/n-triples"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            if resp.status not in (200, 201, 204):
                raise RemoteError(f"{endpoint}: HTTP {resp.status} on PUT")
    except urllib.error.HTTPError as e:
        raise RemoteError(f"{endpoint}: HTTP {e.code} {e.reason} on PUT; the previous graph is unchanged") from None
    except TimeoutError:
        raise RemoteError(
            f"{endpoint}: no answer within {timeout} s; the server keeps the previous graph unless it completed the PUT"
        ) from None
    except urllib.error.URLError as e:
        if isinstance(e.reason, TimeoutError):  # socket.timeout is TimeoutError (3.10+)
            raise RemoteError(
                f"{endpoint}: timed out after {timeout} s (no answer; raise --timeout); the server keeps the previous graph unless it completed the PUT"
            ) from None
        raise RemoteError(f"{endpoint}: cannot connect ({e.reason})") from None
    return len(triples)
