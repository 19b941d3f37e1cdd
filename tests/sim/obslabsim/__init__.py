"""obslab-sim: a simulated Istio mesh for ObsLab's tests. Test equipment, not a cluster."""

SIM_NAME = "obslab-sim"
SIM_LABEL = "sim.obslab.dev/simulated"
