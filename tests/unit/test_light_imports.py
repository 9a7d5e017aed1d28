"""Light imports: the command line's help and `validate`, and the contract code, load no output stack.

Checked in a fresh interpreter by looking at sys.modules (never by timing, which a loaded machine
would make flaky).
"""

import json
import subprocess
import sys

import pytest

HEAVY = ("matplotlib", "pandas", "scipy", "xlsxwriter", "jinja2", "dask", "simpy", "SALib", "pyxirr")


def loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return set(json.loads(out.strip().splitlines()[-1])) & set(HEAVY)


def test_help_loads_no_heavy_library():
    code = ("import sys\nfrom sib_sim.cli import app\nsys.argv = ['sib-sim', '--help']\n"
            "try:\n    app()\nexcept SystemExit:\n    pass")
    assert loaded_after(code) == set()


def test_validate_loads_only_scipy(wtw_path):
    code = (f"import sys\nfrom sib_sim.cli import app\nsys.argv = ['sib-sim', 'validate', {str(wtw_path)!r}]\n"
            "try:\n    app()\nexcept SystemExit as e:\n    assert e.code in (0, None), e.code")
    assert loaded_after(code) <= {"scipy"}


@pytest.mark.parametrize("module", ["sib_sim", "sib_sim.errors", "sib_sim.cli"])
def test_importing_loads_no_heavy_library(module):
    assert loaded_after(f"import {module}") == set()


def test_contract_code_is_light():
    # The scenario's distributions come from scipy.stats; nothing of the output stack.
    assert loaded_after("import sib_sim.contract") <= {"scipy"}


def test_the_fast_engine_needs_no_simpy(wtw_path):
    code = (f"from sib_sim import load_scenario\nfrom sib_sim.model import simulate_cohort\n"
            f"from sib_sim.rng import streams\nsimulate_cohort(load_scenario({str(wtw_path)!r}), streams(1, 0))")
    assert "simpy" not in loaded_after(code)


def test_the_public_api_still_resolves_every_name():
    import sib_sim

    for name in sib_sim.__all__:
        assert getattr(sib_sim, name) is not None
    with pytest.raises(AttributeError):
        sib_sim.no_such_name  # noqa: B018


def test_console_tables_draw_nothing():
    assert "matplotlib" not in loaded_after("import sib_sim.reports.console")


def test_validating_the_shipped_scenario_needs_neither_numpy_nor_scipy(wtw_path):
    # The range check's enclosing interval, libyaml and numpy imported on first use (lazy_numpy) keep
    # `validate` to the libraries that read and check the file.
    code = (f"import sys\nfrom sib_sim.cli import app\nsys.argv = ['sib-sim', 'validate', {str(wtw_path)!r}]\n"
            "try:\n    app()\nexcept SystemExit as e:\n    assert e.code in (0, None), e.code\n"
            "assert 'numpy' not in sys.modules and 'scipy' not in sys.modules, 'numpy or scipy loaded'")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_help_loads_no_progress_bar():
    # A progress bar (rich.progress and the live display under it) is imported only when one is shown.
    code = ("import sys\nfrom sib_sim.cli import app\nsys.argv = ['sib-sim', '--help']\n"
            "try:\n    app()\nexcept SystemExit:\n    pass\n"
            "import json\nprint(json.dumps([m for m in ('rich.progress', 'rich.live', 'tempfile') if m in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out.strip().splitlines()[-1]) == []
