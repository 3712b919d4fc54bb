"""terrafate's Python side: `open_results(OUT)` reads an output folder (fields as xarray, tables
as pandas); `terrafate.plot` makes the figures and report.html (`python3 -m terrafate.plot OUT`)."""
from .reader import Results, open_results, read_fields, read_risk_trajectories

__all__ = ["Results", "open_results", "read_fields", "read_risk_trajectories"]
