"""Torch models: the beta-VAE, its loss and its training loop."""
