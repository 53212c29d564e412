"""source aliases and notes: what a registry file says about a publisher beyond its grading

A registry imported with ``rescuewatch sources import`` may give a publisher other keys
(``aliases``, such as its web domains and channel names, separated by ``;``) and ``notes``.
They were read and dropped; stored here, the aliases fill in a source that arrives later under
one of those keys, as the shipped default registry's aliases do, and ``sources export`` writes
both back.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 14:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMNs (no batch table copy: documents point at sources)
    op.add_column("sources", sa.Column("aliases", sa.Text(), nullable=True))
    op.add_column("sources", sa.Column("notes", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("sources", "notes")  # SQLite >= 3.35 drops a column in place
    op.drop_column("sources", "aliases")
