"""The javascript target: see its ``target`` module."""
