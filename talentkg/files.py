"""Safe output files: every writer of talentkg (build, export, batch, catalogue import, query
output) goes through this module.

API (all raise :class:`talentkg.errors.ParameterError`, exit 2, naming ``field`` and the fix):

``check_output(out, inputs=(), field="--out") -> Path | None``
    Validate an output path *before* doing any work (fail early). ``"-"`` means standard output
    and returns ``None``. Refuses: an output equal to an input (same file, also through links),
    a directory, a missing parent folder that cannot be created.

``write_output(out, content, inputs=(), field="--out") -> str``
    Write ``bytes`` (or ``str``, encoded UTF-8) in one go; returns the name to report
    (``"stdout"`` for ``-``).

``open_output(out, inputs=(), field="--out", text=True) -> context manager``
    For streaming writers (a million-row batch): yields a file object; the file appears only
    when the ``with`` block ends without an exception, otherwise nothing is left behind.

``replace_set(out_dir, contents: dict[str, bytes], field="--out") -> list[Path]``
    Replace a set of files (the build's ``talentkg.nt`` + ``talentkg.ttl``) as one: the set is
    written into a new versioned folder beside ``out_dir`` and ``out_dir`` — a symbolic link to
    the current version — is switched with one atomic rename. A reader sees the old set or the
    new set, never a mix.

``safe_cell(value)`` / ``safe_row(dict)``
    Neutralise spreadsheet formulas: a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab
    or a carriage return gets a leading ``'`` (OWASP CSV injection). Numbers (int, Decimal,
    float, and text that is just a number such as ``-5`` or ``+1.5``) are kept as they are.

Rules every writer gets:

* ``-`` writes to standard output (binary-safe).
* The file is written to a temporary name in the same folder and renamed over the target, so
  a reader never sees half a file; a helper process removes the temporary file if this process
  is killed (even by SIGKILL) before the rename.
* An existing target that is not a regular file (``/dev/stdout``, a FIFO, a terminal) is
  written in place — never renamed over. A symbolic link is followed: its target is replaced
  and the link is kept.
* A new file gets mode ``0666 & ~umask``; an existing file keeps its mode.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import secrets
import shutil
import stat
import sys
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO

from talentkg.errors import ParameterError

STDOUT = "-"
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# ---------------------------------------------------------------- formula cells


def safe_cell(value):
    """A cell value that a spreadsheet will not run as a formula (numbers unchanged)."""
    if not isinstance(value, str) or not value or not value.startswith(_FORMULA_START):
        return value
    if _NUMBER.match(value.strip()):
        return value
    return "'" + value


def safe_row(row: dict) -> dict:
    return {k: safe_cell(v) for k, v in row.items()}


def is_number(value) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


# ---------------------------------------------------------------- checks


def umask() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    old = os.umask(0o022)
    os.umask(old)
    return old


def _same(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
    except OSError:
        pass
    return os.path.realpath(a) == os.path.realpath(b)


def check_output(out, inputs: Iterable = (), field: str = "--out") -> Path | None:
    """The output path, checked; ``None`` for standard output (``-``)."""
    if out is None or str(out).strip() == "":
        raise ParameterError(field, "is empty; give a file name, or - for standard output")
    if str(out) == STDOUT:
        return None
    path = Path(out)
    for i in inputs:
        if i is None or str(i) == STDOUT:
            continue
        if _same(path, Path(i)):
            raise ParameterError(
                field, f"{out} is also an input ({i}); writing it would destroy the input — choose another output file"
            )
    if path.is_dir():
        raise ParameterError(field, f"{out} is a folder; give a file name inside it, e.g. {path / 'results.csv'}")
    parent = path.parent
    if parent.exists() and not parent.is_dir():
        raise ParameterError(field, f"{parent} is not a folder")
    return path


def _target(path: Path) -> Path:
    """Follow symbolic links to the file that is really written."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


# ---------------------------------------------------------------- the janitor


