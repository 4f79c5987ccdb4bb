"""The xlsx target: see its ``target`` module."""
