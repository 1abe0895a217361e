"""``report.html``: one page a person reads. The matrix as the sheet lays it out, each cell
GREEN, RED or N/A and linked to its drives (their reasons and timeline plots), then the
points, the gates, the noise variables and the general requirements."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from dms.verify.judge import RunVerdict
from dms.verify.matrix import ROWS, Table, columns, total_points
from dms.verify.regulation import DriveVerdict, LineVerdict
from dms.verify.scorecard import CellStatus, CellVerdict, Scorecard

__all__ = ["PLOTS", "REPORT", "save_plots", "write_pack_report", "write_report"]

REPORT = "report.html"
PLOTS = "runs"  # the drives' timelines, one PNG per drive, beside the report

_STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em auto; max-width: 72em; color: #222 }
h1 { font-size: 1.5em } h2 { font-size: 1.2em; margin-top: 1.6em }
table { border-collapse: collapse; margin: .4em 0 } td, th { border: 1px solid #bbb;
  padding: .2em .5em; text-align: left; vertical-align: top }
th { background: #eee } td.c { text-align: center; min-width: 6em }
.GREEN { background: #b7e1b0 } .RED { background: #f2a7a1 } .NA { background: #ddd }
.drive { margin: .3em 0 1em 1em } .drive img { display: block; max-width: 100%;
  border: 1px solid #ccc } .fail { color: #a00 } .muted { color: #666 }
"""


def _e(text: object) -> str:
    return html.escape(str(text))


def _css(status: CellStatus) -> str:
    return "NA" if status is CellStatus.NOT_APPLICABLE else status.value


def write_report(
    folder: Path,
    card: Scorecard,
    *,
    evidence: Mapping[str, Any],
    noise: Sequence[tuple[str, str, str]],
    general: Sequence[tuple[str, str, str]],
) -> Path:
    """``folder``/report.html, linking to the PNGs the drives left in ``folder``/runs.
    ``noise`` and ``general``: (what, state, how it is known) rows."""
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>dms verify {_e(evidence.get('protocol', ''))}</title>",
        f"<style>{_STYLE}</style></head><body>",
        *_summary(card, evidence),
        *_matrix(card),
        *_table_rows("Noise variables", ("Noise variable", "Performance", "How"), noise),
        *_table_rows("General requirements", ("Requirement", "Result", "How"), general),
        *_drives(card, folder),
        "</body></html>",
    ]
    path = folder / REPORT
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def save_plots(folder: Path, runs: Sequence[RunVerdict | DriveVerdict]) -> None:
    """Each drive's timeline PNG into ``folder``/runs."""
    plots = folder / PLOTS
    plots.mkdir(parents=True, exist_ok=True)
    for run in runs:
        if run.timeline_png:
            name = run.case_id if isinstance(run, RunVerdict) else run.drive_id
            (plots / f"{name}.png").write_bytes(run.timeline_png)


def write_pack_report(
    folder: Path, title: str, lines: Sequence[LineVerdict], *, evidence: Mapping[str, Any]
) -> Path:
    """``folder``/report.html for a regulation: its pass table, each line linked to its
    drives and their timelines."""
    verdict = "PASSED" if all(line.passed for line in lines) else "NOT PASSED"
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>dms verify {_e(evidence.get('protocol', ''))}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{_e(title)}: {verdict}</h1>",
        f"<p>{_e(_run_line(evidence))}</p>",
        "<table><tr><th>Line</th><th>Asks</th><th>Result</th></tr>",
    ]
    for n, line in enumerate(lines):
        state = "PASS" if line.passed else "FAIL"
        parts.append(
            f"<tr><td><a href='#line{n}'>{_e(line.line.ref)}</a></td><td>{_e(line.line.text)}"
            f"</td><td class='c {'GREEN' if line.passed else 'RED'}' "
            f"title='{_e(line.reason)}'>{state}</td></tr>"
        )
    parts.append("</table><h2>The lines and their drives</h2>")
    for n, line in enumerate(lines):
        css = "GREEN" if line.passed else "RED"
        parts += [
            f"<h3 id='line{n}'><span class='{css}'>&nbsp;{'PASS' if line.passed else 'FAIL'}"
            f"&nbsp;</span> {_e(line.line.ref)}</h3><p>{_e(line.reason)}</p>",
            *(
                _drive(drive.drive_id, drive.passed, drive.reason, drive.scenario_sha256, folder)
                for drive in line.drives
            ),
        ]
    parts.append("</body></html>")
    path = folder / REPORT
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def _run_line(evidence: Mapping[str, Any]) -> str:
    return (
        f"dms {evidence.get('dms_version', '')}, {evidence.get('drivers', '')} drivers x seeds "
        f"{evidence.get('seeds', '')}, population seed {evidence.get('population_seed', '')}, "
        f"{evidence.get('wall_s', '')} s."
    )


