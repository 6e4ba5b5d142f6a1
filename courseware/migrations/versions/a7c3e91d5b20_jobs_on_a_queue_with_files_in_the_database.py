"""jobs on a queue: attempts and heartbeats on job rows, job files in the database

Revision ID: a7c3e91d5b20
Revises: e2b7c9d31a06
Create Date: 2026-12-06 09:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e91d5b20'
down_revision = 'e2b7c9d31a06'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'job_file',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('chunks', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_job_file')),
    )
    with op.batch_alter_table('job_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_file_expires_at'), ['expires_at'], unique=False)
    op.create_table(
        'job_file_chunk',
        sa.Column('file_id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ['file_id'], ['job_file.id'],
            name=op.f('fk_job_file_chunk_file_id_job_file'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('file_id', 'seq', name=op.f('pk_job_file_chunk')),
    )
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('queued_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('file_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_export_job_file_id_job_file'), 'job_file', ['file_id'], ['id'],
            ondelete='SET NULL',
        )
    with op.batch_alter_table('roster_upload', schema=None) as batch_op:
        batch_op.add_column(sa.Column('queued_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(), nullable=True))
    # Jobs left under way by the threads of old are stale: the reaper sends them to the worker.
    for table in ('export_job', 'roster_upload'):
        op.execute(
            f"UPDATE {table} SET heartbeat_at = created_at, queued_at = created_at "
            "WHERE status IN ('queued', 'running')"
        )


def downgrade():
    with op.batch_alter_table('roster_upload', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('attempts')
        batch_op.drop_column('queued_at')
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_export_job_file_id_job_file'), type_='foreignkey')
        batch_op.drop_column('file_id')
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('attempts')
        batch_op.drop_column('queued_at')
    op.drop_table('job_file_chunk')
    with op.batch_alter_table('job_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_file_expires_at'))
    op.drop_table('job_file')
