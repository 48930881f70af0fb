"""The only code that talks to MongoDB: collection names, indexes and every query.

Routes, activities and the CLI call :class:`ComplaintStore`; they never build queries.
"""

from store.client import open_store
from store.complaints import ComplaintStore
from store.query import ComplaintListItem, ComplaintPage, ComplaintQuery, InvalidCursor, SortField

__all__ = [
    "ComplaintListItem",
    "ComplaintPage",
    "ComplaintQuery",
    "ComplaintStore",
    "InvalidCursor",
    "SortField",
    "open_store",
]
