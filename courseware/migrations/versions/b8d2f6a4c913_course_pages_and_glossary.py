"""course pages and glossary: the introduction, the instructor's guide and the glossary of a course

Revision ID: b8d2f6a4c913
Revises: b3e8d2f61c47
Create Date: 2026-12-07 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b8d2f6a4c913'
down_revision = 'b3e8d2f61c47'
branch_labels = None
depends_on = None


def upgrade():
    # Courses synced before have no pages and no glossary until the next content sync.
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pages', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('glossary', sa.JSON(), nullable=False, server_default='[]'))


def downgrade():
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_column('glossary')
        batch_op.drop_column('pages')
