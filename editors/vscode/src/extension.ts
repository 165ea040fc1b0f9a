// The cfgkit extension: starts `cfgkit lsp` on stdio for OpenMMLab config files. All the
// work is the server's; this only launches it with the user's settings.
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const settings = vscode.workspace.getConfiguration("cfgkit");
  const [command, ...args] = settings.get<string[]>("command", ["cfgkit", "lsp"]);
  const server: ServerOptions = { command, args, transport: TransportKind.stdio };
  const options: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "python", pattern: settings.get<string>("documents") },
    ],
    initializationOptions: {
      // Configs run as Python only where both the user and VS Code's workspace trust say so.
      trusted: settings.get<boolean>("trusted", false) && vscode.workspace.isTrusted,
      path: settings.get<string[]>("path", []),
    },
  };
  client = new LanguageClient("cfgkit", "cfgkit", server, options);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("cfgkit") && client) {
        await client.restart(); // settings are read when the server starts
      }
    }),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