def _drive(name: str, passed: bool, reason: str, sha256: str, folder: Path) -> str:
    mark = "pass" if passed else "<span class='fail'>FAIL</span>"
    parts = [
        f"<div class='drive'>{mark} {_e(name)}: {_e(reason)}"
        f" <span class='muted'>scenario sha256 {_e(sha256[:12])}</span>"
    ]
    png = folder / PLOTS / f"{name}.png"
    if png.exists():
        src = png.relative_to(folder).as_posix()
        parts.append(f"<a href='{_e(src)}'><img loading='lazy' src='{_e(src)}'></a>")
    parts.append("</div>")
    return "".join(parts)


def _summary(card: Scorecard, evidence: Mapping[str, Any]) -> list[str]:
    official = evidence.get("official") or {}
    gated = "not assessed" if card.gated_points is None else f"{card.gated_points:.2f}"
    lines = [
        f"<h1>Euro NCAP 2026 Driver Monitoring: {card.points:.2f} / {card.maximum:.0f}</h1>",
        "<p>",
        f"dms {_e(evidence.get('dms_version', ''))}, {len(card.cells)} cells, "
        f"{_e(evidence.get('drivers', ''))} drivers &times; seeds "
        f"{_e(evidence.get('seeds', ''))}, population seed "
        f"{_e(evidence.get('population_seed', ''))}, {_e(evidence.get('wall_s', ''))} s.",
        f"<br>After the gates: <b>{gated}</b>.",
    ]
    if official:
        shown = official.get("points")
        lines.append(
            f"<br>Official calculator (euroncap-rating-2026 "
            f"{_e(official.get('calculator_version', ''))}): "
            f"<b>{'not assessed' if shown is None else f'{shown:.2f}'}</b>, "
            f"{_e(official.get('sample', 0))} verification tests drawn, "
            f"{len(official.get('failed', []))} failed."
        )
    lines.append("</p><table><tr><th>Table</th><th>Points</th></tr>")
    for table in Table:
        points = card.table_points.get(table, 0.0)
        lines.append(
            f"<tr><td>{_e(table.value)}</td><td>{points:.2f} / {total_points(table):.2f}</td></tr>"
        )
    lines.append("</table><h2>Gates</h2><ul>")
    lines += [f"<li>{_e(gate)}: {_e(state)}</li>" for gate, state in card.gates.items()]
    lines.append("</ul>")
    return lines


def _matrix(card: Scorecard) -> list[str]:
    by_ref = {verdict.cell.ref: verdict for verdict in card.cells}
    lines = ["<h2>The matrix</h2>"]
    for table in Table:
        rows = [row for row in ROWS if row.table is table]
        if not any(f"{c}{row.sheet_row}" in by_ref for row in rows for c in "DEF"):
            continue
        heads = "".join(f"<th>{_e(response.value)}</th>" for response in columns(table))
        lines.append(
            f"<h3>{_e(table.value)}</h3><table><tr><th>Task</th><th>Movement</th>"
            f"<th>Location</th>{heads}</tr>"
        )
        for row in rows:
            tds = []
            for column in "DEF":
                verdict = by_ref.get(f"{column}{row.sheet_row}")
                if verdict is None:
                    tds.append("<td class='c muted'>&ndash;</td>")
                    continue
                ref, status = verdict.cell.ref, verdict.status
                tds.append(
                    f"<td class='c {_css(status)}' title='{_e(verdict.reason)}'>"
                    f"<a href='#{ref}'>{_e(status.value)}</a></td>"
                )
            lines.append(
                f"<tr><td>{_e(row.task)}</td><td>{_e(row.movement)}</td>"
                f"<td>{_e(row.location)}</td>{''.join(tds)}</tr>"
            )
        lines.append("</table>")
    return lines


def _table_rows(
    title: str, heads: tuple[str, str, str], rows: Sequence[tuple[str, str, str]]
) -> list[str]:
    lines = [f"<h2>{_e(title)}</h2><table><tr>"]
    lines += [f"<th>{_e(head)}</th>" for head in heads]
    lines.append("</tr>")
    for what, state, how in rows:
        css = {"Functional": "GREEN", "PASS": "GREEN"}.get(state, "")
        css = css or {"Non Functional": "RED", "FAIL": "RED"}.get(state, "NA")
        lines.append(
            f"<tr><td>{_e(what)}</td><td class='c {css}'>{_e(state)}</td><td>{_e(how)}</td></tr>"
        )
    lines.append("</table>")
    return lines


def _drives(card: Scorecard, folder: Path) -> list[str]:
    lines = ["<h2>The cells and their drives</h2>"]
    for verdict in card.cells:
        lines += _cell(verdict, folder)
    return lines


def _cell(verdict: CellVerdict, folder: Path) -> list[str]:
    ref, status = verdict.cell.ref, verdict.status
    lines = [
        f"<h3 id='{ref}'><span class='{_css(status)}'>&nbsp;{_e(status.value)}&nbsp;</span> "
        f"{ref} {_e(verdict.cell.name)}</h3>",
        f"<p>{_e(verdict.reason)}</p>",
    ]
    for run in verdict.runs:
        reason = f"({run.draw}) {run.reason}" if run.draw else run.reason
        lines.append(_drive(run.case_id, run.passed, reason, run.scenario_sha256, folder))
    return lines
