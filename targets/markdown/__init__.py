"""The markdown target: see its ``target`` module."""
