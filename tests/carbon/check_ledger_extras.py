"""Mobilisation, worker hours, GAC regeneration, extracted water, O&M travel and the make-up
water of injections (issue 22) through the binary, by hand.

Usage: check_ledger_extras.py TERRAFATE WORKDIR

Pump-and-treat case (a 600 x 300 x 10 m aquifer, ground surface 10 m): wells EW1 (-50 m3/d) and
EW2 (-30 m3/d) screened 0-10 m and a re-injection well IW1 (+80 m3/d), from day 0 to 1,461:
- mobilisation {equipment_t: 25, distance: 80 km, trips: 2}: 25 x 80 x 2 = 4,000 t*km at day 0,
  phase construction, x 0.15 kg CO2e/(t*km) (deck haulage factor);
- drilling: 3 wells x (10 - 0) m = 30 m x 13 kg CO2e/m (deck), phase construction;
- worker_hours {hours: 40, per_drilled_m: 1.5, per_operating_day: 2}: 40 + 30 x 1.5 + 1,461 x 2
  = 3,007 h; accident_fatalities = 3,007 x 4.8e-8, accident_injuries = 3,007 x 1.2e-5 (deck
  rates, the values of data/footprint_factors.csv's worker_hours rows);
- sorbent {per_gram: 0.001 kg/g, end_of_life: regeneration, make_up: 0.1, haul_distance: 150}:
  spent = 0.001 x the removed grams (ledger removed:X); 10 % virgin material:activated_carbon at
  12 kg/kg, 90 % material:activated_carbon_regenerated at 2.4 kg/kg (deck), haulage 2 x spent t
  x 150 km at 0.15; no waste:hazardous;
- water: water_pumped = 80 m3/d x 1,461 d = 116,880 m3 -> footprint water_extracted, and
  water_reinjected = 116,880 m3;
- travel {trips_per_year: 12, km_per_trip: 50}: 600 km/yr x 1,461 / 365.25 = 2,400 km x 0.25
  kg CO2e/km (deck);
- electricity: the run's kWh x 0.5366 kg/kWh (china-national-2022).
ghg = the sum of these; footprint.csv's construction ghg = mobilisation + drilling.

Injection case: enhanced_bioremediation, donor 2,000 kg at injection_concentration 50 kg/m3 ->
water_used 40 m3; chemical_oxidation, injections of 50 and 30 kg MnO4 as 1.6 kg of
potassium_permanganate per kg at 20 kg/m3 -> (80 x 1.6) / 20 = 6.4 m3 of water_used; a source
removal by digging of the NAPL box z 2-6 m under the surface at 10 m with overburden
{diesel_per_m3: 2}: overburden_volume = 20 x 20 x (13 - 6) = 2,800 m3 (ground surface: the soil
section's 13 m) and diesel 5,600 L more; an SVE (170 d) regenerating its carbon (make_up 0.2,
100 km: 20 % virgin, 80 % regenerated, 2 x t x 100 km of haulage, no waste) with travel
{trips_per_year: 24, km_per_trip: 30}: 720 km/yr x 170 / 365.25. Worker hours: the source removal
0.3 h per excavated m3 (1,600 m3, the exact box 20 x 20 x 4 m); a monitoring action, 4 new wells of
10 m, 2 campaigns/yr over 365 d: 8 + 40 m x 1 + (2 x 365 / 365.25 x 4 samples) x 0.5 h.

Personnel travel of one-off works (`travel: {trips, km_per_trip}`, at the action's start, phase
construction): the source removal 20 x 40 km = 800 km at day 50 (0.2 t CO2e at 0.25 kg/km), a
cap 6 x 25 km = 150 km at day 40 (0.0375 t). Vapour mitigation's O&M travel (`{trips_per_year:
4, km_per_trip: 60}`) from day 100 to 830: 240 x 730 / 365.25 km, phase operation.

Bad input, each exit 2 naming the key and deck:line: a negative intensity
(worker_hours.per_operating_day: -2); accident indicators with an action without worker_hours,
and with one whose wells are drilled but that gives no per_drilled_m; end_of_life: regeneration
without make_up; `trips_per_year` on the source removal, `trips` on the pump-and-treat and on
the vapour mitigation (each type takes one form of travel).
"""
import csv
import math
import os
import re
import shutil
import subprocess
import sys

