"""Repository-wide pytest settings: notebooks run with few replicates in the test suite."""

import os

os.environ.setdefault("BIRTHBUDGET_NOTEBOOK_REPLICATES", "20")
