"""The python target: see its ``target`` module."""
