"""Display words for domain codes: source types (gettext catalog) and pollutants (the HJ 212 code table)."""

from __future__ import annotations

from ultralow.hj212.codes import code_tables
from ultralow.translation import N_

SOURCE_TYPES: dict[str, str] = {
    "coal_boiler": N_("Coal-fired power unit"),
    "gas_turbine": N_("Gas turbine"),
    "gas_boiler": N_("Gas-fired boiler"),
    "oil_boiler": N_("Oil-fired boiler"),
    "alumina_calciner": N_("Alumina calciner"),
    "clinker_kiln": N_("Clinker kiln"),
    "potline": N_("Potline gas treatment centre"),
    "anode_baking": N_("Anode baking furnace"),
    "all": N_("All source types"),
}
# The marking policy's mark types (standards/data/marking_policy.toml: HJ 75-2017 §12.1, MEE 2022 No. 21)
MARK_TYPES: dict[str, str] = {
    "maintenance": N_("Maintenance"),
    "calibration": N_("Calibration"),
    "fault": N_("CEMS fault"),
    "out_of_control": N_("Out of control"),
    "stopped": N_("Stopped"),
    "startup_shutdown": N_("Start-up / shut-down"),
    "unit_fault": N_("Unit fault or accident"),
}
COUNTRIES: dict[str, str] = {"CN": N_("China"), "GN": N_("Guinea"), "ID": N_("Indonesia")}
SHORT_POLLUTANTS = {"a21026": "SO₂", "a21002": "NOₓ", "a34013": "PM", "a21018": "F"}


def pollutant(code: str, lang: str) -> str:
    factor = code_tables().factors.get(code)
    if factor is None:
        return code
    return factor.name_zh if lang == "zh" else factor.name_en


def short_pollutant(code: str) -> str:
    return SHORT_POLLUTANTS.get(code, code)
