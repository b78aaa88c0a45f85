"""Beta-scan pipeline: one namespaced training per scan point, then a summary.

Each point ``beta_point_<k>`` reads its optimisation settings, beta among
them, from ``params:beta_point_<k>.training.optimisation`` and shares the
architecture of ``params:training.model``.
"""

from kedro.pipeline import Pipeline, node, pipeline

from collider_vae.pipelines import training
from collider_vae.pipelines.beta_scan.nodes import latent_statistics, summarise_beta_scan

SCAN_POINTS = tuple(f"beta_point_{k}" for k in range(1, 7))


def _point() -> Pipeline:
    statistics = Pipeline(
        [
            node(
                latent_statistics,
                inputs=["vae_model", "features", "params:preprocessing.n_slots", "params:training.optimisation"],
                outputs="latent_statistics",
                name="latent_statistics",
            )
        ]
    )
    return training.create_pipeline() + statistics


def create_pipeline(**kwargs) -> Pipeline:
    """Create the beta-scan pipeline."""
    points = [
        pipeline(
            _point(),
            namespace=name,
            inputs={"features"},
            # A plain name outside the namespace, because Kedro warns about
            # dotted dataset names read by nodes outside their namespace.
            outputs={"latent_statistics": f"{name}_latent_statistics"},
            parameters={"params:preprocessing.n_slots", "params:training.model"},
        )
        for name in SCAN_POINTS
    ]
    summary = node(
        summarise_beta_scan,
        inputs=[f"{name}_latent_statistics" for name in SCAN_POINTS],
        outputs=["beta_scan_table", "beta_scan_plot", "beta_scan_metrics"],
        name="summarise_beta_scan",
    )
    return sum(points, Pipeline([])) + Pipeline([summary])
