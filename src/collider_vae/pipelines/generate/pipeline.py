"""Generate pipeline: from the raw folder to generated events and their quality report.

It includes the ingest nodes, so it runs alone, and reuses the preprocessing
and training nodes of the anomaly pipeline with its own parameters and
catalog entries, so the generator never overwrites the anomaly model.
"""

from kedro.pipeline import Pipeline, node

from collider_vae.pipelines import ingest
from collider_vae.pipelines.generate import quality_nodes as quality
from collider_vae.pipelines.generate.nodes import (
    build_density_buffer,
    check_csv_round_trip,
    generate_baseline_events,
    generate_buffer_events,
    select_processes,
    select_reference_events,
)
from collider_vae.pipelines.preprocessing.nodes import build_features, fit_scaler, split_events
from collider_vae.pipelines.training.nodes import train_model

SAMPLES = ["generated_events", "generated_prior_events", "generation_reference"]
MATCHED = ["quality_buffer_events", "quality_prior_events", "quality_reference_events"]


def _training_nodes() -> list:
    return [
        node(select_processes, ["raw_events", "params:generate.processes"], "generator_events", name="select_generator_processes"),
        node(split_events, ["generator_events", "params:generate.split"], "generator_split_events", name="split_generator_events"),
        node(fit_scaler, ["generator_split_events", "params:generate.n_slots"], "generator_scaler", name="fit_generator_scaler"),
        node(
            build_features,
            ["generator_split_events", "generator_scaler", "params:generate.n_slots"],
            "generator_features",
            name="build_generator_features",
        ),
        node(
            train_model,
            ["generator_features", "params:generate.n_slots", "params:generate.model", "params:generate.optimisation"],
            ["generator_vae", "generator_training_metrics"],
            name="train_generator_vae",
        ),
    ]


def _sampling_nodes() -> list:
    return [
        node(
            build_density_buffer,
            ["generator_vae", "generator_features", "generator_split_events", "params:generate.n_slots", "params:generate.buffer"],
            "generator_buffer",
            name="build_density_buffer",
        ),
        node(
            select_reference_events,
            ["generator_split_events", "params:generate.sampling"],
            "generation_reference",
            name="select_reference_events",
        ),
        node(
            generate_buffer_events,
            ["generator_vae", "generator_buffer", "generator_scaler", "params:generate.n_slots",
             "generation_reference", "params:generate.sampling"],
            ["generated_events", "generated_events_csv", "generation_stats"],
            name="generate_buffer_events",
        ),
        node(
            generate_baseline_events,
            ["generator_vae", "generator_scaler", "params:generate.n_slots", "generation_reference", "params:generate.sampling"],
            "generated_prior_events",
            name="generate_prior_events",
        ),
        node(check_csv_round_trip, ["generated_events_csv", "generated_events"], "generated_csv_check", name="check_csv_round_trip"),
    ]


def _quality_nodes() -> list:
    return [
        node(quality.match_sample_sizes, [*SAMPLES, "params:generate.quality.seed"], MATCHED, name="match_sample_sizes"),
        node(
            quality.compare_distributions,
            [*MATCHED, "params:generate.n_slots", "params:generate.quality"],
            "generation_distances",
            name="compare_distributions",
        ),
        node(
            quality.plot_distributions,
            [*MATCHED, "params:generate.n_slots", "params:generate.quality"],
            "generation_histograms",
            name="plot_distributions",
        ),
        node(quality.measure_holes, [*MATCHED, "params:generate.quality"], "generation_holes", name="measure_holes"),
        node(
            quality.plot_holes,
            [*MATCHED, "generation_holes", "params:generate.quality"],
            "generation_holes_plot",
            name="plot_holes",
        ),
        node(quality.measure_physicality, MATCHED, "generation_physicality", name="measure_physicality"),
        node(
            quality.measure_memorisation,
            [*MATCHED, "generator_split_events", "generator_scaler", "params:generate.n_slots", "params:generate.quality"],
            "generation_memorisation",
            name="measure_memorisation",
        ),
        node(
            quality.summarise_quality,
            ["generation_distances", "generation_holes", "generation_physicality", "generation_memorisation",
             "generated_csv_check", "generation_stats"],
            ["generation_quality", "generation_quality_metrics"],
            name="summarise_generation_quality",
        ),
    ]


def create_pipeline(**kwargs) -> Pipeline:
    """Create the generate pipeline, ingest included."""
    return ingest.create_pipeline() + Pipeline(_training_nodes() + _sampling_nodes() + _quality_nodes())
