"""figures/*.png drawn in forked children: the same files as drawn in one process, failures raised."""

import os
import sys
import threading

import pytest
from matplotlib.figure import Figure

from sib_sim.io.figure_files import FigureWriter

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="children are forked on Linux only")


def _figure(n: int) -> Figure:
    figure = Figure(figsize=(2.0, 1.5))
    ax = figure.subplots()
    ax.plot(range(n + 2), [i * i for i in range(n + 2)])
    ax.set_title(f"figure {n}")
    return figure


def _builders() -> dict:
    return {f"f{n}": (lambda n=n: _figure(n)) for n in range(3)}


def test_children_write_the_files_one_process_writes(tmp_path):
    here, forked = tmp_path / "here", tmp_path / "forked"
    FigureWriter(_builders(), here, jobs=1).finish()
    writer = FigureWriter({**_builders(), "eager": _figure(7)}, forked, jobs=2)
    assert len(writer._children) == 2  # really drawn elsewhere
    writer.finish()
    assert sorted(p.name for p in forked.iterdir()) == ["eager.png", "f0.png", "f1.png", "f2.png"]
    for name in ("f0.png", "f1.png", "f2.png"):
        assert (here / name).read_bytes() == (forked / name).read_bytes()


def test_a_figure_that_fails_fails_the_write(tmp_path):
    def broken():
        raise ValueError("no such stream: payer.nobody")

    writer = FigureWriter({**_builders(), "broken": broken}, tmp_path / "figures", jobs=2)
    with pytest.raises(RuntimeError, match="no such stream: payer.nobody"):
        writer.finish()


def test_a_child_that_dies_fails_the_write(tmp_path):
    writer = FigureWriter({"f0": _builders()["f0"], "dies": lambda: os._exit(3)}, tmp_path / "figures", jobs=2)
    with pytest.raises(RuntimeError, match="ended abruptly"):
        writer.finish()


def test_stop_ends_the_children_at_once(tmp_path):
    never = threading.Event()
    writer = FigureWriter({"a": never.wait, "b": never.wait}, tmp_path / "figures", jobs=2)
    children = [child for child, _ in writer._children]
    writer.stop()
    assert children and not any(child.is_alive() for child in children)
