"""contacts without reminder counts, and the contact table for databases that missed 0012

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 21:00:00

Two things:

- `contact.reminders` is dropped. It counted the reminders each address had been sent, and
  reminders stop at a completed code, so the count told, to the day, when each address answered
  (docs/collector.md, the threat model). The round page no longer shows per-channel reminder
  counts; each run reports how many it sent, and the audit log keeps that.
- A database upgraded while the migrations ran 0011 -> 0014 -> 0013 is stamped 0013 and never
  ran 0012 (now before 0013): it gets the contact table here, made by 0012 itself.
"""

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def _contacts_migration():
    path = Path(__file__).with_name("0012_contacts.py")
    spec = importlib.util.spec_from_file_location("migration_0012_contacts", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade():
    if "contact" not in sa.inspect(op.get_bind()).get_table_names():
        _contacts_migration().upgrade()
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_column("reminders")


def downgrade():
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reminders", sa.Integer(), nullable=False, server_default="0")
        )
