"""Configuration, database engine and models, security helpers."""
