"""The pdf target: see its ``target`` module."""