PT = """title: pump and treat with mobilisation, worker hours, GAC regeneration and travel
grid: {{origin: [-300, -150, 0], size: [600, 300, 10], cells: [60, 30, 1]}}
materials:
  - {{name: sand, region: all, hydraulic_conductivity: 10.0, porosity: 0.3, dispersivity: [1, 0.1, 0.1]}}
flow:
  type: steady
  boundaries:
    - {{face: xmin, type: head, head: 16}}
    - {{face: xmax, type: head, head: 10}}
transport:
  species:
    - {{name: X}}
  initial:
    - {{species: X, region: {{box: {{min: [-50, -50, 0], max: [50, 50, 10]}}}}, concentration: 1.0}}
remediation:
  - name: pt
    type: pump_and_treat
    start: 0
    end: 1461
    wells: [{{name: EW1, position: [5.0, 5.0], screen: [0, 10], rate: -50}},
            {{name: EW2, position: [-25.0, 5.0], screen: [0, 10], rate: -30}}]
    reinjection: [{{name: IW1, position: [-200.0, 5.0], screen: [0, 10], rate: 80}}]
    treatment_efficiency: {{X: 0.9}}
    sorbent: {{material: activated_carbon, per_gram: 0.001, {sorbent}}}
    system_head: 5
    pump_efficiency: 0.7
    treatment_energy: 0.4
    mobilisation: {{equipment_t: 25 t, distance: 80 km, trips: 2}}
    {hours}
    travel: {{trips_per_year: 12, km_per_trip: 50 km}}
time: {{end: 1461, max_step: 150}}
output: {{hdf5: false, vtk: false}}
carbon:
  grid: china-national-2022
  factors: {{vehicle_km: 0.25, haulage: 0.15, drilling: 13, material:activated_carbon: 12,
            material:activated_carbon_regenerated: 2.4}}
  indicators: [ghg, water, accident]
  indicator_factors: {{worker_hours: {{accident_fatalities: 4.8e-8, accident_injuries: 1.2e-5}}}}
"""
HOURS = "worker_hours: {hours: 40 h, per_drilled_m: 1.5, per_operating_day: 2}"
REGENERATION = "end_of_life: regeneration, make_up: 0.1, haul_distance: 150 km"

