"""The html target: see its ``target`` module."""
