"""link constraints: analysts' must-link, cannot-link and claim-rejected decisions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "link_constraints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("claim_a", sa.Integer(), nullable=False),
        sa.Column("claim_b", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["claim_a"], ["claims.id"]),
        sa.ForeignKeyConstraint(["claim_b"], ["claims.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("link_constraints", schema=None) as batch_op:
        batch_op.create_index("ix_link_constraints_claim_a", ["claim_a"], unique=False)
        batch_op.create_index("ix_link_constraints_claim_b", ["claim_b"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("link_constraints", schema=None) as batch_op:
        batch_op.drop_index("ix_link_constraints_claim_b")
        batch_op.drop_index("ix_link_constraints_claim_a")
    op.drop_table("link_constraints")
