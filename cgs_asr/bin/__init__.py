"""Thin command-line programs, one job each; recipes call them by their console names."""
