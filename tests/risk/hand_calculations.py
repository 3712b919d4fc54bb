"""Hand calculations of the risk pathways for test_risk.cpp, written out from the equations of
../shared/reference/risk-equations.md (HJ 25.3-2019 forms, unverified) and the ASTM E1739 /
Johnson-Ettinger diffusion-only volatilization factors, independently of terrafate's code.
Prints the values test_risk.cpp asserts. Units: kg, a, d, L, m3, mg; diffusion in cm2/s
converted to m2/d (x 8.64); air exchange 1/h x 24.

Receptor: first-class land (child + adult). Chemicals (explicit, benzene-like carcinogen and a
toluene-like non-carcinogen): see CARCINOGEN and NONCARCINOGEN.
"""
import math

E = dict(BWc=19.2, BWa=61.8, EDc=6, EDa=24, EFc=350, EFa=350, EFIc=262.5, EFIa=262.5,
         EFOc=87.5, EFOa=87.5, GWCRc=0.7, GWCRa=1.0, OSIRc=200, OSIRa=100, DAIRc=7.5,
         DAIRa=14.5, ATca=27740, ATnc=2190, SAF=0.2, WAF=0.2, SSARc=0.2, SSARa=0.07,
         SERc=0.36, SERa=0.32, Hc=113.15, Ha=161.5, Ev=1, ABSo=1, PM10=0.119, PIAF=0.75,
         fspi=0.8, fspo=0.5, Lb=3.0, ER=0.5, eta=0.0005, Lcrack=0.35, thw_crack=0.12,
         tha_crack=0.26, thT=0.43, thw=0.2, tha=0.23, hcap=0.05, thw_cap=0.342, tha_cap=0.038,
         rho=1.5, foc=0.005, Lgw=3.0, Ls=1.0, U=2.0, delta=2.0, W=40.0)
CARCINOGEN = dict(H=0.2269, Da=0.08953, Dw=1.03e-5, Koc=145.8, SFo=0.055, IUR=7.8e-6,
                  RfDo=0.004, RfC=0.03, GIABS=1.0, ABSd=0.1)
NONCARCINOGEN = dict(H=0.2715, Da=0.0778, Dw=9.204e-6, Koc=233.9, SFo=0.0, IUR=0.0, RfDo=0.08,
                     RfC=5.0, GIABS=1.0, ABSd=0.1)


def deff(c, thw, tha, thT):
    return (c["Da"] * 8.64 * tha ** (10 / 3) + c["Dw"] * 8.64 / c["H"] * thw ** (10 / 3)) / thT ** 2


def vf(c):
    e = E
    ds = deff(c, e["thw"], e["tha"], e["thT"])
    dcap = deff(c, e["thw_cap"], e["tha_cap"], e["thT"])
    dcrack = deff(c, e["thw_crack"], e["tha_crack"], e["thw_crack"] + e["tha_crack"])
    dws = e["Lgw"] / (e["hcap"] / dcap + (e["Lgw"] - e["hcap"]) / ds)
    er = e["ER"] * 24
    def indoor(d, L):
        a = (d / L) / (er * e["Lb"])
        return a / (1 + a + (d / L) / (dcrack / e["Lcrack"] * e["eta"]))
    def outdoor(d, L):
        return 1 / (1 + e["U"] * 86400 * e["delta"] * L / (e["W"] * d))
    ks = c["Koc"] * e["foc"]
    part = c["H"] * e["rho"] / (e["thw"] + ks * e["rho"] + c["H"] * e["tha"]) * 1000
    return dict(gwia=c["H"] * 1000 * indoor(dws, e["Lgw"]), gwoa=c["H"] * 1000 * outdoor(dws, e["Lgw"]),
                sia=part * indoor(ds, e["Ls"]), soa=part * outdoor(ds, e["Ls"]))


def two(rate_c, freq_c, rate_a, freq_a):
    e = E
    ca = rate_c * freq_c * e["EDc"] / (e["BWc"] * e["ATca"]) + rate_a * freq_a * e["EDa"] / (e["BWa"] * e["ATca"])
    nc = rate_c * freq_c * e["EDc"] / (e["BWc"] * e["ATnc"])
    return ca, nc


def risks(c):
    e = E
    out = {}
    ca, nc = two(e["GWCRc"], e["EFc"], e["GWCRa"], e["EFa"])
    out["groundwater_ingestion"] = (ca * c["SFo"], nc / (c["RfDo"] * e["WAF"]))
    sfi = c["IUR"] * 1000 * e["BWa"] / e["DAIRa"]
    rfdi = c["RfC"] * e["DAIRa"] / e["BWa"]
    v = vf(c)
    for name, factor, fc, fa, share in (
            ("indoor_vapour", v["gwia"], e["EFIc"], e["EFIa"], e["WAF"]),
            ("outdoor_vapour", v["gwoa"], e["EFOc"], e["EFOa"], e["WAF"]),
            ("soil_indoor_vapour", v["sia"], e["EFIc"], e["EFIa"], e["SAF"]),
            ("soil_outdoor_vapour", v["soa"], e["EFOc"], e["EFOa"], e["SAF"])):
        ca, nc = two(e["DAIRc"], fc, e["DAIRa"], fa)
        out[name] = (factor * ca * sfi, factor * nc / (rfdi * share))
    ca, nc = two(e["OSIRc"] * 1e-6 * e["ABSo"], e["EFc"], e["OSIRa"] * 1e-6 * e["ABSo"], e["EFa"])
    out["soil_ingestion"] = (ca * c["SFo"], nc / (c["RfDo"] * e["SAF"]))
    sae_c = 239 * e["Hc"] ** 0.417 * e["BWc"] ** 0.517 * e["SERc"]
    sae_a = 239 * e["Ha"] ** 0.417 * e["BWa"] ** 0.517 * e["SERa"]
    ca, nc = two(sae_c * e["SSARc"] * e["Ev"] * c["ABSd"] * 1e-6, e["EFc"],
                 sae_a * e["SSARa"] * e["Ev"] * c["ABSd"] * 1e-6, e["EFa"])
    out["soil_dermal"] = (ca * c["SFo"] / c["GIABS"], nc / (c["RfDo"] * c["GIABS"] * e["SAF"]))
    air = e["PM10"] * 1e-6 * e["PIAF"]
    ca, nc = two(e["DAIRc"], e["fspo"] * e["EFOc"] + e["fspi"] * e["EFIc"],
                 e["DAIRa"], e["fspo"] * e["EFOa"] + e["fspi"] * e["EFIa"])
    out["soil_particulates"] = (air * ca * sfi, air * nc / (rfdi * e["SAF"]))
    return out, v


for label, chem in (("carcinogen", CARCINOGEN), ("noncarcinogen", NONCARCINOGEN)):
    values, v = risks(chem)
    print(label, {k: f"{x:.15e}" for k, x in v.items()})
    for pathway, (cr, hq) in values.items():
        print(f"  {{Pathway::{pathway}, {cr:.15e}, {hq:.15e}}},")
