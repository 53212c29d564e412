"""The store: schema, migrations and every SQL statement rescuewatch runs."""

from rescuewatch.store.core import DEFAULT_URL, Store, actor_name, resolve_url

__all__ = ["DEFAULT_URL", "Store", "actor_name", "resolve_url"]
