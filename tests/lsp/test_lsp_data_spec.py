"""Which spec a report data file is checked against: the ``dataSpec`` setting (a path beside the data file or a
shipped name) before the file's own ``format`` and ``version``."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from gaidsl.lsp.data_files import SpecCache, check_data_file
from gaidsl.lsp.server import GaidslServer
from tests.support import DATA, SPECS

REPORT = (DATA / "jiujia_2023.json").read_text(encoding="utf-8")


def test_the_data_spec_setting_is_read() -> None:
    server = GaidslServer()
    params = types.InitializeParams(
        capabilities=types.ClientCapabilities(), initialization_options={"dataSpec": "my_spec.gai"}
    )
    server.configure(params)
    assert server.data_spec == "my_spec.gai"


def test_the_setting_names_a_spec_beside_the_data_file(tmp_path: Path) -> None:
    spec = (SPECS / "gov_info_disclosure_2021.gai").read_text(encoding="utf-8")
    (tmp_path / "local.gai").write_text(spec.replace("check balance", "check balance_local"), encoding="utf-8")
    data = str(tmp_path / "report.json")
    bad = REPORT.replace('"requests.received.natural": 0', '"requests.received.natural": 5')
    by_setting = check_data_file(data, bad, "local.gai", SpecCache())
    by_format = check_data_file(data, bad, None, SpecCache())
    assert "balance_local" in {str(d.args["check"]) for d in by_setting}
    assert "balance" in {str(d.args["check"]) for d in by_format}


def test_the_setting_may_be_a_shipped_name_and_a_broken_spec_is_said(tmp_path: Path) -> None:
    data = str(tmp_path / "report.json")
    assert check_data_file(data, REPORT, "gov_info_disclosure@2021", SpecCache()) == ()
    (tmp_path / "broken.gai").write_text("format x version 1 {", encoding="utf-8")
    found = check_data_file(data, REPORT, "broken.gai", SpecCache())
    assert [(d.code, d.severity) for d in found] == [("GAI815", "warning")]
    assert "does not compile (1 errors)" in found[0].message.en
