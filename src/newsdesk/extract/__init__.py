"""Extraction steps: parse, entities, places, dates, quantities, claims."""
