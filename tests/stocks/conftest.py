from tests.ingest.conftest import push, token  # noqa: F401 (the push API fixtures)
