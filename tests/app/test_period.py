"""The one period rule (ultralow.app.period)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from ultralow.app import DataSpan, NoData, UsageProblem, derive_period

SPAN = DataSpan(datetime(2025, 3, 3, 10, 0), datetime(2025, 3, 5, 23, 59), 4320)


def test_defaults_to_the_days_with_minute_data() -> None:
    period = derive_period(SPAN)
    assert (period.start, period.end) == (date(2025, 3, 3), date(2025, 3, 6))  # 5 March included


def test_bounds_given_win_and_to_is_included() -> None:
    period = derive_period(SPAN, first=date(2025, 3, 4))
    assert (period.start, period.end) == (date(2025, 3, 4), date(2025, 3, 6))
    period = derive_period(DataSpan(None, None, 0), date(2025, 1, 1), date(2025, 1, 31))
    assert period.hour_count == 31 * 24


def test_year() -> None:
    period = derive_period(SPAN, year=2025)
    assert (period.start, period.end, period.hour_count) == (date(2025, 1, 1), date(2026, 1, 1), 8760)
    with pytest.raises(UsageProblem, match="--year cannot be combined"):
        derive_period(SPAN, first=date(2025, 1, 1), year=2025)


def test_from_after_to_is_a_usage_problem() -> None:
    with pytest.raises(UsageProblem, match="--from 2025-03-05 is after --to 2025-03-04") as caught:
        derive_period(SPAN, date(2025, 3, 5), date(2025, 3, 4))
    assert caught.value.exit_code == 2
    with pytest.raises(UsageProblem, match="leaves no day with data"):
        derive_period(SPAN, first=date(2025, 4, 1))  # after the last data day, --to not given


def test_no_data_and_no_bounds() -> None:
    with pytest.raises(NoData, match="no minute readings") as caught:
        derive_period(DataSpan(None, None, 0), where="s.duckdb")
    assert caught.value.exit_code == 1
