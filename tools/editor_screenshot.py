"""Screenshots of ``gaidsl lsp`` in a real editor, for docs/editors.md: Neovim (Debian's ``neovim``, its built-in
LSP client) in tmux, an edit typed, a hover asked for, the screen captured with its colours and drawn by headless
Chromium.

    .venv/bin/python tools/editor_screenshot.py [-o docs/images]

Writes editor-neovim.png (the 2021 spec: a misspelt name under a check, its diagnostic, and the hover of a member)
and editor-neovim-data.png (a report data file: a value changed so that two checks fail, shown at the cells' keys,
and the hover of a cell key). Needs nvim, tmux, aha, chromium and fonts-noto-cjk.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GAIDSL = Path(sys.executable).parent / "gaidsl"

# Borders and the diagnostic's mark in ASCII: box drawing characters are "ambiguous width", one column in the
# terminal and two in a CJK font, which would break the picture's alignment.
INIT_LUA = """
vim.o.number = true
vim.o.signcolumn = "yes"
vim.o.swapfile = false
vim.o.hlsearch = false
vim.cmd("syntax off")
vim.cmd("autocmd BufRead,BufNewFile *.gai setfiletype gaidsl")
vim.cmd("highlight NormalFloat ctermbg=NONE ctermfg=252")
vim.cmd("highlight FloatBorder ctermbg=NONE ctermfg=244")
local gaidsl
vim.api.nvim_create_autocmd("FileType", {
  pattern = { "gaidsl", "json", "yaml" },
  callback = function(args)
    gaidsl = gaidsl or vim.lsp.start_client({
      name = "gaidsl",
      cmd = { os.getenv("GAIDSL_LSP"), "lsp" },
      root_dir = vim.fn.getcwd(),
      init_options = { lang = "en" },
    })
    vim.lsp.buf_attach_client(args.buf, gaidsl)
    vim.keymap.set("n", "K", vim.lsp.buf.hover, { buffer = args.buf })
  end,
})
vim.lsp.handlers["textDocument/hover"] = vim.lsp.with(
  vim.lsp.handlers.hover, { border = { "+", "-", "+", "|", "+", "-", "+", "|" }, max_width = 84 }
)
vim.diagnostic.config({ virtual_text = { prefix = "<<" } })
"""

PAGE_STYLE = (
    "font-family: 'Noto Sans Mono CJK SC', monospace; font-size: 13px; line-height: 1.25; margin: 8px; "
    "text-spacing-trim: space-all; font-kerning: none;"
)
COLUMNS, ROWS = 150, 33


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def _keys(session: str, *keys: str, wait: float = 1.0) -> None:
    for key in keys:
        _tmux("send-keys", "-t", session, key)
        if key == "Enter":
            time.sleep(0.3)
    time.sleep(wait)


def shoot(file: Path, steps: list[tuple[list[str], float]], out: Path, work: Path) -> None:
    """Open ``file`` in Neovim, type each step's keys and wait its seconds, then draw the screen to ``out``."""
    session = f"gaidsl-shot-{out.stem}"
    init = work / "init.lua"
    init.write_text(INIT_LUA, encoding="utf-8")
    command = f"cd {work} && GAIDSL_LSP={GAIDSL} TERM=xterm-256color nvim -u {init} {file.name}"
    _tmux("new-session", "-d", "-s", session, "-x", str(COLUMNS), "-y", str(ROWS), command)
    try:
        time.sleep(5)  # the server starts and publishes the first diagnostics
        for keys, wait in steps:
            _keys(session, *keys, wait=wait)
        screen = _tmux("capture-pane", "-t", session, "-e", "-p")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False)
    html = subprocess.run(
        ["aha", "--black", "--title", "gaidsl lsp in Neovim"], input=screen, capture_output=True, text=True, check=True
    ).stdout
    html = html.replace("<pre>", f'<pre style="{PAGE_STYLE}">').replace(
        '<body style="color:white; background-color:black">',
        '<body style="color:#ddd; background-color:#1c1c1c; margin:0">',
    )
    page = work / f"{out.stem}.html"
    page.write_text(html, encoding="utf-8")
    size = f"{COLUMNS * 13 // 2 + 17},{ROWS * 16 + 34}"
    subprocess.run(
        [
            "chromium",
            "--no-sandbox",
            "--headless",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--window-size={size}",
            f"--screenshot={out}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--out", type=Path, default=ROOT / "docs" / "images")
    args = parser.parse_args()
    for tool in ("nvim", "tmux", "aha", "chromium"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is needed (Debian: apt-get install neovim tmux aha chromium fonts-noto-cjk)")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        spec = work / "gov_info_disclosure_2021.gai"
        shutil.copy(ROOT / "specs" / spec.name, spec)
        shoot(
            spec,
            [
                ([":127s/carried_out/carried_oot/", "Enter"], 1.5),  # the edit: a misspelt member
                ([":124", "Enter", "zt", ":131", "Enter", "0w"], 2.0),
                (["K"], 3.0),  # the hover of carried_in
            ],
            args.out / "editor-neovim.png",
            work,
        )
        data = work / "report_2023.json"
        shutil.copy(ROOT / "tests" / "data" / "jiujia_2023.json", data)
        key = '"requests.received.natural": '
        shoot(
            data,
            [
                ([f":%s/{key}0/{key}5/", "Enter"], 2.0),  # two checks now fail
                ([f"/{key}", "Enter", "zt", "5k", "5j", "w"], 2.0),
                (["K"], 3.0),  # the hover of the cell key
            ],
            args.out / "editor-neovim-data.png",
            work,
        )
    print(f"wrote {args.out / 'editor-neovim.png'} and {args.out / 'editor-neovim-data.png'}")


if __name__ == "__main__":
    main()
