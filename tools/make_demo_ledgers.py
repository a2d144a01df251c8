"""Write the SYNTHETIC demo ledgers (src/ultralow/demo/data/ledgers/*.csv) and their evidence documents.

Run once by a developer (``python tools/make_demo_ledgers.py``); the output is committed and read by
``ultralow demo``. Orders of magnitude come from the corpus texts (shared/corpus/): about 100,000 employees,
more than 50,000 homes sold at cost, 10 kindergartens, two medical stations in Guinea (2015, USD 1 million),
donations of 13.5 million (Wenchuan), 2 million (Rainbow Foundation, 2018), more than 90 billion yuan of taxes,
10 billion yuan of environmental investment, Guinea's 0.5 % statutory community minimum. Production comes
from the monthly figures the demo used before (capacity x days x utilisation, same ratios).

Two discrepancies are PLANTED, as the demo plants emission incidents (the claim check must find both):

* the COVID-19 donation is approved at 28,000,000 CNY, while the responsibility report says 30 million;
* employees of rural origin are 89.6 % of employees, while the report says 95 %.

A correction of the COVID-19 donation (back to 30,000,000, ``donations_correction.csv``) is imported by the
demo after the approval and left as a draft: the approved figure stays the published one.
"""

from __future__ import annotations

import csv
import hashlib
import random
from collections.abc import Iterable
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "ultralow" / "demo" / "data" / "ledgers"
EVIDENCE = OUT / "evidence"
ENTERED_BY = "demo-esg-clerk (synthetic)"
ENTERED_AT = "2026-01-20"
NOTE = "SYNTHETIC demo row"
YEAR = 2025

CN_BASES = ["zouping-north", "zouping-south", "binzhou-port", "huimin", "zhanhua-carbon", "beihai-alumina",
            "bincheng-alumina", "wenshan-green", "jiaodong-gas"]
SMELTERS = ["zouping-north", "zouping-south", "binzhou-port", "huimin", "wenshan-green"]
# employees at year end per base (sum 100,480: the report's "100,000 employees")
EMPLOYEES = {"zouping-north": 17800, "zouping-south": 14200, "binzhou-port": 16900, "huimin": 9800,
             "zhanhua-carbon": 5200, "beihai-alumina": 8600, "bincheng-alumina": 7900, "wenshan-green": 6300,
             "jiaodong-gas": 1280, "boke-guinea": 6000, "ketapang-indonesia": 6500}
LOCAL_SHARE = {"boke-guinea": 0.90, "ketapang-indonesia": 0.92}  # overseas: local nationals among employees
RURAL_SHARE = 0.896  # PLANTED: the report says 95 %
CONTRACTORS = {"boke-guinea": 3100, "ketapang-indonesia": 2400, "zouping-north": 1500, "binzhou-port": 1200}
FX = {"USD": (7.1217, "PBOC central parity, 2025 annual average of daily fixings (synthetic demo figure)"),
      "IDR": (0.000443, "PBOC/Bank Indonesia cross rate, 2025 annual average (synthetic demo figure)"),
      "EUR": (7.7500, "PBOC central parity, March 2020 average (synthetic demo figure)")}
FX_HISTORY = {2015: (6.2284, "PBOC central parity, 2015 annual average (synthetic demo figure)")}


def evidence(name: str, title: str) -> str:
    EVIDENCE.mkdir(parents=True, exist_ok=True)
    text = (f"SYNTHETIC evidence document for the ultralow demo: {title}.\n"
            "It stands for the signed register, invoice or statement a base would file; nothing here describes a "
            "real company.\n")
    (EVIDENCE / name).write_text(text, encoding="utf-8")
    return name


def sha(name: str) -> str:
    return hashlib.sha256((EVIDENCE / name).read_bytes()).hexdigest()


def write(kind: str, header: list[str], rows: Iterable[list[object]], document: str, title: str,
          stem: str | None = None) -> None:
    doc = evidence(document, title)
    digest = sha(doc)
    path = OUT / f"{stem or kind}.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow([*header, "evidence_document", "evidence_sha256", "entered_by", "entered_at", "note"])
        for row in rows:
            w.writerow([*("" if v is None else v for v in row), doc, digest, ENTERED_BY, ENTERED_AT, NOTE])


