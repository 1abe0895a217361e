"""The official calculator's Safe Driving template, as the installed ``euroncap-rating-2026``
ships it (``pip install 'dms[ncap]'``): where it is, and the rows of its prediction sheet.

The package installs its workbooks as a top-level ``data`` namespace package, so
:func:`template_path` finds them the way the calculator itself does. The template is
never copied into dms: it is read from the installed package each time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dms.errors import ConfigError
from dms.verify.matrix import PRED_SHEET

__all__ = ["TemplateRow", "calculator_version", "prediction_rows", "template_path"]

_NEEDS = "pip install 'dms[ncap]' (euroncap-rating-2026 and openpyxl)"
#: Blocks of the prediction sheet by the title in column A of their first header row.
_TABLES = ("Long distraction", "Short distraction", "Phone use", "Non-transient")


@dataclass(frozen=True, slots=True, kw_only=True)
class TemplateRow:
    sheet_row: int
    table: str
    task: str
    movement: str
    location: str


def template_path() -> Path:
    """The installed Safe Driving template (:class:`ConfigError` when not installed)."""
    try:
        from importlib.resources import files

        import euroncap_rating_2026  # noqa: F401  (the calculator, beside its data)

        path = Path(str(files("data").joinpath("sd_template.xlsx")))
    except (ImportError, ModuleNotFoundError, TypeError) as exc:
        raise ConfigError(f"the Euro NCAP calculator is not installed: {_NEEDS}") from exc
    if not path.is_file():
        raise ConfigError(f"the Euro NCAP calculator's template is missing at {path}: {_NEEDS}")
    return path


def calculator_version() -> str:
    from importlib.metadata import version

    return version("euroncap-rating-2026")


def prediction_rows(path: Path | None = None) -> list[TemplateRow]:
    """Every predicted row of the template's "DE - DM pred." sheet, with the labels its
    merged-looking layout gives only on a group's first row carried down."""
    try:
        import openpyxl
    except ImportError:
        raise ConfigError(f"reading the calculator's workbook needs openpyxl: {_NEEDS}") from None
    workbook = openpyxl.load_workbook(path or template_path(), read_only=True)
    try:
        values = workbook[PRED_SHEET].iter_rows(min_col=1, max_col=6, values_only=True)
        rows: list[TemplateRow] = []
        table = task = movement = ""
        headers = 0  # header rows still to skip in the current block
        for number, cells in enumerate(values, 1):
            a, b, c, *responses = (str(v).strip() if v is not None else "" for v in cells)
            if a in _TABLES:  # a block's first header row; a second one names the responses
                table, task, movement, headers = a, "", "", 1
            elif headers:
                headers -= 1
            elif not any((a, b, c, *responses)):  # a blank row ends the block
                table = ""
            elif table:
                if a:  # a new task: its movement starts afresh
                    task, movement = a, b
                elif b:
                    movement = b
                rows.append(
                    TemplateRow(
                        sheet_row=number, table=table, task=task, movement=movement, location=c
                    )
                )
        return rows
    finally:
        workbook.close()
