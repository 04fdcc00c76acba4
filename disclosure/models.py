"""Models for disclosure."""
