"""Use cases of the town center over a SQLAlchemy session; no HTTP here.

Each function runs inside the caller's transaction (``with session.begin():``)
and raises ``ServiceError`` with a Chinese message when it refuses.
"""
