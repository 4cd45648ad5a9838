"""Instrument definitions and the pure scoring core (no Django imports here)."""
