"""Evaluation pipeline."""

from kedro.pipeline import Pipeline, node

from collider_vae.pipelines.evaluation.nodes import (
    evaluate_scores,
    evaluation_metrics,
    plot_latent_projection,
    plot_roc_curves,
    plot_score_distributions,
    summarise_improvements,
)


def create_pipeline(**kwargs) -> Pipeline:
    """Create the evaluation pipeline."""
    return Pipeline(
        [
            node(
                evaluate_scores,
                inputs=["anomaly_scores", "params:evaluation.working_points", "params:preprocessing.channel", "params:evaluation.counting"],
                outputs=["anomaly_metrics", "anomaly_metrics_table", "anomaly_report"],
                name="evaluate_scores",
            ),
            node(summarise_improvements, inputs="anomaly_report", outputs="total_improvement", name="summarise_improvements"),
            node(
                plot_roc_curves,
                inputs=["anomaly_scores", "params:preprocessing.channel"],
                outputs="roc_plot",
                name="plot_roc_curves",
            ),
            node(
                plot_score_distributions,
                inputs="anomaly_scores",
                outputs="score_distributions_plot",
                name="plot_score_distributions",
            ),
            node(
                plot_latent_projection,
                inputs=["embeddings", "params:evaluation.latent_plot.max_points_per_label", "params:evaluation.latent_plot.seed"],
                outputs="latent_projection_plot",
                name="plot_latent_projection",
            ),
            node(
                evaluation_metrics,
                inputs=["anomaly_metrics", "total_improvement"],
                outputs="evaluation_mlflow_metrics",
                name="log_evaluation_metrics",
            ),
        ]
    )
