"""roster previews kept, worked out once when the file comes in; the address an import started from

Revision ID: e2b7c9d31a06
Revises: d5a9e1f04c37
Create Date: 2026-12-06 09:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e2b7c9d31a06'
down_revision = 'd5a9e1f04c37'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('roster_upload', schema=None) as batch_op:
        batch_op.add_column(sa.Column('preview', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('started_from', sa.String(length=45), nullable=True))


def downgrade():
    with op.batch_alter_table('roster_upload', schema=None) as batch_op:
        batch_op.drop_column('started_from')
        batch_op.drop_column('preview')
