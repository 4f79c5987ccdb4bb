"""The docx target: see its ``target`` module."""
