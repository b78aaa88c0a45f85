"""Event generation with Pythia 8 and FastJet, written in the DarkMachines CSV format."""

from collider_vae.pipelines.simulate.pipeline import create_pipeline

__all__ = ["create_pipeline"]
