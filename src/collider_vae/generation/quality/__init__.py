"""Figures of merit that compare generated events with Monte Carlo events."""
