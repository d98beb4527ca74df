"""Cleaning steps: text normalisation, paragraph roles, glued-word repair."""
