"""secrets shown once: a new password waits server-side for its one viewing, not in the cookie

Revision ID: d5a9e1f04c37
Revises: c41f7e2a9d55
Create Date: 2026-12-06 09:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5a9e1f04c37'
down_revision = 'c41f7e2a9d55'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('secret_shown_once',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('viewer_id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('secret', sa.String(length=255), nullable=False),
    sa.Column('created', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['subject_id'], ['user.id'], name=op.f('fk_secret_shown_once_subject_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['viewer_id'], ['user.id'], name=op.f('fk_secret_shown_once_viewer_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_secret_shown_once'))
    )
    with op.batch_alter_table('secret_shown_once', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_secret_shown_once_viewer_id'), ['viewer_id'], unique=False)


def downgrade():
    with op.batch_alter_table('secret_shown_once', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_secret_shown_once_viewer_id'))
    op.drop_table('secret_shown_once')
