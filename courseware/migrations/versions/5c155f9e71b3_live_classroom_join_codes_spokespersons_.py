"""live classroom: join codes, spokespersons and drafts, observers' notes and ratings

Revision ID: 5c155f9e71b3
Revises: b8d2f6a4c913
Create Date: 2026-12-06 11:20:56.842601

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c155f9e71b3'
down_revision = 'b8d2f6a4c913'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('exercise_observer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('live_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('invited_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['invited_by_id'], ['user.id'], name=op.f('fk_exercise_observer_invited_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['live_id'], ['exercise_live.id'], name=op.f('fk_exercise_observer_live_id_exercise_live'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_exercise_observer_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exercise_observer')),
    sa.UniqueConstraint('live_id', 'user_id', name='uq_exercise_observer')
    )
    with op.batch_alter_table('exercise_observer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exercise_observer_live_id'), ['live_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exercise_observer_user_id'), ['user_id'], unique=False)

    op.create_table('exercise_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('live_id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('inject_id', sa.String(length=64), nullable=False),
    sa.Column('minute', sa.Double(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_exercise_note_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['live_id'], ['exercise_live.id'], name=op.f('fk_exercise_note_live_id_exercise_live'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['exercise_run.id'], name=op.f('fk_exercise_note_run_id_exercise_run'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exercise_note'))
    )
    with op.batch_alter_table('exercise_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exercise_note_live_id'), ['live_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exercise_note_run_id'), ['run_id'], unique=False)

    op.create_table('exercise_rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('capability', sa.String(length=64), nullable=False),
    sa.Column('rating', sa.String(length=1), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('observer_id', sa.Integer(), nullable=True),
    sa.Column('rated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['observer_id'], ['user.id'], name=op.f('fk_exercise_rating_observer_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['run_id'], ['exercise_run.id'], name=op.f('fk_exercise_rating_run_id_exercise_run'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exercise_rating')),
    sa.UniqueConstraint('run_id', 'capability', 'observer_id', name='uq_exercise_rating')
    )
    with op.batch_alter_table('exercise_rating', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exercise_rating_run_id'), ['run_id'], unique=False)

    op.create_table('exercise_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('target', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'published', 'discarded', name='draftstatus', native_enum=False, length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('action_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['action_id'], ['exercise_action.id'], name=op.f('fk_exercise_draft_action_id_exercise_action'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_exercise_draft_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_exercise_draft_decided_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['run_id'], ['exercise_run.id'], name=op.f('fk_exercise_draft_run_id_exercise_run'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exercise_draft'))
    )
    with op.batch_alter_table('exercise_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exercise_draft_run_id'), ['run_id'], unique=False)

    with op.batch_alter_table('exercise_live', schema=None) as batch_op:
        batch_op.add_column(sa.Column('join_code', sa.String(length=8), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_exercise_live_join_code'), ['join_code'])

    with op.batch_alter_table('exercise_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('spokesperson_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_exercise_run_spokesperson_id_user'), 'user', ['spokesperson_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('exercise_run', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_exercise_run_spokesperson_id_user'), type_='foreignkey')
        batch_op.drop_column('spokesperson_id')

    with op.batch_alter_table('exercise_live', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_exercise_live_join_code'), type_='unique')
        batch_op.drop_column('join_code')

    with op.batch_alter_table('exercise_draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exercise_draft_run_id'))

    op.drop_table('exercise_draft')
    with op.batch_alter_table('exercise_rating', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exercise_rating_run_id'))

    op.drop_table('exercise_rating')
    with op.batch_alter_table('exercise_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exercise_note_run_id'))
        batch_op.drop_index(batch_op.f('ix_exercise_note_live_id'))

    op.drop_table('exercise_note')
    with op.batch_alter_table('exercise_observer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exercise_observer_user_id'))
        batch_op.drop_index(batch_op.f('ix_exercise_observer_live_id'))

    op.drop_table('exercise_observer')