def split(total: int, shares: list[float]) -> list[int]:
    parts = [int(round(total * s)) for s in shares]
    parts[-1] += total - sum(parts)
    return parts


def workforce() -> None:
    rows = []
    for base, n in EMPLOYEES.items():
        local = LOCAL_SHARE.get(base, 1.0)
        for locality, share_l in (("local", local), ("expatriate", 1 - local)):
            if share_l <= 0:
                continue
            for origin, share_o in (("rural", RURAL_SHARE), ("urban", 1 - RURAL_SHARE)):
                cell = n * share_l * share_o
                genders = split(int(round(cell)), [0.18, 0.82])
                for gender, g in zip(("female", "male"), genders, strict=True):
                    for age, a in zip(("under_30", "30_to_50", "over_50"), split(g, [0.28, 0.57, 0.15]), strict=True):
                        rows.append([YEAR, base, gender, age, "full_time", origin, locality, "no", a])
        if base in CONTRACTORS:
            c = CONTRACTORS[base]
            loc = "local"
            rows.append([YEAR, base, "male", "30_to_50", "full_time", "rural", loc, "yes", int(c * 0.85)])
            rows.append([YEAR, base, "female", "30_to_50", "full_time", "rural", loc, "yes", c - int(c * 0.85)])
    write("workforce", ["year", "base", "gender", "age_band", "employment_type", "origin", "locality", "contractor",
                        "headcount"], rows, "workforce-2025-hr-register.txt", "HR headcount register at 31 Dec 2025")


def hires_leavers() -> None:
    rows = []
    for base, n in EMPLOYEES.items():
        for gender, g in (("female", 0.18), ("male", 0.82)):
            for age, a, hire, leave in (("under_30", 0.28, 0.16, 0.09), ("30_to_50", 0.57, 0.04, 0.03),
                                        ("over_50", 0.15, 0.01, 0.06)):
                cell = n * g * a
                rows.append([YEAR, base, gender, age, int(cell * hire), int(cell * leave)])
    write("hires_leavers", ["year", "base", "gender", "age_band", "new_hires", "leavers"], rows,
          "hires-leavers-2025-hr-movements.txt", "HR movements register 2025")


def health_safety() -> None:
    rows = []
    for year, deaths in ((2023, {"binzhou-port": (1, 0)}), (2024, {"boke-guinea": (0, 1)}),
                         (2025, {"zouping-south": (1, 0), "boke-guinea": (0, 1)})):
        for base, n in EMPLOYEES.items():
            emp, con = deaths.get(base, (0, 0))
            hours = (n + CONTRACTORS.get(base, 0)) * 2200
            ltis = max(1, int(hours * 0.35 / 1e6))
            rows.append([year, base, emp, con, ltis, ltis * 21, hours])
    write("health_safety", ["year", "base", "fatalities_employees", "fatalities_contractors", "lost_time_injuries",
                            "lost_days", "hours_worked_h"], rows, "health-safety-2023-2025-register.txt",
          "safety statistics register 2023-2025 (injury reports, hours from payroll)")


def training() -> None:
    rows = []
    for base, n in EMPLOYEES.items():
        for gender, g in (("female", 0.18), ("male", 0.82)):
            for cat, c, hours, trained in (("senior_management", 0.01, 42, 1.0), ("middle_management", 0.07, 36, 0.97),
                                           ("staff", 0.92, 28, 0.91)):
                emp = int(n * g * c)
                rows.append([YEAR, base, gender, cat, emp, int(emp * trained), emp * hours])
    write("training", ["year", "base", "gender", "employee_category", "employees", "employees_trained",
                       "training_hours_h"], rows, "training-2025-records.txt", "training attendance records 2025")


def social_insurance() -> None:
    rows = [[YEAR, base, n, n if base in CN_BASES else int(n * 0.97)] for base, n in EMPLOYEES.items()]
    write("social_insurance", ["year", "base", "employees_eligible", "employees_covered"], rows,
          "social-insurance-2025-statements.txt", "social insurance contribution statements 2025")


