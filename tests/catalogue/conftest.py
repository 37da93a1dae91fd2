from tests.bundles.conftest import fixture_pack_world, loaded_pack  # noqa: F401
