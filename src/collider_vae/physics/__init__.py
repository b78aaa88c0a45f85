"""Physics conventions shared by every stage: units, angles and object types."""
