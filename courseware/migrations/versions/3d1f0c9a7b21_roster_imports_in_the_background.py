"""roster imports run in the background with their progress

Revision ID: 3d1f0c9a7b21
Revises: 22b2add47083
Create Date: 2026-11-27 18:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3d1f0c9a7b21'
down_revision = '22b2add47083'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('roster_upload', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('done', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('total', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('summary', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('error', sa.String(length=500), nullable=True))
    # Imports finished before this revision ran in the request that started them: they are done.
    op.execute("UPDATE roster_upload SET status = 'done' WHERE committed_at IS NOT NULL")


def downgrade():
    with op.batch_alter_table('roster_upload', schema=None) as batch_op:
        batch_op.drop_column('error')
        batch_op.drop_column('summary')
        batch_op.drop_column('total')
        batch_op.drop_column('done')
        batch_op.drop_column('status')
