"""Beta-VAE loss on the slot feature layout.

Reconstruction per event is a sum of four terms. Every slot adds the binary
cross-entropy of its existence flag. Existing slots also add the squared
error of their kinematics and the cross-entropy of their object type. The
MET features add their squared error. Empty slots add the existence term alone.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from collider_vae.features.layout import FeatureLayout


class SlotLoss:
    """Per-event reconstruction and KL terms for one feature layout."""

    def __init__(self, layout: FeatureLayout, device: torch.device | str = "cpu") -> None:
        self.exists = torch.as_tensor(layout.exists, device=device)
        self.kinematics = torch.as_tensor(layout.kinematics, device=device)
        self.types = torch.as_tensor(layout.types, device=device)
        self.met = torch.as_tensor(layout.met, device=device)

    def reconstruction(self, output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Return the reconstruction loss of each event, shape (batch,)."""
        exists = target[:, self.exists]
        existence = F.binary_cross_entropy_with_logits(output[:, self.exists], exists, reduction="none").sum(1)
        squared = (output[:, self.kinematics] - target[:, self.kinematics]).pow(2).sum(2)
        type_logits = output[:, self.types]
        type_target = target[:, self.types].argmax(2)
        type_loss = F.cross_entropy(type_logits.transpose(1, 2), type_target, reduction="none")
        objects = ((squared + type_loss) * exists).sum(1)
        met = (output[:, self.met] - target[:, self.met]).pow(2).sum(1)
        return existence + objects + met

    @staticmethod
    def kl(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
        """Return KL(q(z|x) || N(0, 1)) of each event, summed over latent dimensions."""
        return 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(1)

    def total(
        self, output: torch.Tensor, target: torch.Tensor, mu: torch.Tensor, logvar: torch.Tensor, beta: float
    ) -> torch.Tensor:
        """Return the batch mean of (1 - beta) * reconstruction + beta * KL."""
        return ((1.0 - beta) * self.reconstruction(output, target) + beta * self.kl(mu, logvar)).mean()
