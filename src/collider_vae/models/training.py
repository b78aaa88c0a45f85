"""Training loop of the beta-VAE, with early stopping on the validation loss."""

from __future__ import annotations

import copy
import logging
import time
from dataclasses import dataclass

import numpy as np
import torch
from tqdm.auto import tqdm

from collider_vae.features.layout import FeatureLayout
from collider_vae.models.loss import SlotLoss
from collider_vae.models.vae import BetaVAE, VAEConfig, best_device

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainingConfig:
    """Optimisation settings.

    Attributes:
        beta: Weight of the KL term; the loss is (1 - beta) * reconstruction + beta * KL.
        learning_rate: Adam learning rate.
        batch_size: Events per step.
        max_epochs: Upper limit on epochs.
        patience: Epochs without a better validation loss before stopping.
        seed: Seed of weight initialisation, shuffling and latent sampling.
    """

    beta: float = 0.5
    learning_rate: float = 1e-3
    batch_size: int = 256
    max_epochs: int = 50
    patience: int = 5
    seed: int = 0


def _check_finite(name: str, x: np.ndarray) -> None:
    bad = np.flatnonzero(~np.isfinite(x).all(axis=1))
    if len(bad):
        raise ValueError(f"{name} features contain NaN or infinity in {len(bad)} rows, first row {bad[0]}")


def _mean_loss(model: BetaVAE, loss: SlotLoss, x: torch.Tensor, beta: float, batch_size: int) -> float:
    model.eval()
    total = 0.0
    with torch.no_grad():
        for start in range(0, len(x), batch_size):
            batch = x[start : start + batch_size]
            output, mu, logvar = model(batch)
            total += loss.total(output, batch, mu, logvar, beta).item() * len(batch)
    return total / max(len(x), 1)


def train_vae(
    x_train: np.ndarray,
    x_val: np.ndarray,
    layout: FeatureLayout,
    model_config: VAEConfig,
    training: TrainingConfig,
) -> tuple[BetaVAE, dict[str, list[float]]]:
    """Train a beta-VAE and return the model at its best validation loss.

    Args:
        x_train: Training features, shape (n_events, layout.n_features).
        x_val: Validation features for early stopping.
        layout: Feature layout, which the loss reads.
        model_config: Architecture.
        training: Optimisation settings.

    Returns:
        The model on the CPU in evaluation mode, and the per-epoch
        ``train_loss`` and ``val_loss``.

    Raises:
        ValueError: If the features are not finite.
        FloatingPointError: If the loss becomes NaN or infinite.
    """
    _check_finite("Training", x_train)
    _check_finite("Validation", x_val)
    torch.manual_seed(training.seed)
    device = best_device()
    model = BetaVAE(model_config).to(device)
    loss = SlotLoss(layout, device)
    optimiser = torch.optim.Adam(model.parameters(), lr=training.learning_rate)
    train = torch.tensor(x_train, dtype=torch.float32, device=device)
    val = torch.tensor(x_val, dtype=torch.float32, device=device)
    shuffler = torch.Generator().manual_seed(training.seed)
    history: dict[str, list[float]] = {"train_loss": [], "val_loss": []}
    best_loss, best_state, stale = float("inf"), copy.deepcopy(model.state_dict()), 0
    logger.info(
        "Training on %d events (%d validation) on %s, %d parameters",
        len(train), len(val), device, sum(p.numel() for p in model.parameters()),
    )
    start = time.perf_counter()
    progress = tqdm(range(1, training.max_epochs + 1), desc="training", unit="epoch")
    for epoch in progress:
        model.train()
        order = torch.randperm(len(train), generator=shuffler).to(device)
        epoch_loss = 0.0
        for first in range(0, len(train), training.batch_size):
            batch = train[order[first : first + training.batch_size]]
            output, mu, logvar = model(batch)
            value = loss.total(output, batch, mu, logvar, training.beta)
            if not torch.isfinite(value):
                raise FloatingPointError(
                    f"Training loss became {value.item()} at epoch {epoch}, batch starting at event {first}; "
                    "lower the learning rate or check the features"
                )
            optimiser.zero_grad()
            value.backward()
            optimiser.step()
            epoch_loss += value.item() * len(batch)
        history["train_loss"].append(epoch_loss / len(train))
        history["val_loss"].append(_mean_loss(model, loss, val, training.beta, training.batch_size))
        progress.set_postfix(train=f"{history['train_loss'][-1]:.4g}", val=f"{history['val_loss'][-1]:.4g}")
        logger.info("Epoch %d: train loss %.5g, validation loss %.5g", epoch, history["train_loss"][-1], history["val_loss"][-1])
        if history["val_loss"][-1] < best_loss:
            best_loss, best_state, stale = history["val_loss"][-1], copy.deepcopy(model.state_dict()), 0
        else:
            stale += 1
            if stale >= training.patience:
                logger.info("Early stopping after epoch %d", epoch)
                break
    logger.info("Training took %.1f s; best validation loss %.5g", time.perf_counter() - start, best_loss)
    model.load_state_dict(best_state)
    return model.cpu().eval(), history