def housing() -> None:
    projects = [("zouping-north", "Weiqiao staff homes phase 1-4", 1420, 18600),
                ("zouping-south", "Keji staff homes", 980, 12400),
                ("binzhou-port", "Port staff homes", 760, 11300),
                ("huimin", "Huimin staff homes", 540, 6200),
                ("beihai-alumina", "Beihai staff homes", 310, 3800)]
    write("housing", ["year", "base", "project", "units_sold_at_cost", "units_cumulative"],
          [[YEAR, b, p, y, c] for b, p, y, c in projects], "housing-2025-sales-ledger.txt",
          "staff housing sales ledger (sold at cost) 2025")


def facilities() -> None:
    rows: list[list[object]] = []
    for i, base in enumerate(["zouping-north", "zouping-north", "zouping-south", "zouping-south", "binzhou-port",
                              "binzhou-port", "huimin", "beihai-alumina", "bincheng-alumina", "wenshan-green"]):
        rows.append([base, f"Staff kindergarten {i + 1}", "kindergarten", "provincial-level standardised",
                     2008 + i, 18_000_000 + 1_000_000 * i, "CNY", "", ""])
    for base in ["zouping-north", "zouping-south", "binzhou-port", "huimin", "beihai-alumina"]:
        rows.append([base, f"{base} outpatient clinic", "clinic", "", 2010, 25_000_000, "CNY", "", ""])
    for i in (1, 2):
        rows.append(["boke-guinea", f"Boke medical station {i}", "medical_station", "", 2015, 500_000, "USD",
                     FX_HISTORY[2015][0], FX_HISTORY[2015][1]])
    write("facilities", ["base", "facility", "facility_type", "standard", "opened_year", "capex", "currency",
                         "fx_cny_per_unit", "fx_source"], rows, "facilities-register.txt",
          "community facilities register (construction accounts)")


def payments_to_government() -> None:
    rows: list[list[object]] = []
    rng = random.Random(9)
    for year in range(2016, YEAR + 1):
        total = 9_200_000_000 + rng.randint(-600, 900) * 1_000_000
        rows.append([year, "CN", "vat", int(total * 0.55), "CNY", "", ""])
        rows.append([year, "CN", "corporate_income_tax", int(total * 0.45), "CNY", "", ""])
    usd, src = FX["USD"]
    rows += [[YEAR, "GN", "royalty", 96_000_000, "USD", usd, src],
             [YEAR, "GN", "corporate_income_tax", 61_000_000, "USD", usd, src],
             [YEAR, "GN", "export_duty", 44_000_000, "USD", usd, src]]
    idr, isrc = FX["IDR"]
    rows += [[YEAR, "ID", "corporate_income_tax", 1_150_000_000_000, "IDR", idr, isrc],
             [YEAR, "ID", "royalty", 380_000_000_000, "IDR", idr, isrc]]
    write("payments_to_government", ["year", "country", "payment_type", "amount", "currency", "fx_cny_per_unit",
                                     "fx_source"], rows, "tax-payments-2016-2025-statements.txt",
          "tax payment certificates and government receipts 2016-2025")


def revenue() -> None:
    usd, src = FX["USD"]
    rows: list[list[object]] = [[YEAR, b, amount, "CNY", "", ""] for b, amount in (
        ("zouping-north", 18_400_000_000), ("zouping-south", 18_900_000_000), ("binzhou-port", 19_100_000_000),
        ("huimin", 14_000_000_000), ("wenshan-green", 13_900_000_000), ("zhanhua-carbon", 3_300_000_000),
        ("beihai-alumina", 13_300_000_000), ("bincheng-alumina", 10_100_000_000), ("jiaodong-gas", 1_500_000_000))]
    rows.append([YEAR, "boke-guinea", 1_830_000_000, "USD", usd, src])
    rows.append([YEAR, "ketapang-indonesia", 890_000_000, "USD", usd, src])
    write("revenue", ["year", "base", "amount", "currency", "fx_cny_per_unit", "fx_source"], rows,
          "revenue-2025-management-accounts.txt", "management accounts 2025, turnover by base")


