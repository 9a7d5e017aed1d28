"""output_folder: the marker, the in-place update, leftovers of killed writers, and busy paths."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sib_sim.errors import UserError
from sib_sim.io.output_folder import (MARKER, Marker, clean_leftovers, read_marker, staged_folder, write_marker,
                                      write_new_file)


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)


def _dead_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def test_a_new_folder_appears_whole_with_its_marker(tmp_path):
    target = tmp_path / "a" / "b"
    with staged_folder(target, "results") as staging:
        _write(staging, {"summary.json": "{}", "figures/x.png": "png"})
        assert not target.exists()  # nothing at the target until the block completes
    assert read_marker(target) == Marker("results", "complete", ("figures", "summary.json"))
    assert sorted(p.name for p in tmp_path.joinpath("a").iterdir()) == ["b"]


def test_a_failed_write_leaves_nothing(tmp_path):
    with pytest.raises(RuntimeError):
        with staged_folder(tmp_path / "out", "results") as staging:
            _write(staging, {"summary.json": "{}"})
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_an_update_replaces_only_sib_sims_files(tmp_path):
    target = tmp_path / "out"
    with staged_folder(target, "results") as staging:
        _write(staging, {"summary.json": "1", "old_only.csv": "old", "figures/a.png": "a"})
    _write(target, {"notes.txt": "mine", "figures/mine.png": "in sib_sim's subfolder"})
    with staged_folder(target, "results") as staging:
        _write(staging, {"summary.json": "2", "figures/b.png": "b"})
    assert (target / "summary.json").read_text() == "2"
    assert not (target / "old_only.csv").exists()  # sib_sim's, not written again: gone
    assert (target / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in (target / "figures").iterdir()) == ["b.png"]
    assert read_marker(target).files == ("figures", "summary.json")
    assert sorted(p.name for p in target.iterdir()) == [MARKER, "figures", "notes.txt", "summary.json"]


def test_a_writer_that_finds_the_folder_made_meanwhile_updates_it(tmp_path):
    """Two writers to one new path (a busy path): both succeed, the later one's files win."""
    target = tmp_path / "out"
    with staged_folder(target, "results") as first:
        _write(first, {"summary.json": "first", "first_only.csv": "1"})
        with staged_folder(target, "results") as second:
            _write(second, {"summary.json": "second"})
        assert (target / "summary.json").read_text() == "second"
    assert (target / "summary.json").read_text() == "first"
    assert read_marker(target).state == "complete"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert sorted(p.name for p in target.iterdir() if p.name.startswith(".")) == [MARKER]


def test_leftovers_of_dead_writers_are_removed_and_live_ones_kept(tmp_path):
    target = tmp_path / "out"
    dead, live = tmp_path / ".out.incomplete-dead", tmp_path / ".out.incomplete-live"
    for folder, pid in ((dead, _dead_pid()), (live, os.getppid())):
        folder.mkdir()
        write_marker(folder, Marker("results", "staging", pid=pid))
    empty = tmp_path / ".out.incomplete-empty"  # killed between mkdtemp and its marker
    empty.mkdir()
    foreign = tmp_path / ".out.incomplete-users"  # not sib_sim's: no marker, not empty
    _write(foreign, {"x": "y"})
    other = tmp_path / ".other.incomplete-dead"  # another target's
    other.mkdir()
    write_marker(other, Marker("results", "staging", pid=_dead_pid()))
    assert sorted(p.name for p in clean_leftovers(target)) == [dead.name, empty.name]
    assert live.is_dir() and foreign.is_dir() and other.is_dir()


def test_unreadable_marker_is_a_user_error(tmp_path):
    (tmp_path / MARKER).write_text("{not json")
    with pytest.raises(UserError, match="marker file cannot be read"):
        read_marker(tmp_path)
    (tmp_path / MARKER).write_text(json.dumps({"kind": "results"}))
    with pytest.raises(UserError):
        read_marker(tmp_path)


def test_write_new_file_is_exclusive(tmp_path):
    path = tmp_path / "s.json"
    write_new_file(path, "one")
    with pytest.raises(UserError, match="file exists"):
        write_new_file(path, "two")
    write_new_file(path, "three", force=True)
    assert path.read_text() == "three" and sorted(p.name for p in tmp_path.iterdir()) == ["s.json"]
    with pytest.raises(UserError, match="folder"):
        write_new_file(tmp_path, "x", force=True)
