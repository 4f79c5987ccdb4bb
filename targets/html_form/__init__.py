"""The html-form target: see its ``target`` module."""
