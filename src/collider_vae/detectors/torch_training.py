"""Training loop, input standardisation and device choice shared by the torch detectors."""

from __future__ import annotations

import copy
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from collider_vae.detectors.base import score_in_batches

logger = logging.getLogger(__name__)

# Standard deviations below this are treated as 1, so a constant feature
# is centred but not divided by zero.
_MIN_STD = 1e-12


@dataclass(frozen=True)
class TrainingParams:
    """Optimiser and loop settings of a torch detector.

    Attributes:
        epochs: Maximum number of passes over the training events.
        batch_size: Events per optimiser step.
        learning_rate: Adam learning rate.
        weight_decay: Adam L2 weight decay.
        patience: Epochs without a lower validation loss before training
            stops, used only when validation events are given.
        score_batch_size: Events per forward pass when scoring.
    """

    epochs: int = 50
    batch_size: int = 512
    learning_rate: float = 1e-3
    weight_decay: float = 0.0
    patience: int = 5
    score_batch_size: int = 65_536


def select_device() -> torch.device:
    """Return the CUDA device when one is available, else the CPU."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


class Standardize(nn.Module):
    """Fixed affine map ``(x - mean) / std`` with statistics from the training events."""

    def __init__(self, x_train: np.ndarray) -> None:
        super().__init__()
        mean = x_train.mean(axis=0)
        std = x_train.std(axis=0)
        std = np.where(std < _MIN_STD, 1.0, std)
        self.register_buffer("mean", torch.as_tensor(mean, dtype=torch.float32))
        self.register_buffer("std", torch.as_tensor(std, dtype=torch.float32))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.mean) / self.std

    def log_abs_det(self) -> torch.Tensor:
        """Return log |det| of the map, the density shift from standardised to input units."""
        return -torch.log(self.std).sum()


def train_model(
    model: nn.Module,
    batch_loss: Callable[[torch.Tensor], torch.Tensor],
    x_train: np.ndarray,
    x_val: np.ndarray | None,
    params: TrainingParams,
    name: str,
    seed: int,
) -> list[float]:
    """Minimise the mean of ``batch_loss`` over the training events with Adam.

    With validation events, the weights of the epoch with the lowest validation
    loss are restored at the end, and training stops after ``params.patience``
    epochs without improvement.

    Args:
        model: Module already on its target device.
        batch_loss: Maps a batch on the model's device to per-event losses.
        x_train: Training events, shape ``(n_events, n_features)``.
        x_val: Optional validation events for early stopping.
        params: Optimiser and loop settings.
        name: Detector name used in logs and errors.
        seed: Seed for the shuffling of batches.

    Returns:
        The monitored loss of each epoch: validation loss if ``x_val`` is
        given, else the mean training loss.

    Raises:
        FloatingPointError: If a loss becomes NaN or infinite.
    """
    device = next(model.parameters()).device
    generator = torch.Generator().manual_seed(seed)
    train = torch.as_tensor(x_train, dtype=torch.float32)
    optimizer = torch.optim.Adam(model.parameters(), lr=params.learning_rate, weight_decay=params.weight_decay)

    history: list[float] = []
    best_loss = float("inf")
    best_state = copy.deepcopy(model.state_dict())
    epochs_without_improvement = 0
    start_time = time.perf_counter()

    for epoch in range(1, params.epochs + 1):
        model.train()
        order = torch.randperm(train.shape[0], generator=generator)
        total = 0.0
        for start in range(0, train.shape[0], params.batch_size):
            batch = train[order[start : start + params.batch_size]].to(device)
            loss = batch_loss(batch).mean()
            _check_finite(loss, name, epoch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * batch.shape[0]
        train_loss = total / train.shape[0]

        if x_val is None:
            monitored = train_loss
            logger.info("%s epoch %d: train loss %.6g", name, epoch, train_loss)
        else:
            monitored = evaluate_loss(model, batch_loss, x_val, params.score_batch_size)
            _check_finite(torch.tensor(monitored), name, epoch)
            logger.info("%s epoch %d: train loss %.6g, validation loss %.6g", name, epoch, train_loss, monitored)
        history.append(monitored)

        if monitored < best_loss:
            best_loss = monitored
            best_state = copy.deepcopy(model.state_dict())
            epochs_without_improvement = 0
        else:
            epochs_without_improvement += 1
        if x_val is not None and epochs_without_improvement >= params.patience:
            logger.info("%s: early stop after epoch %d, best validation loss %.6g", name, epoch, best_loss)
            break

    if x_val is not None:
        model.load_state_dict(best_state)
    model.eval()
    logger.info(
        "%s: trained on %d events for %d epochs in %.1f s",
        name,
        train.shape[0],
        len(history),
        time.perf_counter() - start_time,
    )
    return history


@torch.no_grad()
def evaluate_loss(
    model: nn.Module,
    batch_loss: Callable[[torch.Tensor], torch.Tensor],
    x: np.ndarray,
    batch_size: int,
) -> float:
    """Return the mean per-event loss over ``x``, computed in batches without gradients."""
    model.eval()
    values = predict_in_batches(model, batch_loss, x, batch_size)
    return float(values.mean())


@torch.no_grad()
def predict_in_batches(
    model: nn.Module,
    per_event: Callable[[torch.Tensor], torch.Tensor],
    x: np.ndarray,
    batch_size: int,
    name: str | None = None,
) -> np.ndarray:
    """Evaluate a per-event quantity on row blocks of ``x`` and return it as float64.

    When ``name`` is given, the event count and duration are logged under it.
    """
    device = next(model.parameters()).device
    model.eval()

    def evaluate(block: np.ndarray) -> np.ndarray:
        batch = torch.as_tensor(block, dtype=torch.float32, device=device)
        return per_event(batch).double().cpu().numpy()

    return score_in_batches(evaluate, x, batch_size, name)


def _check_finite(loss: torch.Tensor, name: str, epoch: int) -> None:
    if not torch.isfinite(loss):
        raise FloatingPointError(
            f"{name}: the loss became {loss.item()} in epoch {epoch}. "
            "Lower the learning rate or check the inputs for extreme values."
        )
