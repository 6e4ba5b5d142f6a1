"""question bank editing: revisions, category names, the files' version of each question

Revision ID: a7c3e5d91b20
Revises: e6c4a8f2b1d9
Create Date: 2026-12-02 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "a7c3e5d91b20"
down_revision = 'e6c4a8f2b1d9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.add_column(sa.Column("file_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("position", sa.Integer(), nullable=False, server_default="0")
        )
    # Every question so far came from the files or an import that a sync would have archived:
    # take them all as the files' version.
    op.execute("UPDATE question SET file_hash = content_hash")
    op.create_table(
        "question_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user.id"],
            name=op.f("fk_question_revision_author_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["question.id"],
            name=op.f("fk_question_revision_question_id_question"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_revision")),
        sa.UniqueConstraint("question_id", "number", name="uq_question_revision_number"),
    )
    with op.batch_alter_table("question_revision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_question_revision_question_id"), ["question_id"], unique=False
        )
    op.create_table(
        "question_category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=200), nullable=False),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["course.id"], name=op.f("fk_question_category_course_id_course")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_category")),
        sa.UniqueConstraint("course_id", "path", name="uq_question_category_course_path"),
    )
    with op.batch_alter_table("question_category", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_question_category_course_id"), ["course_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("question_category", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_category_course_id"))
    op.drop_table("question_category")
    with op.batch_alter_table("question_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_revision_question_id"))
    op.drop_table("question_revision")
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_column("position")
        batch_op.drop_column("file_hash")
