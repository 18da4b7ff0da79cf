// The whole extension: start `ftlint server` for JSON Lines files. Everything else (findings,
// quick fixes, "fix all", hover) is the server's.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

exports.activate = function activate() {
  const config = vscode.workspace.getConfiguration("ftlint");
  const run = { command: config.get("path") || "ftlint", args: ["server"] };
  client = new LanguageClient(
    "ftlint",
    "ftlint",
    { run, debug: run },
    {
      documentSelector: [
        { language: "jsonl" },
        { scheme: "file", pattern: "**/*.jsonl" },
      ],
      initializationOptions: config.get("initializationOptions") || {},
      // The server reloads its settings when a config file changes.
      synchronize: {
        fileEvents: vscode.workspace.createFileSystemWatcher(
          "**/{ftlint.toml,.ftlint.toml,pyproject.toml}"
        ),
      },
    }
  );
  return client.start();
};

exports.deactivate = function deactivate() {
  return client ? client.stop() : undefined;
};
