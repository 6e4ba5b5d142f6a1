"""exercise runs keep whether they passed: the total and every pass condition of the scenario

Revision ID: b3e8d2f61c47
Revises: a7c3e91d5b20
Create Date: 2026-12-06 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3e8d2f61c47'
down_revision = 'a7c3e91d5b20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('exercise_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('passed', sa.Boolean(), nullable=True))


def downgrade():
    with op.batch_alter_table('exercise_run', schema=None) as batch_op:
        batch_op.drop_column('passed')
