"""Sync with the town center: enrollment, push and pull, the schedule and outbox state, the center's decisions,
USB transfer and the signing keys."""
