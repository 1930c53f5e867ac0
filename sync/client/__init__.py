"""Station side of sync: the HTTP client, its errors, the token in the OS keyring, transfer files.

Transport errors never escape as ``requests`` exceptions: every failure is a
``SyncError`` subclass whose ``message`` is Chinese and safe to show the clerk.
"""
