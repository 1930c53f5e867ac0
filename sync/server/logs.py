"""How ``python -m sync.server`` logs: plain lines (the default) or one JSON object per line.

``DAIBANTONG_LOG_FORMAT=json`` (for journald/Loki/ELK): every line on stderr is one JSON object — the
center's own messages, uvicorn's (start, errors) and its access log, in every worker — with ``time``
(UTC, ISO 8601), ``level``, ``logger``, ``message`` (Chinese as is), ``exception`` when there is one, and
for access lines ``client``, ``method``, ``path``, ``status``. Python warnings go through logging too.
"""

from __future__ import annotations

import json
import logging
import logging.config
import os
from datetime import UTC, datetime
from typing import Any

LOG_FORMAT_ENV = "DAIBANTONG_LOG_FORMAT"
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def json_logs() -> bool:
    """True when ``DAIBANTONG_LOG_FORMAT`` asks for JSON lines; a value other than text/json stops the start."""
    value = os.environ.get(LOG_FORMAT_ENV, "").strip().lower()
    if value not in ("", "text", "json"):
        raise SystemExit(f"{LOG_FORMAT_ENV} 应为 text 或 json：{value!r}")
    return value == "json"


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line (newlines inside messages are escaped by JSON)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.name == "uvicorn.access" and isinstance(record.args, tuple) and len(record.args) == 5:
            client, method, path, _http_version, status = record.args
            entry |= {"client": client, "method": method, "path": path, "status": status}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def logging_config(level: str) -> dict[str, Any]:
    """A ``dictConfig`` sending the root logger and uvicorn's loggers to one JSON handler on stderr; handed to
    uvicorn as ``log_config`` as well, so that each worker process configures itself the same way."""
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            name: {"handlers": [], "level": level, "propagate": True}
            for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
        },
    }


def configure(level: str) -> dict[str, Any] | None:
    """Set up this process's logging; the ``log_config`` for uvicorn (None: uvicorn's own, plain lines)."""
    if not json_logs():
        logging.basicConfig(level=level.upper(), format=PLAIN_FORMAT)
        return None
    config = logging_config(level)
    logging.config.dictConfig(config)
    logging.captureWarnings(True)
    return config
