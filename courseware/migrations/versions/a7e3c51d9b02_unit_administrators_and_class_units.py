"""unit administrators (an administrator's unit scope) and the unit that holds a class

Revision ID: a7e3c51d9b02
Revises: 3d1f0c9a7b21
Create Date: 2026-12-06 08:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7e3c51d9b02'
down_revision = '3d1f0c9a7b21'
branch_labels = None
depends_on = None


def upgrade():
    # Existing administrators and classes stay unscoped: the province, as before.
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('admin_unit_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_user_admin_unit_id'), ['admin_unit_id'], unique=False)
        batch_op.create_foreign_key('fk_user_admin_unit_id', 'unit', ['admin_unit_id'], ['id'])
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_cohort_unit_id'), ['unit_id'], unique=False)
        batch_op.create_foreign_key('fk_cohort_unit_id', 'unit', ['unit_id'], ['id'])


def downgrade():
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.drop_constraint('fk_cohort_unit_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_cohort_unit_id'))
        batch_op.drop_column('unit_id')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint('fk_user_admin_unit_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_user_admin_unit_id'))
        batch_op.drop_column('admin_unit_id')
