"""Turn decoder outputs back into physical events in the ingest layout.

Each slot becomes an object or stays empty: it exists when the sigmoid of
its existence logit passes a threshold and its pT is positive, and its type
is the argmax of the type logits. Kinematics are unscaled into MeV and
radians, phi is wrapped into (-pi, pi], and E is raised to pT cosh(eta)
where it fell below, so every object has a non-negative mass.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from collider_vae.darkmachines.events_table import build_events_table
from collider_vae.features.layout import FeatureLayout
from collider_vae.features.scaler import FeatureScaler, inverse_log_energy
from collider_vae.physics.objects import OBJECT_TYPES
from collider_vae.physics.units import massless_energy, wrap_phi

GENERATED_SAMPLE = "generated"
# The CSV writer keeps 7 significant digits, which can move E and pT by up to
# 5e-8 relative. Raising E a little more keeps E >= pT cosh(eta) after a round trip.
ENERGY_MARGIN = 1e-6
_TYPE_CODES = pa.array(OBJECT_TYPES, pa.string())


@dataclass(frozen=True)
class DecodedBatch:
    """Generated events and the repairs that decoding made.

    Attributes:
        events: Table in the ``EVENTS_SCHEMA`` layout, MeV and radians.
        n_objects: Objects in the table.
        n_energy_raised: Objects whose decoded E was below pT cosh(eta).
    """

    events: pa.Table
    n_objects: int
    n_energy_raised: int


def _labels(values: np.ndarray) -> pa.Array:
    unique, inverse = np.unique(np.asarray(values, dtype=str), return_inverse=True)
    return pa.array(unique.tolist(), pa.string()).take(pa.array(inverse.astype(np.int32)))


def decode_batch(
    outputs: np.ndarray,
    process_id: np.ndarray,
    scaler: FeatureScaler,
    layout: FeatureLayout,
    existence_threshold: float = 0.5,
    first_event_id: int = 0,
) -> DecodedBatch:
    """Turn raw decoder outputs, shape (n_events, layout.n_features), into events.

    Args:
        outputs: Decoder outputs: logits for existence and type, scaled values otherwise.
        process_id: Process label of each event.
        scaler: The scaler the model was trained with.
        layout: The feature layout of ``outputs``.
        existence_threshold: Probability above which a slot contains an object.
        first_event_id: Event ID of the first event; the others follow in order.
    """
    n_events = len(outputs)
    logit_cut = np.log(existence_threshold / (1.0 - existence_threshold))
    exists = outputs[:, layout.exists] > logit_cut
    type_index = outputs[:, layout.types].argmax(axis=2)
    kinematics = outputs[:, layout.kinematics].astype(np.float64)
    energy = inverse_log_energy(scaler.inverse("log_e", kinematics[..., 0]))
    pt = inverse_log_energy(scaler.inverse("log_pt", kinematics[..., 1]))
    eta = scaler.inverse("eta", kinematics[..., 2])
    phi = wrap_phi(scaler.inverse("phi", kinematics[..., 3]))
    exists &= pt > 0

    rows, slots = np.nonzero(exists)
    pt, eta, phi, energy = pt[rows, slots], eta[rows, slots], phi[rows, slots], energy[rows, slots]
    minimum_energy = massless_energy(pt, eta) * (1.0 + ENERGY_MARGIN)
    raised = energy < minimum_energy
    energy = np.where(raised, minimum_energy, energy)

    met_mev = np.maximum(inverse_log_energy(scaler.inverse("log_met", outputs[:, layout.met[0]].astype(np.float64))), 0.0)
    met_phi = wrap_phi(scaler.inverse("met_phi", outputs[:, layout.met[1]].astype(np.float64)))
    event_id = np.arange(first_event_id, first_event_id + n_events, dtype=np.int64)
    table = build_events_table(
        GENERATED_SAMPLE,
        GENERATED_SAMPLE,
        header={
            "line_number": event_id + 1,
            "event_id": event_id,
            "process_id": _labels(process_id),
            "weight": np.ones(n_events),
            "met_mev": met_mev,
            "met_phi": met_phi,
            "energy_recomputed": np.zeros(n_events, dtype=bool),
        },
        n_objects=exists.sum(axis=1),
        objects={
            "obj_type": _TYPE_CODES.take(pa.array(type_index[rows, slots].astype(np.int32))),
            "obj_e_mev": energy,
            "obj_pt_mev": pt,
            "obj_eta": eta,
            "obj_phi": phi,
        },
    )
    return DecodedBatch(table, len(rows), int(raised.sum()))