class _Janitor:
    """A forked helper that removes registered temporary paths if this process dies first.

    It waits on a pipe; when the pipe closes (this process finished, or was killed, even by
    SIGKILL) it removes the paths still registered, except a folder that ``guard`` (a symbolic
    link) points to. Without ``fork`` (not POSIX) it does nothing."""

    def __init__(self, guard: Path | None = None):
        self.w = None
        self.pid = None
        if not hasattr(os, "fork"):
            return
        r, w = os.pipe()
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # "multi-threaded fork": the child only reads a pipe
            pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            try:
                os.closerange(0, r)
                os.closerange(r + 1, 1 << 16)
                os.setsid()
                buf = b""
                while True:
                    chunk = os.read(r, 65536)
                    if not chunk:
                        break
                    buf += chunk
                paths = [p for p in buf.decode("utf-8", "surrogateescape").split("\0") if p]
                done = "\x01done" in paths
                for p in paths:
                    if p.startswith("\x01"):
                        continue
                    if guard is not None and os.path.realpath(str(guard)) == os.path.realpath(p):
                        continue
                    if done and not p.startswith("\x02"):
                        continue
                    p = p.lstrip("\x02")
                    try:
                        if os.path.isdir(p) and not os.path.islink(p):
                            shutil.rmtree(p, ignore_errors=True)
                        else:
                            os.unlink(p)
                    except OSError:
                        pass
            finally:
                os._exit(0)
        os.close(r)
        self.w, self.pid = w, pid

    def register(self, path, always: bool = False) -> None:
        """``always``: remove it even when this process finishes normally (an old version)."""
        if self.w is not None:
            os.write(self.w, (("\x02" if always else "") + str(path) + "\0").encode("utf-8", "surrogateescape"))

    def close(self, done: bool = True) -> None:
        if self.w is not None:
            if done:
                os.write(self.w, b"\x01done\0")
            os.close(self.w)
            self.w = None
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self.pid, 0)


def _pause(point: str) -> None:
    """A test hook: ``TALENTKG_TEST_PAUSE=<point>:<seconds>`` sleeps there (kill tests)."""
    spec = os.environ.get("TALENTKG_TEST_PAUSE", "")
    if spec.startswith(point + ":"):
        import time

        print(f"talentkg: paused at {point}", file=sys.stderr, flush=True)
        time.sleep(float(spec.split(":", 1)[1]))


# ---------------------------------------------------------------- writing


def _stdout_binary() -> IO[bytes]:
    buf = getattr(sys.stdout, "buffer", None)
    if buf is None:  # a text-only stream (some test runners)
        return _TextToBinary(sys.stdout)
    sys.stdout.flush()
    return buf


class _TextToBinary(io.RawIOBase):
    def __init__(self, stream):
        self.stream = stream

    def writable(self):
        return True

    def write(self, b):
        self.stream.write(bytes(b).decode("utf-8"))
        return len(b)


@contextlib.contextmanager
def open_output(
    out, inputs: Iterable = (), field: str = "--out", text: bool = True, encoding: str = "utf-8", newline: str = ""
) -> Iterator[IO]:
    """Yield a file to write; it replaces ``out`` only when the block ends without error."""
    path = check_output(out, inputs, field)
    if path is None:
        raw = _stdout_binary()
        fh = io.TextIOWrapper(raw, encoding=encoding, newline=newline, write_through=True) if text else raw
        try:
            yield fh
        finally:
            fh.flush()
            if text:
                fh.detach()
        return
    target = _target(path)
    if target.exists() and not target.is_file():
        if target.is_dir():
            raise ParameterError(field, f"{out} is a folder; give a file name")
        # a device, FIFO or socket: write in place, never rename over it
        with open(target, "w" if text else "wb", **({"encoding": encoding, "newline": newline} if text else {})) as fh:
            yield fh
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ParameterError(field, f"cannot create the folder {target.parent}: {e.strerror}") from None
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o666 & ~umask()
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    janitor = _Janitor()
    janitor.register(tmp)
    ok = False
    try:
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as e:
            raise ParameterError(field, f"cannot write {out}: {e.strerror}") from None
        with os.fdopen(fd, "w" if text else "wb", **({"encoding": encoding, "newline": newline} if text else {})) as fh:
            yield fh
        os.chmod(tmp, mode)
        _pause("before-rename")
        os.replace(tmp, target)
        ok = True
    finally:
        if not ok:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        janitor.close()


