"""report.html from a known scorecard: every cell in its sheet place with its colour and
reason, linked to its drives; the noise variables and general requirements as given."""

from __future__ import annotations

from pathlib import Path

from dms.verify.judge import RunVerdict
from dms.verify.matrix import CELLS, GENERAL_REQUIREMENTS, Response
from dms.verify.report import save_plots, write_report
from dms.verify.scorecard import cell_verdicts, score

PNG = b"\x89PNG\r\n\x1a\n"  # enough of one for the page to link


def _run(ref: str, driver: int, *, passed: bool, reason: str) -> RunVerdict:
    return RunVerdict(
        case_id=f"{ref}-d{driver:03d}-s1",
        cell=ref,
        response=Response.WARNING,
        driver=driver,
        seed=1,
        passed=passed,
        reason=reason,
        timeline_png=PNG,
    )


def test_the_page_colours_each_cell_and_links_its_drives(tmp_path: Path) -> None:
    cells = [cell for cell in CELLS if cell.ref in ("D17", "D18", "D37")]
    runs = [
        _run("D17", 0, passed=True, reason="warning at +3.05 s (due by +3.50 s)"),
        _run("D18", 0, passed=True, reason="warning at +3.10 s (due by +3.50 s)"),
        _run("D18", 1, passed=False, reason="warning at +3.90 s, late (due by +3.50 s)"),
    ]
    card = score(cell_verdicts(runs, cells))
    save_plots(tmp_path, runs)
    page = write_report(
        tmp_path,
        card,
        evidence={"protocol": "euroncap-2026", "dms_version": "0", "drivers": 2},
        noise=[("Talking", "Functional", "measured: all 6 probe drives passed")],
        general=[(GENERAL_REQUIREMENTS[0], "not assessed", "not tested by dms")],
    ).read_text()
    assert "<td class='c GREEN' title='all 1 drives passed" in page
    assert "<td class='c RED' title='1 of 2 drives failed; D18-d001-s1: warning at +3.90 s" in page
    assert "<a href='#D18'>RED</a>" in page and "<h3 id='D18'>" in page
    assert "<img loading='lazy' src='runs/D18-d001-s1.png'>" in page
    assert (tmp_path / "runs" / "D18-d001-s1.png").read_bytes() == PNG
    assert "<span class='fail'>FAIL</span> D18-d001-s1" in page
    assert "<td class='c GREEN'>Functional</td><td>measured: all 6 probe drives" in page
    assert f"<td>{GENERAL_REQUIREMENTS[0]}</td><td class='c NA'>not assessed</td>" in page
    assert "Long distraction</td><td>0.00 / 5.00" in page  # the owl group lost with D18
