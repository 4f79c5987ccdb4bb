// The VS Code client of `gaidsl lsp`: starts the server (the command in the setting gaidsl.server.command) over
// stdio for .gai specs, overlays and migrations, and for report data files (.json, .yaml) that name a format.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function serverOptions(config) {
  const command = config.get("server.command", ["gaidsl", "lsp"]);
  if (!Array.isArray(command) || command.length === 0 || typeof command[0] !== "string") {
    throw new Error('gaidsl.server.command must be a list such as ["gaidsl", "lsp"]');
  }
  return { command: command[0], args: command.slice(1), transport: TransportKind.stdio };
}

function initializationOptions(config) {
  const options = {};
  const lang = config.get("lang", "");
  if (lang) {
    options.lang = lang;
  }
  const spec = config.get("dataFiles.spec", "");
  if (spec) {
    options.dataSpec = spec;
  }
  return options;
}

async function start() {
  const config = vscode.workspace.getConfiguration("gaidsl");
  client = new LanguageClient("gaidsl", "gaidsl", serverOptions(config), {
    documentSelector: [
      { scheme: "file", language: "gaidsl" },
      { scheme: "file", language: "json" },
      { scheme: "file", language: "yaml" },
    ],
    initializationOptions: initializationOptions(config),
  });
  await client.start();
}

async function stop() {
  if (client) {
    const running = client;
    client = undefined;
    await running.stop();
  }
}

async function activate(context) {
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("gaidsl")) {
        await stop(); // the server reads its settings when it starts
        await start();
      }
    }),
  );
  await start();
}

async function deactivate() {
  await stop();
}

module.exports = { activate, deactivate };
