"""``ultralow user add|list``: the dashboard's users (passwords hashed with argon2id)."""

from __future__ import annotations

import json
import sys

import click

from ultralow.app import SCHEMA_VERSION
from ultralow.app.ops.users import ROLES
from ultralow.cli.opsstore import ops_store
from ultralow.cli.options import config_option, db_option, format_option
from ultralow.cli.reporting import reported


@click.group()
def user() -> None:
    """Users of the operations dashboard (/ops)."""


def read_password() -> str:
    """From a prompt (twice) on a terminal; else the first line of stdin."""
    if sys.stdin.isatty():
        return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True,
              help="viewer reads; operator also acknowledges alarms and enters marks; admin also manages users.")
@db_option
@config_option
def add(name: str, role: str, db: str, config: str) -> None:
    """Add the user NAME. The password comes from a prompt, or from the first line of stdin when it is not a
    terminal (at least 10 characters)."""
    from ultralow.cli.options import given_config

    with reported():
        password = read_password()
        with ops_store(db, given_config(config), write=True) as ops:
            created = ops.add_user(name, role, password, actor=f"cli:{_login_name()}")
        click.echo(f"user {created.name} added ({created.role})", err=True)


@user.command("list")
@db_option
@config_option
@format_option("table", "json")
def list_users(db: str, config: str, fmt: str) -> None:
    """The users, their roles and whether they are locked or disabled."""
    from ultralow.cli.options import given_config

    with reported(), ops_store(db, given_config(config), write=False) as ops:
        rows = [{"name": u.name, "role": u.role, "created_at": u.created_at.isoformat(), "created_by": u.created_by,
                 "disabled": u.disabled,
                 "locked_until": None if u.locked_until is None else u.locked_until.isoformat()} for u in ops.users()]
    if fmt == "json":
        click.echo(json.dumps({"schema_version": SCHEMA_VERSION, "db": db, "users": rows}, ensure_ascii=False))
        return
    for r in rows:
        state = "disabled" if r["disabled"] else f"locked until {r['locked_until']}" if r["locked_until"] else "active"
        click.echo(f"{r['name']}\t{r['role']}\t{state}")


def _login_name() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