def write_output(out, content: bytes | str, inputs: Iterable = (), field: str = "--out") -> str:
    """Write all of ``content``; returns the name to report (``stdout`` for ``-``)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    with open_output(out, inputs, field, text=False) as fh:
        fh.write(data)
    return "stdout" if str(out) == STDOUT else str(out)


# ---------------------------------------------------------------- a set of files, swapped as one


def replace_set(out_dir, contents: dict[str, bytes], field: str = "--out") -> list[Path]:
    """Write ``contents`` (file name → bytes) as one set under ``out_dir``.

    ``out_dir`` becomes a symbolic link to a versioned folder ``.<name>.<token>`` beside it; a
    new set is written into a new version, then the link is switched with one rename. Other
    regular files of the previous version (e.g. an imported catalogue) are carried over (hard
    links). An existing real folder is taken over the first time if it holds only files."""
    out_dir = Path(out_dir)
    if str(out_dir) == STDOUT:
        raise ParameterError(field, "the build writes a folder; give a folder name, not -")
    parent = out_dir.parent
    if out_dir.exists() and not out_dir.is_dir():
        raise ParameterError(field, f"{out_dir} exists and is not a folder; give a folder name")
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ParameterError(field, f"cannot create the folder {parent}: {e.strerror}") from None
    real_dir = out_dir.is_dir() and not out_dir.is_symlink()
    if real_dir:
        entries = list(out_dir.iterdir())
        if any(e.is_dir() and not e.is_symlink() for e in entries) or Path.cwd().resolve().is_relative_to(
            out_dir.resolve()
        ):
            raise ParameterError(
                field,
                f"{out_dir} is a folder with sub-folders (or the current folder); the build keeps its outputs "
                "as a link to a versioned folder — give a new or a build-only folder",
            )
    old_version = Path(os.path.realpath(out_dir)) if out_dir.is_symlink() else None
    mode = 0o777 & ~umask()
    file_mode = 0o666 & ~umask()
    janitor = _Janitor(guard=out_dir)
    new = parent / f".{out_dir.name}.{secrets.token_hex(6)}"
    janitor.register(new)
    ok = False
    try:
        os.mkdir(new, 0o700)
        previous = out_dir if out_dir.is_dir() else None
        if previous is not None:
            for e in previous.iterdir():
                if e.name in contents or not e.is_file() or e.name.startswith("."):
                    continue
                try:
                    os.link(e, new / e.name)
                except OSError:
                    shutil.copy2(e, new / e.name)
        for name, data in contents.items():
            p = new / name
            with open(p, "wb") as fh:
                fh.write(data)
            keep = previous / name if previous is not None else None
            os.chmod(p, stat.S_IMODE(keep.stat().st_mode) if keep is not None and keep.is_file() else file_mode)
        os.chmod(new, stat.S_IMODE(os.stat(previous).st_mode) if previous is not None else mode)
        _pause("before-swap")
        link_tmp = parent / f".{out_dir.name}.link-{secrets.token_hex(4)}"
        janitor.register(link_tmp)
        os.symlink(new.name, link_tmp)
        if real_dir:
            taken = parent / f".{out_dir.name}.old-{secrets.token_hex(4)}"
            os.rename(out_dir, taken)
            os.replace(link_tmp, out_dir)
            janitor.register(taken, always=True)
        else:
            os.replace(link_tmp, out_dir)
            if (
                old_version is not None
                and old_version.name.startswith(f".{out_dir.name}.")
                and old_version.parent == parent.resolve()
            ):
                janitor.register(old_version, always=True)
        ok = True
    finally:
        if not ok:
            shutil.rmtree(new, ignore_errors=True)
        janitor.close(done=ok)
    _clean_stale(out_dir)
    return [out_dir / n for n in contents]


def _clean_stale(out_dir: Path, min_age_s: float = 600) -> None:
    """Remove version folders of ``out_dir`` that no link points to and that are older than
    ``min_age_s`` (left behind only if the janitor itself was killed; a build running in
    parallel is younger and kept)."""
    import time

    current = os.path.realpath(out_dir)
    for p in out_dir.parent.glob(f".{out_dir.name}.*"):
        if os.path.realpath(p) == current:
            continue
        try:
            if time.time() - p.lstat().st_mtime < min_age_s:
                continue
        except OSError:
            continue
        # only folders/links this module made: hex token names
        tail = p.name[len(out_dir.name) + 2 :]
        if not re.fullmatch(r"(old-|link-)?[0-9a-f]{8,12}", tail):
            continue
        if p.is_symlink() or p.is_file():
            with contextlib.suppress(OSError):
                p.unlink()
        elif p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
