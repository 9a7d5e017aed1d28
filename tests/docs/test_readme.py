"""The README's examples, run as written, so that the user guide cannot go stale.

What the README may rely on, and how each kind of fenced code block is checked:

- ```python blocks: each runs with `exec` in a fresh namespace, with the repository root as the
  working directory. They must pass as written (keep replications small: 20 at most).
- ```sh blocks: each line that starts with `.venv/bin/sib-sim` is run; a line ending in `\\` continues
  on the next. Other lines are not run: the two set-up commands at the top of the README (CI runs
  them itself), and pip, dask, pytest or python commands. A line ending in the comment
  `# not run in tests` is skipped too (use it sparingly, e.g. for commands that need a cluster).
  Comments after `#` are dropped and the line runs without a shell, so no pipes or `&&`. Each
  command:
    - runs the `sib-sim` next to `sys.executable` (the README's `.venv/bin/` prefix is replaced by
      that directory);
    - if it simulates (`run`, `compare`, `sensitivity`, `sweep`, `vfm`), runs `--replications 3` (added
      when absent, lowered when larger); `sensitivity --method morris|sobol` runs `--samples 2`;
    - runs, in the block's order, in a temporary folder of the block's own holding a copy of
      `scenarios/`, so relative paths (`results/...`, `--out priced/2016`, `my_programme.yaml`) land
      there and later commands of the block see what earlier ones wrote (`report
      results/ways_to_wellness` after `run`). Each block stands alone, as a reader who copies one
      block expects, and the blocks run in parallel; a block that needs what the block before it
      wrote says so in its first line, `# continues the example above`, and runs after it in its
      folder;
    - must exit with status 0.
  A ```csv block with a file name after the language (```csv observed.csv) is written to that file
  in the temporary folder before any command runs: it is the input the commands read.
- ```yaml blocks must parse. A block whose top-level keys are all scenario keys (`name`, `run`,
  `cohort`, ..., `uncertainty`, `extends`) is a scenario fragment: it is written into the temporary
  copy of `scenarios/`, with `extends: ways_to_wellness.yaml` added unless it has its own, and must
  load and validate.

The shell blocks take about two and a half minutes of one core between them (most of it each
command's start-up and results folder): keep new examples small.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from sib_sim import Scenario, load_scenario

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
PREFIX = ".venv/bin/sib-sim"
SKIP_MARK = "# not run in tests"
SIMULATING = {"run", "compare", "sensitivity", "sweep", "vfm"}
REPLICATIONS = 3
SAMPLES = 2
SCENARIO_KEYS = set(Scenario.model_fields) | {"extends"}
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Block:
    language: str
    argument: str  # what follows the language in the info string (a file name for csv blocks)
    code: str
    line: int  # README line of the opening fence

    @property
    def where(self) -> str:
        return f"README.md:{self.line}"


def read_blocks() -> list[Block]:
    text = README.read_text(encoding="utf-8")
    blocks = []
    for match in FENCE.finditer(text):
        info = match.group(1).split()
        language = info[0] if info else ""
        argument = info[1] if len(info) > 1 else ""
        blocks.append(Block(language, argument, match.group(2), text.count("\n", 0, match.start()) + 1))
    return blocks


BLOCKS = read_blocks()


def blocks_of(language: str) -> list[Block]:
    return [b for b in BLOCKS if b.language == language]


# --- shell commands ------------------------------------------------------------------------------

def command_lines(block: Block) -> list[tuple[int, str]]:
    """(README line, command) for each sib-sim line of a sh block, continuation lines joined."""
    out: list[tuple[int, str]] = []
    pending, start = "", 0
    for offset, raw in enumerate(block.code.splitlines()):
        line = raw.strip()
        if not pending:
            start = block.line + 1 + offset
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line, pending = pending + line, ""
        if line.startswith(PREFIX) and not line.rstrip().endswith(SKIP_MARK):
            out.append((start, line))
    return out


def sib_sim_executable() -> list[str]:
    script = Path(sys.executable).parent / "sib-sim"
    return [str(script)] if script.exists() else [sys.executable, "-m", "sib_sim.cli"]


def _set_option(args: list[str], name: str, value: int, lower_only: bool) -> list[str]:
    """Set `name value` in args: added when absent; replaced (only if larger, with lower_only)."""
    args = list(args)
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            if not lower_only or int(args[i + 1]) > value:
                args[i + 1] = str(value)
            return args
        if arg.startswith(name + "="):
            given = int(arg.split("=", 1)[1])
            if not lower_only or given > value:
                args[i] = f"{name}={value}"
            return args
    return args + [name, str(value)]


def _option(args: list[str], name: str, default: str) -> str:
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return default


def command_args(line: str) -> list[str]:
    """The argument list the test runs for one README command line (see the module docstring)."""
    args = shlex.split(line, comments=True)
    assert args[0] == PREFIX, line
    args = args[1:]
    command = args[0] if args else ""
    if command in SIMULATING:
        args = _set_option(args, "--replications", REPLICATIONS, lower_only=True)
    if command == "sensitivity" and _option(args, "--method", "oneway") in ("morris", "sobol"):
        args = _set_option(args, "--samples", SAMPLES, lower_only=False)
    return sib_sim_executable() + args



@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    """A temporary folder with a copy of scenarios/ and the README's csv input files."""
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    for block in blocks_of("csv"):
        if block.argument:
            (tmp_path / block.argument).write_text(block.code, encoding="utf-8")
    return tmp_path