def community_investment() -> None:
    usd, src = FX["USD"]
    idr, isrc = FX["IDR"]
    rows: list[list[object]] = [
        [YEAR, "zouping-north", "Rural road maintenance", "infrastructure", "voluntary", "", 42_000_000, "CNY", "", "", 1800],
        [YEAR, "binzhou-port", "School equipment for village schools", "education", "voluntary", "", 18_500_000, "CNY", "", "", 950],
        [YEAR, "huimin", "Elderly care in left-behind villages", "poverty_relief", "voluntary", "", 9_600_000, "CNY", "", "", 1200],
        # Guinea: 0.5 % of turnover to FODEL (statutory), kept apart from the voluntary programmes
        [YEAR, "boke-guinea", "FODEL contribution (0.5 % of turnover)", "infrastructure", "statutory",
         "Guinea Mining Code Art. 130", 9_150_000, "USD", usd, src, ""],
        [YEAR, "boke-guinea", "Boke water wells and school repairs", "education", "voluntary", "", 4_200_000, "USD", usd, src, 2600],
        [YEAR, "boke-guinea", "Malaria prevention with district health centres", "health", "voluntary", "", 1_900_000, "USD", usd, src, ""],
        [YEAR, "ketapang-indonesia", "Coastline repair and village roads", "infrastructure", "voluntary", "",
         21_000_000_000, "IDR", idr, isrc, 700],
        [2015, "boke-guinea", "Ebola response: two medical stations", "health", "voluntary", "", 1_000_000, "USD",
         FX_HISTORY[2015][0], FX_HISTORY[2015][1], ""],
    ]
    write("community_investment", ["year", "base", "programme", "focus_area", "category", "statutory_basis", "amount",
                                   "currency", "fx_cny_per_unit", "fx_source", "volunteer_hours_h"], rows,
          "community-investment-2015-2025-accounts.txt", "community programme accounts (2015, 2025)")


def donations() -> None:
    eur, esrc = FX["EUR"]
    rows: list[list[object]] = [
        ["2008-05-20", "zouping-north", "Sichuan Red Cross", "Wenchuan earthquake relief", "yes", 13_500_000, "CNY", "", ""],
        ["2018-06-15", "zouping-north", "Beijing Rainbow Foundation", "Rainbow Home education for left-behind children",
         "no", 2_000_000, "CNY", "", ""],
        # PLANTED: the report says 30 million yuan
        ["2020-02-03", "zouping-north", "Binzhou Charity Federation", "COVID-19 epidemic prevention and control", "no",
         28_000_000, "CNY", "", ""],
        ["2020-03-25", "zouping-north", "Italian Civil Protection", "COVID-19 medical supplies to Italy", "yes",
         400_000, "EUR", eur, esrc],
        ["2025-03-12", "huimin", "Huimin County Education Bureau", "Scholarships for rural students", "no", 3_000_000, "CNY", "", ""],
        ["2025-07-28", "binzhou-port", "Shandong Charity Federation", "Flood relief", "yes", 5_500_000, "CNY", "", ""],
    ]
    header = ["date", "base", "recipient", "cause", "in_kind", "amount", "currency", "fx_cny_per_unit", "fx_source"]
    write("donations", header, rows, "donations-register.txt", "donation agreements and receipts")
    correction = [["2020-02-03", "zouping-north", "Binzhou Charity Federation", "COVID-19 epidemic prevention and control",
                   "no", 30_000_000, "CNY", "", ""]]
    write("donations", header, correction, "donations-2020-02-03-second-receipt.txt",
          "second receipt for the COVID-19 donation (correction proposed, awaiting approval)",
          stem="donations_correction")


def trees_volunteering() -> None:
    write("trees", ["year", "base", "trees_planted", "area_ha"],
          [[YEAR, b, n, round(n / 1600, 1)] for b, n in (("zouping-north", 12000), ("binzhou-port", 9500),
                                                       ("huimin", 8000), ("boke-guinea", 11000),
                                                       ("ketapang-indonesia", 6500))],
          "trees-2025-planting-records.txt", "tree planting records 2025")
    write("volunteering", ["date", "base", "event", "volunteers", "volunteer_hours_h"],
          [["2025-03-12", "zouping-north", "Tree planting day", 620, 2480],
           ["2025-06-01", "binzhou-port", "Children's Day visit to village schools", 140, 560],
           ["2025-09-20", "boke-guinea", "Blood donation drive", 210, 420],
           ["2025-11-09", "huimin", "Factory fire-safety open day", 90, 360]],
          "volunteering-2025-sign-in-sheets.txt", "volunteer sign-in sheets 2025")


