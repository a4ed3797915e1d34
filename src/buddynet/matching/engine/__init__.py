"""The matching engine (pure numpy/scipy, no Django): see `core` for the model and formulas,
`synthetic` for realistic generated data (tests and benchmark)."""

from buddynet.matching.engine.core import *  # noqa: F403
from buddynet.matching.engine.core import __all__ as __all__