def test_readme_has_examples_of_every_kind():
    commands = [line for block in blocks_of("sh") for _, line in command_lines(block)]
    assert len(commands) >= 15, commands
    assert {shlex.split(c)[1] for c in commands} >= {"validate", "run", "compare", "price", "sensitivity", "sweep",
                                                      "report", "init", "schema", "vfm", "actuals", "project",
                                                      "indigo"}
    assert blocks_of("python") and blocks_of("yaml")


CONTINUES = "# continues the example above"


def command_chains() -> list[tuple[Block, ...]]:
    """The sh blocks with commands, each with the blocks that continue it (see the module docstring)."""
    chains: list[list[Block]] = []
    for block in blocks_of("sh"):
        if not command_lines(block):
            continue
        if block.code.lstrip().startswith(CONTINUES):
            assert chains, f"{block.where}: continues an example, but no block with commands comes before it"
            chains[-1].append(block)
        else:
            chains.append([block])
    return [tuple(chain) for chain in chains]


@pytest.mark.parametrize("chain", command_chains(), ids=lambda chain: chain[0].where)
def test_shell_commands_run(chain: tuple[Block, ...], workspace: Path):
    env = dict(os.environ, MPLBACKEND="Agg")
    failures = []
    for line_number, line in (command for block in chain for command in command_lines(block)):
        args = command_args(line)
        done = subprocess.run(args, cwd=workspace, env=env, capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            failures.append(f"README.md:{line_number}: {line}\n  ran: {shlex.join(args)}\n"
                            f"  exit {done.returncode}\n{done.stderr[-2000:]}")
    assert not failures, "\n\n".join(failures)


# --- Python and YAML blocks ----------------------------------------------------------------------

@pytest.mark.parametrize("block", blocks_of("python"), ids=lambda b: b.where)
def test_python_block_runs(block: Block, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(ROOT)
    exec(compile(block.code, block.where, "exec"), {"__name__": "__readme__"})  # noqa: S102 - our own README


@pytest.mark.parametrize("block", blocks_of("yaml"), ids=lambda b: b.where)
def test_yaml_block_is_valid(block: Block, tmp_path: Path):
    data = yaml.safe_load(block.code)
    if not (isinstance(data, dict) and data and set(data) <= SCENARIO_KEYS):
        return  # a snippet of a section: it only has to be YAML
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    fragment = tmp_path / "scenarios" / "readme_example.yaml"
    prefix = "" if "extends" in data else "extends: ways_to_wellness.yaml\n"
    fragment.write_text(prefix + block.code, encoding="utf-8")
    load_scenario(fragment)
