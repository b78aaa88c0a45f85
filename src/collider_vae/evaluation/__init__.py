"""Figures of merit for anomaly scores: ROC, AUC and working points."""