def environmental_investment() -> None:
    rows: list[list[object]] = []
    projects = [("zouping-north", "Ultra-low emission retrofit units 1-6", "a21026"),
                ("binzhou-port", "SCR denitrification upgrade", "a21002"),
                ("zouping-south", "Bag filter replacement, potline gas treatment", "a34013"),
                ("beihai-alumina", "Red mud dry stacking", "red mud"),
                ("huimin", "Wastewater zero discharge", "wastewater")]
    for year in range(2021, YEAR + 1):
        for i, (base, project, pollutant) in enumerate(projects):
            rows.append([year, base, f"{project} ({year})", pollutant, 380_000_000 + 40_000_000 * ((year + i) % 3),
                         "CNY", "", ""])
    write("environmental_investment", ["year", "base", "project", "pollutant", "capex", "currency", "fx_cny_per_unit",
                                       "fx_source"], rows, "environmental-capex-2021-2025.txt",
          "environmental protection capex accounts 2021-2025")


def production() -> None:
    """The monthly production, energy and fuel figures the demo used before, split into the ledger's columns:
    coal 0.42 t/MWh in captive power and 0.18 t/t alumina in process; gas 45 m3/t baked anode (baking),
    80 m3/t alumina (calcination), the rest in gas turbines; purchased grid power 13.6 MWh/t at the
    hydropower base; water and waste per tonne (synthetic). Converted once from the former
    demo/data/production.csv (kept as committed when that file is gone)."""
    rows = []
    source = Path(__file__).resolve().parents[1] / "src" / "ultralow" / "demo" / "data" / "production.csv"
    if not source.exists():  # converted once; the former file is gone and the ledger is kept as it is
        return
    for r in csv.DictReader(source.open(encoding="utf-8")):
        al, alumina, bauxite, anode = (float(r[k]) for k in ("aluminium_t", "alumina_t", "bauxite_t", "anode_t"))
        mwh, coal, gas = float(r["electricity_mwh"]), float(r["coal_t"]), float(r["natural_gas_m3"])
        coal_process = round(alumina * 0.18)
        coal_power = max(0, round(coal) - coal_process)
        gas_baking = round(anode * 45)
        gas_process = round(alumina * 80)
        gas_power = max(0, round(gas) - gas_baking - gas_process)
        if gas_power < 0.01 * gas:  # a rounding remainder of the old figures, not a turbine
            gas_baking, gas_power = max(0, round(gas) - gas_process), 0
        purchased = round(al * 13.6) if r["base"] == "wenshan-green" else 0
        water = round(al * 3.2 + alumina * 2.4 + mwh * 0.45 + bauxite * 0.05)
        rows.append([r["month"], r["base"], round(al), round(alumina), round(bauxite), round(anode), round(mwh),
                     purchased, coal_power, coal_process, gas_power, gas_process, gas_baking, r["fuel_oil_t"],
                     r["diesel_t"], water, round(water * 0.18), round(al * 0.022 + alumina * 0.0004, 1),
                     round(alumina * 1.3 + mwh * 0.045 + anode * 0.01)])
    write("production", ["month", "base", "aluminium_t", "alumina_t", "bauxite_t", "anode_baked_t",
                         "electricity_generated_mwh", "electricity_purchased_mwh", "coal_power_t", "coal_process_t",
                         "natural_gas_power_m3", "natural_gas_process_m3", "natural_gas_baking_m3", "fuel_oil_power_t",
                         "diesel_t", "water_withdrawal_m3", "water_discharge_m3", "hazardous_waste_t",
                         "non_hazardous_waste_t"], rows, "production-2025-monthly-reports.txt",
          "monthly production and energy reports 2025 (metering and weighbridge)")


