"""Pure domain code: no I/O, no temporalio, pymongo or fastapi imports."""
