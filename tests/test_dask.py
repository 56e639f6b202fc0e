"""assess --batch --scheduler: the same chunks on a real dask.distributed cluster (127.0.0.1) give the local output."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from talentkg.synthetic import boundary_salaries, generate, to_csv_rows
from tests.conftest import ROOT, run_cli

DASK = str(Path(sys.executable).with_name("dask"))


def _stop(procs):
    for p in procs:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
    deadline = time.time() + 15
    for p in procs:
        try:
            p.wait(timeout=max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait(timeout=5)


@pytest.fixture
def cluster(tmp_path):
    """A scheduler and two single-threaded workers on 127.0.0.1, free ports, stopped by pid."""
    sched_file = tmp_path / "scheduler.json"
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False", "PYTHONPATH": str(ROOT)}
    logs = [open(tmp_path / f"dask-{i}.log", "w") for i in range(3)]  # noqa: SIM115  (closed in the teardown below)
    procs = [
        subprocess.Popen(
            [
                DASK,
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--no-show",
                "--scheduler-file",
                str(sched_file),
            ],
            stdout=logs[0],
            stderr=subprocess.STDOUT,
            cwd=tmp_path,
            env=env,
            start_new_session=True,
        )
    ]
    try:
        deadline = time.time() + 60
        while not sched_file.exists() or not sched_file.read_text().strip():
            assert procs[0].poll() is None and time.time() < deadline, (tmp_path / "dask-0.log").read_text()
            time.sleep(0.2)
        time.sleep(0.2)
        address = json.loads(sched_file.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        for i in (1, 2):
            procs.append(
                subprocess.Popen(
                    [
                        DASK,
                        "worker",
                        "--scheduler-file",
                        str(sched_file),
                        "--host",
                        "127.0.0.1",
                        "--nworkers",
                        "1",
                        "--nthreads",
                        "1",
                        "--no-dashboard",
                        "--no-nanny",
                        "--memory-limit",
                        "0",
                    ],
                    stdout=logs[i],
                    stderr=subprocess.STDOUT,
                    cwd=tmp_path,
                    env=env,
                    start_new_session=True,
                )
            )
        from distributed import Client

        with Client(address, timeout=30) as c:
            c.wait_for_workers(2, timeout=60)
        yield address
    finally:
        _stop(procs)
        for f in logs:
            f.close()


def test_dask_cluster_output_equals_local(tmp_path, kg, cluster):
    profiles = generate(300, seed=33, boundaries=boundary_salaries(kg))
    cols, rows = to_csv_rows(profiles)
    rows[17]["monthly_salary_rmb"] = "lots"  # a bad row travels through the cluster too
    folder = tmp_path / "roster"
    folder.mkdir()
    for name, part in (("part-1.csv", rows[:140]), ("part-2.csv", rows[140:])):  # a folder of CSV files
        with (folder / name).open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=cols)
            w.writeheader()
            w.writerows(part)
    local, remote = tmp_path / "local.parquet", tmp_path / "remote.parquet"
    r1 = run_cli("assess", "--batch", str(folder), "--out", str(local), "--workers", "1")
    r2 = run_cli(
        "assess",
        "--batch",
        str(folder),
        "--out",
        str(remote),
        "--scheduler",
        cluster,
        "--chunk-size",
        "50",
        timeout=240,
    )
    assert r1.returncode == 3 and r2.returncode == 3, (r1.stderr, r2.stderr)
    import pyarrow.parquet as pq

    a, b = pq.read_table(local).to_pylist(), pq.read_table(remote).to_pylist()
    assert len(a) == 300 and a == b
    assert a[17]["source"] == "part-1.csv:19" and "monthly_salary_rmb" in a[17]["error"]
    assert {r["verdict"] for r in a} >= {"A", "B", "undetermined"}


def test_no_scheduler_is_a_clear_error(tmp_path):
    import socket

    with socket.socket() as s:  # a free port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    src = tmp_path / "r.csv"
    src.write_text("city,application_date\nGuangzhou,2023-12-01\n", encoding="utf-8")
    r = run_cli(
        "assess",
        "--batch",
        str(src),
        "--out",
        str(tmp_path / "o.csv"),
        "--scheduler",
        f"tcp://127.0.0.1:{port}",
        timeout=120,
    )
    assert r.returncode == 2 and "no Dask scheduler answers" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "o.csv").exists()
