"""questions inside lessons (checks and their answers) and background rechecks of course completion

Revision ID: b1a2a1673fd0
Revises: bee1bf44de87
Create Date: 2026-12-06 15:16:10.355139

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b1a2a1673fd0'
down_revision = 'bee1bf44de87'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('completion_recheck',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('status', sa.Enum('queued', 'running', 'done', 'failed', name='jobstatus', native_enum=False, length=16), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('completed', sa.Integer(), nullable=False),
    sa.Column('error', sa.String(length=500), nullable=True),
    sa.Column('queued_at', sa.DateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), server_default='0', nullable=False),
    sa.Column('heartbeat_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_completion_recheck_course_id_course')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_completion_recheck_requested_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_completion_recheck'))
    )
    with op.batch_alter_table('completion_recheck', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_completion_recheck_course_id'), ['course_id'], unique=False)

    op.create_table('lesson_check_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('response', sa.JSON(), nullable=True),
    sa.Column('tries', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=True),
    sa.Column('total_tries', sa.Integer(), nullable=False),
    sa.Column('correct', sa.Boolean(), nullable=False),
    sa.Column('first_answered_at', sa.DateTime(), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['lesson_id'], ['lesson.id'], name=op.f('fk_lesson_check_answer_lesson_id_lesson')),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_lesson_check_answer_question_id_question')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_lesson_check_answer_user_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['visit_id'], ['lesson_visit.id'], name=op.f('fk_lesson_check_answer_visit_id_lesson_visit'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lesson_check_answer')),
    sa.UniqueConstraint('user_id', 'lesson_id', 'name', name='uq_lesson_check_answer')
    )
    with op.batch_alter_table('lesson_check_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_check_answer_lesson_id'), ['lesson_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lesson_check_answer_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('lesson_revision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checks', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('check_tries', sa.Integer(), server_default='0', nullable=False))



def downgrade():
    with op.batch_alter_table('lesson_revision', schema=None) as batch_op:
        batch_op.drop_column('check_tries')
        batch_op.drop_column('checks')

    with op.batch_alter_table('lesson_check_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lesson_check_answer_user_id'))
        batch_op.drop_index(batch_op.f('ix_lesson_check_answer_lesson_id'))

    op.drop_table('lesson_check_answer')
    with op.batch_alter_table('completion_recheck', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_completion_recheck_course_id'))

    op.drop_table('completion_recheck')
