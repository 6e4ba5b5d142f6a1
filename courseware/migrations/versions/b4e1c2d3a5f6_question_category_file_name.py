"""question categories remember the name the bank files gave at the last sync

Revision ID: b4e1c2d3a5f6
Revises: 6bd47627b4cc
Create Date: 2026-12-06 16:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b4e1c2d3a5f6'
down_revision = '6bd47627b4cc'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('question_category', schema=None) as batch_op:
        batch_op.add_column(sa.Column('file_name', sa.JSON(), nullable=True))
    # Names stored before this revision cannot be told apart: they count as the files' own.
    op.execute("UPDATE question_category SET file_name = name")


def downgrade():
    with op.batch_alter_table('question_category', schema=None) as batch_op:
        batch_op.drop_column('file_name')
