"""Data safety: backups and restore, the data key, the credential store, audited reads and exports, retention
and password hashing."""
