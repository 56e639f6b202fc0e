"""talentkg.files: the safe writer every command uses (issue 12, deliverable 4)."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from talentkg.errors import ParameterError
from talentkg.files import check_output, open_output, replace_set, safe_cell, write_output
from tests.conftest import ROOT


def test_out_equal_to_input_is_refused(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("a\n")
    with pytest.raises(ParameterError, match="also an input"):
        write_output(src, b"x", inputs=[src])
    link = tmp_path / "link.csv"
    link.symlink_to(src)
    with pytest.raises(ParameterError, match="also an input"):
        write_output(link, b"x", inputs=[src])
    assert src.read_text() == "a\n"


def test_dash_writes_stdout(tmp_path, capsysbinary, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert write_output("-", "héllo\n") == "stdout"
    assert capsysbinary.readouterr().out == "héllo\n".encode()
    assert not (tmp_path / "-").exists()


def test_directory_refused(tmp_path):
    with pytest.raises(ParameterError, match="is a folder"):
        write_output(tmp_path, b"x")


def test_umask_and_existing_mode(tmp_path):
    old = os.umask(0o077)
    try:
        p = tmp_path / "new.csv"
        write_output(p, b"x")
        assert stat.S_IMODE(p.stat().st_mode) == 0o600
    finally:
        os.umask(old)
    q = tmp_path / "kept.csv"
    q.write_text("old")
    os.chmod(q, 0o640)
    write_output(q, b"new")
    assert q.read_bytes() == b"new" and stat.S_IMODE(q.stat().st_mode) == 0o640


def test_symlink_kept_and_target_replaced(tmp_path):
    target = tmp_path / "real.csv"
    target.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    write_output(link, b"new")
    assert link.is_symlink() and target.read_bytes() == b"new"


def test_never_renames_over_a_device_or_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    write_output(fifo, b"through the pipe\n")
    out, _ = reader.communicate(timeout=10)
    assert out == b"through the pipe\n" and stat.S_ISFIFO(os.stat(fifo).st_mode)
    write_output("/dev/null", b"x")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_failed_write_leaves_nothing(tmp_path):
    p = tmp_path / "out.csv"
    p.write_text("previous")
    with pytest.raises(RuntimeError):
        with open_output(p) as fh:
            fh.write("half")
            raise RuntimeError("boom")
    assert p.read_text() == "previous" and sorted(x.name for x in tmp_path.iterdir()) == ["out.csv"]


def test_formula_cells_neutralised_numbers_kept():
    assert safe_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert safe_cell("+cmd|' /C calc'!A0") == "'+cmd|' /C calc'!A0"
    assert safe_cell("-2+3") == "'-2+3"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("-5") == "-5" and safe_cell("-1.25") == "-1.25" and safe_cell(-5) == -5
    assert safe_cell("Guangzhou") == "Guangzhou" and safe_cell("") == ""


def test_check_output_fails_early(tmp_path):
    assert check_output("-") is None
    with pytest.raises(ParameterError, match="empty"):
        check_output("")


def test_replace_set_swaps_as_one(tmp_path):
    out = tmp_path / "build"
    replace_set(out, {"a.nt": b"1", "a.ttl": b"1"})
    (out / "extra.csv").write_text("kept")
    replace_set(out, {"a.nt": b"2", "a.ttl": b"2"})
    assert out.is_symlink() and (out / "a.nt").read_bytes() == b"2" and (out / "extra.csv").read_text() == "kept"
    # only the current version folder and the link remain
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "build") == [os.readlink(out)]


def test_replace_set_takes_over_a_real_folder(tmp_path):
    out = tmp_path / "build"
    out.mkdir()
    (out / "a.nt").write_bytes(b"old")
    (out / "catalogue_official.csv").write_text("keep")
    replace_set(out, {"a.nt": b"new"})
    assert (out / "a.nt").read_bytes() == b"new" and (out / "catalogue_official.csv").read_text() == "keep"
    assert len(list(tmp_path.iterdir())) == 2


def _wait_for(proc, needle: str, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    buf = ""
    while time.time() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        buf += line
        if needle in line:
            return
    raise AssertionError(f"never paused: {buf[-2000:]}")


def _kill_when_paused(proc, point: str) -> None:
    """SIGKILL the child once it says it is paused at ``point`` (it is always reaped)."""
    try:
        _wait_for(proc, f"paused at {point}")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()


def _settle(folder, entries: int) -> None:
    """Give the janitor up to 10 s to remove half-made files, until ``folder`` holds ``entries``."""
    deadline = time.time() + 10
    while time.time() < deadline and len(list(folder.iterdir())) > entries:
        time.sleep(0.05)


@pytest.mark.parametrize("point", ["before-swap"])
def test_sigkill_during_build_keeps_old_set_and_no_temp(tmp_path, point):
    exe = str(Path(sys.executable).with_name("talentkg"))
    out = tmp_path / "build"
    assert (
        subprocess.run([exe, "build", "--out", str(out), "--no-validate"], capture_output=True, timeout=300).returncode
        == 0
    )
    before = {n: (out / n).read_bytes() for n in ("talentkg.nt", "talentkg.ttl")}
    (out / "talentkg.nt").write_bytes(b"# marker: old set\n" + before["talentkg.nt"])
    proc = subprocess.Popen(
        [exe, "build", "--out", str(out), "--no-validate"],
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "TALENTKG_TEST_PAUSE": f"{point}:60"},
    )
    _kill_when_paused(proc, point)
    _settle(tmp_path, 2)  # the janitor removes the half-made version
    assert (out / "talentkg.nt").read_bytes().startswith(b"# marker: old set")
    assert (out / "talentkg.ttl").read_bytes() == before["talentkg.ttl"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["build", os.readlink(out)])


def test_sigkill_during_single_file_write_leaves_no_temp(tmp_path):
    code = "import sys; from talentkg.files import write_output; write_output(sys.argv[1], b'new')"
    p = tmp_path / "out.csv"
    p.write_text("old")
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(p)],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TALENTKG_TEST_PAUSE": "before-rename:60"},
    )
    _kill_when_paused(proc, "before-rename")
    _settle(tmp_path, 1)
    assert p.read_text() == "old" and [x.name for x in tmp_path.iterdir()] == ["out.csv"]
