"""Batch chunks on several processes (``--workers N``) or on a Dask cluster (``--scheduler tcp://HOST:PORT``).

Each worker holds its own embedded store, loaded once from the N-Triples of the caller's policy
graph (the same graph, overlays included, whatever the worker's machine has on disk). Chunks are
independent; results come back and are written in input order, so the output is identical to a
single-process run. At most a few chunks are in flight at once, so memory stays bounded.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Iterator

from talentkg.batch import Engine, Row, run_job

_ENGINES: dict[str, Engine] = {}


def policy_ntriples(kg) -> bytes:
    import pyoxigraph as ox

    quads = kg.store.quads_for_pattern(None, None, None, ox.DefaultGraph())
    return ox.serialize((q.triple for q in quads), format=ox.RdfFormat.N_TRIPLES) or b""


def _engine(data: bytes, data_version: str) -> Engine:
    key = hashlib.sha256(data).hexdigest() + data_version
    if key not in _ENGINES:
        _ENGINES.clear()
        _ENGINES[key] = Engine.from_ntriples(data, data_version)
    return _ENGINES[key]


# ---------------------------------------------------------------- local processes

_LOCAL: dict = {}


def _init(data: bytes, data_version: str) -> None:
    _LOCAL["engine"] = Engine.from_ntriples(data, data_version)


def _pool_job(job: tuple, rows: list[Row]) -> list[dict]:
    return run_job(_LOCAL["engine"], job, rows)


def run_pool(kg, blocks: Iterator[list[Row]], job: tuple, workers: int) -> Iterator[list[dict]]:
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    data = policy_ntriples(kg)
    # spawn: a fresh interpreter per worker (no threads or store inherited from this process)
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=mp.get_context("spawn"), initializer=_init, initargs=(data, kg.data_version)
    ) as pool:
        pending: deque = deque()
        for block in blocks:
            pending.append(pool.submit(_pool_job, job, block))
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


# ---------------------------------------------------------------- Dask distributed


def _dask_job(data: bytes, data_version: str, job: tuple, rows: list[Row]) -> list[dict]:
    return run_job(_engine(data, data_version), job, rows)


def run_dask(
    kg, blocks: Iterator[list[Row]], job: tuple, scheduler: str, timeout: float = 10.0
) -> Iterator[list[dict]]:
    """Submit the chunks to an existing dask.distributed scheduler; results in input order."""
    from distributed import Client

    from talentkg.batch_io import BatchInputError

    try:
        client = Client(scheduler, timeout=timeout)
    except (OSError, TimeoutError) as e:
        raise BatchInputError(
            f"--scheduler {scheduler}: no Dask scheduler answers there ({type(e).__name__}); "
            "start one (`dask scheduler`) or check the address"
        ) from None
    try:
        nworkers = max(1, len(client.scheduler_info().get("workers", {})))
        data = client.scatter(policy_ntriples(kg), broadcast=True)
        pending: deque = deque()
        for block in blocks:
            pending.append(client.submit(_dask_job, data, kg.data_version, job, block, pure=False))
            if len(pending) > 2 * nworkers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        client.close()
