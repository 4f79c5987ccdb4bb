"""The text target: see its ``target`` module."""
