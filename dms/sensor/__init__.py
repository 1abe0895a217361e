"""The camera module: everything that touches pixels lives here and nothing pixel-shaped
leaves it. Importing this package stays light; mediapipe and OpenCV load with the modules
that need them (:mod:`dms.sensor.landmarker`, :mod:`dms.sensor.sources`)."""

from dms.sensor.observation import BLENDSHAPES, EyePixels, FaceObservation

__all__ = ["BLENDSHAPES", "EyePixels", "FaceObservation"]
