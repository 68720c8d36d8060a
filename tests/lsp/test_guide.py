"""The guide's language server settings (docs/authoring.md, "The language server") start the
real command for the story's files, and the VS Code extension of editors/vscode/ is one that
VS Code takes: its manifest, its settings, and the server it starts."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from engine.cli.parser import build_parser
from tests.docs.test_docs import named, section
from tests.support import ROOT

EXTENSION = ROOT / "editors" / "vscode"
PACKAGE = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))


def _starts_the_server(words: list[str]) -> None:
    """`words` start `main.py lsp` (through uv, in a clone) or the installed `pointe-edge lsp`."""
    if words[0] == "pointe-edge":
        args = words[1:]
    else:
        assert words[:2] == ["uv", "run"], words
        rest = words[2:]
        if rest[0] == "--directory":
            rest = rest[2:]
        assert rest[0] == "main.py", words
        args = rest[1:]
    assert build_parser().parse_args(args).command == "lsp"


def _body(name: str) -> str:
    (block,) = named("editor-config", name)
    return block.body


def test_the_vs_code_install_steps_build_the_extension_of_this_folder() -> None:
    steps = _body("vscode-install").splitlines()
    version = PACKAGE["version"]
    assert steps == [
        "npm install",
        "npx @vscode/vsce package --skip-license",
        f"code --install-extension {PACKAGE['name']}-{version}.vsix",
    ]
    readme = (EXTENSION / "README.md").read_text(encoding="utf-8")
    assert all(f"    {step}" in readme for step in steps)  # the extension says the same


def test_the_extension_manifest_is_one_vs_code_takes() -> None:
    assert re.fullmatch(r"[a-z0-9-]+", PACKAGE["name"]) and re.fullmatch(r"\d+\.\d+\.\d+", PACKAGE["version"])
    assert PACKAGE["publisher"] and PACKAGE["displayName"] and PACKAGE["description"]
    assert PACKAGE["engines"]["vscode"].startswith("^1.")
    assert (EXTENSION / PACKAGE["main"]).is_file()
    assert "workspaceContains:**/story.yaml" in PACKAGE["activationEvents"]
    assert "vscode-languageclient" in PACKAGE["dependencies"]
    settings = PACKAGE["contributes"]["configuration"]["properties"]
    assert settings["pointeEdge.server.command"]["type"] == "array"
    code = (EXTENSION / "extension.js").read_text(encoding="utf-8")
    assert 'getConfiguration("pointeEdge").get("server.command")' in code
    commands = {c["command"] for c in PACKAGE["contributes"]["commands"]}
    assert commands == set(re.findall(r'registerCommand\("([^"]+)"', code))
    # What the extension starts by itself is a command line of the real parser.
    for args in re.findall(r"args: (\[[^\]]*\])", code):
        words = json.loads(args)
        _starts_the_server(["uv", *words] if words[:1] == ["run"] else ["pointe-edge", *words])


def test_the_vs_code_setting_starts_the_server() -> None:
    settings = json.loads(_body("vscode-lsp"))
    assert set(settings) == {"pointeEdge.server.command"}
    assert set(settings) <= set(PACKAGE["contributes"]["configuration"]["properties"])
    _starts_the_server(settings["pointeEdge.server.command"])


def test_neovim_starts_the_server_for_yaml_files_in_a_story_folder() -> None:
    for name in ("neovim-lsp", "neovim-lsp-0.10"):
        body = _body(name)
        cmd = re.search(r"cmd = \{ (.*?) \}", body)
        assert cmd is not None, name
        _starts_the_server(re.findall(r'"([^"]*)"', cmd.group(1)))
        assert '"story.yaml"' in body, name
    modern = _body("neovim-lsp")
    assert 'vim.lsp.config("pointe_edge"' in modern and 'vim.lsp.enable("pointe_edge")' in modern
    assert 'filetypes = { "yaml" }' in modern and 'root_markers = { "story.yaml" }' in modern
    assert "vim.lsp.start(" in _body("neovim-lsp-0.10")


def test_helix_starts_the_server_beside_yaml_language_server() -> None:
    config = tomllib.loads(_body("helix-lsp"))
    server = config["language-server"]["pointe-edge"]
    _starts_the_server([server["command"], *server["args"]])
    (yaml,) = config["language"]
    assert yaml["name"] == "yaml" and yaml["roots"] == ["story.yaml"]
    assert yaml["language-servers"] == ["pointe-edge", "yaml-language-server"]


def test_the_commands_section_says_what_every_option_of_lsp_does() -> None:
    text = section("Commands")
    lsp = text.split("\n### lsp\n")[1].split("\n### ")[0]
    for option in ("--debounce", "--log", "--stdio"):
        assert f"`{option}" in lsp


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_the_extension_starts_main_py_lsp_in_the_clone_that_holds_the_folder(tmp_path: Path) -> None:
    """extension.js run by Node with VS Code's API stood in for: which server it starts."""
    harness = tmp_path / "harness.js"
    harness.write_text(
        """
const Module = require("module");
const started = [];
let setting = [];
const vscode = {
  workspace: {
    workspaceFolders: [{ uri: { fsPath: process.argv[2] } }],
    getConfiguration: () => ({ get: () => setting }),
    createFileSystemWatcher: (glob) => ({ glob }),
  },
  commands: { registerCommand: (name) => ({ name }) },
};
class LanguageClient {
  constructor(id, name, server, client) { started.push({ id, server, selector: client.documentSelector }); }
  start() { return Promise.resolve(); }
  stop() {}
}
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === "vscode") return vscode;
  if (request === "vscode-languageclient/node") return { LanguageClient };
  return load.apply(this, arguments);
};
const extension = require(process.argv[3]);
(async () => {
  await extension.activate({ subscriptions: [] });
  setting = ["uv", "run", "--directory", "/elsewhere", "main.py", "lsp"];
  await extension.activate({ subscriptions: [] });
  console.log(JSON.stringify(started));
})();
""",
        encoding="utf-8",
    )

    def started(folder: Path) -> list[dict[str, object]]:
        done = subprocess.run(
            ["node", str(harness), str(folder), str(EXTENSION / "extension.js")],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        found: list[dict[str, object]] = json.loads(done.stdout)
        return found

    in_clone, by_setting = started(ROOT / "stories" / "demo")
    assert in_clone["server"] == {
        "command": "uv",
        "args": ["run", "main.py", "lsp"],
        "options": {"cwd": str(ROOT)},
    }
    assert in_clone["selector"] == [{"scheme": "file", "language": "yaml"}]
    assert by_setting["server"]["args"] == ["run", "--directory", "/elsewhere", "main.py", "lsp"]  # type: ignore[index]
    (installed, _) = started(tmp_path)
    assert installed["server"] == {
        "command": "pointe-edge",
        "args": ["lsp"],
        "options": {"cwd": str(tmp_path)},
    }
