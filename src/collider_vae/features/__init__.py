"""Fixed-length event features for the neural networks, and their inverse."""
