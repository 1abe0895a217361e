"""The vehicle side: the ECU's response policy and its bus node, the built-in vehicle,
and the adapters for SUMO and CARLA (:mod:`dms.vehicle.simulators` picks one by name)."""
