"""sib_sim never shows the content of a file that is not a scenario, and reads only regular files of
a scenario's size (issue 9: `extends: /etc/shadow` echoed the file's first line).

Each case is a scenario naming a file through `extends:` (or the file named directly on the command
line); the message must be one exit-2 error that names the file but quotes none of its content.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sib_sim.cli import app
from sib_sim.errors import UserError
from sib_sim.io.scenario_file import load_scenario
from sib_sim.io.scenario_text import MAX_FILE_BYTES

SECRET = "ghp_S3cr3tT0ken4567"
TRACEBACK = "Traceback (most recent call last)"

# name -> (file content, the words the message must carry)
PARENTS = {
    "token.txt": (f"TOKEN={SECRET}\n", "not a .yaml or .yml file"),
    "token.yaml": (f"{SECRET}\n", "must be a mapping"),
    "hosts.yml": (f"github.com:\n  oauth_token: {SECRET}\n  user: someone\n", "not a scenario file"),
    "shadow": (f"root:{SECRET}:20228:0:99999:7:::\ndaemon:*:20228:0:99999:7:::\n", "not a .yaml or .yml file"),
    "keys.yaml": (f"{SECRET}: 1\nother: 2\n", "not a scenario file"),
    ".env": (f"export API_KEY={SECRET}\n", "not a .yaml or .yml file"),
}


def _validate(path: Path) -> object:
    return CliRunner().invoke(app, ["validate", str(path)])


@pytest.mark.parametrize("name", sorted(PARENTS))
def test_extends_does_not_echo_a_file_that_is_not_a_scenario(name, tmp_path):
    content, says = PARENTS[name]
    (tmp_path / name).write_text(content)
    child = tmp_path / "child.yaml"
    child.write_text(f"extends: {name}\nname: child\n")
    result = _validate(child)
    assert result.exit_code == 2, result.output
    assert says in result.stderr, result.stderr
    assert SECRET not in result.output and "S3cr3t" not in result.output
    assert "oauth_token" not in result.output and "API_KEY" not in result.output
    assert TRACEBACK not in result.output


@pytest.mark.parametrize("name", ["hosts.yml", "keys.yaml", "token.yaml"])
def test_a_file_named_directly_is_not_echoed_either(name, tmp_path):
    content, _ = PARENTS[name]
    (tmp_path / name).write_text(content)
    result = _validate(tmp_path / name)
    assert result.exit_code == 2 and SECRET not in result.output and "oauth_token" not in result.output


def test_etc_shadow(tmp_path):
    child = tmp_path / "child.yaml"
    child.write_text("extends: /etc/shadow\nname: child\n")
    result = _validate(child)
    assert result.exit_code == 2 and "not a .yaml or .yml file" in result.stderr
    assert "root:" not in result.output
    if os.access("/etc/shadow", os.R_OK):
        direct = _validate(Path("/etc/shadow"))
        assert direct.exit_code == 2 and "root:" not in direct.output and "not a scenario file" in direct.stderr


def test_a_scenario_with_a_typo_still_names_the_key(tmp_path):
    """The guard is for files that are not scenarios: a scenario's own mistakes are still quoted."""
    parent = tmp_path / "parent.yaml"
    parent.write_text("name: p\ncurrency: GBP\nrun:\n  replicatons: 3\n")
    (tmp_path / "child.yaml").write_text("extends: parent.yaml\nname: child\n")
    with pytest.raises(UserError) as caught:
        load_scenario(tmp_path / "child.yaml")
    assert "replicatons" in str(caught.value)


# --- only regular files, of a scenario's size ------------------------------------------------------

@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_is_not_read(device, tmp_path):
    child = tmp_path / "child.yaml"
    child.write_text(f"extends: {device}\nname: child\n")
    assert _validate(child).exit_code == 2
    link = tmp_path / "zero.yaml"  # a link named like a scenario: judged by what it points at
    link.symlink_to(device)
    child.write_text("extends: zero.yaml\nname: child\n")
    result = _validate(child)
    assert result.exit_code == 2 and "not a .yaml or .yml file" in result.stderr, result.output
    direct = _validate(Path(device))
    assert direct.exit_code == 2 and "not a regular file" in direct.stderr


def test_a_fifo_is_not_opened_for_reading(tmp_path):
    """A FIFO with no writer would block an ordinary open() for ever; it is refused at once."""
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    child = tmp_path / "child.yaml"
    child.write_text("extends: pipe.yaml\nname: child\n")
    results = []
    worker = threading.Thread(target=lambda: results.append(_validate(child)), daemon=True)
    worker.start()
    worker.join(timeout=120)  # a bound on a hang, not a measurement
    if worker.is_alive():  # unblock the reader so the suite can go on, then fail
        with open(fifo, "w"):
            pass
        pytest.fail("sib_sim blocked opening a FIFO")
    assert results[0].exit_code == 2 and "not a regular file" in results[0].stderr


def test_a_file_too_large_to_be_a_scenario(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_text("name: big\ndescription: '" + "x" * MAX_FILE_BYTES + "'\n")
    child = tmp_path / "child.yaml"
    child.write_text("extends: big.yaml\nname: child\n")
    for path in (child, big):
        result = _validate(path)
        assert result.exit_code == 2 and "larger than" in result.stderr, result.output
        assert "xxxx" not in result.output
