"""Fast event generation with a trained beta-VAE and a density information buffer."""