INJECTIONS = """title: make-up water of injections and the overburden of a source removal
grid: {size: [100, 20, 10], cells: [10, 2, 2]}
materials:
  - {name: sand, region: all, hydraulic_conductivity: 10, porosity: 0.3, bulk_density: 1.7,
     foc: 0.001, dispersivity: [2, 0.2, 0.05]}
flow:
  type: steady
  boundaries:
    - {face: xmin, type: head, head: 10}
    - {face: xmax, type: head, head: 9.9}
transport:
  species:
    - {name: PCE, decay: {rate: 0.001}, henry: 0.7, air_diffusion: 0.6}
    - {name: TCE, henry: 0.4, air_diffusion: 0.7}
    - {name: MnO4}
  initial:
    - {species: PCE, region: {box: {min: [10, 0, 0], max: [40, 20, 10]}}, concentration: 1}
  sources:
    - {name: pool, species: PCE, type: napl, region: {box: {min: [80, 0, 2], max: [100, 20, 6]}},
       mass: 1000 kg, concentration: 100, gamma: 1}
soil:
  ground_surface: 13
  resolution: 0.1
  layers:
    - {name: loam, top: 0, bottom: 3, texture: {alpha: 3.6, n: 1.56, theta_r: 0.078,
       theta_s: 0.43, ks: 0.25}, bulk_density: 1.6, foc: 0.005}
  zones:
    - {name: site, footprint: {min: [10, 0], max: [30, 20]}, depth: [0, 2],
       concentrations: {PCE: 5}}
remediation:
  - {name: isco, type: chemical_oxidation, region: {box: {min: [10, 0, 4], max: [40, 20, 10]}},
     start: 10, end: 200, oxidant: MnO4, injections: [{time: 10, mass: 50}, {time: 100, mass: 30}],
     rate_constants: {PCE: 0.001}, demand: {PCE: 1.27}, injection_points: 5,
     reagent: {material: potassium_permanganate, per_kg_oxidant: 1.6},
     injection_concentration: 20 kg/m3}
  - {name: eisb, type: enhanced_bioremediation, region: {box: {min: [40, 0, 0], max: [60, 20, 10]}},
     start: 20, end: 300, rates: {PCE: 0.01}, products: [{from: PCE, to: TCE, yield: 0.79}],
     donor: {material: emulsified_vegetable_oil, mass: 2000}, injection_concentration: 50}
  - {name: dig, type: source_removal, source: pool, start: 50, fraction: 0.9,
     method: {type: excavation, diesel_per_m3: 1.5, haul_distance: 20, overburden: {diesel_per_m3: 2}},
     worker_hours: {per_excavated_m3: 0.3},
     travel: {trips: 20, km_per_trip: 40 km}}
  - {name: cover, type: cap, region: {box: {min: [60, 0, 0], max: [80, 20, 10]}}, start: 40,
     factor: 0.5, material: {name: clay, thickness: 0.5, density: 1.8},
     travel: {trips: 6, km_per_trip: 25}}
  - {name: mon, type: monitoring, start: 0, end: 365, wells: 4, events_per_year: 2, well_depth: 10,
     worker_hours: {hours: 8, per_drilled_m: 1, per_sample: 0.5}}
  - {name: sve, type: soil_vapour_extraction, region: {box: {min: [10, 0, 11], max: [30, 20, 13]}},
     start: 30, end: 200, removal_rate: 0.05, power: 1, wells: 2,
     sorbent: {material: activated_carbon, per_gram: 0.002, end_of_life: regeneration, make_up: 0.2,
               haul_distance: 100 km},
     travel: {trips_per_year: 24, km_per_trip: 30}}
carbon:
  grid: china-national-2022
  factors: {material:MnO4: 1.5, material:emulsified_vegetable_oil: 1.2,
            material:potassium_permanganate: 2.0, vehicle_km: 0.25, material:clay: 0.01,
            drilling: 13, material:activated_carbon_regenerated: 2.4}
  indicators: [ghg, water]
time:
  end: 365
  max_step: 20
  output_times: [0, 365]
output: {hdf5: false, vtk: false}
"""
VAPOUR = """title: vapour mitigation with O&M travel
grid: {size: [200, 1, 1], cells: [40, 1, 1]}
materials:
  - {name: sand, region: all, hydraulic_conductivity: 10, porosity: 0.3, dispersivity: [2, 0.2, 0.2]}
flow:
  type: steady
  boundaries:
    - {face: xmin, type: head, head: 2}
    - {face: xmax, type: head, head: 1.9}
transport:
  species:
    - {name: B, chemical: benzene, decay: {half_life: 400}}
  initial:
    - {species: B, region: {box: {min: [0, 0, 0], max: [20, 1, 1]}}, concentration: 1}
remediation:
  - {name: ssd, type: vapour_mitigation, start: 100, end: 830, receptors: [well], factor: 100,
     fan_power: 0.09, units: 4, travel: {trips_per_year: 4, km_per_trip: 60 km}}
risk:
  framework: hj25.3-2019
  target: {cancer_risk: 1.0e-6, hazard_quotient: 1}
  standard: none
  receptors:
    - {name: well, position: [12.5, 0.5, 0.5], land_use: first_class,
       pathways: [groundwater_ingestion]}
carbon:
  grid: china-national-2022
  factors: {vehicle_km: 0.25}
time: {end: 1000, max_step: 50}
output: {hdf5: false, vtk: false}
"""
GRID = 0.5366  # kg CO2/kWh, china-national-2022 (MEE & NBS)


