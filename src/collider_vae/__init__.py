"""collider-vae: model-independent LHC searches and fast event generation with beta-VAEs."""

__version__ = "0.1.0"
