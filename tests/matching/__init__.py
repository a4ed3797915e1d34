"""Tests of the matching engine (no database)."""
