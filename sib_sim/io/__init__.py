"""Files in and out: scenario YAML with locations, results folders, CSV/JSON/Excel writers."""
