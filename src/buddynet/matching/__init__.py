"""Matching buddies and participants: the engine (pure numpy/scipy) and, later, its pages."""
