"""The instrument-cluster HUD (pygame): a pure consumer of the bus.

Everything it shows comes from decoded bus messages (:mod:`hud.view`); widgets draw an
immutable :class:`hud.view.HudState` and nothing else. This is the only package that
imports pygame, and it never sees a camera image.
"""

import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
