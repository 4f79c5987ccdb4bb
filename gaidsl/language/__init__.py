"""Stage 1, the spec language: spec text in, a checked, deeply immutable IR (:mod:`.ir`) or diagnostics out.

Parsing (Lark, ``grammars/gaidsl.lark``), the AST and overlays, lowering and its checks, the printer and ``fmt``, and
the diagnostic catalogue (:mod:`.messages`); :mod:`.compiler` turns a spec's text into the IR in one call;
:mod:`.shipped` lists the specs that ship and resolves their names (``gov_info_disclosure@2021``). The bottom
layer: it imports no other gaidsl package (``tests/test_layering.py``).
"""
