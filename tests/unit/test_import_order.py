"""The pipeline reads from the ground up: each stage imports only the stages below it (DESIGN.md,
package layout), and each heavy or optional library only where its one use lives. Imports inside
functions count too: a lazy import that runs back up the pipeline is still an arrow back."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "sib_sim"

# The stages in pipeline order; a module may import its own stage and those before it.
STAGES = ("ground", "kinds", "scenario", "model", "measure", "contract", "finance", "experiment")
GROUND = {"errors", "fields", "rng", "calendar", "lazy_numpy", "defaults"}

# Third-party libraries and the only places that may import them.
ONLY_IN = {
    "simpy": ("model/",),
    "typer": ("cli.py", "cli_", "launch.py"),
    "SALib": ("experiment/sensitivity.py",),
    "dask": ("experiment/dask_executor.py",),
    "distributed": ("experiment/dask_executor.py",),
    "statsmodels": ("experiment/voi.py",),
}


def _imports(path: Path, text: str | None = None) -> list[str]:
    """Absolute module names imported anywhere in the file (relative imports resolved)."""
    module = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = module[:-1]  # a module's package; an __init__'s is its own folder, the same parts
    names = []
    for node in ast.walk(ast.parse(path.read_text() if text is None else text)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
                names += [target] if node.module else [f"{target}.{a.name}" for a in node.names]
            else:
                names.append(node.module or "")
    return names


def _stage(module: str) -> str | None:
    """The pipeline stage of a sib_sim module name, or None for the layers above experiment/."""
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else ""
    if top in GROUND:
        return "ground"
    return top if top in STAGES else None


def _files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_no_stage_imports_a_later_stage():
    back = []
    for path in _files():
        own = _stage("sib_sim." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts))
        if own is None:
            continue
        for name in _imports(path):
            if not name.startswith("sib_sim"):
                continue
            target = _stage(name)
            if target is None or STAGES.index(target) > STAGES.index(own):
                back.append(f"{path.relative_to(PACKAGE)} -> {name}")
    assert back == [], "imports that run back up the pipeline:\n" + "\n".join(back)


def test_each_heavy_library_is_imported_only_where_it_is_used():
    stray = []
    for path in _files():
        where = str(path.relative_to(PACKAGE))
        for name in _imports(path):
            library = name.split(".")[0]
            allowed = ONLY_IN.get(library)
            if allowed is not None and not any(where.startswith(prefix) for prefix in allowed):
                stray.append(f"{where} imports {name}")
    assert stray == [], "\n".join(stray)


def test_the_check_sees_a_lazy_import_that_runs_back():
    """Imports inside functions are found and relative ones resolved, so the checks above can fail."""
    text = "import numpy\n\ndef _probe():\n    from ..contract import apply_contract\n    from . import views\n"
    names = _imports(PACKAGE / "measure" / "probe.py", text)
    assert names == ["numpy", "sib_sim.contract", "sib_sim.measure.views"]
    assert _stage(names[1]) == "contract" and _stage(names[2]) == "measure"
    assert _imports(PACKAGE / "measure" / "__init__.py", "from .views import x\n") == ["sib_sim.measure.views"]
