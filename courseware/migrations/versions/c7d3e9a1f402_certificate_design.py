"""the certificates' design: organisation's name, signature line and seal

Revision ID: c7d3e9a1f402
Revises: 28b9a7c7e8d9
Create Date: 2026-12-06 16:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c7d3e9a1f402'
down_revision = '28b9a7c7e8d9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certificate_design',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation', sa.JSON(), nullable=False),
    sa.Column('signature', sa.JSON(), nullable=False),
    sa.Column('seal_png', sa.LargeBinary(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_certificate_design_updated_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_design'))
    )


def downgrade():
    op.drop_table('certificate_design')
