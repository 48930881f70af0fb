"""The audit package's errors as the API's own (api.errors), in one place."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pymongo.errors import PyMongoError
from temporalio.service import RPCError

from api.errors import ComplaintNotFound, InvalidField, ReplayRefused, Unavailable
from audit.history_page import InvalidCursor
from audit.pointintime import AsOfOutOfRange
from audit.service import ReplayFailed
from audit.source import HistoryNotFound


@contextmanager
def audit_errors(complaint_id: str) -> Iterator[None]:
    try:
        yield
    except HistoryNotFound as error:
        raise ComplaintNotFound(complaint_id) from error
    except AsOfOutOfRange as error:
        raise InvalidField("as_of", str(error)) from error
    except InvalidCursor as error:
        raise InvalidField("cursor", str(error)) from error
    except ReplayFailed as error:
        raise ReplayRefused(error.failures) from error
    except (RPCError, PyMongoError) as error:
        raise Unavailable() from error
