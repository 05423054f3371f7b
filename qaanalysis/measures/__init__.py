"""Measures: pure functions from evidence and a period to tables, Figures and Signals."""
