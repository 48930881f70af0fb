from tests.store.conftest import store, store_uri

__all__ = ["store", "store_uri"]
