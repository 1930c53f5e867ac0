"""Pure-Python domain of 代办通 (standard library only).

Entities, events, the case state machine, deadline rules and validation shared
by the station app (``desktop``) and the town center (``sync.server``).
"""
