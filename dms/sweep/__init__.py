"""``dms sweep``: a base scenario across axes and a driver population, one table of runs."""

from dms.sweep.population import Population, Trait
from dms.sweep.spec import (
    Axis,
    Run,
    SweepSpec,
    load_sweep,
    plan,
    read_rows,
    run_row,
    scenario_text,
    table_columns,
)

__all__ = [
    "Axis",
    "Population",
    "Run",
    "SweepSpec",
    "Trait",
    "load_sweep",
    "plan",
    "read_rows",
    "run_row",
    "scenario_text",
    "table_columns",
]
