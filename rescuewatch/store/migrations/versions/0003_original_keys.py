"""original keys: the column names a dataset document's claims share, stored once

Claims of a dataset file keep every original value of their row. With the column names stored
once on the document (``documents.original_keys``, a JSON array), each claim stores only its
values, as a JSON array in the same order; ``store.claims`` rebuilds the same dict on reading.
Claims stored before this revision keep their JSON objects and read back unchanged.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 01:35:00
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN (no batch table copy: other tables' foreign keys point at documents)
    op.add_column("documents", sa.Column("original_keys", sa.Text(), nullable=True))


def downgrade() -> None:
    # Claims written as value arrays need these keys: turn them back into JSON objects first.
    bind = op.get_bind()
    docs = bind.execute(sa.text(
        "SELECT id, original_keys FROM documents WHERE original_keys IS NOT NULL")).all()
    for doc_id, keys_text in docs:
        keys = json.loads(keys_text)
        rows = bind.execute(sa.text(
            "SELECT id, original FROM claims WHERE document_id = :d AND original LIKE '[%'"),
            {"d": doc_id}).all()
        for claim_id, original in rows:
            restored = json.dumps(dict(zip(keys, json.loads(original), strict=True)),
                                  ensure_ascii=False, separators=(",", ":"))
            bind.execute(sa.text("UPDATE claims SET original = :o WHERE id = :i"),
                         {"o": restored, "i": claim_id})
    op.drop_column("documents", "original_keys")  # SQLite >= 3.35 drops a column in place
