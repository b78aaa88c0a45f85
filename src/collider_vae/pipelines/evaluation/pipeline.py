"""Evaluation pipeline."""

from kedro.pipeline import Pipeline, node

from collider_vae.pipelines.evaluation.nodes import evaluate_scores, evaluation_metrics, plot_roc_curves


def create_pipeline(**kwargs) -> Pipeline:
    """Create the evaluation pipeline."""
    return Pipeline(
        [
            node(
                evaluate_scores,
                inputs=["anomaly_scores", "params:evaluation.working_points", "params:preprocessing.channel"],
                outputs=["anomaly_metrics", "anomaly_metrics_table"],
                name="evaluate_scores",
            ),
            node(
                plot_roc_curves,
                inputs=["anomaly_scores", "params:preprocessing.channel"],
                outputs="roc_plot",
                name="plot_roc_curves",
            ),
            node(evaluation_metrics, inputs="anomaly_metrics", outputs="evaluation_mlflow_metrics", name="log_evaluation_metrics"),
        ]
    )
