"""Case work at the window: registering, the case list and page, the lifecycle, handovers, notices, feedback
and the helpers the clerk types with (身份证 reader, rare characters, item search)."""
