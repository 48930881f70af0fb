"""``ibtool users``, ``ibtool token`` and ``ibtool apikeys``: local accounts from the shell.

They talk to the store named by the settings (the embedded stack's, unless told otherwise)
and sign tokens with the data folder's key, as the API does.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from pydantic import ValidationError
from pymongo.errors import PyMongoError

from auth.accounts import create_api_key, new_user
from auth.authenticator import local_issuer
from domain.permissions import Role
from settings import Settings
from store.accounts import AccountExistsError, AccountStore, open_accounts

STORE_TIMEOUT_MS = 5_000
ROLES = [role.value for role in Role]

Action = Callable[[AccountStore, Settings, argparse.Namespace], Awaitable[int]]


class CliError(Exception):
    """Printed as ``ibtool: <message>`` with exit code 1."""


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    users = sub.add_parser("users", help="local user accounts of the embedded issuer")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    add = users_sub.add_parser("add", help="add a user (prompts for the password)")
    add.add_argument("name", help="user id, e.g. ivan")
    add.add_argument("--role", action="append", required=True, choices=ROLES)
    add.add_argument("--password", help="the password (prompted for when not given)")
    add.add_argument("--printed-name", help="name shown on signatures (default: the id)")
    add.set_defaults(fn=_command(_users_add))
    users_sub.add_parser("list", help="list users").set_defaults(fn=_command(_users_list))
    disable = users_sub.add_parser("disable", help="refuse a user's tokens from now on")
    disable.add_argument("name")
    disable.set_defaults(fn=_command(_users_disable))

    token = sub.add_parser("token", help="print a bearer token for a local user")
    token.add_argument("--user", required=True)
    token.set_defaults(fn=_command(_token))

    keys = sub.add_parser("apikeys", help="API keys for system integrations")
    keys_sub = keys.add_subparsers(dest="apikeys_command", required=True)
    create = keys_sub.add_parser("create", help="create a key (shown once)")
    create.add_argument("name", help="the integration, e.g. twd-feed")
    create.add_argument("--role", action="append", required=True, choices=ROLES)
    create.set_defaults(fn=_command(_keys_create))
    keys_sub.add_parser("list", help="list keys").set_defaults(fn=_command(_keys_list))
    revoke = keys_sub.add_parser("revoke", help="revoke a key")
    revoke.add_argument("name")
    revoke.set_defaults(fn=_command(_keys_revoke))


def _command(action: Action) -> Callable[[Settings, argparse.Namespace], int]:
    """Run ``action`` against the store; a store that is down is a message, not a traceback."""

    def run(settings: Settings, args: argparse.Namespace) -> int:
        async def main() -> int:
            accounts = open_accounts(settings, timeout_ms=STORE_TIMEOUT_MS)
            try:
                await accounts.ensure_indexes()
                return await action(accounts, settings, args)
            finally:
                await accounts.close()

        try:
            return asyncio.run(main())
        except CliError as error:
            print(f"ibtool: {error}", file=sys.stderr)
        except PyMongoError as error:
            print(
                f"ibtool: the store at {settings.mongo_uri} is not reachable ({error}); "
                "is the stack running (ibtool run)?",
                file=sys.stderr,
            )
        return 1

    return run


def _password(args: argparse.Namespace) -> str:
    if args.password is not None:
        return str(args.password)
    first = getpass.getpass(f"password for {args.name}: ")
    if first != getpass.getpass("again: "):
        raise CliError("the passwords differ")
    return first


async def _users_add(accounts: AccountStore, settings: Settings, args: argparse.Namespace) -> int:
    password = _password(args)
    if not password or password != password.strip():
        raise CliError("the password must be non-empty, without leading or trailing spaces")
    try:
        account = new_user(
            user_id=args.name, roles=args.role, password=password, name=args.printed_name
        )
        await accounts.add_user(account)
    except ValidationError as error:
        raise CliError(f"invalid user: {error.errors()[0]['msg']}") from error
    except AccountExistsError as error:
        raise CliError(str(error)) from error
    print(f"added {account.id} ({', '.join(account.roles)})")
    return 0


async def _users_list(accounts: AccountStore, settings: Settings, args: argparse.Namespace) -> int:
    for user in await accounts.users():
        status = "disabled" if user.disabled else "active"
        roles = ",".join(user.roles)
        print(f"{user.id:<16} {status:<9} {roles:<32} {user.name}")
    return 0


async def _users_disable(
    accounts: AccountStore, settings: Settings, args: argparse.Namespace
) -> int:
    if await accounts.disable_user(args.name, at=datetime.now(UTC)) is None:
        raise CliError(f"no user {args.name}")
    print(f"disabled {args.name}")
    return 0


async def _token(accounts: AccountStore, settings: Settings, args: argparse.Namespace) -> int:
    account = await accounts.get_user(args.user)
    if account is None or account.disabled:
        raise CliError(f"user {args.user} is unknown or disabled")
    print(local_issuer(settings).issue(account, now=datetime.now(UTC)).access_token)
    return 0


async def _keys_create(accounts: AccountStore, settings: Settings, args: argparse.Namespace) -> int:
    try:
        record, key = await create_api_key(accounts, name=args.name, roles=args.role)
    except ValidationError as error:
        raise CliError(f"invalid key name: {error.errors()[0]['msg']}") from error
    except AccountExistsError as error:
        raise CliError(str(error)) from error
    print(key)
    print(
        f"created API key {record.name} ({', '.join(record.roles)}); it is shown only now. "
        "Send it as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'.",
        file=sys.stderr,
    )
    return 0


async def _keys_list(accounts: AccountStore, settings: Settings, args: argparse.Namespace) -> int:
    for key in await accounts.api_keys():
        status = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
        print(f"{key.name:<24} {status:<18} {','.join(key.roles):<24} {key.created_at:%Y-%m-%d}")
    return 0


async def _keys_revoke(accounts: AccountStore, settings: Settings, args: argparse.Namespace) -> int:
    if await accounts.revoke_api_key(args.name, at=datetime.now(UTC)) is None:
        raise CliError(f"no active API key {args.name}")
    print(f"revoked {args.name}")
    return 0
