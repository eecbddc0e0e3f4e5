"""See the modules: one per part of the market (posts, profiles, hiring, directory)."""
