"""Soil columns on the simulated water table, run end to end (soil_water_table.yaml).

Usage: check_soil_water_table_run.py TERRAFATE DECK WORKDIR MPIEXEC

Fixed heads hold the water table at 6.5 m under a ground surface at 10 m, then from 1800 d at
7.5 m. On 1 and 2 ranks:
- mass_balance.csv (soil columns and groundwater together) closes to 1e-10 at every output time;
- the cumulative leached mass (with the mass the rise submerges) follows the closed-form mass of
  the slug past the water table (soil_analytic.slug_passed): past 3.5 m up to 1800 d, past 2.5 m
  from 1810 d, within 2 % of the slug mass;
- the step from 1800 d moves the soil between 2.5 and 3.5 m depth into the aquifer: the soil
  loses more than 40 % of the slug, which the groundwater (dissolved + sorbed + net outflow)
  gains to 1e-10 of the slug;
- the two runs agree within 1e-8 of the largest value.
"""
import os
import sys

HERE = os.path.dirname(__file__)
sys.path.insert(0, os.path.join(HERE, "..", "transport"))
import soil_analytic as analytic  # noqa: E402
import transport_outputs as outputs  # noqa: E402

GROUND, LOW, HIGH, RISE = 10.0, 6.5, 7.5, 1800.0
Q, RHO_KD, ALPHA_L = 0.001, 1.6 * 100.0 * 0.005, 0.05
SLUG = 4 * 50.0 * 1.6 * 0.5 * 100.0  # [g] 50 mg/kg over 0.5-1 m under four 100 m2 columns


def main():
    terrafate, deck, workdir, mpiexec = sys.argv[1:5]
    theta = analytic.unit_gradient_theta(Q, 3.6, 1.56, 0.078, 0.43, 0.25)
    retardation = 1.0 + RHO_KD / theta
    velocity, dispersion = Q / (theta * retardation), ALPHA_L * Q / (theta * retardation)
    failures, runs = [], {}
    for ranks in (1, 2):
        out = os.path.join(workdir, f"np{ranks}")
        outputs.run(terrafate, deck, out, ranks=ranks, mpiexec=mpiexec,
                    options=("--", "-transport_ksp_rtol", "1e-13"))
        rows = {row["time"]: row for row in outputs.check_mass_balance(out, ["A"], 1.0e-10)}
        runs[ranks] = rows
        worst = 0.0
        for t, row in rows.items():
            if t <= 0.0:
                continue
            depth = GROUND - (LOW if t <= RISE else HIGH)
            exact = analytic.slug_passed(t, 0.5, 1.0, depth, velocity, dispersion, SLUG)
            worst = max(worst, abs(row["leached"] - exact) / SLUG)
        before, after = rows[RISE], rows[RISE + 10.0]
        lost = before["soil"] - after["soil"]

        def groundwater(row):
            return row["dissolved"] + row["sorbed"] + row["outflow"] - row["inflow"]

        gained = groundwater(after) - groundwater(before)
        print(f"{ranks} rank(s): leached within {worst:.2e} of the slug mass of the closed form; "
              f"the rise step moves {lost:.3f} g out of the soil, the groundwater gains "
              f"{gained:.3f} g")
        if not worst < 0.02:
            failures.append(f"{ranks} rank(s): leached mass off the closed form by {worst:.2e}")
        if not lost > 0.4 * SLUG:
            failures.append(f"{ranks} rank(s): the rise moved only {lost} g out of the soil")
        if not abs(gained - lost) < 1e-10 * SLUG:
            failures.append(f"{ranks} rank(s): soil lost {lost} g, groundwater gained {gained} g")
    keys = ("dissolved", "sorbed", "soil", "leached", "outflow")
    scale = max(abs(row[k]) for row in runs[1].values() for k in keys)
    worst = max(abs(runs[1][t][k] - runs[2][t][k]) for t in runs[1] for k in keys) / scale
    print(f"1 vs 2 ranks within {worst:.2e} of the largest value")
    if worst > 1e-8:
        failures.append(f"1 and 2 ranks differ by {worst:.2e}")
    if failures:
        sys.exit("FAIL: " + "; ".join(failures))
    print("PASS")


if __name__ == "__main__":
    main()
