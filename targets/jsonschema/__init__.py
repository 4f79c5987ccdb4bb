"""The jsonschema target: see its ``target`` module."""
