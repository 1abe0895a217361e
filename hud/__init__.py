"""The instrument-cluster HUD (pygame): a pure consumer of the bus.

Not built yet: it arrives with the HUD issue. Nothing here imports pygame until then.
"""
