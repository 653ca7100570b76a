"""The command line: argument validation (exit status 2 with a clear message), generate, and
`python -m copilot_governance`."""

from __future__ import annotations

import json
import subprocess
import sys

import duckdb
import pytest

from copilot_governance.cli import main

RANGE = ["--start-date", "2025-02-01", "--end-date", "2025-02-10"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start-date", "2025-02-10", "--end-date", "2025-02-01"], "before start date"),
        ([*RANGE, "--tickets-per-day", "0"], "must be positive"),
        ([*RANGE, "--tickets-per-day", "-5"], "must be positive"),
        ([*RANGE, "--tickets-per-day", "many"], "invalid integer"),
        ([*RANGE, "--plant", "meteor_strike"], "unknown plant 'meteor_strike'"),
        (["--start-date", "2025-13-01"], "invalid date '2025-13-01'"),
        (["--end-date", "01/02/2025"], "invalid date"),
        ([*RANGE, "--pilot-start-date", "2025-03-01"], "outside the range"),
        ([*RANGE, "--plant", "csat_drop", "--event-date", "2025-03-01"], "outside the range"),
        ([*RANGE, "--plant", "csat_drop", "--event-date", "2025-02-03"], "needs 5 days"),
        ([*RANGE, "--plant", "confidence_drift", "--pilot-start-date", "2025-02-08"], "needs the pilot"),
        ([*RANGE, "--seed", "-1"], "seed must be"),
    ],
)
def test_bad_arguments_exit_2_with_a_message(args, message, capsys, tmp_path):
    with pytest.raises(SystemExit) as exc:
        main(["generate", "--db", str(tmp_path / "x.duckdb"), *args])
    assert exc.value.code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.duckdb").exists()


def test_missing_or_unknown_command_exits_2(capsys):
    for argv in ([], ["explode"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2


def test_generate_writes_db_default_manifest_and_parquet(tmp_path, capsys):
    db = tmp_path / "data" / "pilot.duckdb"
    code = main(
        [
            "generate",
            "--db",
            str(db),
            *RANGE,
            "--tickets-per-day",
            "200",
            "--seed",
            "9",
            "--parquet-dir",
            str(tmp_path / "pq"),
            "--plant",
            "all-governance",
            "--pilot-start-date",
            "2025-02-03",
        ]
    )
    assert code == 0
    out, err = capsys.readouterr()
    assert "generated 7/10 days" in err and "timing:" in out and "raw.zs_prompt_logs" in out
    manifest = json.loads((tmp_path / "data" / "pilot.duckdb.manifest.json").read_text())
    assert manifest["seed"] == 9 and manifest["tickets_per_day"] == 200
    assert manifest["pilot_start_date"] == "2025-02-03"
    assert len(manifest["events"]) == 6
    assert sorted(p.name for p in (tmp_path / "pq").iterdir()) == [
        "zs_draft_confidence.parquet",
        "zs_prompt_logs.parquet",
        "zs_ticket_outcomes.parquet",
    ]
    with duckdb.connect(str(db), read_only=True) as con:
        counts = {t: con.execute(f"select count(*) from raw.{t}").fetchone()[0] for t in manifest["row_counts"]}
    assert counts == manifest["row_counts"]


def test_quiet_prints_nothing(tmp_path, capsys):
    assert (
        main(
            [
                "generate",
                "--db",
                str(tmp_path / "q.duckdb"),
                "--manifest",
                str(tmp_path / "m.json"),
                *RANGE,
                "--tickets-per-day",
                "50",
                "--quiet",
            ]
        )
        == 0
    )
    assert capsys.readouterr() == ("", "")
    manifest = json.loads((tmp_path / "m.json").read_text())
    assert manifest["pilot_start_date"] == "2025-02-06"  # default: half of a range shorter than 56 days


def test_python_dash_m_runs_the_cli(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "copilot_governance",
            "generate",
            "--db",
            str(tmp_path / "m.duckdb"),
            *RANGE,
            "--tickets-per-day",
            "50",
            "--no-bad-input",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    bad = subprocess.run(
        [sys.executable, "-m", "copilot_governance", "generate", "--plant", "nope"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert bad.returncode == 2 and "unknown plant" in bad.stderr


def _pilots_csv(tmp_path, end: str = "") -> str:
    path = tmp_path / "pilots.csv"
    path.write_text(
        "pilot_id,pilot_name,baseline_start_date,baseline_end_date,pilot_start_date,pilot_end_date,description\n"
        f"p1,Pilot one,2025-02-01,2025-02-07,2025-02-08,{end},x\n"
        "p2,Pilot two,2025-03-01,2025-03-07,2025-03-08,2025-03-12,y\n"
    )
    return str(path)


def test_pilot_config_sets_the_range_and_pilot_start(tmp_path):
    manifest_path = tmp_path / "m.json"
    args = ["generate", "--db", str(tmp_path / "p.duckdb"), "--manifest", str(manifest_path), "--quiet"]
    assert main([*args, "--pilot-config", _pilots_csv(tmp_path), "--end-date", "2025-02-14"]) == 0
    manifest = json.loads(manifest_path.read_text())
    assert (manifest["start_date"], manifest["pilot_start_date"], manifest["end_date"]) == (
        "2025-02-01",
        "2025-02-08",
        "2025-02-14",
    )
    # A finished pilot ends the range at its end date; --pilot-id picks it.
    assert main([*args, "--pilot-config", _pilots_csv(tmp_path), "--pilot-id", "p2"]) == 0
    manifest = json.loads(manifest_path.read_text())
    assert (manifest["start_date"], manifest["pilot_start_date"], manifest["end_date"]) == (
        "2025-03-01",
        "2025-03-08",
        "2025-03-12",
    )


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--pilot-id", "p9"], "pilot 'p9' is not in"),
        (["--start-date", "2025-02-01"], "drop --start-date"),
    ],
)
def test_pilot_config_errors(extra, message, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["generate", "--db", str(tmp_path / "p.duckdb"), "--pilot-config", _pilots_csv(tmp_path), *extra])
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_pilot_id_without_config_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["generate", "--db", str(tmp_path / "p.duckdb"), "--pilot-id", "p1"])
    assert exc.value.code == 2
    assert "--pilot-id needs --pilot-config" in capsys.readouterr().err
