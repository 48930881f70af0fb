"""The embedded local stack: Temporal dev server, wire-protocol store and SMTP sink.

Nothing here is for production. ``make run`` (``ibtool run``) starts the whole stack with
:func:`devstack.supervisor.run_stack`; the test fixtures start the same servers on free ports.
"""