def capacity() -> None:
    """Nameplate capacity per base at the end of 2025, from the year's production ledger: each product's
    annual output over a plausible utilisation (smelting 0.95, refining 0.92, anodes 0.90, mining 0.90),
    rounded up to 10,000 t/a; captive power MW = net MWh / (8,760 h x 0.75 load factor), rounded up to
    10 MW. Synthetic: the demo's production is below the group's "more than 6 million tonnes" of capacity,
    so the capacity is too."""
    sums: dict[str, dict[str, float]] = {}
    for r in csv.DictReader((OUT / "production.csv").open(encoding="utf-8")):
        base = sums.setdefault(r["base"], {})
        for column in ("aluminium_t", "alumina_t", "anode_baked_t", "bauxite_t", "electricity_generated_mwh"):
            base[column] = base.get(column, 0.0) + float(r[column])

    def up(value: float, step: int) -> int | None:
        return None if value <= 0 else -(-int(value) // step) * step

    rows = []
    for base, s in sums.items():
        rows.append([YEAR, base, up(s["aluminium_t"] / 0.95, 10_000), up(s["alumina_t"] / 0.92, 10_000),
                     up(s["anode_baked_t"] / 0.90, 10_000), up(s["bauxite_t"] / 0.90, 10_000),
                     up(s["electricity_generated_mwh"] / (8760 * 0.75), 10)])
    write("capacity", ["year", "base", "aluminium_smelting_t_per_year", "alumina_t_per_year", "anode_t_per_year",
                       "bauxite_mining_t_per_year", "captive_power_mw"], rows, "capacity-2025-permits.txt",
          "capacity register at the end of 2025 (pollutant discharge permits and commissioning records)")


def process_parameters() -> None:
    rows = []
    for base in SMELTERS:
        aeo = 0.9 if base == "zouping-south" else ""  # the overvoltage method beside the slope method
        rows.append([YEAR, base, "CWPB", 0.412, 2.1, 0.3, 0.08, aeo, 92.5, "", "", "", "", ""])
    carbon_plants = {"zouping-north": 220575, "binzhou-port": 437140, "wenshan-green": 220519,
                     "zhanhua-carbon": 659834}
    by_base = {r[1]: r for r in rows}
    for base, baked in carbon_plants.items():
        row = by_base.get(base) or [YEAR, base, "", "", "", "", "", "", "", "", "", "", "", ""]
        row[9] = round(baked * 1.045)   # green_anode_t
        row[10] = round(baked * 0.002)  # waste_tar_t
        if base not in by_base:
            rows.append(row)
    # the coal analysis and the CEMS-measured CO2 of Zouping North's captive units (measured vs calculated)
    zn = by_base["zouping-north"]
    zn[11], zn[12], zn[13] = 21.6, 26.8, 15_800_000
    write("process_parameters", ["year", "base", "cell_technology", "net_anode_consumption_t_per_t",
                                 "anode_sulphur_pct", "anode_ash_pct", "anode_effect_minutes_per_cell_day",
                                 "anode_effect_overvoltage_mv", "current_efficiency_pct", "green_anode_t",
                                 "waste_tar_t", "coal_ncv_gj_per_t", "coal_carbon_t_per_tj", "cems_co2_measured_t"],
          rows, "process-parameters-2025-lab-reports.txt",
          "potroom and laboratory reports 2025 (anode analysis, anode effects, coal analysis, CEMS CO2)")


def previous_year() -> None:
    """2024 production, workforce and process parameters for the KPIs' previous-year comparatives: the 2025
    rows scaled (production x 0.96, headcount x 0.975, parameters as they are), written as ``<kind>_2024.csv``."""
    for kind, scale, columns in (("production", 0.96, None), ("workforce", 0.975, ("headcount",)),
                                 ("process_parameters", 1.0, ())):
        rows = list(csv.DictReader((OUT / f"{kind}.csv").open(encoding="utf-8")))
        doc = evidence(f"{kind}-2024-records.txt", f"{kind} records 2024 (previous-year comparatives)")
        digest = sha(doc)
        out = OUT / f"{kind}_2024.csv"
        with out.open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            for r in rows:
                r = {**r, "evidence_document": doc, "evidence_sha256": digest}
                if "month" in r:
                    r["month"] = "2024" + r["month"][4:]
                else:
                    r["year"] = "2024"
                for k, v in r.items():
                    numeric = k.endswith(("_t", "_mwh", "_m3")) if columns is None else k in columns
                    if numeric and v not in ("", None):
                        r[k] = str(round(float(v) * scale)) if "." not in v else f"{float(v) * scale:.1f}"
                w.writerow(r)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for step in (workforce, hires_leavers, health_safety, training, social_insurance, housing, facilities,
                 payments_to_government, revenue, community_investment, donations, trees_volunteering,
                 environmental_investment, production, capacity, process_parameters, previous_year):
        step()
    print(f"wrote {len(list(OUT.glob('*.csv')))} ledger files and {len(list(EVIDENCE.glob('*')))} evidence "
          f"documents under {OUT}")


if __name__ == "__main__":
    main()