def run(terrafate, workdir, name, text):
    deck = os.path.join(workdir, name + ".yaml")
    open(deck, "w").write(text)
    out = os.path.join(workdir, name)
    result = subprocess.run([terrafate, "run", deck, "-o", out], capture_output=True, text=True,
                            timeout=600)
    return result, out, deck


def rows(out, name):
    return list(csv.DictReader(open(os.path.join(out, name))))


def close(failures, what, got, hand, rel=1e-9):
    print(f"{what}: {got} (hand {hand})")
    if got is None or not math.isclose(got, hand, rel_tol=rel):
        failures.append(f"{what} = {got}, by hand {hand}")


def main():
    terrafate, workdir = sys.argv[1:3]
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    failures = []

    result, out, _ = run(terrafate, workdir, "pt", PT.format(sorbent=REGENERATION, hours=HOURS))
    if result.returncode != 0:
        sys.exit(f"FAIL: the pump-and-treat run exited {result.returncode}: "
                 f"{result.stderr[-2000:]}")
    ledger = {(r["action"], r["item"]): r for r in rows(out, "ledger.csv")}
    quantity = {key: float(r["quantity"]) for key, r in ledger.items()}
    removed = quantity.get(("pt", "removed:X"), 0.0)
    spent = 0.001 * removed  # kg
    hand_items = {"mobilisation": 25 * 80 * 2, "drilling": 3 * 10.0,
                  "worker_hours": 40 + 30 * 1.5 + 1461 * 2, "vehicle_km": 12 * 50 * 1461 / 365.25,
                  "material:activated_carbon": 0.1 * spent,
                  "material:activated_carbon_regenerated": 0.9 * spent,
                  "haulage": 2 * spent / 1000 * 150, "water_pumped": 80.0 * 1461,
                  "water_reinjected": 80.0 * 1461}
    if not removed > 0:
        failures.append("the pump-and-treat removed nothing")
    for item, hand in hand_items.items():
        close(failures, f"ledger pt {item}", quantity.get(("pt", item)), hand)
    mob = ledger.get(("pt", "mobilisation"))
    if mob and (float(mob["start"]) != 0.0 or float(mob["end"]) != 0.0 or mob["unit"] != "t*km"):
        failures.append(f"mobilisation booked {mob['start']}-{mob['end']} d in {mob['unit']}")
    if ("pt", "waste:hazardous") in ledger:
        failures.append("regenerated carbon is still booked as hazardous waste")
    kwh = sum(q for (a, item), q in quantity.items() if item.startswith("electricity:"))
    construction = (hand_items["mobilisation"] * 0.15 + hand_items["drilling"] * 13) / 1000
    hand_ghg = (kwh * GRID + hand_items["material:activated_carbon"] * 12
                + hand_items["material:activated_carbon_regenerated"] * 2.4
                + hand_items["haulage"] * 0.15 + hand_items["vehicle_km"] * 0.25) / 1000 \
        + construction
    footprint = rows(out, "footprint.csv")
    totals = {}
    for r in footprint:
        totals[r["indicator"]] = totals.get(r["indicator"], 0.0) + float(r["quantity"])
    close(failures, "ghg [t]", totals.get("ghg"), hand_ghg)
    close(failures, "construction ghg [t]", sum(float(r["quantity"]) for r in footprint
                                                 if r["indicator"] == "ghg"
                                                 and r["phase"] == "construction"), construction)
    close(failures, "water_extracted [m3]", totals.get("water_extracted"), 80.0 * 1461)
    close(failures, "water_reinjected [m3]", totals.get("water_reinjected"), 80.0 * 1461)
    close(failures, "accident_fatalities", totals.get("accident_fatalities"), 3007 * 4.8e-8)
    close(failures, "accident_injuries", totals.get("accident_injuries"), 3007 * 1.2e-5)
    carbon = {(r["action"], r["item"]): r for r in rows(out, "carbon.csv")}
    line = carbon.get(("pt", "mobilisation"))
    if line is None or line["phase"] != "construction":
        failures.append(f"carbon.csv mobilisation line {line}")

    # Disposal (today's behaviour): all virgin, spent carbon hazardous waste.
    result, out, _ = run(terrafate, workdir, "pt_disposal",
                         PT.format(sorbent="end_of_life: disposal", hours=HOURS))
    if result.returncode != 0:
        failures.append(f"the disposal run exited {result.returncode}: {result.stderr[-500:]}")
    else:
        q = {(r["action"], r["item"]): float(r["quantity"]) for r in rows(out, "ledger.csv")}
        spent = 0.001 * q.get(("pt", "removed:X"), 0.0)
        close(failures, "disposal: material:activated_carbon",
              q.get(("pt", "material:activated_carbon")), spent)
        close(failures, "disposal: waste:hazardous [t]", q.get(("pt", "waste:hazardous")),
              spent / 1000)
        if ("pt", "material:activated_carbon_regenerated") in q:
            failures.append("disposal books regenerated carbon")

    result, out, _ = run(terrafate, workdir, "injections", INJECTIONS)
    if result.returncode != 0:
        sys.exit(f"FAIL: the injection run exited {result.returncode}: {result.stderr[-2000:]}")
    q = {(r["action"], r["item"]): float(r["quantity"]) for r in rows(out, "ledger.csv")}
    close(failures, "eisb water_used [m3]", q.get(("eisb", "water_used")), 2000 / 50)
    close(failures, "isco water_used [m3]", q.get(("isco", "water_used")), 80 * 1.6 / 20)
    close(failures, "dig overburden_volume [m3]", q.get(("dig", "overburden_volume")),
          20 * 20 * (13 - 6))
    # The pit's plan area, as an excavation books it (land_disturbed): the 20 x 20 m box.
    close(failures, "dig excavated_area [m2]", q.get(("dig", "excavated_area")), 20 * 20)
    dug = q.get(("dig", "excavated_volume"), 0.0)
    close(failures, "dig diesel [L]", q.get(("dig", "diesel")), 1.5 * dug + 2 * 2800)
    close(failures, "dig worker_hours [h]", q.get(("dig", "worker_hours")), 0.3 * 20 * 20 * 4)
    close(failures, "mon worker_hours [h]", q.get(("mon", "worker_hours")),
          8 + 4 * 10 * 1 + 2 * 365 / 365.25 * 4 * 0.5)
    spent = 0.002 * sum(v for (a, item), v in q.items() if a == "sve" and item.startswith("removed:"))
    if not spent > 0:
        failures.append("the SVE removed nothing")
    for item, hand in (("material:activated_carbon", 0.2 * spent),
                       ("material:activated_carbon_regenerated", 0.8 * spent),
                       ("haulage", 2 * spent / 1000 * 100), ("vehicle_km", 24 * 30 * 170 / 365.25)):
        close(failures, f"sve {item}", q.get(("sve", item)), hand)
    if any(a == "sve" and item.startswith("waste:") for (a, item) in q):
        failures.append("the SVE books waste")
    # One-off works: the crew's trips x km_per_trip at the action's start, construction phase.
    carbon = {(r["action"], r["item"]): r for r in rows(out, "carbon.csv")}
    when = {(r["action"], r["item"]): (float(r["start"]), float(r["end"]))
            for r in rows(out, "ledger.csv")}
    for action, start, hand in (("dig", 50.0, 20 * 40.0), ("cover", 40.0, 6 * 25.0)):
        close(failures, f"{action} vehicle_km [km]", q.get((action, "vehicle_km")), hand)
        line = carbon.get((action, "vehicle_km"))
        if line is None or line["phase"] != "construction" or \
                when.get((action, "vehicle_km")) != (start, start):
            failures.append(f"{action} vehicle_km: carbon line {line}, booked "
                            f"{when.get((action, 'vehicle_km'))}")
        else:
            close(failures, f"{action} vehicle_km [t CO2e]", float(line["tco2e"]),
                  hand * 0.25 / 1000)
    water = sum(float(r["quantity"]) for r in rows(out, "footprint.csv")
                if r["indicator"] == "water_used")
    close(failures, "footprint water_used [m3]", water, 40 + 6.4)

    # Vapour mitigation's O&M travel: 4 x 60 km/yr over its 730 d window, phase operation.
    result, out, _ = run(terrafate, workdir, "vapour", VAPOUR)
    if result.returncode != 0:
        failures.append(f"the vapour mitigation run exited {result.returncode}: "
                        f"{result.stderr[-500:]}")
    else:
        ledger = {(r["action"], r["item"]): r for r in rows(out, "ledger.csv")}
        line = ledger.get(("ssd", "vehicle_km"))
        close(failures, "ssd vehicle_km [km]", float(line["quantity"]) if line else None,
              4 * 60 * 730 / 365.25)
        if line and (float(line["start"]), float(line["end"])) != (100.0, 830.0):
            failures.append(f"ssd vehicle_km booked {line['start']}-{line['end']} d")
        carbon = {(r["action"], r["item"]): r for r in rows(out, "carbon.csv")}
        line = carbon.get(("ssd", "vehicle_km"))
        if line is None or line["phase"] != "operation":
            failures.append(f"ssd vehicle_km carbon line {line}")

    # Bad input: exit 2 naming the key and deck:line.
    bad = {"negative": (PT.format(sorbent=REGENERATION, hours=HOURS.replace(
               "per_operating_day: 2", "per_operating_day: -2")),
               "worker_hours.per_operating_day", 29),
           "no_hours": (PT.format(sorbent=REGENERATION, hours=""), "worker_hours", 16),
           "no_drilling_hours": (PT.format(sorbent=REGENERATION,
                                           hours="worker_hours: {per_operating_day: 2}"),
                                 "worker_hours.per_drilled_m", 29),
           "no_make_up": (PT.format(sorbent="end_of_life: regeneration", hours=HOURS),
                          "make_up", 24)}
    one_off = INJECTIONS.replace("travel: {trips: 20", "travel: {trips_per_year: 20")
    bad["one_off_per_year"] = (one_off, "trips_per_year",
                               one_off.splitlines().index("     travel: {trips_per_year: 20, "
                                                          "km_per_trip: 40 km}}") + 1)
    bad["vapour_trips"] = (VAPOUR.replace("trips_per_year: 4", "trips: 4"), "trips", 17)
    bad["window_trips"] = (PT.format(sorbent=REGENERATION, hours=HOURS).replace(
        "trips_per_year: 12", "trips: 12"), "trips", 30)
    for name, (text, key, line) in bad.items():
        result, _, deck = run(terrafate, workdir, "bad_" + name, text)
        message = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ""
        print(f"{name}: exit {result.returncode}: {message}")
        where = re.search(re.escape(deck) + r":(\d+)", result.stderr)
        if result.returncode != 2 or key not in result.stderr or not where:
            failures.append(f"{name}: exit {result.returncode}, stderr {result.stderr[-400:]!r}")
        elif int(where.group(1)) != line:
            failures.append(f"{name}: points at line {where.group(1)}, expected {line}")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
