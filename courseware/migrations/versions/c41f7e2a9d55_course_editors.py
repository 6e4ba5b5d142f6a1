"""course editors: who may change a course's content besides the province's administrators

Revision ID: c41f7e2a9d55
Revises: a7e3c51d9b02
Create Date: 2026-12-06 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c41f7e2a9d55'
down_revision = 'a7e3c51d9b02'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('course_editor',
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('course_id', 'user_id')
    )


def downgrade():
    op.drop_table('course_editor')
