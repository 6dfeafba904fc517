"""Scoring pages, one module per step: agreement, scores, conference, registration."""
