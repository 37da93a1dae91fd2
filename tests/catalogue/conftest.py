from tests.bundles.conftest import loaded_pack  # noqa: F401
