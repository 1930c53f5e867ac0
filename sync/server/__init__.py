"""The town center (镇为民服务中心) server: FastAPI + SQLAlchemy + Alembic.

``python -m sync.server`` serves it; ``create_app()`` builds the ASGI app.
"""
