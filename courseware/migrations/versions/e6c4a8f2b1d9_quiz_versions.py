"""quiz versions: every change to a quiz adds a version, attempts keep the one they took;
quizzes built in the browser start unpublished

Revision ID: e6c4a8f2b1d9
Revises: 15a11129bdbd
Create Date: 2026-12-10 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e6c4a8f2b1d9'
down_revision = '15a11129bdbd'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('quiz_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('description', sa.JSON(), nullable=False),
    sa.Column('lesson_slug', sa.String(length=64), nullable=True),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('slots', sa.JSON(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('base_version_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_quiz_version_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['base_version_id'], ['quiz_version.id'], name=op.f('fk_quiz_version_base_version_id_quiz_version'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['quiz_id'], ['quiz.id'], name=op.f('fk_quiz_version_quiz_id_quiz')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_version')),
    sa.UniqueConstraint('quiz_id', 'number', name='uq_quiz_version_number')
    )
    with op.batch_alter_table('quiz_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_version_quiz_id'), ['quiz_id'], unique=False)

    with op.batch_alter_table('quiz', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('file_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('published_at', sa.DateTime(), nullable=True))
        batch_op.create_foreign_key('fk_quiz_version', 'quiz_version', ['version_id'], ['id'])

    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quiz_version_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_quiz_attempt_quiz_version_id'), ['quiz_version_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_quiz_attempt_quiz_version_id_quiz_version'), 'quiz_version', ['quiz_version_id'], ['id'])

    _every_quiz_and_attempt_gets_a_version()

    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.alter_column('quiz_version_id', existing_type=sa.Integer(), nullable=False)


def _every_quiz_and_attempt_gets_a_version():
    """Each quiz so far came from the files and was taken by learners: its settings and slots
    become its first, published version, and every attempt at it took that version."""
    quiz = sa.table(
        'quiz',
        sa.column('id', sa.Integer),
        sa.column('title', sa.JSON),
        sa.column('description', sa.JSON),
        sa.column('lesson_slug', sa.String),
        sa.column('settings', sa.JSON),
        sa.column('slots', sa.JSON),
        sa.column('content_hash', sa.String),
        sa.column('updated_at', sa.DateTime),
        sa.column('archived_at', sa.DateTime),
        sa.column('version_id', sa.Integer),
        sa.column('file_hash', sa.String),
        sa.column('published_at', sa.DateTime),
    )
    version = sa.table(
        'quiz_version',
        sa.column('id', sa.Integer),
        sa.column('quiz_id', sa.Integer),
        sa.column('number', sa.Integer),
        sa.column('status', sa.String),
        sa.column('source', sa.String),
        sa.column('title', sa.JSON),
        sa.column('description', sa.JSON),
        sa.column('lesson_slug', sa.String),
        sa.column('settings', sa.JSON),
        sa.column('slots', sa.JSON),
        sa.column('content_hash', sa.String),
        sa.column('note', sa.String),
        sa.column('created_at', sa.DateTime),
    )
    attempt = sa.table(
        'quiz_attempt', sa.column('quiz_id', sa.Integer), sa.column('quiz_version_id', sa.Integer)
    )
    conn = op.get_bind()
    rows = conn.execute(sa.select(quiz)).mappings().all()
    for row in rows:
        conn.execute(
            version.insert().values(
                quiz_id=row['id'],
                number=1,
                status='published',
                source='file',
                title=row['title'],
                description=row['description'],
                lesson_slug=row['lesson_slug'],
                settings=row['settings'],
                slots=row['slots'],
                content_hash=row['content_hash'],
                note='content sync',
                created_at=row['updated_at'],
            )
        )
        version_id = conn.execute(
            sa.select(version.c.id).where(version.c.quiz_id == row['id'], version.c.number == 1)
        ).scalar_one()
        conn.execute(
            quiz.update()
            .where(quiz.c.id == row['id'])
            .values(
                version_id=version_id,
                file_hash=None if row['archived_at'] is not None else row['content_hash'],
                published_at=row['updated_at'],
            )
        )
        conn.execute(
            attempt.update().where(attempt.c.quiz_id == row['id']).values(quiz_version_id=version_id)
        )


def downgrade():
    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_quiz_attempt_quiz_version_id_quiz_version'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_quiz_attempt_quiz_version_id'))
        batch_op.drop_column('quiz_version_id')

    with op.batch_alter_table('quiz', schema=None) as batch_op:
        batch_op.drop_constraint('fk_quiz_version', type_='foreignkey')
        batch_op.drop_column('published_at')
        batch_op.drop_column('file_hash')
        batch_op.drop_column('version_id')

    with op.batch_alter_table('quiz_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_version_quiz_id'))

    op.drop_table('quiz_version')
