"""The default city's ids, as the tests use them (the model's code reads them from city.toml)."""

from model.city import HIGHER_LEVELS, default_city

CITY = default_city()
AREAS: tuple[str, ...] = CITY.areas
AREA_INDEX: dict[str, int] = CITY.area_index
DISTRICTS: tuple[str, ...] = CITY.districts
PAYERS: tuple[str, ...] = CITY.payers

__all__ = ["AREAS", "AREA_INDEX", "CITY", "DISTRICTS", "HIGHER_LEVELS", "PAYERS"]
