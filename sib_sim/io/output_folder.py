"""Where sib_sim writes: only into folders it made itself, and never over anything else.

Every folder sib_sim writes carries a marker file, `.sib-sim.json`: the format version, the kind of
output ("results", "pricing", "compare", "sensitivity", "sweep"), its state and the names sib_sim
wrote there. The rules, for every command that writes a folder:

- a path that does not exist, or an empty folder: written;
- a folder with sib_sim's marker of the same kind: its own files are replaced, and everything else in
  it (the user's notes, other commands' subfolders such as sensitivity/) is kept;
- anything else (a file, a folder sib_sim did not write, a marker of another kind or a newer format):
  refused with a UserError before any simulation runs. `force` lets sib_sim write into a folder it
  did not make (files with sib_sim's names are replaced, the rest kept); a file is never replaced.

A new folder is built in a hidden sibling (`.NAME.incomplete-XXXXXXXX`, made exclusively by mkdtemp)
and renamed into place: an interrupted write never leaves a folder that looks complete. An existing
folder is updated in place, so the user always has it: the marker says "writing" and summary.json is
moved out first, then each file is renamed in and the marker says "complete" last. The temporary
folders a killed writer leaves are removed by the next write to the same place (their marker names
the writer's process, which must have ended).
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError

MARKER = ".sib-sim.json"
FORMAT = 1
FIRST = "summary.json"  # moved out first and in last: a folder without it never looks complete
_TEMP = (".incomplete-", ".old-")


@dataclass(frozen=True)
class Marker:
    kind: str
    state: str  # complete, writing (an update in place under way), staging or trash (temporary folders)
    files: tuple[str, ...] = ()
    pid: int | None = None


def absolute(path: str | os.PathLike[str]) -> Path:
    """The absolute path with `.` and `..` resolved as written (symbolic links are not followed)."""
    return Path(os.path.abspath(os.fspath(path)))


def read_marker(folder: Path) -> Marker | None:
    """The marker in `folder`, or None without one; a marker that cannot be read is an error."""
    file = folder / MARKER
    if not file.is_file():
        return None
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        marker = Marker(str(data["kind"]), str(data["state"]), tuple(str(f) for f in data.get("files", ())),
                        data.get("pid"))
        version = int(data["format"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise UserError(f"sib_sim's marker file cannot be read ({error}); move the folder aside or choose "
                        "another --out", where=str(file)) from None
    if version > FORMAT:
        raise UserError(f"written by a newer sib_sim (output format {version}, this one writes {FORMAT}); "
                        "choose another --out", where=str(folder))
    return marker


def write_marker(folder: Path, marker: Marker) -> None:
    """Write the marker atomically: a unique temporary file in the folder, then renamed over the old one."""
    data = {"format": FORMAT, "kind": marker.kind, "state": marker.state, "files": list(marker.files)}
    if marker.pid is not None:
        data["pid"] = marker.pid
    handle, name = tempfile.mkstemp(prefix=f"{MARKER}.", suffix=".incomplete", dir=folder)
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(json.dumps(data, indent=2) + "\n")
    os.chmod(name, 0o644)  # mkstemp makes it private; the folder is for sharing
    os.replace(name, folder / MARKER)


def check_folder(out_dir: str | os.PathLike[str], kind: str, force: bool = False) -> Path:
    """Raise a UserError unless sib_sim may write a `kind` folder at `out_dir`; the absolute path."""
    target = absolute(out_dir)
    shown = os.fspath(out_dir)
    if os.path.lexists(target) and not target.is_dir():
        what = "a symbolic link to nothing" if target.is_symlink() and not target.exists() else "a file"
        raise UserError(f"--out names {what}, not a folder; sib_sim never writes over a file it did not make",
                        where=shown, hint="choose another path with --out, for example --out results/new")
    if target.is_dir():
        _check_existing(target, shown, kind, force)
        _check_writable(target, shown)
        return target
    ancestor = target.parent
    while not os.path.lexists(ancestor):
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise UserError(f"cannot make the folder: {_relative(ancestor, target)} is a file, not a folder",
                        where=shown, hint="choose another path with --out")
    _check_writable(ancestor, shown)
    return target


def _relative(ancestor: Path, target: Path) -> str:
    return str(ancestor) if not target.is_relative_to(Path.cwd()) else os.path.relpath(ancestor)


def _check_existing(target: Path, shown: str, kind: str, force: bool) -> None:
    marker = read_marker(target)
    if marker is not None:
        if marker.kind != kind:
            raise UserError(f"this folder holds sib_sim {marker.kind} output, not {kind} output; sib_sim "
                            "will not mix them", where=shown, hint="choose another path with --out")
        return
    try:
        entries = sorted(p.name for p in target.iterdir() if not _is_temporary(p.name))
    except OSError as error:
        raise UserError(f"cannot read the folder: {error.strerror}", where=shown) from None
    if entries and not force:
        example = ", ".join(repr(e) for e in entries[:3]) + (", ..." if len(entries) > 3 else "")
        raise UserError(f"this folder was not written by sib_sim (it holds {example}); sib_sim replaces "
                        "only folders it wrote itself", where=shown,
                        hint="choose another path with --out, a new or empty folder; or pass --force to write "
                             "into it: files with sib_sim's names are replaced, everything else is kept")


def _check_writable(folder: Path, shown: str) -> None:
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserError(f"cannot write there: {folder} is not writable", where=shown,
                        hint="choose another path with --out")


def _is_temporary(name: str) -> bool:
    return name.startswith(".") and any(t in name for t in _TEMP) or name.startswith(f"{MARKER}.")


# --- the test hook ------------------------------------------------------------------------------

def pause(step: str) -> None:
    """Tests only: with SIB_SIM_TEST_PAUSE=step, say so in the file SIB_SIM_TEST_READY and wait until
    the file READY.go exists (or ten minutes pass), so a test can signal a writer at a named step
    without waiting on the clock."""
    if os.environ.get("SIB_SIM_TEST_PAUSE") != step or not os.environ.get("SIB_SIM_TEST_READY"):
        return
    ready = Path(os.environ["SIB_SIM_TEST_READY"])
    ready.write_text(f"{os.getpid()} {step}\n", encoding="utf-8")
    go = ready.with_name(ready.name + ".go")
    for _ in range(12000):
        if go.exists():
            return
        time.sleep(0.05)


# --- writing ------------------------------------------------------------------------------------

@contextmanager
def staged_folder(out_dir: str | os.PathLike[str], kind: str, force: bool = False) -> Iterator[Path]:
    """A private temporary folder to write into; put in place at `out_dir` when the block completes
    (by the rules above), removed if it fails."""
    target = check_folder(out_dir, kind, force)
    shown = os.fspath(out_dir)
    fresh = not target.is_dir()
    home = target.parent if fresh else target
    try:
        home.mkdir(parents=True, exist_ok=True)
        clean_leftovers(target)
        staging = Path(tempfile.mkdtemp(prefix=_staging_prefix(target, fresh), dir=home))
        staging.chmod(0o755)  # mkdtemp makes it private; an output folder is for sharing
        write_marker(staging, Marker(kind, "staging", pid=os.getpid()))
    except OSError as error:
        raise UserError(f"cannot write there: {error.strerror}", where=shown,
                        hint="choose another path with --out") from None
    try:
        yield staging
        pause("staged")
        _commit(staging, target, shown, kind, force)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _staging_prefix(target: Path, fresh: bool) -> str:
    return f".{target.name}.incomplete-" if fresh else ".sib-sim.incomplete-"


def _commit(staging: Path, target: Path, shown: str, kind: str, force: bool) -> None:
    files = tuple(sorted(p.name for p in staging.iterdir() if p.name != MARKER))
    with _signals_deferred(), _locked(target.parent):
        if not target.is_dir():
            write_marker(staging, Marker(kind, "complete", files))
            try:
                os.rename(staging, target)  # atomic: the folder appears whole
                return
            except OSError as error:
                if error.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                    raise UserError(f"cannot write there: {error.strerror}", where=shown) from None
            check_folder(target, kind, force)  # another writer made it meanwhile: update it in place
        _replace_in_place(staging, target, kind, files)


def _replace_in_place(staging: Path, target: Path, kind: str, files: tuple[str, ...]) -> None:
    """Swap sib_sim's own files in `target` for those in `staging`, keeping everything else."""
    old = read_marker(target)
    before = set(old.files) if old is not None else set()
    write_marker(target, Marker(kind, "writing", tuple(sorted(before | set(files)))))
    trash = Path(tempfile.mkdtemp(prefix=".sib-sim.old-", dir=target))
    write_marker(trash, Marker(kind, "trash", pid=os.getpid()))
    incoming = sorted(files, key=lambda name: (name == FIRST, name))  # summary.json last
    if FIRST in files and os.path.lexists(target / FIRST):
        os.rename(target / FIRST, trash / FIRST)  # first out: a half-updated folder never looks complete
    for name in sorted(before - set(files)):  # sib_sim's files that this write does not bring back
        if os.path.lexists(target / name):
            os.rename(target / name, trash / name)
    for name in incoming:
        if os.path.lexists(target / name):
            os.rename(target / name, trash / name)
        pause("replacing")
        os.rename(staging / name, target / name)
    write_marker(target, Marker(kind, "complete", files))
    shutil.rmtree(trash, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Ctrl-C or SIGTERM while files are being renamed into place waits until they all are (a few
    renames), then takes effect as usual: a folder is never left half-replaced by a signal."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    kinds = (signal.SIGINT, signal.SIGTERM)
    previous = {kind: signal.signal(kind, lambda signum, frame: caught.append(signum)) for kind in kinds}
    try:
        yield
    finally:
        for kind, handler in previous.items():
            signal.signal(kind, handler)
        if caught:
            signal.raise_signal(caught[0])


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Writers to the same place take turns to put their files in place (a short, exclusive lock)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
        except OSError:  # a file system without locks: go on, as before
            pass
        yield
    finally:
        os.close(handle)  # releases the lock


def clean_leftovers(target: Path) -> list[Path]:
    """Remove the temporary folders that killed writers left beside or inside `target`; those removed."""
    candidates = list(target.parent.glob(f".{_glob_escape(target.name)}.incomplete-*"))
    if target.is_dir():
        candidates += list(target.glob(".sib-sim.incomplete-*")) + list(target.glob(".sib-sim.old-*"))
    removed = []
    for folder in candidates:
        if folder.is_symlink() or not folder.is_dir():
            continue
        try:
            marker = read_marker(folder)
        except UserError:
            continue
        if marker is None:
            if not any(folder.iterdir()):  # killed between making it and marking it
                folder.rmdir()
                removed.append(folder)
            continue
        if marker.state in ("staging", "trash") and not _alive(marker.pid):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def _alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def ensure_container(out_dir: str | os.PathLike[str], force: bool = False) -> Path:
    """The results folder that sensitivity/ and sweep/ go in: checked like a results folder, and made
    (marked as an empty results folder, so a later `run` may fill it) when it does not exist."""
    target = check_folder(out_dir, "results", force)
    if not target.is_dir():
        with staged_folder(target, "results", force):
            pass
    elif read_marker(target) is None and not any(target.iterdir()):
        write_marker(target, Marker("results", "complete"))  # an empty folder becomes sib_sim's
    return target


def write_new_file(path: str | os.PathLike[str], text: str, force: bool = False) -> None:
    """Write a single file (`init`, `schema`): never over an existing file unless `force`, and never
    through a planted symbolic link (created exclusively, or renamed over the old name when forced)."""
    file = Path(path)
    shown = os.fspath(path)
    if file.is_dir():
        raise UserError("this is a folder; give a file name", where=shown)
    if os.path.lexists(file) and not force:
        raise UserError("file exists; sib_sim never writes over a file it did not make", where=shown,
                        hint="choose another path, or pass --force to overwrite it")
    try:
        if not force:
            with open(file, "x", encoding="utf-8") as stream:  # O_EXCL: fails on any existing name
                stream.write(text)
            return
        handle, name = tempfile.mkstemp(prefix=f".{file.name}.", suffix=".incomplete", dir=file.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
            os.chmod(name, 0o666 & ~_umask())  # as open() would have made it
            os.replace(name, file)
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise
    except FileExistsError:
        raise UserError("file exists; sib_sim never writes over a file it did not make", where=shown,
                        hint="choose another path, or pass --force to overwrite it") from None
    except OSError as error:
        raise UserError(f"cannot write the file: {error.strerror}", where=shown) from None


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
