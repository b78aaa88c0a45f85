"""Column layout of the feature vector.

Objects are ordered by pT into ``n_slots`` slots. Each slot holds, in order:
an existence flag, the scaled kinematics (log E, log pT, eta, phi) and a
one-hot object type. Two columns for MET and its azimuth close the vector.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from collider_vae.physics.objects import OBJECT_TYPES

KINEMATICS = ("log_e", "log_pt", "eta", "phi")
MET_FEATURES = ("log_met", "met_phi")


@dataclass(frozen=True)
class FeatureLayout:
    """Positions of every feature in the vector, for ``n_slots`` object slots."""

    n_slots: int

    @property
    def slot_width(self) -> int:
        """Columns per slot: existence, kinematics and one-hot type."""
        return 1 + len(KINEMATICS) + len(OBJECT_TYPES)

    @property
    def n_features(self) -> int:
        """Length of the feature vector."""
        return self.n_slots * self.slot_width + len(MET_FEATURES)

    def _slot_columns(self, offset: int, width: int) -> np.ndarray:
        base = np.arange(self.n_slots)[:, None] * self.slot_width + offset
        return base + np.arange(width)[None, :]

    @property
    def exists(self) -> np.ndarray:
        """Column of each slot's existence flag, shape (n_slots,)."""
        return self._slot_columns(0, 1)[:, 0]

    @property
    def kinematics(self) -> np.ndarray:
        """Columns of each slot's kinematics, shape (n_slots, 4)."""
        return self._slot_columns(1, len(KINEMATICS))

    @property
    def types(self) -> np.ndarray:
        """Columns of each slot's one-hot type, shape (n_slots, n_types)."""
        return self._slot_columns(1 + len(KINEMATICS), len(OBJECT_TYPES))

    @property
    def met(self) -> np.ndarray:
        """Columns of the MET features."""
        return np.arange(len(MET_FEATURES)) + self.n_slots * self.slot_width

    @property
    def names(self) -> list[str]:
        """Feature names, such as ``slot0_log_pt`` or ``slot2_type_b``."""
        names = []
        for slot in range(self.n_slots):
            names.append(f"slot{slot}_exists")
            names += [f"slot{slot}_{name}" for name in KINEMATICS]
            names += [f"slot{slot}_type_{code}" for code in OBJECT_TYPES]
        return names + list(MET_FEATURES)


def feature_matrix(table, layout: FeatureLayout) -> np.ndarray:
    """Return the feature columns of a feature table as a float32 matrix."""
    return table[layout.names].to_numpy(dtype=np.float32)
