"""Ledger files into the store: every refusal case of the issue (the whole file refused, every bad row as
file:line: column: message, nothing half-imported), idempotent re-import, revisions, approvals and the
FX conversion."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ultralow.ledger.book import LedgerError, approve, history, import_files, ledger_view, revisions
from ultralow.ledger.rows import LedgerFileError, amount_cny
from ultralow.store.store import Store

BASES = {"zouping-north": "CN", "boke-guinea": "GN"}
EVIDENCE = "register.pdf"
TAIL = f"{EVIDENCE},,clerk,2026-01-20,"
WORKFORCE_HEADER = ("year,base,gender,age_band,employment_type,origin,locality,contractor,headcount,"
                    "evidence_document,evidence_sha256,entered_by,entered_at,note")
DONATION_HEADER = ("date,base,recipient,cause,in_kind,amount,currency,fx_cny_per_unit,fx_source,"
                   "evidence_document,evidence_sha256,entered_by,entered_at,note")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / EVIDENCE).write_bytes(b"signed register")
    return tmp_path


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "ledgers.duckdb") as s:
        yield s


def write(folder: Path, name: str, header: str, *rows: str) -> Path:
    path = folder / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def workforce_row(base: str = "zouping-north", headcount: str = "120", gender: str = "male", year: str = "2025",
                  origin: str = "rural") -> str:
    return f"{year},{base},{gender},30_to_50,full_time,{origin},local,no,{headcount},{TAIL}"


def count_rows(store: Store) -> int:
    row = store.con.execute("SELECT count(*) FROM ledger_rows").fetchone()
    return int(row[0]) if row else 0


def refused(store: Store, folder: Path, *paths: Path) -> list[str]:
    with pytest.raises(LedgerFileError) as caught:
        import_files(store, list(paths), BASES, folder / "evidence")
    assert count_rows(store) == 0  # nothing of any file is stored
    return caught.value.problems


def test_every_bad_row_is_named_and_the_file_refused_whole(store, folder):
    path = write(folder, "workforce.csv", WORKFORCE_HEADER,
                 workforce_row(),                                    # line 2: good
                 workforce_row(base="zouping-west"),                  # line 3: unknown base
                 workforce_row(headcount="-4", gender="female"),      # line 4: negative headcount
                 workforce_row(headcount="120 people", origin="urban"),  # line 5: unit in the value
                 workforce_row())                                    # line 6: duplicate key of line 2
    problems = refused(store, folder, path)
    assert problems[0].startswith(f"{path}:3: base: unknown base 'zouping-west'")
    assert problems[1] == f"{path}:4: headcount: -4 is negative (a count is >= 0)"
    assert problems[2].startswith(f"{path}:5: headcount: '120 people' carries a unit")
    assert problems[3].startswith(f"{path}:6: year,base,gender,age_band,employment_type,origin,locality,contractor: "
                                  "duplicate key") and "first on line 2" in problems[3]
    assert len(problems) == 4


def test_bad_date_and_currency_without_a_rate(store, folder):
    path = write(folder, "donations.csv", DONATION_HEADER,
                 f"2025-02-30,zouping-north,Red Cross,flood relief,no,1000,CNY,,,{TAIL}",
                 f"2025-03-01,boke-guinea,Boke school,school repairs,no,5000,USD,,,{TAIL}",
                 f"2025-03-02,boke-guinea,Boke clinic,malaria nets,no,5000,usd,7.1,PBOC,{TAIL}")
    problems = refused(store, folder, path)
    assert problems[0] == f"{path}:2: date: '2025-02-30' is not a date (YYYY-MM-DD)"
    assert problems[1].startswith(f"{path}:3: fx_cny_per_unit: currency USD without a rate")
    assert problems[2].startswith(f"{path}:3: fx_source: currency USD: say where the rate comes from")
    assert problems[3] == f"{path}:4: currency: 'usd' is not an ISO 4217 currency code"


def test_missing_evidence_and_a_wrong_sha256(store, folder):
    sha = hashlib.sha256(b"signed register").hexdigest()
    path = write(folder, "workforce.csv", WORKFORCE_HEADER,
                 "2025,zouping-north,male,30_to_50,full_time,rural,local,no,1,missing.pdf,,clerk,2026-01-20,",
                 f"2025,zouping-north,female,30_to_50,full_time,rural,local,no,1,{EVIDENCE},{'0' * 64},clerk,2026-01-20,",
                 f"2025,zouping-north,female,under_30,full_time,rural,local,no,1,{EVIDENCE},{sha},clerk,2026-01-20,")
    problems = refused(store, folder, path)
    assert problems[0].startswith(f"{path}:2: evidence_document: 'missing.pdf' not found under")
    assert problems[1] == f"{path}:3: evidence_sha256: {'0' * 64} does not match the file's {sha}"
    assert len(problems) == 2  # line 4 gives the right SHA-256


def test_a_bad_second_file_refuses_the_first_too(store, folder):
    good = write(folder, "workforce.csv", WORKFORCE_HEADER, workforce_row())
    bad = write(folder, "workforce_b.csv", WORKFORCE_HEADER.replace("headcount", "headcount_t"), workforce_row())
    problems = refused(store, folder, good, bad)
    assert f"{bad}:1: headcount_t: not a column of the workforce ledger" in problems
    assert f"{bad}:1: headcount: required column of the workforce ledger is missing" in problems


def test_reimport_changes_nothing_and_a_correction_is_a_new_revision(store, folder):
    path = write(folder, "workforce.csv", WORKFORCE_HEADER, workforce_row(), workforce_row(gender="female"))
    [first] = import_files(store, [path], BASES, folder / "evidence")
    assert (first.new_rows, first.new_revisions, first.unchanged) == (2, 0, 0)
    [again] = import_files(store, [path], BASES, folder / "evidence")
    assert (again.new_rows, again.new_revisions, again.unchanged) == (0, 0, 2)
    assert count_rows(store) == 2
    write(folder, "workforce.csv", WORKFORCE_HEADER, workforce_row(headcount="125"), workforce_row(gender="female"))
    [fixed] = import_files(store, [path], BASES, folder / "evidence")
    assert (fixed.new_rows, fixed.new_revisions, fixed.unchanged) == (0, 1, 1)
    row_id = "workforce/2025/zouping-north/male/30_to_50/full_time/rural/local/no"
    chain = history(store, row_id)
    assert [(r.revision, r.replaces_revision, r.values["headcount"]) for r in chain] == [(1, None, 120), (2, 1, 125)]
    assert chain[0].evidence_sha256 == hashlib.sha256(b"signed register").hexdigest()


def test_approval_by_a_second_person_and_the_effective_revision(store, folder):
    path = write(folder, "workforce.csv", WORKFORCE_HEADER, workforce_row())
    import_files(store, [path], BASES, folder / "evidence")
    row_id = "workforce/2025/zouping-north/male/30_to_50/full_time/rural/local/no"
    with pytest.raises(LedgerError, match="the approver must be someone else"):
        approve(store, [row_id], "Clerk")  # entered by "clerk": same person, any case
    with pytest.raises(LedgerError, match="no such ledger row"):
        approve(store, ["workforce/2025/nowhere"], "Li Wei")
    view = ledger_view(store)
    assert view.effective == () and [r.ref for r in view.draft_only] == [f"{row_id}@1"]
    [done] = approve(store, [row_id], "Li Wei")
    assert done.approved_by == "Li Wei" and done.status == "approved"
    assert approve(store, [row_id], "Li Wei") == []  # approving twice changes nothing
    # a correction waits as a draft: the approved revision stays effective until it is approved
    write(folder, "workforce.csv", WORKFORCE_HEADER, workforce_row(headcount="130"))
    import_files(store, [path], BASES, folder / "evidence")
    view = ledger_view(store)
    assert [r.ref for r in view.effective] == [f"{row_id}@1"] and [r.ref for r in view.pending] == [f"{row_id}@2"]
    approve(store, [f"{row_id}@2"], "Li Wei")
    assert [r.values["headcount"] for r in ledger_view(store).effective] == [130]
    assert [r.status for r in revisions(store, latest_only=False)] == ["approved", "approved"]


def test_fx_conversion_to_yuan(store, folder):
    path = write(folder, "donations.csv", DONATION_HEADER,
                 f"2020-03-25,zouping-north,Civil Protection,medical supplies,yes,400000,EUR,7.75,PBOC parity,{TAIL}",
                 f"2025-03-12,zouping-north,County school,scholarships,no,3000000,CNY,,,{TAIL}")
    import_files(store, [path], BASES, folder / "evidence")
    rows = {r.values["currency"]: r for r in revisions(store, kind="donations")}
    # 400,000 EUR x 7.75 CNY/EUR = 3,100,000 CNY; a CNY row is taken as it is
    assert amount_cny(rows["EUR"].values) == pytest.approx(3_100_000)
    assert amount_cny(rows["CNY"].values) == pytest.approx(3_000_000)
    assert rows["EUR"].values["fx_source"] == "PBOC parity"
    assert rows["EUR"].country == "CN" and rows["EUR"].year == 2020


def test_a_cny_row_with_another_rate_is_refused(store, folder):
    path = write(folder, "donations.csv", DONATION_HEADER,
                 f"2025-03-12,zouping-north,County school,scholarships,no,3000000,CNY,7.1,PBOC,{TAIL}")
    assert refused(store, folder, path) == [f"{path}:2: fx_cny_per_unit: must be empty or 1 for CNY"]


def test_a_file_no_kind_matches(store, folder):
    path = write(folder, "misc.csv", "a,b", "1,2")
    [problem] = refused(store, folder, path)
    assert problem.startswith(f"{path}:1: header: no ledger kind has these columns")
