"""Defaults the command line shows in its help, kept outside experiment/ so reading them loads nothing heavy."""

DEFAULT_SAMPLES = {"morris": 10, "sobol": 64}  # Morris trajectories; Sobol base sample N
DEFAULT_REPLICATIONS = {"oneway": 20, "morris": 4, "sobol": 1}  # per design point
DEFAULT_METRIC = "payments_total"
DEFAULT_HURDLE = 1.0
DEFAULT_PROBABILITY = 0.8

# The most replications one command runs (a documented limit, README "Limits"): each replication keeps
# its monthly records in memory. scenario.run and the command line both read it from here.
MAX_REPLICATIONS = 100_000
