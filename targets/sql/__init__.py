"""The sql target: see its ``target`` module."""
