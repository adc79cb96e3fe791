"""The phrase bank: its files and schema, reading, checking, searching, editing and sharing."""
