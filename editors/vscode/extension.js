// Pointe & Edge in VS Code: starts the game's own language server (`main.py lsp`) for YAML
// files and lets VS Code's language client do the rest. Everything the editor shows (problems
// and their quick fixes, go to definition, references, rename, completion, hover, the outline)
// comes from the server; this file only finds it and starts it.
"use strict";

const fs = require("fs");
const path = require("path");
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

// The clone of Pointe & Edge that holds `folder` (main.py and engine/lsp at its top), if any.
function cloneOf(folder) {
  for (let dir = folder; dir; ) {
    if (fs.existsSync(path.join(dir, "main.py")) && fs.existsSync(path.join(dir, "engine", "lsp"))) {
      return dir;
    }
    const up = path.dirname(dir);
    dir = up === dir ? undefined : up;
  }
  return undefined;
}

// How to start the server: the setting, else `uv run main.py lsp` in the clone, else the
// installed `pointe-edge lsp`.
function serverOptions(folder) {
  const words = vscode.workspace.getConfiguration("pointeEdge").get("server.command") || [];
  if (words.length > 0) {
    return { command: words[0], args: words.slice(1), options: { cwd: folder } };
  }
  const clone = folder ? cloneOf(folder) : undefined;
  if (clone) {
    return { command: "uv", args: ["run", "main.py", "lsp"], options: { cwd: clone } };
  }
  return { command: "pointe-edge", args: ["lsp"], options: { cwd: folder } };
}

async function activate(context) {
  const first = vscode.workspace.workspaceFolders && vscode.workspace.workspaceFolders[0];
  const folder = first ? first.uri.fsPath : undefined;
  client = new LanguageClient("pointeEdge", "Pointe & Edge", serverOptions(folder), {
    documentSelector: [{ scheme: "file", language: "yaml" }],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*.{yaml,yml}") },
  });
  context.subscriptions.push(
    vscode.commands.registerCommand("pointeEdge.restart", () => client.restart()),
  );
  await client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
