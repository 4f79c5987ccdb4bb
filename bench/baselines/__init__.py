"""Hand-written validators of the 2021 format, as a data engineer would write them without gaidsl, for the benchmark.

Each reads the wide CSV (one report per line, a column per cell key) and returns the failing checks as
``(report_id, check, position)``, named like gaidsl's results so the benchmark can compare them. They implement the
checks that can fail without last year's report; a check touching a blank cell is skipped (not a failure).
"""

from __future__ import annotations

APPLICANTS = ["natural", "business", "research", "ngo", "law_firm", "other"]
COLUMNS = [*APPLICANTS, "total"]
OUTCOME = [
    "disclosed", "partly_disclosed", "state_secret", "prohibited_by_law", "three_safeties", "third_party",
    "internal_affairs", "process_information", "enforcement_files", "inquiry_matters", "not_held", "needs_creation",
    "still_unclear", "complaints", "repeated", "publications", "excessive", "confirmation", "no_correction",
    "fee_unpaid", "other_reasons",
]  # fmt: skip
ROWS = ["received", "carried_in", *OUTCOME, "outcome_total", "carried_out"]
APPEAL_TOTALS = {
    "review_total": ["review_upheld", "review_corrected", "review_other", "review_pending"],
    "direct_total": ["direct_upheld", "direct_corrected", "direct_other", "direct_pending"],
    "after_review_total": [
        "after_review_upheld",
        "after_review_corrected",
        "after_review_other",
        "after_review_pending",
    ],
}
FEE_WORDS = ("信息处理费", "处理费")
WHITESPACE = " \t\n\r\u3000"
